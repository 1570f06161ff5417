"""Personal access tokens of the JSON API: made, checked and revoked.

A token is `mpm_` and 32 random bytes; the database keeps only its SHA-256, so a copy of the database
(or a backup) cannot be used to call the API. The plain token is returned once, to be shown once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import ApiToken, User
from mentorship.services import NotFound, ServiceError, audit

PREFIX = "mpm_"
MAX_NAME = 80
DEFAULT_DAYS = vocab.API_TOKEN_DAYS
MAX_DAYS = 366
# A token's last use is written at most this often: a script calling in a loop must not write every time.
TOUCH_EVERY = dt.timedelta(minutes=1)


class InvalidToken(ServiceError):
    """A field of a new token is not acceptable; `field` names it."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def digest(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user: User, name: str, *, write: bool, days: int, now: dt.datetime, actor: User | None
) -> tuple[ApiToken, str]:
    """A new token of `user` valid for `days` days: (the row, the plain token to show once)."""
    name = (name or "").strip()
    if not name:
        raise InvalidToken("Name the token (what will use it, e.g. “dashboard script”).", "name")
    if len(name) > MAX_NAME:
        raise InvalidToken(f"The name can be at most {MAX_NAME} characters.", "name")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidToken(f"A token lasts 1 to {MAX_DAYS} days.", "days")
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        token_hash=digest(plain),
        prefix=plain[: len(PREFIX) + 4],
        can_write=write,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "api_token.create", token, name=name, owner=user.email, write=write, days=days)
    return token, plain


def authenticate(plain: str, *, now: dt.datetime) -> ApiToken | None:
    """The usable token `plain` names, its last use noted; None if none, or it is revoked or expired."""
    if not plain.startswith(PREFIX) or len(plain) > 100:
        return None
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == digest(plain))
    ).scalar_one_or_none()
    if token is None or not token.usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
    return token


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones included, for the record)."""
    return list(
        db.session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        ).scalars()
    )


def revoke(user: User, token_id: int, *, now: dt.datetime) -> ApiToken:
    """Revoke one of the user's own tokens (NotFound for anyone else's); revoking twice changes nothing."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = now
        audit.record(user, "api_token.revoke", token, name=token.name)
    return token
