"""Each year's suppression pattern, decided once for every instance and command (docs/architecture.md).

Deciding a large institution's pattern takes seconds of linear programs. The decision is kept in the database
under a keyed hash (HMAC with SECRET_KEY) of everything it depends on: every table's layout and true counts,
the threshold and the version of the rules. The same counts always give the same pattern, so reading it back
is exact; any changed count gives another key, and the pattern is decided again. What is kept is what the
workbooks publish (each cell's count or mark), never a hidden count, and the hash cannot be reversed into
counts without the secret key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from mentorship.extensions import db
from mentorship.models import SuppressionPattern
from mentorship.services.meetings import utcnow
from mentorship.services.suppression.grid import Published, Table
from mentorship.services.suppression.tables import (
    YearPattern,
    YearPeople,
    decide_year,
    network_tables,
    year_tables,
)

RULES = "1"  # raised whenever the rules of the pattern change: no pattern decided under older rules is read
KEEP = 100  # patterns kept, the least recently decided dropped first


def year_pattern(people: YearPeople, min_cell: int) -> YearPattern:
    """The year's pattern: read back when these very counts were decided before, else decided and kept (in
    the caller's transaction: an export commits it with its audit)."""
    tables, networks = year_tables(people), network_tables(people)
    every = (*tables, *networks)
    key = _key(every, min_cell)
    kept = db.session.get(SuppressionPattern, key)
    if kept is not None:
        return _read(every, min_cell, json.loads(kept.shown))
    pattern = decide_year(tables, networks, min_cell)
    shown = [[pattern.tables[t.layout.key].shown[c] for c in t.layout.cells()] for t in every]
    try:
        with db.session.begin_nested():
            kept = SuppressionPattern(
                key=key, shown=json.dumps(shown, separators=(",", ":")), decided_at=utcnow()
            )
            db.session.add(kept)
    except IntegrityError:
        pass  # another instance decided the same counts meanwhile: the same pattern
    oldest = select(SuppressionPattern.key).order_by(SuppressionPattern.decided_at.desc()).offset(KEEP)
    db.session.execute(delete(SuppressionPattern).where(SuppressionPattern.key.in_(oldest)))
    return pattern


def _key(tables: Sequence[Table], min_cell: int) -> str:
    def described(table: Table) -> list:
        lay = table.layout
        classes = [[sorted(cls.programs), cls.size] for cls in lay.classes]
        return [lay.kind, lay.dimension, lay.groups, lay.rows, lay.parts, lay.programs, classes, table.counts]

    text = json.dumps([RULES, min_cell, [described(t) for t in tables]], separators=(",", ":"))
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def _read(tables: Sequence[Table], min_cell: int, shown: list[list[int | str]]) -> YearPattern:
    published = {
        t.layout.key: Published(t.layout, dict(zip(t.layout.cells(), cells, strict=True)))
        for t, cells in zip(tables, shown, strict=True)
    }
    return YearPattern(min_cell, published)
