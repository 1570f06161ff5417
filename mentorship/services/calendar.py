"""iCalendar (RFC 5545) files: a small dataclass per event in, the bytes of a VCALENDAR out.

Pure: no Flask, no database. Planned meetings, events and the private calendar feed all build their
calendars here, so every file the app sends has the same shape: PRODID, VERSION, METHOD, one VTIMEZONE
for the `TIMEZONE` setting, and VEVENTs whose times carry that TZID (clients then show the local time the
person chose, across daylight-saving changes, instead of a UTC time they must convert).

Updates follow RFC 5546 (iTIP): the UID of an event never changes, each change or cancellation raises its
SEQUENCE, and a cancellation is sent with METHOD:CANCEL and STATUS:CANCELLED, so a calendar that already
holds the event replaces or removes it rather than adding a second copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# icalendar is imported by the functions that write a file: create_app checks TIMEZONE with `zone`, and
# every command would otherwise pay for the library's import.
if TYPE_CHECKING:
    from icalendar import Event, Timezone, vCalAddress

PRODID = "-//GME Office//Mentorship Program Manager//EN"
METHODS = ("REQUEST", "PUBLISH", "CANCEL")
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
MEDIA_TYPE = "text/calendar"


class CalendarError(ValueError):
    """An event cannot be written as iCalendar; the message says which value is wrong."""


@dataclass(frozen=True)
class CalendarPerson:
    """An organizer or attendee: an email address and the name calendars show (CN)."""

    email: str
    name: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    """One timed event. `starts_at` is timezone-aware (any zone); it is written in the calendar's zone."""

    uid: str
    starts_at: dt.datetime
    minutes: int
    summary: str
    sequence: int = 0
    location: str = ""
    description: str = ""
    organizer: CalendarPerson | None = None
    attendees: Sequence[CalendarPerson] = field(default_factory=tuple)
    status: str = "CONFIRMED"
    url: str = ""

    @property
    def ends_at(self) -> dt.datetime:
        """When the event ends."""
        return self.starts_at + dt.timedelta(minutes=self.minutes)


def zone(name: str) -> ZoneInfo:
    """The IANA time zone called `name` (the TIMEZONE setting); CalendarError if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(
            f"TIMEZONE {name!r} is not an IANA time zone name such as America/New_York."
        ) from None


def _check(event: CalendarEvent, method: str) -> None:
    if event.starts_at.tzinfo is None or event.starts_at.utcoffset() is None:
        raise CalendarError(f"Event {event.uid}: starts_at must carry a time zone.")
    if event.minutes < 1:
        raise CalendarError(f"Event {event.uid}: minutes must be at least 1.")
    if event.sequence < 0:
        raise CalendarError(f"Event {event.uid}: sequence cannot be negative.")
    if event.status not in STATUSES:
        raise CalendarError(f"Event {event.uid}: status must be one of {', '.join(STATUSES)}.")
    if method == "CANCEL" and event.status != "CANCELLED":
        raise CalendarError(f"Event {event.uid}: a METHOD:CANCEL calendar holds only cancelled events.")


def _address(person: CalendarPerson, **params: str) -> vCalAddress:
    from icalendar import vCalAddress

    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    address.params.update(params)
    return address


def _vevent(event: CalendarEvent, tz: ZoneInfo, stamp: dt.datetime) -> Event:
    from icalendar import Event

    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp.astimezone(dt.UTC))
    vevent.add("dtstart", event.starts_at.astimezone(tz))
    vevent.add("dtend", event.ends_at.astimezone(tz))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    if event.organizer is not None:
        vevent.add("organizer", _address(event.organizer))
    for attendee in event.attendees:
        # RSVP=FALSE: replies would go to the organizer address, which nobody reads; people answer in the app.
        vevent.add(
            "attendee",
            _address(attendee, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="FALSE"),
        )
    vevent.add("status", event.status)
    return vevent


def calendar_bytes(
    events: Sequence[CalendarEvent],
    *,
    method: str,
    timezone: str,
    stamp: dt.datetime,
    name: str = "",
) -> bytes:
    """The VCALENDAR holding `events`, written in `timezone`, as the bytes of an .ics file.

    `stamp` (the DTSTAMP, when this copy was made) is passed in so that the same input gives the same
    bytes. `name` titles a feed (X-WR-CALNAME) for clients that show one.
    """
    if method not in METHODS:
        raise CalendarError(f"METHOD must be one of {', '.join(METHODS)}, not {method!r}.")
    tz = zone(timezone)
    for event in events:
        _check(event, method)
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    cal.add_component(_timezone(tz, timezone, events, stamp))
    for event in events:
        cal.add_component(_vevent(event, tz, stamp))
    return cal.to_ical()


def _timezone(tz: ZoneInfo, tzid: str, events: Sequence[CalendarEvent], stamp: dt.datetime) -> Timezone:
    from icalendar import Timezone

    # Only the rules of the years the events fall in (and one either side), not 1970-2038: the file
    # stays a few hundred bytes and every client still resolves each time exactly.
    years = [event.starts_at.astimezone(tz).year for event in events] or [stamp.astimezone(tz).year]
    first, last = dt.date(min(years) - 1, 1, 1), dt.date(max(years) + 1, 12, 31)
    return Timezone.from_tzinfo(tz, tzid=tzid, first_date=first, last_date=last)


def event_bytes(event: CalendarEvent, *, method: str, timezone: str, stamp: dt.datetime) -> bytes:
    """The .ics file of one event (an invitation, its update or its cancellation)."""
    return calendar_bytes([event], method=method, timezone=timezone, stamp=stamp)
