"""Writing the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, User


def record(
    actor: User | None,
    action: str,
    target: Any = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event for `action` by `actor` on `target` (any model with an id)."""
    if hasattr(target, "_get_current_object"):
        target = target._get_current_object()  # current_user: record the User, not the proxy's class
    event = AuditEvent(
        at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else None,
        action=action,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=_jsonable(details),
    )
    db.session.add(event)
    return event


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def events(action_prefix: str | None = None, actor_email: str | None = None) -> Select[AuditEvent]:
    """The Audit log page's query: newest first, filtered by the start of the action and the actor's email."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action_prefix:
        query = query.where(AuditEvent.action.startswith(action_prefix.strip()))
    if actor_email:
        query = query.where(func.lower(AuditEvent.actor_email) == actor_email.strip().lower())
    return query
