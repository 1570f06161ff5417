"""Going / not going under a capacity, with a waitlist that promotes the next person when a place frees.

Two people taking the last place at the same moment: the answer is decided inside the caller's
transaction after locking the event's row (PostgreSQL `SELECT ... FOR UPDATE`; on SQLite a no-op UPDATE
takes the database's single write lock), so the count of those going and the change cannot interleave
with another answer: one gets the place, the other is waitlisted. The caller commits once.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from mentorship.extensions import db
from mentorship.models import Event, Invitation
from mentorship.services import ServiceError, audit


class ConcurrentAnswer(ServiceError):
    """Another answer held the event's lock for too long; nothing was saved."""


def lock_event(event_id: int) -> None:
    """Serialise answers to this event until the transaction ends."""
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(select(Event.id).where(Event.id == event_id).with_for_update())
        else:
            db.session.execute(
                update(Event)
                .where(Event.id == event_id)
                .values(sequence=Event.sequence)
                .execution_options(synchronize_session=False)
            )
    except OperationalError as exc:
        raise ConcurrentAnswer("Many people were answering at once; nothing was saved. Try again.") from exc


def going_count(event_id: int) -> int:
    """How many places are taken."""
    return db.session.execute(
        select(func.count(Invitation.id)).where(Invitation.event_id == event_id, Invitation.rsvp == "going")
    ).scalar_one()


def refusal(event: Event, now: dt.datetime) -> str | None:
    """Why nobody can answer now (cancelled, or over), or None."""
    if event.cancelled_at is not None:
        return "This event was cancelled."
    if now > event.ends_at:
        return "This event is over."
    return None


class Answer(NamedTuple):
    """The state an answer left ('going', 'waitlisted' or 'not_going') and whom it moved off the waitlist."""

    state: str
    promoted: list[Invitation]


def respond(invitation: Invitation, going: bool, *, now: dt.datetime) -> Answer:
    """Record an answer. Answering the same twice changes nothing. Declining a place promotes the
    longest-waiting person (the caller tells them: `notices.queue(..., "place")`)."""
    event = invitation.event
    why = refusal(event, now)
    if why is not None:
        raise ServiceError(why)
    lock_event(event.id)
    # Read again under the lock: another answer may have changed it since this session loaded it.
    db.session.refresh(invitation)
    wanted_going = invitation.rsvp in ("going", "waitlisted")
    if going == wanted_going:
        return Answer(invitation.rsvp or "not_going", [])
    was_going = invitation.rsvp == "going"
    if going:
        full = event.capacity is not None and going_count(event.id) >= event.capacity
        invitation.rsvp = "waitlisted" if full else "going"
    else:
        invitation.rsvp = "not_going"
    invitation.rsvp_at = now
    db.session.flush()
    promoted = promote(event, now=now) if was_going else []
    audit.record(invitation.person.user, "event.rsvp", event, rsvp=invitation.rsvp)
    return Answer(invitation.rsvp, promoted)


def promote(event: Event, *, now: dt.datetime) -> list[Invitation]:
    """Give free places to the waitlist in the order people asked (under the caller's lock)."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - going_count(event.id)
        if free <= 0:
            return []
    waiting = select(Invitation).where(Invitation.event_id == event.id, Invitation.rsvp == "waitlisted")
    waiting = waiting.order_by(Invitation.rsvp_at, Invitation.id)
    if free is not None:
        waiting = waiting.limit(free)
    promoted = list(db.session.execute(waiting).scalars())
    for inv in promoted:
        inv.rsvp = "going"
    db.session.flush()
    return promoted


def counts(event: Event) -> dict[str, int]:
    """Invited, going, waitlisted, not going and attended, for the event's page and the Events sheet."""
    invs = event.invitations
    return {
        "invited": sum(1 for i in invs if i.invited),
        "going": sum(1 for i in invs if i.rsvp == "going"),
        "waitlisted": sum(1 for i in invs if i.rsvp == "waitlisted"),
        "not_going": sum(1 for i in invs if i.rsvp == "not_going"),
        "attended": sum(1 for i in invs if i.attended),
    }
