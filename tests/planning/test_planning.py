"""Planned meetings through the web: plan, change, cancel (emails with the .ics, through a real SMTP
server), download, contact details on the pair's pages, and who may do each."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Meeting, PlannedMeeting
from mentorship.services import planning
from tests.mail.smtp import html, text

AGENDA = "AGENDA-private: the fellowship application"
DAY = dt.date.today() + dt.timedelta(days=10)


def _form(**changes) -> dict:
    data = {
        "day": DAY.isoformat(),
        "time": "16:30",
        "minutes": "45",
        "place": "Clinic B, room 4",
        "agenda": AGENDA,
    }
    data.update(changes)
    return data


def _plans() -> list[PlannedMeeting]:
    db.session.expire_all()
    return list(db.session.execute(select(PlannedMeeting).order_by(PlannedMeeting.id)).scalars())


def _calendar(message) -> tuple[Calendar, bytes, str]:
    """The .ics attached to `message`: parsed, its bytes, and the part's content type header."""
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.iter_attachments()]
    data = parts[0].get_payload(decode=True)
    return Calendar.from_ical(data), data, parts[0]["Content-Type"]


def _plan(login, pair, smtp=None, **changes):
    response = login(pair.mentee_user).post(f"/planned/pairing/{pair.pairing.id}/new", data=_form(**changes))
    response.close()  # delivery runs after the response, as in a real server
    return response


def test_the_mentee_plans_and_both_get_an_invitation_with_the_calendar_file(app, pair, login, smtp):
    response = _plan(login, pair)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    [plan] = _plans()
    assert plan.state == "planned" and plan.sequence == 0 and plan.agenda == AGENDA
    start = planning.local_start(plan, "America/New_York")
    assert (start.date(), start.hour, start.minute) == (DAY, 16, 30)
    assert {rcpt for rcpts, _ in smtp.messages for rcpt in rcpts} == {
        "mentor@example.org",
        "mentee@example.org",
    }
    assert len(smtp.messages) == 2
    for _rcpts, message in smtp.messages:
        cal, data, content_type = _calendar(message)
        assert "method=REQUEST" in content_type.replace('"', "")
        assert cal["METHOD"] == "REQUEST"
        [event] = cal.walk("VEVENT")
        assert str(event["UID"]) == plan.uid and event.decoded("SEQUENCE") == 0
        assert event["DTSTART"].params["TZID"] == "America/New_York"
        assert event.decoded("DTSTART").hour == 16
        assert sorted(str(a) for a in event["ATTENDEE"]) == [
            "mailto:mentee@example.org",
            "mailto:mentor@example.org",
        ]
        assert str(event["ORGANIZER"]) == f"mailto:{app.config['MAIL_DEFAULT_SENDER']}"
        body = text(message)
        assert "Clinic B, room 4" in body and f"/pairings/{pair.pairing.id}" in body
        for secret_holder in (body, html(message), data.decode()):
            assert "AGENDA-private" not in secret_holder
    [to_mentor] = smtp.to("mentor@example.org")
    assert text(to_mentor).startswith("Hello Morgan,") and "Riley Mentee planned a meeting with you:" in text(
        to_mentor
    )
    assert to_mentor["Subject"].startswith("Meeting planned with Riley Mentee: ")
    [to_mentee] = smtp.to("mentee@example.org")
    assert "You planned a meeting with Morgan Mentor:" in text(to_mentee)
    audits = db.session.execute(
        select(AuditEvent).where(AuditEvent.action.like("planned_meeting.%"))
    ).scalars()
    assert all("AGENDA" not in str(a.details) for a in audits)


def test_a_change_keeps_the_uid_and_raises_the_sequence_and_a_cancel_sends_method_cancel(
    app, pair, login, smtp
):
    _plan(login, pair)
    [plan] = _plans()
    uid = plan.uid
    mentor = login(pair.mentor_user)
    page = mentor.get(f"/planned/{plan.id}/edit").get_data(as_text=True)
    assert 'value="16:30"' in page and AGENDA in page  # the pair see the agenda on the form
    r = mentor.post(f"/planned/{plan.id}/edit", data=_form(time="09:15", place="https://video.example/j/42"))
    r.close()
    assert r.status_code == 302
    [plan] = _plans()
    assert plan.sequence == 1 and plan.uid == uid and planning.local_start(plan, "America/New_York").hour == 9
    r = mentor.post(f"/planned/{plan.id}/cancel")
    r.close()
    [plan] = _plans()
    assert plan.state == "cancelled" and plan.sequence == 2
    assert len(smtp.messages) == 6
    sequences, methods = [], []
    for message in smtp.to("mentee@example.org"):
        cal, _data, _type = _calendar(message)
        [event] = cal.walk("VEVENT")
        assert str(event["UID"]) == uid
        sequences.append(event.decoded("SEQUENCE"))
        methods.append(str(cal["METHOD"]))
        if cal["METHOD"] == "CANCEL":
            assert event["STATUS"] == "CANCELLED"
    assert sequences == [0, 1, 2] and methods == ["REQUEST", "REQUEST", "CANCEL"]
    subjects = [m["Subject"].split(":")[0] for m in smtp.to("mentee@example.org")]
    assert subjects == [
        "Meeting planned with Morgan Mentor",
        "Meeting changed with Morgan Mentor",
        "Meeting cancelled with Morgan Mentor",
    ]
    # A cancelled meeting cannot be changed or cancelled again, and nobody is mailed again.
    again = mentor.post(f"/planned/{plan.id}/cancel", follow_redirects=True)
    assert "was cancelled" in again.get_data(as_text=True)
    assert len(smtp.messages) == 6


def test_each_person_downloads_the_calendar_file_from_the_pairs_page(app, pair, login, smtp):
    _plan(login, pair)
    [plan] = _plans()
    for user in (pair.mentor_user, pair.mentee_user):
        browser = login(user)
        page = browser.get(f"/pairings/{pair.pairing.id}").get_data(as_text=True)
        assert f"/planned/{plan.id}/meeting.ics" in page and "Planned" in page and AGENDA in page
        r = browser.get(f"/planned/{plan.id}/meeting.ics")
        assert r.status_code == 200 and r.mimetype == "text/calendar"
        assert "attachment" in r.headers["Content-Disposition"]
        cal = Calendar.from_ical(r.data)
        assert str(cal.walk("VEVENT")[0]["UID"]) == plan.uid and b"AGENDA" not in r.data
        # The same version, the same file: the download is byte for byte what was emailed.
        assert r.data == _calendar(smtp.to(user.email)[0])[1]


def test_a_coordinator_plans_for_the_pair_but_never_sees_or_writes_the_agenda(app, pair, login, smtp):
    _plan(login, pair)
    [plan] = _plans()
    coord = login(pair.coordinator)
    page = coord.get(f"/pairings/{pair.pairing.id}").get_data(as_text=True)
    assert "Planned" in page and "AGENDA" not in page
    form = coord.get(f"/planned/{plan.id}/edit").get_data(as_text=True)
    assert "AGENDA" not in form and 'name="agenda"' not in form
    r = coord.post(f"/planned/{plan.id}/edit", data=_form(time="10:00", agenda="overwritten"))
    r.close()
    [plan] = _plans()
    assert plan.agenda == AGENDA and plan.sequence == 1  # kept: a coordinator's change cannot touch it
    r = coord.post(
        f"/planned/pairing/{pair.pairing.id}/new", data=_form(day=(DAY + dt.timedelta(days=1)).isoformat())
    )
    r.close()
    assert r.status_code == 302
    assert _plans()[-1].agenda is None
    assert "Casey Coord planned a meeting" in text(smtp.to("mentor@example.org")[-1])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day": (dt.date.today() - dt.timedelta(days=1)).isoformat()}, "Plan a meeting in the future"),
        ({"place": ""}, "Enter where you will meet"),
        ({"place": "Room\r\n4"}, "must be on one line"),
        ({"minutes": "0"}, "Enter 1 to 600 minutes"),
        ({"time": "25:00"}, "Enter the time of the meeting"),
        ({"day": "2026-02-30"}, "Enter the date of the meeting"),
        ({"agenda": "x" * 2001}, "2000"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(app, pair, login, smtp, changes, message):
    r = _plan(login, pair, **changes)
    assert r.status_code == 200
    assert message in r.get_data(as_text=True)
    assert _plans() == [] and smtp.messages == []


def test_planning_for_an_ended_pairing_is_refused(app, pair, login, smtp):
    pair.pairing.end_date = DAY - dt.timedelta(days=1)
    r = _plan(login, pair)
    assert r.status_code == 200 and "The mentorship ends on" in r.get_data(as_text=True)
    assert _plans() == []


def test_planned_meetings_are_not_meetings(app, pair, login, smtp):
    _plan(login, pair)
    assert db.session.execute(select(func.count(Meeting.id))).scalar_one() == 0


@pytest.mark.parametrize("who", ["other_mentor", "other_coordinator"])
def test_people_outside_the_pair_get_404_everywhere(app, pair, login, smtp, f, who):
    _plan(login, pair)
    [plan] = _plans()
    plan.starts_at = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(
        days=2
    )  # awaiting an outcome
    if who == "other_mentor":
        other = f.pairing(
            f.mentor(f.person("m2@example.org")), f.mentee(f.person("e2@example.org"), pair.program)
        )
        user = f.user(other.mentor.person)
    else:
        user = f.user(f.person("cb@example.org"), programs=[f.program("Surgery")])
    browser = login(user)
    before = len(smtp.messages)
    assert browser.get(f"/planned/pairing/{pair.pairing.id}/new").status_code == 404
    assert browser.post(f"/planned/pairing/{pair.pairing.id}/new", data=_form()).status_code == 404
    assert browser.get(f"/planned/{plan.id}/edit").status_code == 404
    assert browser.post(f"/planned/{plan.id}/edit", data=_form()).status_code == 404
    assert browser.post(f"/planned/{plan.id}/cancel").status_code == 404
    assert browser.get(f"/planned/{plan.id}/meeting.ics").status_code == 404
    assert browser.post(f"/planned/{plan.id}/outcome", data={"outcome": "held"}).status_code == 404
    [plan] = _plans()
    assert plan.state == "planned" and plan.sequence == 0 and len(smtp.messages) == before
    assert db.session.execute(select(func.count(Meeting.id))).scalar_one() == 0


def test_the_mentee_sees_her_mentors_email_and_phone_and_the_mentor_hers(app, pair, login):
    pair.mentor.person.phone, pair.mentor.person.contact_method = "+1 617 555 0100", "text"
    pair.mentor.person.availability = "Tue/Thu after 4 pm"
    mentee = login(pair.mentee_user)
    for url in ("/", f"/pairings/{pair.pairing.id}"):
        page = mentee.get(url).get_data(as_text=True)
        assert 'href="mailto:mentor@example.org"' in page
        assert 'href="tel:+16175550100"' in page and "+1 617 555 0100" in page
        assert "Prefers: text message" in page and "Tue/Thu after 4 pm" in page
    page = login(pair.mentor_user).get("/").get_data(as_text=True)
    assert 'href="mailto:mentee@example.org"' in page and "tel:" not in page  # she gave no phone


def test_a_coordinator_does_not_gain_the_contact_details(app, pair, login):
    pair.mentor.person.phone = "+1 617 555 0100"
    page = login(pair.coordinator).get(f"/pairings/{pair.pairing.id}").get_data(as_text=True)
    assert "555 0100" not in page


def test_the_profile_form_saves_contact_details_and_names_a_bad_value(app, pair, login):
    browser = login(pair.mentee_user)
    assert "Preferred way to be reached" in browser.get("/profile/contact").get_data(as_text=True)
    bad = browser.post("/profile/contact", data={"phone": "call me maybe", "contact_method": ""})
    assert bad.status_code == 200 and "Enter a phone number" in bad.get_data(as_text=True)
    no_phone = browser.post("/profile/contact", data={"phone": "", "contact_method": "text"})
    assert "Add a phone number to be reached by phone or text" in no_phone.get_data(as_text=True)
    odd = browser.post("/profile/contact", data={"contact_method": "pigeon"})
    assert odd.status_code == 200 and "Not a valid choice" in odd.get_data(as_text=True)
    db.session.expire_all()
    assert pair.mentee.person.phone is None and pair.mentee.person.contact_method is None
    ok = browser.post(
        "/profile/contact",
        data={"phone": " (617) 555-0199 x12 ", "contact_method": "phone", "availability": "Mornings"},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    person = pair.mentee.person
    assert (person.phone, person.contact_method, person.availability) == (
        "(617) 555-0199 x12",
        "phone",
        "Mornings",
    )
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "person.contact")).scalar_one()
    assert "555" not in str(event.details)


def test_the_introduction_carries_the_contact_details_given(app, pair):
    from mentorship.services.introductions import contact_details

    person = pair.mentor.person
    assert contact_details(person) == [("Email", "mentor@example.org")]
    person.phone, person.contact_method, person.availability = "+1 617 555 0100", "video", "Mornings"
    assert contact_details(person) == [
        ("Email", "mentor@example.org"),
        ("Phone", "+1 617 555 0100"),
        ("Prefers", "video call"),
        ("Available", "Mornings"),
    ]
