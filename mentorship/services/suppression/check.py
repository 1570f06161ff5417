"""`flask report check-suppression`: read what a year's workbooks publish and look for rebuildable cells.

The workbooks are read back from their bytes: every table whose header has "Program" and "Group" (or
"Request") holds demographic counts, one row per program (or the institution) and group. A networking share
shown beside a shown count of mentees gives its own count away (share x count): those counts are read back
into the networking table of the dimension. What the workbooks show is put together per cell and handed to
the rebuilding test (rebuild.py) with the public layout of each table (docs/privacy.md).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import User, coordinator_programs
from mentorship.services.suppression.grid import COMPLEMENTARY, INSTITUTION_NAME, Cell, Layout, Shown, Table
from mentorship.services.suppression.rebuild import Inconsistent, Pinned, describe_pinned, pinned_cells
from mentorship.services.suppression.tables import (
    CONCORDANCE,
    CONCORDANCE_GROUPS,
    MENTEES,
    MENTORS,
    NETWORK,
    NETWORK_ALL,
    NETWORK_MEASURES,
    network_label,
)
from reports.inclusivity import NETWORK_COLUMNS
from reports.xlsx import neutralise

# Headers of the count columns of the workbooks' demographic tables, and the kind of table each counts.
COUNT_HEADERS = {"Mentees enrolled": MENTEES, "Mentees": MENTEES, "Mentors": MENTORS}
# Headers of the networking shares, and the measure of the networking table each is the share of.
SHARE_HEADERS = dict(zip((c.header for c in NETWORK_COLUMNS), NETWORK_MEASURES, strict=True))

Observation = tuple[tuple[str, str], str, str, Shown]  # ((kind, dimension), group, program, shown)


def coordinator_scopes() -> list[tuple[int, ...]]:
    """The program sets of coordinators who hold more than one program."""
    sets: dict[int, list[int]] = defaultdict(list)
    query = (
        select(coordinator_programs.c.user_id, coordinator_programs.c.program_id)
        .join(User, User.id == coordinator_programs.c.user_id)
        .where(User.is_coordinator.is_(True))
    )
    for user_id, program_id in db.session.execute(query):
        sets[user_id].append(program_id)
    return sorted({tuple(sorted(ids)) for ids in sets.values() if len(ids) > 1})


def scopes(program_ids: Iterable[int]) -> list[tuple[int, ...] | None]:
    """Every scope a report can be asked for that matters here: the institution (None), each program,
    every coordinator's set of programs, and every program named at once."""
    ids = sorted(program_ids)
    found: list[tuple[int, ...] | None] = [None, *[(pid,) for pid in ids]]
    for extra in [*coordinator_scopes(), tuple(ids)]:
        if len(extra) > 1 and extra not in found:
            found.append(extra)
    return found


def _shown(value: object) -> Shown | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value)
    return str(value)


def read_workbook(content: bytes) -> list[Observation]:
    """Every demographic count a workbook shows, as written in its cells."""
    from openpyxl import load_workbook  # imported here: the app starts without openpyxl

    wb = load_workbook(io.BytesIO(content), read_only=True)
    found: list[Observation] = []
    try:
        for ws in wb.worksheets:
            header: dict[str, int] | None = None
            for row in ws.iter_rows(values_only=True):
                names = [v if isinstance(v, str) else None for v in row]
                if "Program" in names and ("Group" in names or "Request" in names):
                    header = {name: i for i, name in enumerate(names) if name}
                    continue
                if header is None or all(v is None for v in row):
                    header = None
                    continue
                found += _row_cells(header, row)
    finally:
        wb.close()
    return found


def _row_cells(header: Mapping[str, int], row: tuple) -> list[Observation]:
    program = str(row[header["Program"]])
    if "Request" in header:
        key = (CONCORDANCE, str(row[header["Request"]]))
        counts = [(group, row[header[group]]) for group in CONCORDANCE_GROUPS if group in header]
    else:
        key_dimension, group = str(row[header["Dimension"]]), str(row[header["Group"]])
        found = [
            ((kind, key_dimension), group, program, shown)
            for name, kind in COUNT_HEADERS.items()
            if name in header and (shown := _shown(row[header[name]])) is not None
        ]
        return found + _shares(header, row, (NETWORK, key_dimension), group, program)
    return [(key, group, program, shown) for group, v in counts if (shown := _shown(v)) is not None]


def _shares(
    header: Mapping[str, int], row: tuple, key: tuple[str, str], group: str, program: str
) -> list[Observation]:
    """The networking counts a row gives away: its mentees enrolled, and each share shown times that."""
    names = [name for name in SHARE_HEADERS if name in header]
    if not names or "Mentees enrolled" not in header:
        return []
    mentees = _shown(row[header["Mentees enrolled"]])
    if mentees is None:
        return []
    found: list[Observation] = [(key, group, program, mentees)]
    for name in names:
        rate = row[header[name]] if header[name] < len(row) else None  # trailing blanks are not read
        count: Shown = COMPLEMENTARY  # a blank share hides its count: the test looks for it too
        if mentees == 0:
            count = 0  # nobody in the group: nobody at an event either
        elif isinstance(mentees, int) and isinstance(rate, int | float) and not isinstance(rate, bool):
            count = round(rate * mentees)
        found.append((key, network_label(group, SHARE_HEADERS[name]), program, count))
    return found


def network_totals(tables: Iterable[Table]) -> list[Observation]:
    """The networking tables' totals of every program and the institution, as known: the engagement
    workbook lists every mentee's events and introductions, so they are public whatever the workbooks show."""
    totals = {network_label(NETWORK_ALL, m) for m in NETWORK_MEASURES}
    return [
        (lay.key, lay.groups[g], neutralise(lay.column_name(column)), value)
        for t in tables
        if (lay := t.layout).kind == NETWORK
        for (g, column), value in t.values().items()
        if lay.groups[g] in totals
    ]


@dataclass
class CheckResult:
    """What the rebuilding test found over a year's outputs."""

    checked: int = 0  # suppressed cells examined
    pinned: list[Pinned] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # contradictions, figures of a set of programs

    @property
    def ok(self) -> bool:
        return not self.pinned and not self.problems


def check(
    layouts: Iterable[Layout],
    observations: Iterable[Observation],
    min_cell: int,
    program_names: Mapping[str, int],
) -> CheckResult:
    """Run the rebuilding test over everything observed; `program_names` maps each shown name to its id."""
    by_key = {lay.key: lay for lay in layouts}
    seen: dict[tuple[str, str], dict[Cell, list[Shown]]] = defaultdict(lambda: defaultdict(list))
    result = CheckResult()
    for key, group, program, shown in observations:
        layout = by_key.get(key)
        if program == INSTITUTION_NAME:
            column = None
        elif program in program_names:
            column = program_names[program]
        else:
            result.problems.append(
                f"{key[0]} by {key[1]} are shown for {program!r}, which is neither one program nor the "
                "institution"
            )
            continue
        if layout is None or group not in layout.groups:
            result.problems.append(f"{key[0]} by {key[1]}, group {group!r}: not a table of the year")
            continue
        seen[key][(layout.groups.index(group), column)].append(shown)
    for key, observed in seen.items():
        layout = by_key[key]
        result.checked += sum(any(isinstance(s, str) for s in v) for v in observed.values())
        try:
            pinned = pinned_cells(layout, observed, min_cell)
        except Inconsistent as exc:
            result.problems.append(str(exc))
            continue
        result.pinned += describe_pinned(layout, pinned)
    result.problems = sorted(set(result.problems))
    return result
