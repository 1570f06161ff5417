"""Figures served again while the data they come from is unchanged (docs/architecture.md).

The dashboard's figures take five academic years of every pairing to compute, and stay the same until a
pairing, meeting, enrolment, plan, event or anything else they read changes. Every transaction that writes
such a row raises the one row of DataVersion just before it commits, by three session hooks that every write
goes through (ORM flushes, and SQL statements run through the session such as the import's bulk inserts).
A figure is kept in this process under the version read before it was computed, and served again only
while the database still holds that version: another instance's write raises it for every instance.

Raising the version is the last write of its transaction, so the lock on its row is never held while the
transaction waits for another lock (no deadlock with the kept totals' pairing locks on PostgreSQL).
Writes that no figure reads (sign-ins, the audit log, emails, tokens, links, jobs) do not raise it.
Anything written around the session (by hand in SQL) is seen after `flask metrics rebuild`, which raises it.

A second row versions what the figures of closed academic years are computed from (`CLOSED_ROW_ID`). It is
raised with the first by every change except one confined to meetings (and their topics) dated in the open
year, the one a mentor logs all day: such a meeting is in no closed year's figures, so the trend's earlier
years are kept while meetings are logged. "Open" is reckoned two days ahead, so that a reader whose clock
or time zone runs up to two days ahead of the writer's never calls closed a year the writer called open.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, attributes

from mentorship.extensions import db
from mentorship.models import DataVersion, Meeting, MeetingTopic
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.metrics.kept import MEETINGS, RECOMPUTING, start_month

T = TypeVar("T")
VERSION = cast(Table, DataVersion.__table__)
ROW_ID = 1  # raised by every change a figure reads
CLOSED_ROW_ID = 2  # raised by every such change but meetings dated in the open year
KEPT = 32  # figures kept per process, the least recently used dropped first
CHANGED = "data_changed"
CLOSED_CHANGED = "closed_years_changed"
EARLIEST = "earliest_meeting_changed"  # of a transaction changing only meetings: their earliest date
AHEAD = dt.timedelta(days=2)

# Tables whose rows no figure is computed from.
UNREAD = frozenset(
    {
        VERSION.name,
        "account_invitations",
        "api_tokens",
        "audit_events",
        "calendar_feeds",
        "export_jobs",
        "issued_records",
        "log_link_uses",
        "log_links",
        "match_runs",
        "outbound_emails",
        "reminders",
        "roster_upload_files",
        "roster_uploads",
        "saml_request_uses",
        "suppression_patterns",
        "user_sessions",
        "users",
    }
)
# Rewritten from the meetings in the same transaction (services.metrics.kept, while RECOMPUTING): the
# meetings' change decides. Any other write of them (a rebuild) changes closed years' figures too.
DERIVED = frozenset({"pairing_year_totals"})

_kept: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def current(row: int = ROW_ID) -> tuple[str, int] | None:
    """The version the database holds now in `row` (None before the first write)."""
    found = db.session.execute(select(VERSION.c.token, VERSION.c.number).where(VERSION.c.id == row)).first()
    return None if found is None else (found.token, found.number)


def raise_version(session: Session, rows: tuple[int, ...]) -> None:
    """Raise the version `rows` in the session's transaction (each made with a new token if missing)."""
    # Each dialect's upsert, imported when first used: only the database in use pays for its dialect.
    # The rows in one statement and in id order, so two writers lock them in the same order.
    values = [{"id": row, "token": uuid.uuid4().hex, "number": 1} for row in sorted(rows)]
    raised = {"number": VERSION.c.number + 1}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        statement: Any = postgresql.insert(VERSION).values(values)
    else:
        from sqlalchemy.dialects import sqlite

        statement = sqlite.insert(VERSION).values(values)
    session.execute(statement.on_conflict_do_update(index_elements=[VERSION.c.id], set_=raised))


def kept(name: str, key: Hashable, compute: Callable[[], T], row: int = ROW_ID) -> T:
    """`compute()`, or what it returned for the same name and key while the version `row` stands."""
    version = current(row)
    if version is None:
        return compute()
    full = (name, key, row, version)
    with _lock:
        if full in _kept:
            _kept.move_to_end(full)
            return cast(T, _kept[full])
    value = compute()
    with _lock:
        _kept[full] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def _table_of(obj: object) -> str | None:
    table = getattr(type(obj), "__table__", None)
    return getattr(table, "name", None)


def open_year_start(today: dt.date) -> dt.date:
    """The first day of the academic year open on `today` (in the configured start month): figures of
    years ending before it are kept under `CLOSED_ROW_ID`."""
    month = start_month()
    return academic_year(year_of(today, month), month).start


def _today() -> dt.date:
    return dt.date.today()


def _earliest_meeting_date(session: Session, objects: list[object]) -> dt.date | None:
    """The earliest date, before and after, of the changed rows `objects` if they are all meetings or topics
    of meetings among them; None if any is something else."""
    meetings = [o for o in objects if isinstance(o, Meeting)]
    # A new topic of a meeting has no meeting id before the flush: its meeting is among those changed.
    ids = {m.id for m in meetings} | {None}
    if not meetings or not all(
        isinstance(o, Meeting) or (isinstance(o, MeetingTopic) and o.meeting_id in ids) for o in objects
    ):
        return None
    dates = [day for m in meetings for day in (m.date, *attributes.get_history(m, "date").deleted)]
    stored = [m.id for m in meetings if inspect(m).has_identity]
    if stored:
        # The date the database holds now, which another transaction may have changed since this session
        # read the meeting; locked until the commit on PostgreSQL (SQLite runs one writer at a time).
        query = select(MEETINGS.c.date).where(MEETINGS.c.id.in_(stored))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(key_share=True)
        dates += session.connection().execute(query).scalars()
    return None if any(day is None for day in dates) else min(dates)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    read = [o for o in (*session.new, *session.dirty, *session.deleted) if _table_of(o) not in UNREAD]
    if not read:
        return
    session.info[CHANGED] = True
    if session.info.get(CLOSED_CHANGED):
        return
    earliest = _earliest_meeting_date(session, read)
    if earliest is None:
        session.info[CLOSED_CHANGED] = True
    else:  # decided at the commit, by that day's open year
        session.info[EARLIEST] = min(earliest, session.info.get(EARLIEST, earliest))


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if table not in UNREAD:
            state.session.info[CHANGED] = True
            if not (table in DERIVED and state.session.info.get(RECOMPUTING)):
                state.session.info[CLOSED_CHANGED] = True


def _before_commit(session: Session) -> None:
    # A savepoint's release runs this hook too: the version is raised once, when the transaction commits.
    if session.in_nested_transaction():
        return
    session.flush()  # the commit's own flush comes after this hook: see what it writes first
    closed = session.info.pop(CLOSED_CHANGED, False)
    earliest = session.info.pop(EARLIEST, None)
    if earliest is not None and earliest < open_year_start(_today() + AHEAD):
        closed = True
    if session.info.pop(CHANGED, False):
        raise_version(session, (ROW_ID, CLOSED_ROW_ID) if closed else (ROW_ID,))


def _after_soft_rollback(session: Session, previous: Any) -> None:
    # A savepoint rolled back leaves what the transaction wrote before it: only the transaction's own
    # rollback forgets the change.
    if not previous.nested:
        for key in (CHANGED, CLOSED_CHANGED, EARLIEST):
            session.info.pop(key, None)


def install() -> None:
    """Attach the hooks to the app's session (once)."""
    for name, hook in (
        ("before_flush", _before_flush),
        ("do_orm_execute", _on_execute),
        ("before_commit", _before_commit),
        ("after_soft_rollback", _after_soft_rollback),
    ):
        if not event.contains(db.session, name, hook):
            event.listen(db.session, name, hook)
