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
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from sqlalchemy import Table, event, select
from sqlalchemy.orm import ORMExecuteState, Session

from mentorship.extensions import db
from mentorship.models import DataVersion

T = TypeVar("T")
VERSION = cast(Table, DataVersion.__table__)
ROW_ID = 1
KEPT = 32  # figures kept per process, the least recently used dropped first
CHANGED = "data_changed"

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

_kept: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def current() -> tuple[str, int] | None:
    """The version the database holds now (None before the first write)."""
    row = db.session.execute(select(VERSION.c.token, VERSION.c.number).where(VERSION.c.id == ROW_ID)).first()
    return None if row is None else (row.token, row.number)


def raise_version(session: Session) -> None:
    """Raise the version in the session's transaction (made with a new token if the row is missing)."""
    # Each dialect's upsert, imported when first used: only the database in use pays for its dialect.
    values = {"id": ROW_ID, "token": uuid.uuid4().hex, "number": 1}
    raised = {"number": VERSION.c.number + 1}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        statement: Any = postgresql.insert(VERSION).values(**values)
    else:
        from sqlalchemy.dialects import sqlite

        statement = sqlite.insert(VERSION).values(**values)
    session.execute(statement.on_conflict_do_update(index_elements=[VERSION.c.id], set_=raised))


def kept(name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or what it returned for the same name and key while the data has not changed since."""
    version = current()
    if version is None:
        return compute()
    full = (name, key, version)
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


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if any(_table_of(o) not in UNREAD for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[CHANGED] = True


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if table not in UNREAD:
            state.session.info[CHANGED] = True


def _before_commit(session: Session) -> None:
    # A savepoint's release runs this hook too: the version is raised once, when the transaction commits.
    if session.in_nested_transaction():
        return
    session.flush()  # the commit's own flush comes after this hook: see what it writes first
    if session.info.pop(CHANGED, False):
        raise_version(session)


def _after_soft_rollback(session: Session, previous: Any) -> None:
    # A savepoint rolled back leaves what the transaction wrote before it: only the transaction's own
    # rollback forgets the change.
    if not previous.nested:
        session.info.pop(CHANGED, None)


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
