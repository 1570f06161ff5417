"""Outgoing mail: SMTP through Flask-Mail, or the log when no MAIL_SERVER is set."""

from __future__ import annotations

from flask import current_app
from flask_mail import Message

from mentorship.extensions import mail


def send_mail(to: list[str], subject: str, body: str) -> None:
    """Send a plain-text email, or write it to the log when mail is not configured."""
    if not current_app.config.get("MAIL_SERVER"):
        current_app.logger.info("Mail (not sent, no MAIL_SERVER) to %s: %s\n%s", to, subject, body)
        return
    mail.send(Message(subject=subject, recipients=list[str | tuple[str, str]](to), body=body))
