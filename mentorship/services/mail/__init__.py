"""Outgoing mail (docs/architecture.md, Mail and jobs).

- `Email` / `Attachment` (message.py): an email as a value; `render` (render.py) builds one from
  `templates/email/<name>.txt` and `.html`.
- `queue` / `deliver` (outbox.py): the outbox, once per event by an idempotency key; `send_soon` (jobs.py)
  delivers queued rows on a worker, after the response, or now.
- `send`: emails now, for the account notices that must go out in the request.

Without MAIL_SERVER every message is written to the log instead of sent.
"""

from __future__ import annotations

from flask import current_app

from mentorship.services.mail import transport
from mentorship.services.mail.message import Attachment, Email, build, one_line
from mentorship.services.mail.outbox import Delivery, deliver, queue, queued_ids
from mentorship.services.mail.render import render

__all__ = [
    "Attachment",
    "Delivery",
    "Email",
    "build",
    "deliver",
    "one_line",
    "queue",
    "queued_ids",
    "render",
    "send",
]


def send(emails: list[Email]) -> None:
    """Send `emails` now over one connection (raises OSError when the server fails)."""
    sender_address = current_app.config["MAIL_DEFAULT_SENDER"]
    with transport.connect() as sender:
        for email in emails:
            sender.send(one_line(email.to), build(email, sender_address).as_string())
