"""`flask mail send-queued`: what waits in the outbox goes out once, and what fails stays for the next run."""

from __future__ import annotations

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.extensions import mail as flask_mail
from mentorship.models import OutboundEmail
from mentorship.services import mail
from mentorship.services.meetings import utcnow
from tests.conftest import free_port


def _queue(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        email = mail.render(
            "password_reset", to=f"p{i}@example.org", to_name=f"P {i}", subject="Reset", first_name="P",
            hours=2, link="http://x/y",
        )  # fmt: skip
        mail.queue(email, key=f"test:queued:{i}", kind="test", now=utcnow())
    db.session.commit()


def _statuses() -> list[tuple[str, int]]:
    db.session.expire_all()
    return [
        (r.status, r.attempts) for r in db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id))
    ]


def test_every_queued_email_goes_once(app, smtp, runner, monkeypatch):
    monkeypatch.setattr("mentorship.cli.mail.BATCH", 2)  # several batches, each its own commit
    _queue(5)
    result = runner.invoke(args=["mail", "send-queued"])
    assert result.exit_code == 0, result.output
    assert "Sent 5 of 5 queued email(s)." in result.output
    assert sorted(rcpts[0] for rcpts, _message in smtp.messages) == [f"p{i}@example.org" for i in range(5)]
    again = runner.invoke(args=["mail", "send-queued"])
    assert again.exit_code == 0 and "Sent 0 of 0 queued email(s)." in again.output
    assert len(smtp.messages) == 5
    assert _statuses() == [("sent", 1)] * 5


def test_an_unreachable_server_leaves_them_queued_then_failed(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    monkeypatch.setitem(app.extensions, "mail", flask_mail.init_mail(app.config, testing=False))
    _queue(2)
    first = runner.invoke(args=["mail", "send-queued"])
    assert first.exit_code == 1
    assert "Sent 0 of 2 queued email(s)." in first.output
    assert "2 could not be sent: 0 failed for good after 3 tries" in first.output
    assert _statuses() == [("queued", 1)] * 2  # tried once each, not again and again
    for _ in range(2):
        runner.invoke(args=["mail", "send-queued"])
    assert _statuses() == [("failed", 3)] * 2
    last = runner.invoke(args=["mail", "send-queued"])
    assert last.exit_code == 0 and "Sent 0 of 0" in last.output
