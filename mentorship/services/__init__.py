"""Business rules. Services take explicit arguments, raise typed errors, and never commit."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Executable

from mentorship.extensions import db


class ServiceError(Exception):
    """A rule was broken; the message is safe to show to the user."""


class NotFound(ServiceError):
    """A referenced record does not exist."""


def execute_dml(statement: Executable, **kwargs: Any) -> CursorResult[Any]:
    """Run an UPDATE or DELETE in the session; the result says how many rows it changed (`rowcount`)."""
    return cast(CursorResult[Any], db.session.execute(statement, **kwargs))
