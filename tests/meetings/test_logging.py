"""Logging, confirming, editing and deleting meetings, and who may do what."""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import zipfile

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Meeting
from mentorship.services import meetings as service

TODAY = dt.date.today()
SECRET = "Talked about leaving medicine; keep this private"


def _form(**overrides):
    data = {
        "nonce": secrets.token_urlsafe(12),
        "date": TODAY.isoformat(),
        "duration_minutes": "45",
        "modality": "video",
        "status": "held",
        "topics": ["research", "wellness"],
        "notes": SECRET,
    }
    data.update(overrides)
    return data


def _readable_bytes(body: bytes) -> bytes:
    """The body, or for a zip (an .xlsx export) the bytes of every member, so a search sees the text."""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return b"".join(z.read(name) for name in z.namelist())
    return body


def _meetings():
    db.session.expire_all()
    return db.session.execute(select(Meeting).order_by(Meeting.id)).scalars().all()


def test_mentor_home_shows_mentee_status_and_log_button(pair, f, login):
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=70))
    r = login(pair.mentor_user).get("/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Riley Mentee" in html
    assert (TODAY - dt.timedelta(days=70)).isoformat() in html
    assert "Overdue" in html  # 70 days since the last meeting > 60
    assert f'/meetings/pairing/{pair.pairing.id}/new"' in html
    assert "Log a meeting" in html


def test_mentee_home_shows_mentor(pair, login):
    html = login(pair.mentee_user).get("/").get_data(as_text=True)
    assert "Morgan Mentor" in html
    assert "Your mentor" in html
    assert "none yet" in html


def test_staff_only_user_is_redirected(pair, login):
    r = login(pair.coordinator).get("/")
    assert r.status_code == 302


def test_home_query_count_does_not_grow_with_pairings(f, login, app, count_queries):
    mentor = f.mentor(f.person("m@example.org", "Morgan", "M"), capacity=30)
    user = f.user(mentor.person)

    def home_queries():
        b = login(user)
        n, r = count_queries(lambda: b.get("/"))
        assert r.status_code == 200
        return n

    p = f.pairing(mentor, start_date=TODAY - dt.timedelta(days=200))
    f.meeting(p, TODAY - dt.timedelta(days=5), logged_as="mentee", logged_by_id=p.mentee.person_id)
    one = home_queries()
    for i in range(6):
        p = f.pairing(mentor, start_date=TODAY - dt.timedelta(days=150 + i))
        f.meeting(p, TODAY - dt.timedelta(days=3), logged_as="mentee", logged_by_id=p.mentee.person_id)
    assert home_queries() == one


def test_mentor_logs_a_meeting(pair, login):
    b = login(pair.mentor_user)
    form = b.get(f"/meetings/pairing/{pair.pairing.id}/new").get_data(as_text=True)
    assert f'value="{TODAY.isoformat()}"' in form  # date defaults to today
    assert 'value="30"' in form  # duration defaults to 30
    for label in ("Date", "Minutes", "How did you meet?", "Topics (optional)", "Private notes (optional)"):
        assert label in form
    r = b.post(f"/meetings/pairing/{pair.pairing.id}/new", data=_form())
    assert r.status_code == 302
    [m] = _meetings()
    assert (m.date, m.duration_minutes, m.modality, m.status) == (TODAY, 45, "video", "held")
    assert m.topics == ["research", "wellness"]
    assert m.notes == SECRET
    assert m.logged_by_id == pair.mentor.person_id and m.logged_as == "mentor"
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "meeting.create")).scalar_one()
    assert SECRET not in str(event.details)
    assert event.details["pairing_id"] == pair.pairing.id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": (TODAY + dt.timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"date": (TODAY - dt.timedelta(days=101)).isoformat()}, "before the mentorship started"),
        ({"date": "not a date"}, "Enter the date of the meeting"),
        ({"duration_minutes": "0"}, "Enter 1 to 600 minutes"),
        ({"duration_minutes": "601"}, "Enter 1 to 600 minutes"),
        ({"duration_minutes": "abc"}, "Enter 1 to 600 minutes"),
        ({"modality": "carrier pigeon"}, "Not a valid choice"),
        ({"topics": ["astrology"]}, "not a valid choice"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(pair, login, overrides, message):
    r = login(pair.mentor_user).post(f"/meetings/pairing/{pair.pairing.id}/new", data=_form(**overrides))
    assert r.status_code == 200
    assert message.lower() in r.get_data(as_text=True).lower()
    assert _meetings() == []


def test_notes_up_to_the_limit_are_kept_and_longer_ones_refused_by_the_form_and_the_service(pair, login):
    b = login(pair.mentor_user)
    r = b.post(f"/meetings/pairing/{pair.pairing.id}/new", data=_form(notes="n" * (service.MAX_NOTES + 1)))
    assert r.status_code == 200 and f"longer than {service.MAX_NOTES}" in r.get_data(as_text=True)
    assert _meetings() == []
    too_long = service.MeetingInput(date=TODAY, notes="n" * (service.MAX_NOTES + 1))
    with pytest.raises(service.InvalidMeeting) as caught:
        service.validate(pair.pairing, too_long, today=TODAY, allowed_topics=[])
    assert caught.value.field == "notes" and f"{service.MAX_NOTES:,} characters" in str(caught.value)
    r = b.post(f"/meetings/pairing/{pair.pairing.id}/new", data=_form(notes="n" * service.MAX_NOTES))
    assert r.status_code == 302
    assert [len(m.notes) for m in _meetings()] == [service.MAX_NOTES]


def test_boundary_dates_are_accepted(pair, login):
    b = login(pair.mentor_user)
    start = pair.pairing.start_date.isoformat()
    assert (
        b.post(
            f"/meetings/pairing/{pair.pairing.id}/new", data=_form(date=start, duration_minutes="1")
        ).status_code
        == 302
    )
    assert (
        b.post(f"/meetings/pairing/{pair.pairing.id}/new", data=_form(duration_minutes="600")).status_code
        == 302
    )
    assert [m.duration_minutes for m in _meetings()] == [1, 600]


def test_mentee_logs_and_mentor_confirms(pair, login):
    login(pair.mentee_user).post(f"/meetings/pairing/{pair.pairing.id}/new", data=_form(notes=""))
    [m] = _meetings()
    assert m.logged_as == "mentee" and m.notes is None
    b = login(pair.mentor_user)
    home = b.get("/").get_data(as_text=True)
    assert "Please confirm" in home
    # the person who logged it cannot confirm it
    assert login(pair.mentee_user).post(f"/meetings/{m.id}/confirm").status_code == 302
    assert _meetings()[0].confirmed_at is None
    b.post(f"/meetings/{m.id}/confirm")
    assert _meetings()[0].confirmed_at is not None
    assert "Please confirm" not in b.get("/").get_data(as_text=True)


def test_dispute(pair, f, login):
    m = f.meeting(pair.pairing, TODAY, logged_as="mentor", logged_by_id=pair.mentor.person_id)
    login(pair.mentee_user).post(f"/meetings/{m.id}/dispute")
    m = _meetings()[0]
    assert m.disputed_at is not None and m.confirmed_at is None


def test_coordinator_logs_on_behalf_without_notes(pair, login):
    b = login(pair.coordinator)
    form = b.get(f"/meetings/pairing/{pair.pairing.id}/new").get_data(as_text=True)
    assert "Private notes" not in form
    r = b.post(f"/meetings/pairing/{pair.pairing.id}/new", data=_form())
    assert r.status_code == 302
    [m] = _meetings()
    assert m.logged_as == "coordinator" and m.logged_by_id == pair.coordinator.person_id
    assert m.notes is None
    # both people can confirm a meeting a coordinator logged
    assert "A coordinator logged a meeting" in login(pair.mentee_user).get("/").get_data(as_text=True)


def test_notes_never_reach_a_coordinator_page(pair, f, login, app):
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=70), notes=SECRET, logged_by_id=pair.mentor.person_id)
    admin = f.user(f.person("admin@example.org"), is_admin=True)
    for user in (pair.coordinator, admin):
        b = login(user)
        pages = [
            f"/meetings/pairing/{pair.pairing.id}",
            "/reminders/attention",
            f"/people/{pair.mentee.person_id}",
            f"/people/{pair.mentor.person_id}",
        ]
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
                pages.append(rule.rule)
        for url in pages:
            r = b.get(url, follow_redirects=True)
            assert SECRET.encode() not in _readable_bytes(r.get_data()), url
    # the two people see it
    assert SECRET in login(pair.mentor_user).get(f"/meetings/pairing/{pair.pairing.id}").get_data(
        as_text=True
    )
    assert SECRET in login(pair.mentee_user).get(f"/meetings/pairing/{pair.pairing.id}").get_data(
        as_text=True
    )


def test_coordinator_of_another_program_gets_404(pair, f, login):
    other = f.user(f.person("other-coord@example.org"), programs=[f.program("Surgery")])
    b = login(other)
    assert b.get(f"/meetings/pairing/{pair.pairing.id}").status_code == 404
    assert b.get(f"/meetings/pairing/{pair.pairing.id}/new").status_code == 404


def test_another_mentor_cannot_reach_any_meeting_url(pair, f, login):
    m = f.meeting(pair.pairing, TODAY, notes=SECRET, logged_by_id=pair.mentor.person_id)
    m.created_at = service.utcnow()
    stranger_profile = f.mentor(f.person("stranger@example.org"))
    f.pairing(stranger_profile)  # has a mentee of their own
    b = login(f.user(stranger_profile.person))
    pid = pair.pairing.id
    gets = [f"/meetings/pairing/{pid}", f"/meetings/pairing/{pid}/new", f"/meetings/{m.id}/edit"]
    posts = [
        f"/meetings/pairing/{pid}/new",
        f"/meetings/{m.id}/edit",
        f"/meetings/{m.id}/delete",
        f"/meetings/{m.id}/confirm",
        f"/meetings/{m.id}/dispute",
        f"/meetings/pairing/{pid}/pulse",
    ]
    for url in gets:
        r = b.get(url)
        assert r.status_code in (403, 404), url
        assert SECRET not in r.get_data(as_text=True)
    for url in posts:
        assert b.post(url, data=_form()).status_code in (403, 404), url
    m = _meetings()[0]
    assert (m.deleted_at, m.confirmed_at, m.disputed_at, m.date) == (None, None, None, TODAY)
    assert len(_meetings()) == 1


def test_edit_window_and_only_the_logger(pair, f, login):
    m = f.meeting(pair.pairing, TODAY - dt.timedelta(days=3), logged_by_id=pair.mentor.person_id, notes="old")
    m.created_at = service.utcnow() - dt.timedelta(days=13, hours=23)
    b = login(pair.mentor_user)
    assert b.get(f"/meetings/{m.id}/edit").status_code == 200
    r = b.post(f"/meetings/{m.id}/edit", data=_form(duration_minutes="50", notes="new"))
    assert r.status_code == 302
    m = _meetings()[0]
    assert (m.duration_minutes, m.notes) == (50, "new")
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "meeting.update")).scalar_one()
    assert "notes" in event.details["changed"] and "new" not in str(event.details).replace("notes", "")
    # the other person cannot edit it
    assert login(pair.mentee_user).get(f"/meetings/{m.id}/edit").status_code == 403
    # after 14 days nobody can
    m.created_at = service.utcnow() - dt.timedelta(days=14, minutes=1)
    assert b.get(f"/meetings/{m.id}/edit").status_code == 403
    assert b.post(f"/meetings/{m.id}/delete").status_code == 403


def test_soft_delete_is_audited_and_not_counted(pair, f, login):
    m = f.meeting(
        pair.pairing, TODAY - dt.timedelta(days=2), logged_by_id=pair.mentor.person_id, notes=SECRET
    )
    m.created_at = service.utcnow()
    b = login(pair.mentor_user)
    assert login(pair.mentee_user).post(f"/meetings/{m.id}/delete").status_code == 403
    assert b.post(f"/meetings/{m.id}/delete").status_code == 302
    [m] = _meetings()
    assert m.deleted_at is not None  # the row stays
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "meeting.delete")).scalar_one()
    assert event.target_id == m.id and SECRET not in str(event.details)
    assert b.get(f"/meetings/{m.id}/edit").status_code == 404
    page = b.get(f"/meetings/pairing/{pair.pairing.id}").get_data(as_text=True)
    assert "0 meetings" in page
    assert "none yet" in b.get("/").get_data(as_text=True)


def test_cannot_log_before_a_future_pairing_starts(f, login):
    mentor = f.mentor()
    p = f.pairing(mentor, start_date=TODAY + dt.timedelta(days=5))
    b = login(f.user(mentor.person))
    r = b.post(f"/meetings/pairing/{p.id}/new", data=_form())
    assert r.status_code == 200 and "before the mentorship started" in r.get_data(as_text=True)


def test_ended_pairing_takes_no_meeting_after_its_end(pair, login):
    pair.pairing.end_date = TODAY - dt.timedelta(days=10)
    b = login(pair.mentor_user)
    r = b.post(f"/meetings/pairing/{pair.pairing.id}/new", data=_form())
    assert "after the mentorship ended" in r.get_data(as_text=True)
    ok = b.post(
        f"/meetings/pairing/{pair.pairing.id}/new",
        data=_form(date=(TODAY - dt.timedelta(days=10)).isoformat()),
    )
    assert ok.status_code == 302


def test_a_resubmitted_form_logs_once(pair, login):
    b = login(pair.mentor_user)
    page = b.get(f"/meetings/pairing/{pair.pairing.id}/new").get_data(as_text=True)
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    data = _form(nonce=nonce)
    assert b.post(f"/meetings/pairing/{pair.pairing.id}/new", data=data).status_code == 302
    again = b.post(f"/meetings/pairing/{pair.pairing.id}/new", data=data, follow_redirects=True)
    assert "already logged" in again.get_data(as_text=True)
    assert len(_meetings()) == 1
    # a form without its nonce is shown again with a new one, not an error
    data.pop("nonce")
    r = b.post(f"/meetings/pairing/{pair.pairing.id}/new", data=data)
    assert r.status_code == 200
    assert re.search(r'name="nonce" type="hidden" value="([^"]+)"', r.get_data(as_text=True))


def test_home_asks_to_confirm_only_recent_meetings(pair, f, login):
    f.meeting(
        pair.pairing, TODAY - dt.timedelta(days=31), logged_as="mentee", logged_by_id=pair.mentee.person_id
    )
    b = login(pair.mentor_user)
    assert "Please confirm" not in b.get("/").get_data(as_text=True)
    assert "Confirm" in b.get(f"/meetings/pairing/{pair.pairing.id}").get_data(as_text=True)
    f.meeting(
        pair.pairing, TODAY - dt.timedelta(days=30), logged_as="mentee", logged_by_id=pair.mentee.person_id
    )
    assert "Please confirm" in b.get("/").get_data(as_text=True)


@pytest.mark.parametrize("known_logger", [True, False], ids=["logger-known", "logger-unknown"])
def test_only_the_other_person_is_asked_to_confirm(pair, f, login, known_logger):
    """A meeting the mentor logged (also one loaded without its logger's id, as the demo data and accounts
    deleted since leave them) is the mentee's to confirm: the mentor is offered neither button nor prompt."""
    by = pair.mentor.person_id if known_logger else None
    m = f.meeting(pair.pairing, TODAY - dt.timedelta(days=2), logged_as="mentor", logged_by_id=by)
    mentor = login(pair.mentor_user)
    page = mentor.get(f"/meetings/pairing/{pair.pairing.id}").get_data(as_text=True)
    assert f"/meetings/{m.id}/confirm" not in page and f"/meetings/{m.id}/dispute" not in page
    assert "Please confirm" not in mentor.get("/").get_data(as_text=True)
    mentor.post(f"/meetings/{m.id}/confirm")
    assert _meetings()[0].confirmed_at is None
    mentee = login(pair.mentee_user)
    assert f"/meetings/{m.id}/confirm" in mentee.get(f"/meetings/pairing/{pair.pairing.id}").get_data(
        as_text=True
    )
    assert "Please confirm" in mentee.get("/").get_data(as_text=True)
    mentee.post(f"/meetings/{m.id}/confirm")
    assert _meetings()[0].confirmed_at is not None


def test_an_imported_meeting_asks_nobody_to_confirm(pair, f, login):
    m = f.meeting(pair.pairing, TODAY - dt.timedelta(days=2), logged_as="import")
    for user in (pair.mentor_user, pair.mentee_user):
        b = login(user)
        assert f"/meetings/{m.id}/confirm" not in b.get(f"/meetings/pairing/{pair.pairing.id}").get_data(
            as_text=True
        )
        assert "Please confirm" not in b.get("/").get_data(as_text=True)
