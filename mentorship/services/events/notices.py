"""The emails of an event: the invitation, a change and a cancellation, each with its iCalendar file.

Each email is queued in the outbox under a key naming the event, the kind of notice, the event's
SEQUENCE and the invitation, so a retried request mails nobody twice, while each later change (a higher
SEQUENCE) is mailed again. The .ics keeps one UID per event: calendars replace (REQUEST) or remove
(CANCEL) the copy they hold. The caller delivers the returned outbox ids after its commit
(`mail.jobs.send_soon`). The email links to the invitation's page, which writes only from its POST.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from mentorship.models import Event, Invitation
from mentorship.services import calendar, mail

SUBJECTS = {
    "invite": "Invitation: {title}",
    "update": "Changed: {title}",
    "cancel": "Cancelled: {title}",
    "place": "A place is yours: {title}",
}


def calendar_event(
    event: Event, invitation: Invitation, *, timezone: str, url: str
) -> calendar.CalendarEvent:
    """The event as iCalendar sees it, for one person's copy."""
    minutes = max(1, int((event.ends_at - event.starts_at).total_seconds() // 60))
    organizer = event.organizer
    return calendar.CalendarEvent(
        uid=f"event-{event.id}@mentorship",
        starts_at=event.starts_at.replace(tzinfo=ZoneInfo(timezone)),
        minutes=minutes,
        summary=event.title,
        sequence=event.sequence,
        location=event.place or "",
        description=event.description or "",
        organizer=calendar.CalendarPerson(organizer.email, organizer.full_name) if organizer else None,
        attendees=(calendar.CalendarPerson(invitation.person.email, invitation.person.full_name),),
        status="CANCELLED" if event.cancelled_at is not None else "CONFIRMED",
        url=url,
    )


def queue(
    event: Event,
    invitations: Iterable[Invitation],
    kind: str,
    *,
    link: Callable[[Invitation], str],
    timezone: str,
    now: dt.datetime,
) -> list[int]:
    """Queue the `kind` notice ('invite', 'update', 'cancel', or 'place' to someone the waitlist let in) to
    each invited person; the outbox ids.

    `now` is naive UTC, as the outbox stores it (the calendar's DTSTAMP is that instant)."""
    method = "CANCEL" if kind == "cancel" else "REQUEST"
    ids = []
    for inv in invitations:
        if not inv.invited or inv.person.erased_at is not None:
            continue
        url = link(inv)
        ics = calendar.event_bytes(
            calendar_event(event, inv, timezone=timezone, url=url),
            method=method,
            timezone=timezone,
            stamp=now.replace(tzinfo=dt.UTC),
        )
        email = mail.render(
            "event",
            to=inv.person.email,
            to_name=inv.person.full_name,
            subject=SUBJECTS[kind].format(title=event.title),
            attachments=(mail.Attachment("event.ics", calendar.MEDIA_TYPE, ics, method=method),),
            kind=kind,
            event=event,
            first_name=inv.person.first_name,
            link=url,
        )
        # A place can free for the same person twice (let in, declined, waitlisted again): each time they
        # asked (rsvp_at) is its own email; a retried request is not.
        asked = f":{inv.rsvp_at:%Y%m%dT%H%M%S%f}" if kind == "place" and inv.rsvp_at else ""
        key = f"event:{event.id}:{kind}:{event.sequence}:{inv.id}{asked}"
        row = mail.queue(email, key=key, kind=f"event_{kind}", now=now)
        if row is not None:
            ids.append(row.id)
    return ids
