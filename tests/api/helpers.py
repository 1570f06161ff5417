"""Helpers of the API tests: tokens for users and requests that carry them."""

from __future__ import annotations

import datetime as dt

from mentorship.extensions import db
from mentorship.models import User
from mentorship.services import api_tokens


def token_for(user: User, *, write: bool = True, days: int = 30, name: str = "test script") -> str:
    """A plain token of `user`, committed."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    _row, plain = api_tokens.create_token(user, name, write=write, days=days, now=now, actor=None)
    db.session.commit()
    return plain


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of `token`."""
    return {"Authorization": f"Bearer {token}"}
