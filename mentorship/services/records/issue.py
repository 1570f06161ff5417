"""Issuing, verifying and revoking faculty mentoring records.

A verification code is the issued record's id signed with SECRET_KEY (itsdangerous, with a salt of its
own so no other signed token of the app can pass for one): it cannot be guessed or altered, and the row
it points at holds what the office vouched for, so an admin can revoke it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import IssuedRecord, User
from mentorship.services import NotFound, ServiceError
from mentorship.services.records.figures import MentorRecord

SALT = "mentorship.faculty-record"


def _signer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT)


def code_of(record: IssuedRecord, secret_key: str) -> str:
    """The verification code printed on the record."""
    return _signer(secret_key).dumps(record.id)


def issue(record: MentorRecord, actor: User | None, now: dt.datetime) -> IssuedRecord:
    """The issued-record row for `record`: the mentor's latest unrevoked one for the year if it vouches for
    the same name and totals (the same code again), else a new one. The caller commits."""
    snapshot = snapshot_of(record)
    latest = db.session.execute(
        select(IssuedRecord)
        .where(
            IssuedRecord.mentor_id == record.mentor_id,
            IssuedRecord.year == record.ay.year,
            IssuedRecord.revoked_at.is_(None),
        )
        .order_by(IssuedRecord.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if latest is not None and latest.totals == snapshot and latest.mentor_name == record.name:
        return latest
    issued = IssuedRecord(
        mentor_id=record.mentor_id,
        year=record.ay.year,
        mentor_name=record.name,
        totals=snapshot,
        issued_at=now,
        issued_by_id=actor.id if actor is not None else None,
    )
    db.session.add(issued)
    db.session.flush()
    return issued


def snapshot_of(record: MentorRecord) -> dict:
    """What the issued row keeps: the year's totals, the report date and the credits."""
    return {
        **record.year.snapshot(),
        "as_of": record.as_of.isoformat(),
        "year_to_date": record.year_to_date,
        "credits": record.credits,
    }


@dataclass(frozen=True)
class Verification:
    """What the verification page says: `state` is "valid", "revoked", "altered" or "unknown"."""

    state: str
    record: IssuedRecord | None = None


def verify(code: str, secret_key: str) -> Verification:
    """Check a verification code: valid, revoked, altered (a signature that does not match what it signs)
    or unknown (not a code at all, or one whose record does not exist)."""
    code = code.strip()
    if len(code) > 200:
        return Verification("unknown")
    valid, payload = _signer(secret_key).loads_unsafe(code)
    if not valid:
        # A payload that still reads as an id means someone changed a real code, not mistyped garbage.
        return Verification("altered" if isinstance(payload, int) else "unknown")
    if not isinstance(payload, int) or isinstance(payload, bool):
        return Verification("unknown")
    record = db.session.get(IssuedRecord, payload)
    if record is None:
        return Verification("unknown")
    return Verification("revoked" if record.revoked_at is not None else "valid", record)


def revoke(record_id: int, actor: User, now: dt.datetime) -> IssuedRecord:
    """Revoke an issued record (its code then says so); the caller commits and audits."""
    record = db.session.get(IssuedRecord, record_id)
    if record is None:
        raise NotFound("No such issued record.")
    if record.revoked_at is not None:
        raise ServiceError("This record was already revoked.")
    record.revoked_at = now
    record.revoked_by_id = actor.id
    return record


def issued_for(mentor_id: int) -> list[IssuedRecord]:
    """The records issued to a mentor, newest first."""
    return list(
        db.session.scalars(
            select(IssuedRecord)
            .where(IssuedRecord.mentor_id == mentor_id)
            .order_by(IssuedRecord.issued_at.desc(), IssuedRecord.id.desc())
        )
    )
