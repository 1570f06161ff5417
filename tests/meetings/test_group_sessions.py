"""Group sessions: one meeting of a mentor with several mentees is a held meeting of each pairing, counts in
every figure, and editing or deleting it does so for all of them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import Meeting
from mentorship.services import exports
from tests.conftest import csrf_from
from tests.reports import institution
from tests.reports.helpers import load, request, values


@pytest.fixture
def group(f, app):
    prog = f.program("Internal Medicine")
    mentor = f.mentor(f.person("mentor@example.org", "Morgan", "Mentor"))
    mentees = [f.mentee(f.person(f"m{i}@example.org", "Mee", f"Tee{i}"), prog) for i in range(3)]
    start = dt.date.today() - dt.timedelta(days=60)
    pairings = [f.pairing(mentor, m, start_date=start) for m in mentees]
    other = f.mentor(f.person("other@example.org"))
    stranger = f.pairing(other, f.mentee(prog=prog), start_date=start)
    return f.user(mentor.person), pairings, stranger


def _post(browser, data):
    page = browser.get("/meetings/group/new").get_data(as_text=True)
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    return browser.client.post(
        "/meetings/group/new", data={"csrf_token": csrf_from(page), "nonce": nonce, **data}
    )


def _live():
    return list(db.session.execute(select(Meeting).where(Meeting.deleted_at.is_(None))).scalars())


def test_a_group_session_is_a_meeting_of_each_pairing(group, login):
    user, pairings, _ = group
    browser = login(user)
    day = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    response = _post(
        browser,
        {"pairings": [str(pairings[0].id), str(pairings[1].id)], "date": day, "duration_minutes": "45",
         "modality": "in_person", "status": "held"},
    )  # fmt: skip
    assert response.status_code == 302
    meetings = _live()
    assert sorted(m.pairing_id for m in meetings) == [pairings[0].id, pairings[1].id]
    assert len({m.group_id for m in meetings}) == 1 and meetings[0].group_id
    assert all(m.notes is None and m.duration_minutes == 45 for m in meetings)

    # Editing one edits both; deleting one deletes both.
    edit = f"/meetings/{meetings[0].id}/edit"
    page = browser.get(edit).get_data(as_text=True)
    assert "A group session" in page and 'name="notes"' not in page
    browser.post(edit, {"date": day, "duration_minutes": "90", "modality": "video", "status": "held"})
    db.session.expire_all()
    assert [(m.duration_minutes, m.modality) for m in _live()] == [(90, "video")] * 2
    browser.post(f"/meetings/{meetings[1].id}/delete")
    db.session.expire_all()
    assert _live() == []


def test_a_group_session_needs_two_of_the_mentors_own_pairings(group, login):
    user, pairings, stranger = group
    browser = login(user)
    day = dt.date.today().isoformat()
    one = _post(browser, {"pairings": [str(pairings[0].id)], "date": day, "duration_minutes": "30"})
    assert "Choose at least two mentees" in one.get_data(as_text=True)
    theirs = _post(
        browser, {"pairings": [str(pairings[0].id), str(stranger.id)], "date": day, "duration_minutes": "30"}
    )
    assert theirs.status_code == 200 and "not a valid choice" in theirs.get_data(as_text=True)
    early = (pairings[0].start_date - dt.timedelta(days=1)).isoformat()
    before = _post(
        browser,
        {"pairings": [str(pairings[0].id), str(pairings[1].id)], "date": early, "duration_minutes": "30"},
    )
    assert "Mee Tee0: The date cannot be before the mentorship started" in before.get_data(as_text=True)
    assert _live() == []


def test_a_double_submit_logs_once(group, login):
    user, pairings, _ = group
    browser = login(user)
    page = browser.get("/meetings/group/new").get_data(as_text=True)
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf_from(page), "nonce": nonce, "pairings": [str(p.id) for p in pairings],
            "date": dt.date.today().isoformat(), "duration_minutes": "30"}  # fmt: skip
    assert browser.client.post("/meetings/group/new", data=data).status_code == 302
    assert browser.client.post("/meetings/group/new", data=data).status_code == 302
    assert len(_live()) == 3


def test_group_sessions_count_in_every_figure(app, f):
    """On the hand-built institution, Oli Owen meets Dee and Eve together on 2025-02-20 (60 minutes): each
    pairing gains a held meeting, its hours, its last meeting and a connection."""
    from mentorship.services import meetings as svc

    objs = institution.build(f)
    p6, p7 = objs["p6"], objs["p7"]
    svc.log_group_session(
        [p6, p7],
        svc.MeetingInput(date=dt.date(2025, 2, 20), duration_minutes=60),
        nonce="group-nonce",
        by=objs["m3"].person,
        today=institution.D,
        allowed_topics=app.config["MEETING_TOPICS"],
        now=dt.datetime(2025, 2, 20, 18),
    )
    wb = load(exports.build_report("engagement", request(app)))
    pairings = {r[1]: r for r in values(wb["Pairings"])[1:]}
    # Dee: 5 → 6 meetings, 5 → 6 hours, last meeting Feb 15 → Feb 20 (39 days since D).
    assert pairings["Dee Dunn"][9:15] == (6, 6, dt.date(2024, 8, 4), 20, dt.date(2025, 2, 20), 39)
    # Eve: 1 → 2 meetings, 0.5 → 1.5 hours, no longer overdue (39 days).
    assert pairings["Eve Evans"][9:] == (2, 1.5, dt.date(2025, 1, 6), 5, dt.date(2025, 2, 20), 39, "On track")
    summary = {r[0]: r for r in values(wb["Summary"])[1:]}
    assert summary["Beta Surgery"][5:7] == (8, 7.5) and summary["All programs"][5:7] == (17, 16)
    months = {r[0]: r for r in values(wb["Meetings per month"])[1:]}
    assert months[dt.date(2025, 2, 1)][1:] == (3, 3)  # Dee Feb 15 plus the session's two
