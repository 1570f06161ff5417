"""Each person's private calendar feed: an address with a long random secret, for Outlook or Google.

Calendar apps cannot sign in, so the secret in the address is the only key: it is 32 random bytes, the
database keeps only its SHA-256 (like API tokens), a new address replaces the old one and turning the feed
off deletes it. The feed holds the person's planned meetings that are still planned and the events they are
going to, built by the same code as the emailed .ics files (same UID, SEQUENCE and TZID), so a calendar
holding both shows one copy. Cancelled and resolved meetings, cancelled events and events the person is not
going to drop out of the feed. Agendas are never in it (the emailed files leave them out too: a calendar is
often shared with an assistant), nor the invitation's link, which answers for the person: an event links
to its page, behind sign-in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import or_, select

from mentorship.extensions import db
from mentorship.models import (
    CalendarFeed,
    Event,
    Invitation,
    MenteeProfile,
    MentorProfile,
    Pairing,
    PlannedMeeting,
    User,
)
from mentorship.services import audit, calendar, planning
from mentorship.services.events import notices

SECRET_BYTES = 32
MAX_SECRET = 100


def digest(secret: str) -> str:
    """The SHA-256 (hex) under which a feed secret is stored and looked up."""
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    """The user's feed, or None while it is off."""
    return db.session.execute(
        select(CalendarFeed).where(CalendarFeed.user_id == user.id)
    ).scalar_one_or_none()


def new_address(user: User, *, now: dt.datetime) -> str:
    """Make (or replace) the user's feed secret and return it; any earlier address stops working."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    feed = feed_of(user)
    action = "calendar_feed.create" if feed is None else "calendar_feed.replace"
    if feed is None:
        feed = CalendarFeed(user=user, secret_hash=digest(secret), created_at=now)
        db.session.add(feed)
    else:
        feed.secret_hash, feed.created_at = digest(secret), now
    db.session.flush()
    audit.record(user, action, feed)
    return secret


def turn_off(user: User) -> bool:
    """Delete the user's feed address; False if it was already off."""
    feed = feed_of(user)
    if feed is None:
        return False
    audit.record(user, "calendar_feed.off", feed)
    db.session.delete(feed)
    return True


def owner(secret: str) -> User | None:
    """The user whose feed `secret` opens, or None (unknown, replaced or turned off). Never writes."""
    if not secret or len(secret) > MAX_SECRET:
        return None
    wanted = digest(secret)
    feed = db.session.execute(
        select(CalendarFeed).where(CalendarFeed.secret_hash == wanted)
    ).scalar_one_or_none()
    # The lookup is by hash (a timing difference reveals nothing about the secret); compare once more
    # in constant time so the check does not rest on the database's string comparison.
    if feed is None or not hmac.compare_digest(feed.secret_hash, wanted):
        return None
    return feed.user


def planned_of(user: User) -> list[PlannedMeeting]:
    """The user's planned meetings that are still planned, in either role, soonest first."""
    person_id = user.person_id
    mine = or_(
        Pairing.mentor_id.in_(select(MentorProfile.id).where(MentorProfile.person_id == person_id)),
        Pairing.mentee_id.in_(select(MenteeProfile.id).where(MenteeProfile.person_id == person_id)),
    )
    return list(
        db.session.execute(
            select(PlannedMeeting)
            .join(Pairing, PlannedMeeting.pairing_id == Pairing.id)
            .where(PlannedMeeting.state == "planned", mine)
            .order_by(PlannedMeeting.starts_at, PlannedMeeting.id)
        ).scalars()
    )


def going_of(user: User) -> list[Invitation]:
    """The user's invitations to events not cancelled that they answered going to, soonest first."""
    return list(
        db.session.execute(
            select(Invitation)
            .join(Event, Invitation.event_id == Event.id)
            .where(
                Invitation.person_id == user.person_id,
                Invitation.invited.is_(True),
                Invitation.rsvp == "going",
                Event.cancelled_at.is_(None),
            )
            .order_by(Event.starts_at, Event.id)
        ).scalars()
    )


def feed_bytes(user: User, settings: planning.CalendarSettings, *, now: dt.datetime) -> bytes:
    """The user's feed as a METHOD:PUBLISH VCALENDAR: planned meetings, then events."""
    base = settings.base_url.rstrip("/")
    events = [planning.calendar_event(plan, settings) for plan in planned_of(user)] + [
        notices.calendar_event(
            inv.event, inv, timezone=settings.timezone, url=f"{base}/events/{inv.event_id}"
        )
        for inv in going_of(user)
    ]
    return calendar.calendar_bytes(
        events,
        method="PUBLISH",
        timezone=settings.timezone,
        stamp=now.replace(tzinfo=dt.UTC),
        name="Mentorship meetings",
    )
