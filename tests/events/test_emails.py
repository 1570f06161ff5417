"""Event emails through a real SMTP server: the invitation with its .ics (METHOD:REQUEST), a change
(a higher SEQUENCE, the same UID) and the cancellation (METHOD:CANCEL); a link that opens, never writes."""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar

from mentorship.extensions import db
from mentorship.services.events import events as svc
from tests.conftest import csrf_from
from tests.events import helpers as h
from tests.mail.smtp import text


def _form(app, pair, start, **extra):
    fields = {
        "title": "Career panel",
        "kind": "career_panel",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Room 4",
        "program_ids": str(pair.program.id),
        "for_mentees": "y",
        "for_mentors": "y",
    }
    return {**fields, **extra}


def sent(response) -> None:
    """A redirect whose emails went out (they are delivered once the response is closed)."""
    assert response.status_code == 302
    response.close()


def _ics(message) -> Calendar:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


def test_invite_change_and_cancel_with_calendar_files(app, pair, login, smtp, client):
    start = svc.office_now(app.config["TIMEZONE"]).replace(second=0) + dt.timedelta(days=3)
    coord = login(pair.coordinator)
    response = coord.post("/events/new", _form(app, pair, start))
    assert response.status_code == 302
    response.close()  # the mail goes out once the server is done with the response
    event_url = response.headers["Location"]
    [invite] = smtp.to("mentee@example.org")
    assert invite["Subject"] == "Invitation: Career panel"
    cal = _ics(invite)
    assert cal["METHOD"] == "REQUEST"
    [vevent] = cal.walk("VEVENT")
    uid = str(vevent["UID"])
    assert vevent["SEQUENCE"] == 0 and str(vevent["LOCATION"]) == "Room 4"
    assert vevent.decoded("DTSTART").replace(tzinfo=None) == start
    link = re.search(r"http\S+/events/invitation/\S+", text(invite)).group(0)
    assert len(smtp.to("mentor@example.org")) == 1

    event_id = int(event_url.rstrip("/").rsplit("/", 1)[1])
    sent(coord.post(f"/events/{event_id}/edit", _form(app, pair, start, place="Room 9")))
    change = smtp.to("mentee@example.org")[-1]
    assert change["Subject"] == "Changed: Career panel"
    [vevent] = _ics(change).walk("VEVENT")
    assert str(vevent["UID"]) == uid and vevent["SEQUENCE"] == 1 and str(vevent["LOCATION"]) == "Room 9"

    sent(coord.post(f"/events/{event_id}/cancel"))
    cancel = smtp.to("mentee@example.org")[-1]
    cal = _ics(cancel)
    assert cal["METHOD"] == "CANCEL" and str(cal.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert len(smtp.to("mentee@example.org")) == 3
    # The emailed link still opens after the event was cancelled, and says so.
    path = link.split("localhost", 1)[1]
    assert "Cancelled" in client.get(path).get_data(as_text=True)


def test_a_place_freed_by_a_decline_is_mailed_to_the_person_let_in_once(app, pair, smtp, client):
    start = svc.office_now(app.config["TIMEZONE"]).replace(second=0) + dt.timedelta(days=3)
    event = h.event(
        program_ids=[pair.program.id],
        title="Coffee chat",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        capacity=1,
    )
    db.session.commit()
    links = {inv.person.email: f"/events/invitation/{inv.token}" for inv in event.invitations}

    def answer(email: str, rsvp: str) -> None:
        url = links[email]
        token = csrf_from(client.get(url).get_data(as_text=True))
        sent(client.post(url, data={"csrf_token": token, "rsvp": rsvp}))

    answer("mentor@example.org", "going")
    answer("mentee@example.org", "going")  # full: waitlisted
    assert smtp.messages == []
    answer("mentor@example.org", "not_going")
    answer("mentor@example.org", "not_going")  # the same answer again frees nothing more
    [place] = smtp.to("mentee@example.org")
    assert len(smtp.messages) == 1 and place["Subject"] == "A place is yours: Coffee chat"
    body = text(place)
    assert "A place has freed up and it is yours" in body and links["mentee@example.org"] in body
    cal = _ics(place)
    assert cal["METHOD"] == "REQUEST" and str(cal.walk("VEVENT")[0]["UID"]) == f"event-{event.id}@mentorship"
