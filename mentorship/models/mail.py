"""The outbox: every email the app queues, once per event (its idempotency key)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mentorship.extensions import Model

EMAIL_STATUSES = ("queued", "sent", "failed")


class OutboundEmail(Model):
    """One email to one person for one event. `key` names the event (`intro:<pairing>:<person>`), so a
    retried request, job or command finds the row and mails nobody twice.

    `message` holds the whole MIME message until it is sent, then is cleared: it may carry a one-click
    link or a pair's private agenda, which must not outlive the sending.
    """

    __tablename__ = "outbound_emails"
    __table_args__ = (CheckConstraint(f"status IN {EMAIL_STATUSES}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
