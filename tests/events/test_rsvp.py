"""RSVP under a capacity: the waitlist, promotion when someone declines, and two people taking the last
place at the same moment (both databases: real threads, each with its own session)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import Invitation
from mentorship.services import ServiceError
from mentorship.services.events import rsvp
from tests.events import helpers as h
from tests.pairings.test_concurrency import run_together


def _event_with(f, n: int, capacity: int | None):
    prog = f.program()
    for _ in range(n):
        f.mentee(prog=prog)
    event = h.event(program_ids=[prog.id], for_mentors=False, capacity=capacity)
    return event, list(event.invitations)


def test_going_until_full_then_waitlisted(f):
    event, (a, b, c) = _event_with(f, 3, capacity=2)
    assert rsvp.respond(a, True, now=h.NOW).state == "going"
    assert rsvp.respond(b, True, now=h.NOW).state == "going"
    assert rsvp.respond(c, True, now=h.NOW).state == "waitlisted"
    assert rsvp.respond(c, True, now=h.NOW).state == "waitlisted"  # asking again keeps the place in the queue


def test_declining_promotes_the_longest_waiting(f):
    event, (a, b, c, d) = _event_with(f, 4, capacity=1)
    rsvp.respond(a, True, now=h.NOW)
    rsvp.respond(c, True, now=h.NOW + dt.timedelta(minutes=1))
    rsvp.respond(b, True, now=h.NOW + dt.timedelta(minutes=2))
    assert rsvp.respond(a, False, now=h.NOW + dt.timedelta(minutes=3)) == ("not_going", [c])
    assert (a.rsvp, b.rsvp, c.rsvp) == ("not_going", "waitlisted", "going")
    # A waitlisted person who declines frees nothing and promotes nobody.
    rsvp.respond(b, False, now=h.NOW + dt.timedelta(minutes=4))
    assert rsvp.counts(event)["going"] == 1 and d.rsvp is None


def test_no_capacity_means_no_waitlist(f):
    _, invs = _event_with(f, 3, capacity=None)
    assert [rsvp.respond(i, True, now=h.NOW).state for i in invs] == ["going"] * 3


def test_no_answer_after_the_event_or_once_cancelled(f):
    event, (a,) = _event_with(f, 1, capacity=None)
    with pytest.raises(ServiceError, match="over"):
        rsvp.respond(a, True, now=event.ends_at + dt.timedelta(minutes=1))
    event.cancelled_at = h.NOW
    with pytest.raises(ServiceError, match="cancelled"):
        rsvp.respond(a, True, now=h.NOW)


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the window between counting the places taken and writing, so an unlocked race would lose."""
    original = rsvp.going_count

    def slow(event_id):
        value = original(event_id)
        time.sleep(0.4)
        return value

    monkeypatch.setattr(rsvp, "going_count", slow)


def test_two_people_taking_the_last_place_at_once(app, f, slow_count):
    event, (first, a, b) = _event_with(f, 3, capacity=2)
    rsvp.respond(first, True, now=h.NOW)
    ids = a.id, b.id
    db.session.commit()

    def answer(inv_id):
        def job():
            rsvp.respond(db.session.get(Invitation, inv_id), True, now=h.NOW)

        return job

    outcomes = run_together(app, [answer(ids[0]), answer(ids[1])])
    assert outcomes == ["ok", "ok"], outcomes
    db.session.expire_all()
    states = db.session.execute(
        select(Invitation.rsvp).where(Invitation.id.in_(ids)).order_by(Invitation.rsvp)
    ).scalars()
    assert list(states) == ["going", "waitlisted"]
    assert rsvp.going_count(event.id) == 2
