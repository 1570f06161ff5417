"""Per-pairing, per-year totals of counted meetings, kept equal to the meetings in every transaction.

The metrics read these totals (PairingYearTotal) instead of aggregating every meeting of five years on each
request. They are exact because they are never updated by hand: whenever meetings change, the totals of the
pairings concerned are recomputed from their meetings in the same transaction, by two session hooks that
every meeting write goes through:

- ORM writes (add, edit, soft or hard delete, a pairing deleted with its meetings): `after_flush`;
- SQL statements run through the session on the meetings table (the roster import's and the demo seed's
  bulk `insert(...)`, any bulk UPDATE or DELETE): `do_orm_execute`.

A writer of meetings needs nothing more, as long as it writes through `db.session`. `flask metrics rebuild`
recomputes every row (after a change of ACADEMIC_YEAR_START_MONTH, or anything written around the session).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any, cast

from flask import current_app, has_app_context
from sqlalchemy import Table, delete, event, insert, select
from sqlalchemy.orm import ORMExecuteState, Session, attributes

from mentorship.extensions import db
from mentorship.models import Meeting, Pairing, PairingYearTotal
from mentorship.services.academic_year import academic_year, year_of

CHUNK = 900  # ids per IN list (SQLite allows 999 parameters)
MEETINGS = cast(Table, Meeting.__table__)
TOTALS = cast(Table, PairingYearTotal.__table__)
RECOMPUTING = "kept_totals_recomputing"


def start_month() -> int:
    """The configured first month of the academic year (July outside an app context)."""
    return int(current_app.config["ACADEMIC_YEAR_START_MONTH"]) if has_app_context() else 7


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i : i + CHUNK]


def totals_rows(meetings: Iterable[tuple[int, dt.date, int]], month: int) -> list[dict[str, Any]]:
    """The PairingYearTotal rows of counted meetings given as (pairing id, date, minutes)."""
    kept: dict[tuple[int, int], list[Any]] = {}
    for pairing_id, day, minutes in meetings:
        key = (pairing_id, year_of(day, month))
        row = kept.get(key)
        if row is None:
            kept[key] = [1, minutes or 0, day, day]
        else:
            row[0] += 1
            row[1] += minutes or 0
            row[2] = min(row[2], day)
            row[3] = max(row[3], day)
    out = []
    for (pairing_id, year), (n, minutes, first, last) in sorted(kept.items()):
        ay = academic_year(year, month)
        out.append(
            {
                "pairing_id": pairing_id,
                "year_start": ay.start,
                "year_end": ay.end,
                "start_month": month,
                "meetings": n,
                "minutes": minutes,
                "first_held": first,
                "last_held": last,
            }
        )
    return out


def _counted(session: Session, pairing_ids: list[int] | None) -> list[tuple[int, dt.date, int]]:
    query = select(MEETINGS.c.pairing_id, MEETINGS.c.date, MEETINGS.c.duration_minutes).where(
        MEETINGS.c.status == "held", MEETINGS.c.deleted_at.is_(None)
    )
    if pairing_ids is not None:
        query = query.where(MEETINGS.c.pairing_id.in_(pairing_ids))
    return [(p, d, m) for p, d, m in session.execute(query)]


def recompute(session: Session, pairing_ids: Collection[int], month: int) -> None:
    """Replace the kept totals of `pairing_ids` by a recomputation from their meetings (marked RECOMPUTING
    in the session while it writes: services.metrics.versions lets the meetings' change decide)."""
    session.info[RECOMPUTING] = True
    try:
        _recompute(session, pairing_ids, month)
    finally:
        session.info.pop(RECOMPUTING, None)


def _recompute(session: Session, pairing_ids: Collection[int], month: int) -> None:
    for chunk in _chunks(set(pairing_ids)):
        if session.get_bind().dialect.name == "postgresql":
            # Two transactions writing meetings of one pairing would both insert its rows (READ COMMITTED):
            # the second waits here for the first to commit, then replaces what it wrote. NO KEY UPDATE does
            # not conflict with the key-share lock a meeting insert takes on its pairing, so no deadlock.
            locked = select(Pairing.id).where(Pairing.id.in_(chunk)).order_by(Pairing.id)
            session.execute(locked.with_for_update(key_share=True))
        session.execute(delete(TOTALS).where(TOTALS.c.pairing_id.in_(chunk)))
        rows = totals_rows(_counted(session, chunk), month)
        if rows:
            session.execute(insert(TOTALS), rows)


def rebuild(session: Session, month: int) -> int:
    """Recompute every kept total from the meetings; returns the number of rows."""
    session.execute(delete(TOTALS))
    # Only meetings of existing pairings: the metrics never count a meeting without its pairing.
    existing = set(session.execute(select(Pairing.id)).scalars())
    rows = totals_rows((m for m in _counted(session, None) if m[0] in existing), month)
    for i in range(0, len(rows), 5000):
        session.execute(insert(TOTALS), rows[i : i + 5000])
    return len(rows)


def _touched_by_flush(session: Session) -> set[int]:
    """Pairings whose meetings the flush about to be written (or just written) changes."""
    touched: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Meeting):
            history = attributes.get_history(obj, "pairing_id")
            touched.update(p for p in (obj.pairing_id, *history.deleted) if p is not None)
            if obj.pairing_id is None and obj.pairing is not None and obj.pairing.id is not None:
                touched.add(obj.pairing.id)
        elif isinstance(obj, Pairing) and obj in session.deleted and obj.id is not None:
            touched.add(obj.id)
    return touched


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # New meetings get their pairing id during the flush: remember the objects, read the ids after it.
    session.info.setdefault("kept_meetings", set()).update(
        obj for obj in (*session.new, *session.dirty, *session.deleted) if isinstance(obj, Meeting)
    )
    session.info.setdefault("kept_pairings", set()).update(_touched_by_flush(session))


def _after_flush(session: Session, _context: Any) -> None:
    meetings = session.info.pop("kept_meetings", set())
    touched = session.info.pop("kept_pairings", set())
    touched.update(m.pairing_id for m in meetings if m.pairing_id is not None)
    if touched:
        recompute(session, touched, start_month())


def _written_rows(state: ORMExecuteState) -> list[dict[str, Any]]:
    """The values a bulk INSERT or UPDATE writes: its parameter sets, or its .values(...)."""
    params: Any = state.parameters
    rows = [dict(r) for r in (params if isinstance(params, list) else [params or {}])]
    values = getattr(state.statement, "_values", None) or {}
    fixed = {getattr(k, "key", k): getattr(v, "value", v) for k, v in values.items()}
    return [{**fixed, **r} for r in rows]


def _on_execute(state: ORMExecuteState) -> Any:
    """Recompute after a bulk INSERT, UPDATE or DELETE of meetings run through the session."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    if getattr(getattr(state.statement, "table", None), "name", None) != MEETINGS.name:
        return None
    written = _written_rows(state) if not state.is_delete else []
    if state.is_insert:
        touched = {r["pairing_id"] for r in written if isinstance(r.get("pairing_id"), int)}
    else:
        where = getattr(state.statement, "whereclause", None)
        before = select(MEETINGS.c.pairing_id).distinct()
        touched = set(state.session.execute(before.where(where) if where is not None else before).scalars())
    result = state.invoke_statement()
    if state.is_update and any("pairing_id" in r for r in written):  # meetings moved: recompute all
        rebuild(state.session, start_month())
    elif touched:
        recompute(state.session, touched, start_month())
    return result


def install() -> None:
    """Attach the hooks to the app's session (once)."""
    for name, hook in (
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("do_orm_execute", _on_execute),
    ):
        if not event.contains(db.session, name, hook):
            event.listen(db.session, name, hook)
