"""Creating, editing and cancelling events; the office's wall clock; who may organize one.

Event times are wall-clock times in the office's time zone (the `TIMEZONE` setting), so a check-in
window "an hour before the start" is compared with the office's clock, never the server's.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, false, or_, select, true

from mentorship import vocab
from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import Event, Invitation, Person, Program, User, event_programs
from mentorship.services import NotFound, ServiceError, audit
from mentorship.services.events import audience, rsvp

MAX_TITLE, MAX_PLACE, MAX_DESCRIPTION = 200, 300, 5_000
MAX_PGY = 10


class InvalidEvent(ServiceError):
    """A field of an event is not acceptable; `field` names it so a form can show the message beside it."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass
class EventInput:
    """What an organizer enters on the event form."""

    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: str = "other"
    place: str | None = None
    description: str | None = None
    program_ids: list[int] = field(default_factory=list)
    pgy_min: int | None = None
    pgy_max: int | None = None
    for_mentors: bool = True
    for_mentees: bool = True
    capacity: int | None = None


def office_now(timezone: str) -> dt.datetime:
    """The office's wall-clock time now, naive, as event times are stored."""
    return dt.datetime.now(ZoneInfo(timezone)).replace(tzinfo=None, microsecond=0)


def validate(data: EventInput, scope: Scope) -> None:
    """Raise InvalidEvent naming the field unless `data` is an event this organizer may hold."""
    if not (data.title or "").strip():
        raise InvalidEvent("Enter a title.", "title")
    if len(data.title.strip()) > MAX_TITLE:
        raise InvalidEvent(f"The title cannot be longer than {MAX_TITLE} characters.", "title")
    if data.kind not in vocab.EVENT_KINDS:
        raise InvalidEvent("Choose a kind of event from the list.", "kind")
    if data.starts_at is None:
        raise InvalidEvent("Enter when the event starts.", "starts_at")
    if data.ends_at is None or data.ends_at < data.starts_at:
        raise InvalidEvent("The end cannot be before the start.", "ends_at")
    if data.ends_at - data.starts_at > dt.timedelta(days=7):
        raise InvalidEvent("An event lasts at most a week.", "ends_at")
    if data.place and len(data.place.strip()) > MAX_PLACE:
        raise InvalidEvent(f"The place cannot be longer than {MAX_PLACE} characters.", "place")
    if data.description and len(data.description.strip()) > MAX_DESCRIPTION:
        raise InvalidEvent(
            f"The description cannot be longer than {MAX_DESCRIPTION:,} characters.", "description"
        )
    for name in ("pgy_min", "pgy_max"):
        value = getattr(data, name)
        if value is not None and not 1 <= value <= MAX_PGY:
            raise InvalidEvent(f"A PGY level is from 1 to {MAX_PGY}.", name)
    if data.pgy_min is not None and data.pgy_max is not None and data.pgy_min > data.pgy_max:
        raise InvalidEvent("The lowest PGY cannot be above the highest.", "pgy_max")
    if not (data.for_mentors or data.for_mentees):
        raise InvalidEvent("Invite mentors, mentees or both.", "for_mentees")
    if data.capacity is not None and data.capacity < 1:
        raise InvalidEvent("Capacity is at least 1 (leave it blank for no limit).", "capacity")
    if not scope.everything:
        if not data.program_ids:
            raise InvalidEvent("Choose the programs of the event.", "program_ids")
        if not set(data.program_ids) <= set(scope.program_ids or ()):
            raise InvalidEvent("Choose programs you coordinate.", "program_ids")


def _apply(event: Event, data: EventInput) -> None:
    event.title = data.title.strip()
    event.kind = data.kind
    event.starts_at = data.starts_at
    event.ends_at = data.ends_at
    event.place = (data.place or "").strip() or None
    event.description = (data.description or "").strip() or None
    event.pgy_min, event.pgy_max = data.pgy_min, data.pgy_max
    event.for_mentors, event.for_mentees = data.for_mentors, data.for_mentees
    event.capacity = data.capacity
    ids = sorted(set(data.program_ids))
    event.programs = (
        list(db.session.execute(select(Program).where(Program.id.in_(ids))).scalars()) if ids else []
    )
    if len(event.programs) != len(ids):
        raise InvalidEvent("Choose programs from the list.", "program_ids")


def create_event(data: EventInput, *, organizer: Person, scope: Scope, now: dt.datetime) -> Event:
    """Add an event and invite its audience; `now` is the office's wall clock."""
    validate(data, scope)
    event = Event(organizer=organizer, checkin_key=secrets.token_urlsafe(24), created_at=now, sequence=0)
    _apply(event, data)
    db.session.add(event)
    db.session.flush()
    audience.sync_invitations(event)
    audit.record(organizer.user, "event.create", event, title=event.title, starts_at=event.starts_at)
    return event


def update_event(
    event: Event, data: EventInput, *, by: Person, scope: Scope, now: dt.datetime
) -> list[Invitation]:
    """Change an event: its invitations follow the new audience, a larger capacity lets the waitlist in,
    and SEQUENCE rises for the calendar. Returns the new invitations (the caller emails them)."""
    if event.cancelled_at is not None:
        raise ServiceError("This event was cancelled; it cannot be changed.")
    validate(data, scope)
    rsvp.lock_event(event.id)
    _apply(event, data)
    event.sequence += 1
    db.session.flush()
    new = audience.sync_invitations(event)
    rsvp.promote(event, now=now)
    audit.record(by.user, "event.update", event, title=event.title, starts_at=event.starts_at)
    return new


def cancel_event(event: Event, *, by: Person, now: dt.datetime) -> None:
    """Cancel an event (it stays listed as cancelled); the caller tells those invited."""
    if event.cancelled_at is not None:
        raise ServiceError("This event is already cancelled.")
    event.cancelled_at = now
    event.sequence += 1
    audit.record(by.user, "event.cancel", event, title=event.title)


def get_event(event_id: int) -> Event:
    """An event, or NotFound."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound("No such event.")
    return event


def may_organize(user: User, event: Event | None = None) -> bool:
    """Admins organize any event; a coordinator one whose programs are all theirs (and not every program).

    Mentors do not organize: events are the office's, and a mentor who wants one asks a coordinator."""
    if user.is_admin:
        return True
    if not user.is_coordinator:
        return False
    if event is None:
        return True
    own = {p.id for p in user.programs}
    return bool(event.programs) and {p.id for p in event.programs} <= own


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """Condition on Event: events a staff scope sees (any of their programs; every event for admins)."""
    if scope.everything:
        return true()
    if not scope.program_ids:
        return false()
    ids = select(event_programs.c.event_id).where(event_programs.c.program_id.in_(scope.program_ids))
    return or_(Event.id.in_(ids))
