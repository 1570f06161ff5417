"""Business rules. Services take explicit arguments, raise typed errors, and never commit."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Executable


class ServiceError(Exception):
    """A rule was broken; the message is safe to show to the user."""


class NotFound(ServiceError):
    """A referenced record does not exist."""


def execute_dml(statement: Executable, **kwargs: Any) -> CursorResult[Any]:
    """Run an UPDATE or DELETE in the session; the result says how many rows it changed (`rowcount`)."""
    # Imported here: the pure services (calendar, credit) that create_app checks settings with are in this
    # package, and a command's --help should not import the extensions.
    from mentorship.extensions import db

    return cast(CursorResult[Any], db.session.execute(statement, **kwargs))
