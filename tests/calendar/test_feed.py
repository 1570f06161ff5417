"""The private calendar feed: a secret address per person, no sign-in, revocable, only their own meetings."""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, CalendarFeed
from mentorship.planning.routes import settings
from mentorship.services import planning
from mentorship.services.events import events as event_service
from mentorship.services.events import rsvp
from tests.conftest import csrf_from
from tests.events import helpers as h
from tests.security import world as W


def _turn_on(browser) -> str:
    """Press "turn on" / "make a new address" on the profile page; the feed's path shown once."""
    token = csrf_from(browser.get("/profile/").get_data(as_text=True))
    page = browser.post("/profile/calendar-feed", data={"csrf_token": token})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    url = re.search(r'value="(http[^"]+/profile/feed/[^"]+\.ics)"', page.get_data(as_text=True)).group(1)
    return url.split("localhost", 1)[-1]


def test_the_feed_holds_my_planned_meetings_with_the_emailed_uids_and_no_agenda(app, pair, login, client):
    soon = W.planned(pair.pairing, days=3, agenda="AGENDA-private")
    later = W.planned(pair.pairing, days=10)
    gone = W.planned(pair.pairing, days=5)
    gone.state = "cancelled"
    db.session.commit()
    path = _turn_on(login(pair.mentee_user))
    audits = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    response = client.get(path)  # no sign-in: a calendar app cannot
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    assert cal["METHOD"] == "PUBLISH"
    events = list(cal.walk("VEVENT"))
    emailed = [Calendar.from_ical(planning.ics(p, settings())) for p in (soon, later)]
    assert [str(e["UID"]) for e in events] == [str(next(iter(c.walk("VEVENT")))["UID"]) for c in emailed]
    assert all(e["DTSTART"].params["TZID"] == app.config["TIMEZONE"] for e in events)
    assert gone.uid.encode() not in response.data and b"AGENDA-private" not in response.data
    # GET writes nothing, not even an audit line.
    assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == audits


def test_the_mentor_of_the_pair_sees_the_same_meetings_and_another_pair_never_appears(
    app, f, pair, login, client
):
    mine = W.planned(pair.pairing, days=2)
    other_mentor = f.mentor(f.person("m2@example.org", "Other", "Mentor"))
    other_mentee = f.mentee(f.person("e2@example.org", "Other", "Mentee"), pair.program)
    theirs = W.planned(f.pairing(other_mentor, other_mentee), days=2)
    db.session.commit()
    body = client.get(_turn_on(login(pair.mentor_user))).data
    assert mine.uid.encode() in body and theirs.uid.encode() not in body
    assert b"Other Mentee" not in body


def test_a_new_address_revokes_the_old_and_turning_off_revokes_everything(app, pair, login, client):
    browser = login(pair.mentee_user)
    first = _turn_on(browser)
    second = _turn_on(browser)
    assert first != second
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    token = csrf_from(browser.get("/profile/").get_data(as_text=True))
    assert browser.post("/profile/calendar-feed/off", data={"csrf_token": token}).status_code == 302
    assert client.get(second).status_code == 404
    assert db.session.execute(select(func.count()).select_from(CalendarFeed)).scalar_one() == 0
    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert [a for a in actions if a.startswith("calendar_feed.")] == [
        "calendar_feed.create",
        "calendar_feed.replace",
        "calendar_feed.off",
    ]


def test_an_unknown_secret_is_a_plain_404_and_only_the_hash_is_stored(app, pair, login, client):
    path = _turn_on(login(pair.mentee_user))
    secret = path.rsplit("/", 1)[1].removesuffix(".ics")
    [feed] = db.session.execute(select(CalendarFeed)).scalars().all()
    assert secret not in feed.secret_hash and len(feed.secret_hash) == 64
    for bad in (secret[:-1] + "x", "x" * 500, ""):
        response = client.get(f"/profile/feed/{bad}.ics")
        assert response.status_code == 404 and b"calendar" not in response.data.lower()


def test_events_i_am_going_to_are_in_the_feed_with_the_emailed_uid_and_no_invitation_link(
    app, pair, login, client
):
    start = event_service.office_now(app.config["TIMEZONE"]).replace(second=0, microsecond=0)
    made = [
        h.event(
            program_ids=[pair.program.id],
            title=title,
            starts_at=start + dt.timedelta(days=days),
            ends_at=start + dt.timedelta(days=days, hours=1),
        )
        for title, days in (("Going panel", 4), ("Declined panel", 5), ("Cancelled panel", 6))
    ]
    mine = {e.title: next(i for i in e.invitations if i.person_id == pair.mentee.person_id) for e in made}
    rsvp.respond(mine["Going panel"], True, now=h.NOW)
    rsvp.respond(mine["Declined panel"], False, now=h.NOW)
    rsvp.respond(mine["Cancelled panel"], True, now=h.NOW)
    made[2].cancelled_at = h.NOW
    db.session.commit()
    body = client.get(_turn_on(login(pair.mentee_user))).data
    [event] = [e for e in Calendar.from_ical(body).walk("VEVENT") if str(e["SUMMARY"]).endswith("panel")]
    assert str(event["SUMMARY"]) == "Going panel" and str(event["UID"]) == f"event-{made[0].id}@mentorship"
    assert event["DTSTART"].params["TZID"] == app.config["TIMEZONE"]
    assert str(event["URL"]).endswith(f"/events/{made[0].id}")
    assert all(i.token.encode() not in body for i in mine.values())
    # The mentor did not answer: the feed of the other person of the pair has none of them.
    assert b"panel" not in client.get(_turn_on(login(pair.mentor_user))).data
