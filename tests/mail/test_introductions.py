"""Introduction emails on every new pairing, through a real local SMTP server: matching runs, pairing by
hand, rematch, roster imports (only when asked) and a coordinator's resend."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import AuditEvent, LogLink, OutboundEmail, Pairing
from mentorship.services import introductions
from tests.mail.smtp import html, text
from tests.matching.test_routes import action, draft_fields, run
from tests.roster.helpers import messy_sheets, xlsx

N = 4
LINK_RE = re.compile(r"http://localhost/meetings/quick/\S+")


@pytest.fixture
def cohort(f):
    """N mentees of General Surgery and N mentors with one place each; a coordinator of the program."""
    prog = f.program("General Surgery", specialty="Surgery")
    mentees = [f.mentee(f.person(f"res{i}@example.org", "Rae", f"Resident{i}"), prog=prog) for i in range(N)]
    mentors = [
        f.mentor(f.person(f"fac{i}@example.org", "Lena", f"Park{i}"), capacity=1, specialty="Surgery")
        for i in range(N)
    ]
    coordinator = f.user(f.person("coord@example.org", "Casey", "Coord"), programs=[prog])
    db.session.commit()
    return prog, mentees, mentors, coordinator


def _apply_run(login, cohort):
    prog, *_rest, coordinator = cohort
    browser = login(coordinator)
    page = run(browser, prog.id).get_data(as_text=True)
    data = {**draft_fields(page), "start_date": dt.date.today().isoformat(), "apply": "1"}
    response = browser.post(action(page), data=data, follow_redirects=True)
    assert response.status_code == 200 and f"Created {N} pairings." in response.text
    return browser, action(page), data


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_an_applied_run_of_n_pairs_sends_2n_introductions_with_contacts_and_the_mentor_link(
    app, login, cohort, smtp
):
    _prog, mentees, mentors, _coordinator = cohort
    browser, url, data = _apply_run(login, cohort)
    assert len(smtp.messages) == 2 * N
    pairings = db.session.scalars(select(Pairing)).all()
    for pairing in pairings:
        mentor, mentee = pairing.mentor.person, pairing.mentee.person
        [to_mentor] = smtp.to(mentor.email)
        [to_mentee] = smtp.to(mentee.email)
        assert to_mentor["Subject"] == f"You are paired with {mentee.full_name} — General Surgery mentorship"
        assert to_mentee["Subject"] == f"You are paired with {mentor.full_name} — General Surgery mentorship"
        assert to_mentor["Reply-To"] == to_mentee["Reply-To"] == "coord@example.org"
        for msg, other in ((to_mentor, mentee), (to_mentee, mentor)):
            assert msg.get_content_type() == "multipart/alternative"
            body = text(msg)
            assert f"Email: {other.email}" in body and f"mailto:{other.email}" in html(msg)
            assert "Casey Coord: coord@example.org" in body
            assert "within 21 days" in body and f"At least {app.config['ENGAGEMENT_TARGET']} meetings" in body
            assert app.config["INTRO_AGENDAS"]["career"][0] in body
            assert "Mentorship program, the GME office" in body
        # Only the mentor gets the one-click link, and it is a live link of this pairing.
        [link] = LINK_RE.findall(text(to_mentor))
        assert LINK_RE.findall(text(to_mentee)) == []
        record = db.session.scalars(select(LogLink).where(LogLink.pairing_id == pairing.id)).one()
        assert record.sent_with == "introduction" and record.id not in text(to_mentor)  # signed, not raw
        assert link.rsplit("/", 1)[1]
    # Applying again (another coordinator's open draft) pairs nobody and mails nobody.
    assert browser.post(url, data=data, follow_redirects=True).status_code == 200
    assert len(smtp.messages) == 2 * N
    # And re-running the job for those pairings queues nothing: each email has its key.
    assert introductions.introduce([p.id for p in pairings]) == {"queued": 0, "sent": 0, "failed": 0}
    assert len(smtp.messages) == 2 * N


def test_no_raw_codes_in_any_introduction(app, login, cohort, smtp):
    _apply_run(login, cohort)
    # A code that is also an English word ("career") is fine in a sentence; these never are.
    codes = {code for code in (*vocab.MENTOR_TYPES, *vocab.MODALITIES, *vocab.END_REASONS) if "_" in code}
    for _rcpts, msg in smtp.messages:
        shown = text(msg) + html(msg) + msg["Subject"]
        assert not {code for code in codes if code in shown}
        assert "{{" not in shown and "None" not in shown and "Faculty" in shown or "faculty" not in shown


def test_the_sent_bodies_are_forgotten(app, login, cohort, smtp):
    _apply_run(login, cohort)
    rows = db.session.scalars(select(OutboundEmail)).all()
    assert len(rows) == 2 * N and all(r.status == "sent" and r.message is None for r in rows)


def test_pairing_by_hand_introduces_both_with_the_coordinator_who_paired(app, login, cohort, smtp):
    _prog, mentees, mentors, coordinator = cohort
    browser = login(coordinator)
    mentee, mentor = mentees[0], mentors[0]
    page = browser.get(f"/pairings/new?mentee={mentee.person_id}").get_data(as_text=True)
    assert page
    response = browser.post(
        f"/pairings/new?mentee={mentee.person_id}",
        data={"mentor_id": mentor.id, "kind": "research", "start_date": dt.date.today().isoformat()},
    )
    assert response.status_code == 302, response.text[:500]
    assert sorted(r for rcpts, _m in smtp.messages for r in rcpts) == [
        mentor.person.email,
        mentee.person.email,
    ]
    body = smtp.bodies_to(mentee.person.email)[0]
    assert "is now your research mentor" in body and app.config["INTRO_AGENDAS"]["research"][0] in body


def test_a_rematch_introduces_the_new_pair(app, login, cohort, smtp, f):
    _prog, mentees, mentors, coordinator = cohort
    old = f.pairing(mentors[0], mentees[0], start_date=dt.date.today() - dt.timedelta(days=30))
    db.session.commit()
    browser = login(coordinator)
    url = f"/pairings/new?mentee={mentees[0].person_id}&rematch={old.id}"
    data = {"mentor_id": mentors[1].id, "kind": "career", "start_date": dt.date.today().isoformat()}
    response = browser.post(url, data=data)
    assert response.status_code == 302, response.text[:500]
    assert len(smtp.to(mentors[1].person.email)) == 1 and len(smtp.to(mentees[0].person.email)) == 1
    assert smtp.to(mentors[0].person.email) == []  # the old mentor gets no introduction


def test_roster_import_sends_none_unless_notify(app, runner, tmp_path, smtp):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx(messy_sheets()))
    done = runner.invoke(args=["roster", "import", str(path)])
    assert done.exit_code == 0, done.output
    assert smtp.messages == [] and "Introductions" not in done.output


def test_roster_import_with_notify_introduces_the_running_pairings(app, runner, tmp_path, smtp):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx(messy_sheets()))
    done = runner.invoke(args=["roster", "import", "--notify", str(path)])
    assert done.exit_code == 0, done.output
    assert "Introductions: 4 email(s) sent." in done.output
    # Two running pairings (the third ended in 2025): both people of each, resident.one twice.
    recipients = sorted(r for rcpts, _m in smtp.messages for r in rcpts)
    assert recipients == [
        "dr.jane@hospital.org",
        "resident.one@hospital.org",
        "resident.one@hospital.org",
        "sam.lee@hospital.org",
    ]
    assert smtp.to("amy@hospital.org") == []


@pytest.mark.parametrize("notify, expected", [(False, 0), (True, 4)])
def test_web_import_notifies_only_with_the_tick_box(app, login, f, smtp, notify, expected):
    browser = login(f.user(is_admin=True))
    upload = browser.post("/roster/", data={"files": [(io.BytesIO(xlsx(messy_sheets())), "roster.xlsx")]})
    assert upload.status_code == 302
    preview = browser.get("/roster/preview")
    assert "Email an introduction to both people of each new pairing" in preview.text
    assert 'name="notify"' in preview.text and "checked" not in preview.text.split('name="notify"')[1][:40]
    assert browser.post("/roster/confirm", data={"notify": "y"} if notify else {}).status_code == 302
    assert len(smtp.messages) == expected


def test_a_coordinator_resends_an_introduction_as_a_new_audited_email(app, login, cohort, smtp, f):
    _prog, mentees, mentors, coordinator = cohort
    pairing = f.pairing(mentors[0], mentees[0], start_date=dt.date.today())
    db.session.commit()
    browser = login(coordinator)
    page = browser.get(f"/pairings/{pairing.id}")
    assert "No introduction email has gone out for this pairing." in page.text
    for round_ in (1, 2):
        response = browser.post(f"/pairings/{pairing.id}/introduction", follow_redirects=True)
        assert response.status_code == 200 and "The introduction is on its way to" in response.text
        assert len(smtp.messages) == 2 * round_
    page = browser.get(f"/pairings/{pairing.id}")
    assert "4 emails sent to the pair" in page.text
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "pairing.introduction_resend")
    ).all()
    assert len(events) == 2 and events[0].details["event"] != events[1].details["event"]
    assert _count(LogLink, LogLink.pairing_id == pairing.id) == 2  # each resend to the mentor has a link


def test_no_resend_for_an_ended_pairing_nor_without_the_token(app, login, cohort, smtp, f):
    _prog, mentees, mentors, coordinator = cohort
    pairing = f.pairing(mentors[0], mentees[0], start_date=dt.date(2024, 7, 1))
    pairing.end_date, pairing.end_reason = dt.date(2025, 1, 1), "completed"
    db.session.commit()
    browser = login(coordinator)
    assert "Send the introduction again" not in browser.get(f"/pairings/{pairing.id}").text
    response = browser.post(f"/pairings/{pairing.id}/introduction", follow_redirects=True)
    assert "This pairing has ended" in response.text
    assert browser.client.post(f"/pairings/{pairing.id}/introduction").status_code in (302, 400)
    assert smtp.messages == []


def test_cr_lf_in_a_name_cannot_add_header_lines_to_an_introduction(app, login, cohort, smtp, f):
    _prog, mentees, mentors, coordinator = cohort
    mentees[0].person.first_name = "Eve\r\nBcc: spy@evil.example"
    mentees[0].person.last_name = "X\nX-Injected: 1"
    pairing = f.pairing(mentors[0], mentees[0], start_date=dt.date.today())
    db.session.commit()
    introductions.introduce([pairing.id])
    assert len(smtp.messages) == 2
    for raw in smtp.raw:
        head = raw.decode().split("\r\n\r\n", 1)[0].split("\r\n")
        names = {line.split(":", 1)[0] for line in head if line and not line[0].isspace()}
        assert not names & {"Bcc", "X-Injected"}, names
    assert sorted(r for rcpts, _m in smtp.messages for r in rcpts) == sorted(
        [mentors[0].person.email, mentees[0].person.email]
    )
