"""The iCalendar module writes valid RFC 5545 files: parsed back with the `icalendar` package."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from config import TestConfig
from mentorship import create_app
from mentorship.services.calendar import (
    CalendarError,
    CalendarEvent,
    CalendarPerson,
    calendar_bytes,
    event_bytes,
)

STAMP = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
NEW_YORK = "America/New_York"


def _event(**changes) -> CalendarEvent:
    values: dict = {
        "uid": "planned-7@mentorship.example",
        "starts_at": dt.datetime(2027, 1, 14, 21, 30, tzinfo=dt.UTC),
        "minutes": 45,
        "summary": "Mentorship meeting: Dr Lena Park and Sam Lee",
        "location": "Clinic B, room 4; or https://video.example/j/123",
        "description": "Career planning, then research\nBring the CV",
        "organizer": CalendarPerson("office@example.org", "GME Office"),
        "attendees": (
            CalendarPerson("lena@example.org", "Dr Lena Park"),
            CalendarPerson("sam@example.org", "Sam Lee"),
        ),
    }
    values.update(changes)
    return CalendarEvent(**values)


def _parse(data: bytes):
    cal = Calendar.from_ical(data)
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_a_request_has_every_property_a_calendar_needs():
    data = event_bytes(_event(), method="REQUEST", timezone=NEW_YORK, stamp=STAMP)
    assert data.endswith(b"\r\n") and b"\r\n" in data and b"\n\n" not in data
    cal, event = _parse(data)
    assert cal["VERSION"] == "2.0" and cal["METHOD"] == "REQUEST" and "Mentorship" in cal["PRODID"]
    (tz,) = cal.walk("VTIMEZONE")
    assert tz["TZID"] == NEW_YORK
    assert event["UID"] == "planned-7@mentorship.example"
    assert event.decoded("DTSTAMP") == STAMP
    assert event["DTSTART"].params["TZID"] == NEW_YORK and event["DTEND"].params["TZID"] == NEW_YORK
    start = event.decoded("DTSTART")
    # 21:30 UTC in January is 16:30 in New York (EST), written as that local time.
    assert (start.hour, start.minute, start.utcoffset()) == (16, 30, dt.timedelta(hours=-5))
    assert event.decoded("DTEND") - start == dt.timedelta(minutes=45)
    assert event.decoded("SEQUENCE") == 0 and event["STATUS"] == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Mentorship meeting: Dr Lena Park and Sam Lee"
    assert str(event["LOCATION"]) == "Clinic B, room 4; or https://video.example/j/123"
    assert str(event["DESCRIPTION"]) == "Career planning, then research\nBring the CV"
    assert (
        str(event["ORGANIZER"]) == "mailto:office@example.org"
        and event["ORGANIZER"].params["CN"] == "GME Office"
    )
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:lena@example.org", "mailto:sam@example.org"]
    assert [a.params["CN"] for a in attendees] == ["Dr Lena Park", "Sam Lee"]


def test_summer_times_use_daylight_saving_time():
    data = event_bytes(
        _event(starts_at=dt.datetime(2027, 7, 1, 13, 0, tzinfo=dt.UTC)),
        method="REQUEST",
        timezone=NEW_YORK,
        stamp=STAMP,
    )
    start = _parse(data)[1].decoded("DTSTART")
    assert (start.hour, start.utcoffset()) == (9, dt.timedelta(hours=-4))


def test_the_zone_follows_the_setting():
    data = event_bytes(_event(), method="PUBLISH", timezone="Europe/London", stamp=STAMP)
    cal, event = _parse(data)
    assert cal["METHOD"] == "PUBLISH"
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/London" == event["DTSTART"].params["TZID"]
    assert event.decoded("DTSTART").hour == 21


def test_an_update_keeps_the_uid_and_raises_the_sequence_and_a_cancel_says_so():
    first = _parse(event_bytes(_event(), method="REQUEST", timezone=NEW_YORK, stamp=STAMP))[1]
    moved = _event(sequence=1, starts_at=dt.datetime(2027, 1, 15, 14, 0, tzinfo=dt.UTC))
    second = _parse(event_bytes(moved, method="REQUEST", timezone=NEW_YORK, stamp=STAMP))[1]
    cancel_cal, third = _parse(
        event_bytes(_event(sequence=2, status="CANCELLED"), method="CANCEL", timezone=NEW_YORK, stamp=STAMP)
    )
    assert first["UID"] == second["UID"] == third["UID"]
    assert first.decoded("SEQUENCE") < second.decoded("SEQUENCE") < third.decoded("SEQUENCE")
    assert cancel_cal["METHOD"] == "CANCEL" and third["STATUS"] == "CANCELLED"


def test_the_same_input_gives_the_same_bytes():
    assert event_bytes(_event(), method="REQUEST", timezone=NEW_YORK, stamp=STAMP) == event_bytes(
        _event(), method="REQUEST", timezone=NEW_YORK, stamp=STAMP
    )


def test_a_feed_holds_many_events_and_an_empty_feed_is_still_valid():
    events = [
        _event(uid=f"e{n}@x", starts_at=dt.datetime(2027, 3, n + 1, 15, tzinfo=dt.UTC)) for n in range(3)
    ]
    cal = Calendar.from_ical(
        calendar_bytes(events, method="PUBLISH", timezone=NEW_YORK, stamp=STAMP, name="Mine")
    )
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == ["e0@x", "e1@x", "e2@x"]
    assert cal["X-WR-CALNAME"] == "Mine"
    empty = Calendar.from_ical(calendar_bytes([], method="PUBLISH", timezone=NEW_YORK, stamp=STAMP))
    assert empty.walk("VEVENT") == [] and empty.walk("VTIMEZONE")[0]["TZID"] == NEW_YORK


def test_new_lines_in_values_cannot_add_properties():
    data = event_bytes(
        _event(summary="Hi\r\nATTENDEE:mailto:evil@example.org", location="A\nMETHOD:CANCEL"),
        method="REQUEST",
        timezone=NEW_YORK,
        stamp=STAMP,
    )
    cal, event = _parse(data)
    assert len(event["ATTENDEE"]) == 2 and cal["METHOD"] == "REQUEST"
    assert b"\r\nATTENDEE:mailto:evil" not in data


@pytest.mark.parametrize(
    ("changes", "method", "message"),
    [
        ({"starts_at": dt.datetime(2027, 1, 14, 16, 30)}, "REQUEST", "time zone"),
        ({"minutes": 0}, "REQUEST", "minutes"),
        ({"sequence": -1}, "REQUEST", "sequence"),
        ({"status": "MAYBE"}, "REQUEST", "status"),
        ({}, "CANCEL", "only cancelled"),
        ({}, "REPLY", "METHOD"),
    ],
)
def test_bad_values_are_named(changes, method, message):
    with pytest.raises(CalendarError, match=message):
        event_bytes(_event(**changes), method=method, timezone=NEW_YORK, stamp=STAMP)


def test_an_unknown_zone_is_refused_and_the_app_will_not_start_with_one():
    with pytest.raises(CalendarError, match="IANA"):
        event_bytes(_event(), method="REQUEST", timezone="Mars/Olympus", stamp=STAMP)

    class BadZone(TestConfig):
        TIMEZONE = "Eastern"

    with pytest.raises(RuntimeError, match="TIMEZONE 'Eastern'"):
        create_app(BadZone)


def test_the_default_zone_is_new_york():
    assert TestConfig.TIMEZONE == NEW_YORK
    assert ZoneInfo(TestConfig.TIMEZONE)
