"""The outbox: queue an email once per event, deliver queued emails once.

`queue` adds a row unless its idempotency key exists, so a retried request, job or command mails nobody
twice for one event. `deliver` claims rows before sending, so two deliveries running at once (two
workers, a worker and a command) send each email once: on PostgreSQL with `FOR UPDATE SKIP LOCKED` (the
second skips what the first holds), elsewhere with one UPDATE of `attempts`, which SQLite serialises
behind its single writer. A claimed row becomes `sent` in the caller's commit; if the process dies
first, the claim rolls back and the row is queued again (at least once, never twice on purpose).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from mentorship.extensions import db
from mentorship.models import OutboundEmail
from mentorship.services.mail import message, transport

# A row whose sending failed this many times is marked failed and left alone.
MAX_ATTEMPTS = 3


@dataclass
class Delivery:
    """What one `deliver` did: the ids sent, and the ids whose sending failed this time."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def queue(email: message.Email, *, key: str, kind: str, now: dt.datetime) -> OutboundEmail | None:
    """Queue `email` for the event `key`; None when that event's email is already queued or sent.

    Raises ValueError for an address that is not one. A concurrent queue of the same key loses on the
    UNIQUE constraint inside a savepoint, so the caller's transaction carries on.
    """
    if db.session.execute(select(OutboundEmail.id).where(OutboundEmail.key == key)).first():
        return None
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    row = OutboundEmail(
        key=key,
        kind=kind,
        recipient=message.one_line(email.to),
        subject=message.one_line(email.subject)[:300],
        message=message.build(email, sender).as_string(),
        status="queued",
        attempts=0,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row


def _claim(ids: Sequence[int] | None, limit: int | None) -> list[OutboundEmail]:
    """Take queued rows (of `ids`, or any) for this transaction; rows another delivery holds are skipped."""
    wanted = select(OutboundEmail.id).where(OutboundEmail.status == "queued").order_by(OutboundEmail.id)
    if ids is not None:
        wanted = wanted.where(OutboundEmail.id.in_(list(ids)))
    if limit is not None:
        wanted = wanted.limit(limit)
    if db.engine.dialect.name == "postgresql":
        rows = list(
            db.session.scalars(
                select(OutboundEmail)
                .where(OutboundEmail.id.in_(wanted.scalar_subquery()), OutboundEmail.status == "queued")
                .order_by(OutboundEmail.id)
                .with_for_update(skip_locked=True)
            )
        )
        for row in rows:
            row.attempts += 1
        return rows
    claimed = db.session.scalars(
        update(OutboundEmail)
        .where(OutboundEmail.id.in_(wanted.scalar_subquery()), OutboundEmail.status == "queued")
        .values(attempts=OutboundEmail.attempts + 1)
        .returning(OutboundEmail.id)
    ).all()
    if not claimed:
        return []
    return list(
        db.session.scalars(
            select(OutboundEmail)
            .where(OutboundEmail.id.in_(claimed))
            .order_by(OutboundEmail.id)
            .execution_options(populate_existing=True)
        )
    )


def _failed(row: OutboundEmail, exc: OSError) -> None:
    row.error = f"{type(exc).__name__}: {exc}"[:300]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"


def deliver(ids: Sequence[int] | None = None, *, now: dt.datetime, limit: int | None = None) -> Delivery:
    """Send the queued emails among `ids` (all queued ones when None, at most `limit`); the caller commits.

    A sent row loses its stored message. An SMTP error leaves the row queued for the next delivery, and
    failed after MAX_ATTEMPTS tries; it never stops the others.
    """
    result = Delivery()
    rows = _claim(ids, limit)
    if not rows:
        return result
    try:
        with transport.connect() as sender:
            for row in rows:
                try:
                    sender.send(row.recipient, row.message or "")
                except OSError as exc:
                    _failed(row, exc)
                    result.failed.append(row.id)
                    continue
                row.status, row.sent_at, row.message, row.error = "sent", now, None, None
                result.sent.append(row.id)
    except OSError as exc:  # the server could not be reached at all
        current_app.logger.warning("Mail server unreachable: %s", exc)
        for row in rows:
            if row.id not in result.sent and row.id not in result.failed:
                _failed(row, exc)
                result.failed.append(row.id)
    db.session.flush()
    return result


def queued_ids(kind: str) -> list[int]:
    """The ids of the emails of `kind` still waiting to be sent (e.g. after a mail server outage)."""
    return list(
        db.session.scalars(
            select(OutboundEmail.id)
            .where(OutboundEmail.kind == kind, OutboundEmail.status == "queued")
            .order_by(OutboundEmail.id)
        )
    )
