"""Rows of the inclusivity workbook and of the annual review's inclusivity summary (docs/privacy.md).

Every count comes from the year's one suppression pattern; a rate or median is shown only when its count is
shown and it rests on at least MIN_CELL_SIZE people. The networking shares (at an event, introduced, with an
introduction met) give their counts away over a shown group, so those counts are cells of the year's
networking tables, and a share is shown only where that table shows its count (tables.network_pattern).
Rows are per program or for the institution, never for a set of programs: a scope of several programs gets
each program's rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from mentorship import vocab
from mentorship.services.metrics.definitions import share
from mentorship.services.metrics.groups import CONCORDANCE_MET, CONCORDANCE_NOT_PAIRED, group_stats
from mentorship.services.metrics.network import summarize
from mentorship.services.suppression.grid import INSTITUTION, INSTITUTION_NAME, Shown
from mentorship.services.suppression.tables import (
    CONCORDANCE,
    CONCORDANCE_KINDS,
    DIMENSION_LABELS,
    MENTEE_DIMENSIONS,
    MENTEES,
    MENTOR_DIMENSIONS,
    MENTORS,
    NETWORK,
    NETWORK_MEASURES,
    YearPattern,
    YearPeople,
    concordance_parts,
    group_label,
)
from reports.inclusivity import ConcordanceRow, GroupRow, LoadRow, PoolRow

POOL_DIMENSIONS = ("gender", "urim", "img", "first_generation")


@dataclass(frozen=True)
class Demographics:
    """Everything demographic a workbook shows for its columns (programs, or the institution)."""

    groups: list[GroupRow]
    pools: list[PoolRow]
    loads: list[LoadRow]
    concordance: list[ConcordanceRow]


def columns_of(program_ids: Collection[int] | None, year: YearPeople) -> list[int | None]:
    """The columns a scope shows: the institution for every program, else each program of the scope."""
    if program_ids is None:
        return [INSTITUTION]
    return [pid for pid, _name in year.programs if pid in set(program_ids)]


def _figure(value: float | None, count: Shown, people: int, min_cell: int) -> float | None:
    """A rate or median, blank when its count is hidden or it rests on fewer than min_cell people."""
    return value if isinstance(count, int) and people >= min_cell else None


def demographics(year: YearPeople, pattern: YearPattern, columns: Collection[int | None]) -> Demographics:
    """The rows of `columns`, every count read from the year's pattern."""
    out = Demographics([], [], [], [])
    for column in columns:
        out.groups.extend(group_rows(year, pattern, column, MENTEE_DIMENSIONS))
        out.pools.extend(_pool_rows(year, pattern, column))
        out.loads.extend(_load_rows(year, pattern, column))
        out.concordance.extend(_concordance_rows(year, pattern, column))
    return out


def _program(year: YearPeople, column: int | None) -> str:
    return INSTITUTION_NAME if column is None else dict(year.programs)[column]


def group_rows(
    year: YearPeople, pattern: YearPattern, column: int | None, dimensions: Collection[str]
) -> list[GroupRow]:
    """Mentees per dimension and group of one column, with their figures."""
    m = pattern.min_cell
    mentees = year.mentees_of(column)
    rows = []
    width = 1 + len(NETWORK_MEASURES)
    for dimension in dimensions:
        shown = pattern.published(MENTEES, DIMENSION_LABELS[dimension]).column(column)
        reached = pattern.published(NETWORK, DIMENSION_LABELS[dimension]).column(column)
        members: dict[str | None, list[int]] = defaultdict(list)
        for person in mentees:
            members[person.groups[dimension]].append(person.mentee_id)
        for i, (code, count) in enumerate(zip(year.groups(dimension), shown, strict=True)):
            s = group_stats(members.get(code, []), year.pairings)
            n = summarize(members.get(code, []), year.network)
            at_event, introduced, met = reached[width * i + 1 : width * (i + 1)]
            rows.append(
                GroupRow(
                    _program(year, column),
                    DIMENSION_LABELS[dimension],
                    group_label(dimension, code),
                    count,
                    _figure(s.coverage, count, s.mentees, m),
                    _figure(s.median_meetings, count, s.pairing_people, m),
                    _figure(s.engaged_share, count, s.pairing_people, m),
                    _figure(s.median_days_to_first_meeting, count, s.first_meeting_people, m),
                    _figure(share(n.mentees_at_event, n.mentees), at_event, n.mentees, m),
                    _figure(share(n.mentees_introduced, n.mentees), introduced, n.mentees, m),
                    _figure(share(n.mentees_introduction_met, n.mentees), met, n.mentees, m),
                )
            )
    return rows


def _pool_rows(year: YearPeople, pattern: YearPattern, column: int | None) -> list[PoolRow]:
    m = pattern.min_cell
    mentees, pool = year.mentees_of(column), year.pool(column)
    rows = []
    for dimension in POOL_DIMENSIONS:
        label = DIMENSION_LABELS[dimension]
        mentor_counts = pattern.published(MENTORS, label).column(column)
        mentee_counts = pattern.published(MENTEES, label).column(column)
        for code, mentors_n, mentees_n in zip(
            year.groups(dimension), mentor_counts, mentee_counts, strict=True
        ):
            real_mentors = sum(p.groups[dimension] == code for p in pool)
            real_mentees = sum(p.groups[dimension] == code for p in mentees)
            rows.append(
                PoolRow(
                    _program(year, column),
                    label,
                    group_label(dimension, code),
                    mentors_n,
                    _figure(share(real_mentors, len(pool)), mentors_n, len(pool), m),
                    mentees_n,
                    _figure(share(real_mentees, len(mentees)), mentees_n, len(mentees), m),
                )
            )
    return rows


def _load_rows(year: YearPeople, pattern: YearPattern, column: int | None) -> list[LoadRow]:
    m = pattern.min_cell
    pool = year.pool(column)
    rows = []
    for dimension in MENTOR_DIMENSIONS:
        label = DIMENSION_LABELS[dimension]
        counts = pattern.published(MENTORS, label).column(column)
        for code, count in zip(year.groups(dimension), counts, strict=True):
            group = [p for p in pool if p.groups[dimension] == code]
            load = sum(p.active_pairings for p in group)
            rows.append(
                LoadRow(
                    _program(year, column),
                    label,
                    group_label(dimension, code),
                    count,
                    _figure(share(load, len(group)), count, len(group), m),
                    _figure(share(load, sum(p.capacity for p in group)), count, len(group), m),
                )
            )
    return rows


def _concordance_rows(year: YearPeople, pattern: YearPattern, column: int | None) -> list[ConcordanceRow]:
    rows = []
    for kind in CONCORDANCE_KINDS:
        label = vocab.CONCORDANCE[kind]
        made, paired, met = pattern.published(CONCORDANCE, label).column(column)
        outcomes = [
            outcome
            for person, outcome in concordance_parts(year, kind)
            if column is None or person.program_id == column
        ]
        real_paired = sum(o != CONCORDANCE_NOT_PAIRED for o in outcomes)
        real_met = sum(o == CONCORDANCE_MET for o in outcomes)
        # Shown with a hidden number of requests met or with a mentor, the share would give it away.
        met_share = share(real_met, real_paired) if isinstance(paired, int) else None
        rows.append(
            ConcordanceRow(
                _program(year, column),
                label,
                made,
                paired,
                met,
                _figure(met_share, met, real_paired, pattern.min_cell),
            )
        )
    return rows
