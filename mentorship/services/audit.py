"""Writing the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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


@dataclass(frozen=True)
class DetailRow:
    """One line of an event's details as the audit log shows it; `before` is set for a changed field."""

    field: str
    value: str
    before: str | None = None


# Keys whose two dicts hold a record before and after the change: only the fields that differ are shown.
_CHANGE_PAIRS = (("before", "after"), ("old", "new"))


def detail_rows(details: Any) -> list[DetailRow]:
    """An event's details as readable rows: changed fields with before and after, the rest as they are."""
    if not isinstance(details, dict):
        return [] if details in (None, "", [], {}) else [DetailRow("Details", _shown(details))]
    rows: list[DetailRow] = []
    rest = dict(details)
    for old_key, new_key in _CHANGE_PAIRS:
        old, new = rest.get(old_key), rest.get(new_key)
        if isinstance(old, dict) and isinstance(new, dict):
            del rest[old_key], rest[new_key]
            for key in sorted(set(old) | set(new), key=lambda k: (k not in new, str(k))):
                if old.get(key) != new.get(key):
                    rows.append(DetailRow(_label(key), _shown(new.get(key)), _shown(old.get(key))))
            if old == new:
                rows.append(DetailRow("Changes", "none"))
    rows += [DetailRow(_label(key), _shown(value)) for key, value in rest.items()]
    return rows


def _label(key: Any) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_shown(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value) or "—"
    return str(value)
