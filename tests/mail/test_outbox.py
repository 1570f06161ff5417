"""The mail layer against a real local SMTP server: multipart messages, attachments, header injection,
the outbox's idempotency keys, and deliveries that never send an email twice."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import OutboundEmail
from mentorship.services import mail
from mentorship.services.mail import outbox
from mentorship.services.meetings import utcnow
from tests.conftest import free_port
from tests.mail.smtp import html, text

CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def _reset_email(to="zoe@example.org", name="Zoë Park"):
    return mail.render(
        "password_reset", to=to, to_name=name, subject="Reset", first_name="Zoë", hours=2, link="http://x/y"
    )


def _count() -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(OutboundEmail)).scalar_one()


def test_a_rendered_email_is_text_and_html_with_the_office_name(app, smtp):
    mail.send([_reset_email()])
    [(rcpts, msg)] = smtp.messages
    assert rcpts == ["zoe@example.org"]
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["To"] == "Zoë Park <zoe@example.org>"
    office = app.config["OFFICE_CONTACT"]
    assert "Hello Zoë," in text(msg) and f"Mentorship program, {office}" in text(msg)
    assert "<p>Hello Zoë,</p>" in html(msg) and office in html(msg)
    assert "http://x/y" in text(msg)


def test_html_part_escapes_what_people_typed(app, smtp):
    email = mail.render(
        "password_reset", to="a@example.org", subject="s", first_name="<script>", hours=2, link="l"
    )
    mail.send([email])
    [(_rcpts, msg)] = smtp.messages
    assert "<script>" not in html(msg) and "&lt;script&gt;" in html(msg)
    assert "Hello <script>," in text(msg)  # plain text is not HTML: shown as typed


def test_an_attachment_keeps_its_type_and_calendar_method(app, smtp):
    email = mail.Email(
        to="a@example.org",
        subject="Meeting",
        text="See the invitation.",
        html="<p>See the invitation.</p>",
        reply_to="coord@example.org",
        attachments=(mail.Attachment("meeting.ics", "text/calendar", CALENDAR, method="REQUEST"),),
    )
    mail.send([email])
    [(_rcpts, msg)] = smtp.messages
    assert msg.get_content_type() == "multipart/mixed"
    assert msg["Reply-To"] == "coord@example.org"
    [part] = list(msg.iter_attachments())
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "meeting.ics"
    assert part.get_payload(decode=True) == CALENDAR
    assert text(msg).strip() == "See the invitation."


def test_cr_lf_in_a_name_or_subject_cannot_add_a_header_line(app, smtp):
    email = mail.Email(
        to="victim@example.org",
        to_name="Eve\r\nBcc: spy@evil.example",
        subject="Hello\nBcc: spy2@evil.example\r\nX-Injected: yes",
        text="body",
    )
    mail.send([email])
    [(rcpts, msg)] = smtp.messages
    assert rcpts == ["victim@example.org"]
    raw = smtp.raw[0].decode()
    headers = raw.split("\r\n\r\n", 1)[0].split("\r\n")
    names = [line.split(":", 1)[0] for line in headers if line and not line[0].isspace()]
    assert "Bcc" not in names and "X-Injected" not in names
    assert msg["Subject"] == "Hello Bcc: spy2@evil.example X-Injected: yes"
    assert "spy@evil.example" not in msg["To"].addresses[0].addr_spec


def test_queue_twice_with_one_key_mails_once(app, smtp):
    now = utcnow()
    first = mail.queue(_reset_email(), key="test:1:2", kind="test", now=now)
    again = mail.queue(_reset_email(), key="test:1:2", kind="test", now=now)
    assert first is not None and again is None
    db.session.commit()
    assert _count() == 1
    result = mail.deliver(now=now)
    db.session.commit()
    assert result.sent == [first.id] and len(smtp.messages) == 1
    assert mail.queue(_reset_email(), key="test:1:2", kind="test", now=now) is None  # sent: still known


def test_deliver_twice_sends_once_and_forgets_the_body(app, smtp):
    now = utcnow()
    row = mail.queue(_reset_email(), key="test:once", kind="test", now=now)
    db.session.commit()
    assert mail.deliver([row.id], now=now).sent == [row.id]
    db.session.commit()
    assert mail.deliver([row.id], now=now).sent == []
    db.session.commit()
    assert len(smtp.messages) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts, row.message, row.sent_at) == ("sent", 1, None, now)


def test_two_deliveries_at_once_send_each_email_once(app, smtp):
    now = utcnow()
    for n in range(20):
        mail.queue(_reset_email(to=f"p{n}@example.org"), key=f"test:race:{n}", kind="test", now=now)
    db.session.commit()
    results, errors = [], []
    start = threading.Barrier(2)

    def deliver():
        with app.app_context():
            try:
                start.wait()
                results.append(mail.deliver(now=now).sent)
                db.session.commit()
            except Exception as exc:  # reported below, so a thread's failure fails the test
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results[0] + results[1]) == sorted(set(results[0] + results[1]))
    assert len(results[0] + results[1]) == 20
    recipients = sorted(r for rcpts, _msg in smtp.messages for r in rcpts)
    assert recipients == sorted(f"p{n}@example.org" for n in range(20))


def test_an_unreachable_server_keeps_the_email_queued_then_fails_it(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    from mentorship.extensions import mail as flask_mail

    monkeypatch.setitem(app.extensions, "mail", flask_mail.init_mail(app.config, testing=False))
    now = utcnow()
    row = mail.queue(_reset_email(), key="test:down", kind="test", now=now)
    db.session.commit()
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        assert mail.deliver(now=now).failed == [row.id]
        db.session.commit()
        db.session.refresh(row)
        assert row.attempts == attempt and row.error and row.message
    assert row.status == "failed"
    assert mail.deliver(now=now).failed == []


def test_without_mail_server_queued_mail_goes_to_the_log(app, caplog):
    now = utcnow()
    row = mail.queue(_reset_email(), key="test:log", kind="test", now=now)
    db.session.commit()
    with caplog.at_level("INFO"):
        assert mail.deliver(now=now).sent == [row.id]
    assert "not sent, no MAIL_SERVER" in caplog.text and "zoe@example.org" in caplog.text
    assert "Hello Zoë," in caplog.text
