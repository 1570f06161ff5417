"""Handing finished messages to the SMTP server, or to the log when no MAIL_SERVER is set.

Flask-Mail keeps the connection settings (MAIL_SERVER, MAIL_PORT, TLS, SSL, login); the messages are
the standard library's, built in `message.py`, because Flask-Mail's own cannot carry a calendar part's
METHOD parameter.
"""

from __future__ import annotations

import email
from collections.abc import Iterator
from contextlib import contextmanager
from email.policy import default
from email.utils import parseaddr

from flask import current_app

from mentorship.extensions import mail


class Sender:
    """An open way out: `send(recipient, raw_message)`; raises OSError (smtplib's errors) on failure."""

    def __init__(self, connection) -> None:
        self._connection = connection
        self._from = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]

    def send(self, recipient: str, raw: str) -> None:
        """Send one serialised message to `recipient` (the envelope's only recipient)."""
        if self._connection is None:
            parsed = email.message_from_string(raw, policy=default)
            body = parsed.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            current_app.logger.info(
                "Mail (not sent, no MAIL_SERVER) to %s: %s\n%s", [recipient], parsed["Subject"], text
            )
            return
        self._connection.host.sendmail(self._from, [recipient], raw.encode("ascii"))


@contextmanager
def connect() -> Iterator[Sender]:
    """One SMTP connection for a batch of messages (the log when mail is not configured)."""
    if not current_app.config.get("MAIL_SERVER"):
        yield Sender(None)
        return
    with mail.connect() as connection:
        if connection.host is None:  # Flask-Mail suppresses sending under TESTING
            yield Sender(None)
        else:
            yield Sender(connection)
