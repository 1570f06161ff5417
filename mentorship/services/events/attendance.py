"""Attendance: check-in at the door (the QR code's page or the invitation's link) and bulk marking.

The check-in page works from an hour before the start to an hour after the end. Checking in twice counts
once: the first check-in's time is kept. Someone enrolled who was not invited may still check in at the
door (a walk-in): they get an invitation row marked not invited, so they count as attending but not as
invited.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import Event, Invitation, Person
from mentorship.services import ServiceError, audit

WINDOW = dt.timedelta(hours=1)


class OutsideWindow(ServiceError):
    """The check-in page is not open at this time."""


def window(event: Event) -> tuple[dt.datetime, dt.datetime]:
    """When check-in opens and closes: an hour before the start to an hour after the end."""
    return event.starts_at - WINDOW, event.ends_at + WINDOW


def window_refusal(event: Event, now: dt.datetime) -> str | None:
    """Why check-in is closed at `now` (office wall clock), or None when it is open."""
    if event.cancelled_at is not None:
        return "This event was cancelled."
    opens, closes = window(event)
    if now < opens:
        return f"Check-in opens at {opens:%H:%M} on {opens:%a %b %-d}, an hour before the event starts."
    if now > closes:
        return "Check-in has closed: it ends an hour after the event."
    return None


def check_in(invitation: Invitation, *, now: dt.datetime) -> bool:
    """Check in at the door; True if this was the first check-in (a second one changes nothing)."""
    why = window_refusal(invitation.event, now)
    if why is not None:
        raise OutsideWindow(why)
    if invitation.checked_in_at is not None:
        return False
    invitation.checked_in_at = now
    invitation.attended = True
    audit.record(invitation.person.user, "event.check_in", invitation.event)
    return True


def invitation_for(event: Event, person: Person) -> Invitation | None:
    """The person's invitation to the event, if any."""
    return db.session.execute(
        select(Invitation).where(Invitation.event_id == event.id, Invitation.person_id == person.id)
    ).scalar_one_or_none()


def check_in_person(event: Event, person: Person, *, now: dt.datetime) -> bool:
    """Check in a signed-in person from the QR code's page, as a walk-in if they were not invited."""
    why = window_refusal(event, now)
    if why is not None:
        raise OutsideWindow(why)
    invitation = invitation_for(event, person)
    if invitation is None:
        if person.mentor is None and person.mentee is None:
            raise ServiceError("Only mentors and mentees of the program check in to its events.")
        invitation = Invitation(event=event, person=person, token=secrets.token_urlsafe(24), invited=False)
        db.session.add(invitation)
        db.session.flush()
    return check_in(invitation, now=now)


def mark_attendance(event: Event, attended: Iterable[int], *, by: Person) -> int:
    """Set who attended from the organizer's list of invitation ids; returns how many changed."""
    chosen = set(attended)
    known = {inv.id for inv in event.invitations}
    if chosen - known:
        raise ServiceError("Choose people from the event's list.")
    changed = 0
    for inv in event.invitations:
        value = inv.id in chosen
        if inv.attended != value:
            inv.attended = value
            changed += 1
    audit.record(by.user, "event.attendance", event, changed=changed)
    return changed
