"""Building events for the tests: an admin organizer and an event input with sensible defaults."""

from __future__ import annotations

import datetime as dt

from mentorship.access import Scope
from mentorship.models import Event, Person
from mentorship.services.events import events as svc
from tests import factories as f

START = dt.datetime(2025, 10, 15, 17, 0)
NOW = dt.datetime(2025, 10, 1, 9, 0)


def organizer() -> Person:
    """An admin's person, who may organize any event."""
    return f.user(f.person(first_name="Olive"), is_admin=True).person


def data(**fields) -> svc.EventInput:
    """An event input: a two-hour networking evening, everyone invited, unless `fields` say otherwise."""
    fields.setdefault("title", "Research night")
    fields.setdefault("kind", "networking")
    fields.setdefault("starts_at", START)
    fields.setdefault("ends_at", START + dt.timedelta(hours=2))
    return svc.EventInput(**fields)


def event(by: Person | None = None, **fields) -> Event:
    """A created event (admin scope), its audience invited."""
    return svc.create_event(data(**fields), organizer=by or organizer(), scope=Scope(None), now=NOW)
