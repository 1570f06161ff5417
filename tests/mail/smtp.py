"""A real SMTP server on loopback for the tests (aiosmtpd), keeping every message it received.

Use the `smtp` fixture (tests/conftest.py): it points the app's MAIL_SERVER at a fresh server and yields
its Inbox.
"""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


class Inbox:
    """What a local SMTP server received: (envelope recipients, parsed message) pairs, in order."""

    def __init__(self):
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.raw.append(envelope.content)
        message = email.message_from_bytes(envelope.content, policy=default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope was addressed to `address`."""
        return [msg for rcpts, msg in self.messages if address in rcpts]

    def bodies_to(self, address: str) -> list[str]:
        """The plain-text bodies of the messages sent to `address`."""
        return [text(msg) for msg in self.to(address)]


def text(message: EmailMessage) -> str:
    """The plain-text part of `message` (the whole body when it is not multipart)."""
    part = message.get_body(("plain",))
    assert part is not None, "no text/plain part"
    return part.get_content()  # type: ignore[attr-defined]


def html(message: EmailMessage) -> str:
    """The HTML part of `message`."""
    part = message.get_body(("html",))
    assert part is not None, "no text/html part"
    return part.get_content()  # type: ignore[attr-defined]


def start(hostname: str, port: int) -> tuple[Controller, Inbox]:
    """A started server on `hostname:port` and its Inbox (stop it with controller.stop())."""
    inbox = Inbox()
    controller = Controller(inbox, hostname=hostname, port=port)
    controller.start()
    return controller, inbox
