"""`flask reminders send`: dry run, and a real send through a local SMTP server."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db, mail
from mentorship.models import AuditEvent, LogLink, Meeting, Reminder
from tests.conftest import free_port

TODAY = dt.date.today()


def _count(model) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def quiet(pair, f):
    """`pair` is overdue (no meeting in 100 days); a second pair never met; a third is fine."""
    never = f.pairing(
        f.mentor(f.person("m2@example.org", "Sam", "Second")),
        f.mentee(f.person("e2@example.org", "Alex", "Second"), pair.program),
        start_date=TODAY - dt.timedelta(days=25),
    )
    fine = f.pairing(start_date=TODAY - dt.timedelta(days=100))
    f.meeting(fine, TODAY - dt.timedelta(days=3))
    db.session.commit()
    return pair, never, fine


def test_dry_run_prints_and_writes_nothing(quiet, runner):
    pair, never, _fine = quiet
    before = (_count(Reminder), _count(AuditEvent))
    result = runner.invoke(args=["reminders", "send", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[:2] == [
        f"m2@example.org\te2@example.org\tnever met: started {never.start_date.isoformat()}, 25 days ago",
        "mentor@example.org\tmentee@example.org\toverdue: no held meeting in the 100 days since the start",
    ]
    assert lines[2].startswith("2 pairing(s) would be reminded")
    assert (_count(Reminder), _count(AuditEvent), _count(LogLink)) == (*before, 0)


def test_real_send_reaches_both_once_and_not_again(quiet, runner, smtp, client, app):
    pair, never, fine = quiet
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "2 pairing(s) reminded." in result.output
    recipients = sorted(r for rcpts, _msg in smtp.messages for r in rcpts)
    assert recipients == sorted(
        ["mentor@example.org", "mentee@example.org", "m2@example.org", "e2@example.org"]
    )
    by_to = {rcpts[0]: msg for rcpts, msg in smtp.messages}
    mentor_body = by_to["mentor@example.org"].get_body(("plain",)).get_content()
    mentee_body = by_to["mentee@example.org"].get_body(("plain",)).get_content()
    link = re.search(r"http://localhost(/meetings/quick/\S+)", mentor_body)
    assert link, mentor_body
    assert "/meetings/quick/" not in mentee_body  # only the mentor gets the one-click link
    assert "Riley Mentee" in mentor_body and "Morgan Mentor" in mentee_body
    office = app.config["OFFICE_CONTACT"]
    for msg in by_to.values():  # multipart text + HTML, from the office, no raw codes
        html = msg.get_body(("html",)).get_content()
        assert msg.is_multipart() and office in html and office in msg.get_body(("plain",)).get_content()
        assert "never_met" not in html and "overdue" not in msg["Subject"]
    # reminders are recorded, and the run is audited
    db.session.expire_all()
    reminded = sorted(r.pairing_id for r in db.session.execute(select(Reminder)).scalars())
    assert reminded == sorted([pair.pairing.id, never.id])
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "reminders.send")).scalar_one()
    assert sorted(event.details["pairings"]) == reminded
    # each mentor's email carries a link of its own, recorded for its pairing
    links = db.session.execute(select(LogLink.pairing_id)).scalars().all()
    assert sorted(links) == reminded
    # the link in the email opens the short form for that pairing
    page = client.get(link.group(1))
    assert page.status_code == 200 and "Log a meeting with Riley Mentee" in page.get_data(as_text=True)
    # a second run within the interval sends nothing
    again = runner.invoke(args=["reminders", "send"])
    assert again.exit_code == 0 and "0 pairing(s) reminded." in again.output
    assert len(smtp.messages) == 4
    assert _count(Reminder) == 2
    # once the interval has passed, the still-quiet pairs are reminded again
    for r in db.session.execute(select(Reminder)).scalars():
        r.sent_at -= dt.timedelta(days=14)
    db.session.commit()
    assert "2 pairing(s) reminded." in runner.invoke(args=["reminders", "send"]).output
    assert len(smtp.messages) == 8
    assert _count(Meeting) == 1  # (only `fine`'s meeting)
    assert fine.id not in reminded


def test_unreachable_smtp_server_fails_cleanly(quiet, runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    monkeypatch.setitem(app.extensions, "mail", mail.init_mail(app.config, testing=False))
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 1
    assert "0 pairing(s) reminded, 2 failed." in result.output
    assert _count(Reminder) == 0


def test_without_mail_server_mail_goes_to_the_log(quiet, runner, caplog):
    with caplog.at_level("INFO"):
        result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0
    assert "not sent, no MAIL_SERVER" in caplog.text and "mentee@example.org" in caplog.text
    assert "2 pairing(s) reminded." in result.output
    assert _count(Reminder) == 2
