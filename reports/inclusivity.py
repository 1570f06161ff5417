"""The inclusivity workbook: aggregate only, already suppressed (docs/privacy.md).

Every table starts with the program its rows are about ("Institution" for the whole institution).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from reports.xlsx import (
    Column,
    Cover,
    Placed,
    Table,
    cells,
    chart,
    new_workbook,
    place_charts,
    position,
    save,
    write_cover,
    write_sheet,
)

Count = int | str  # a published count, or the mark that hides it ("<5", or the complementary mark)


class GroupRow(NamedTuple):
    """Mentees of one group: enrolled, % with a mentor, median meetings, % engaged, median days to meet, and
    the shares at an event, introduced and with an introduction met."""

    program: str
    dimension: str
    group: str
    mentees: Count
    coverage: float | None
    median_meetings: float | None
    engaged_share: float | None
    median_days_to_first_meeting: float | None
    at_event_share: float | None
    introduced_share: float | None
    introduction_met_share: float | None


class PoolRow(NamedTuple):
    """Mentor pool composition beside mentee pool composition, for one group."""

    program: str
    dimension: str
    group: str
    mentors: Count
    mentor_share: float | None
    mentees: Count
    mentee_share: float | None


class LoadRow(NamedTuple):
    """Mentors of one group: how many, mentees per mentor, share of capacity used."""

    program: str
    dimension: str
    group: str
    mentors: Count
    mentees_per_mentor: float | None
    capacity_share: float | None


class ConcordanceRow(NamedTuple):
    """Concordance requests of one kind: made, of those with a mentor in the year, met, share met."""

    program: str
    request: str
    made: Count
    paired: Count
    met: Count
    met_share: float | None


@dataclass(frozen=True)
class InclusivityData:
    """Everything the inclusivity workbook shows, already suppressed."""

    cover: Cover
    groups: list[GroupRow]
    pools: list[PoolRow]
    mentor_load: list[LoadRow]
    concordance: list[ConcordanceRow]
    concordance_text: list[str]


# The networking shares of a group (the annual review shows them too); `flask report check-suppression`
# reads their counts back by these headers.
NETWORK_COLUMNS = [
    Column("% at an event", "pct", field="at_event_share"),
    Column("% introduced", "pct", field="introduced_share"),
    Column("% with an introduction met", "pct", field="introduction_met_share"),
]
GROUP_COLUMNS = [
    Column("Program", width=28, field="program"),
    Column("Dimension", width=30, field="dimension"),
    Column("Group", width=22, field="group"),
    Column("Mentees enrolled", "int", field="mentees"),
    Column("% with a mentor", "pct", field="coverage"),
    Column("Median meetings per pairing", "number", field="median_meetings"),
    Column("% engaged", "pct", field="engaged_share"),
    Column("Median days to first meeting", "number", field="median_days_to_first_meeting"),
    *NETWORK_COLUMNS,
]
POOL_COLUMNS = [
    Column("Program", width=28, field="program"),
    Column("Dimension", width=30, field="dimension"),
    Column("Group", width=22, field="group"),
    Column("Mentors", "int", field="mentors"),
    Column("Share of mentors", "pct", field="mentor_share"),
    Column("Mentees", "int", field="mentees"),
    Column("Share of mentees", "pct", field="mentee_share"),
]
LOAD_COLUMNS = [
    Column("Program", width=28, field="program"),
    Column("Dimension", width=30, field="dimension"),
    Column("Group", width=28, field="group"),
    Column("Mentors", "int", field="mentors"),
    Column("Mentees per mentor", "number", field="mentees_per_mentor"),
    Column("Share of capacity used", "pct", field="capacity_share"),
]
CONCORDANCE_COLUMNS = [
    Column("Program", width=28, field="program"),
    Column("Request", width=24, field="request"),
    Column("Requests made", "int", field="made"),
    Column("With a mentor in the year", "int", field="paired"),
    Column("Requests met", "int", field="met"),
    Column("Share met (of those with a mentor)", "pct", field="met_share"),
]
SHEETS = [
    (
        "Mentee groups",
        "Per dimension and group: mentees enrolled, % with a mentor, median meetings per "
        "pairing, % engaged, median days to first meeting, % at an event, % introduced, % with an "
        "introduction met; charts per dimension.",
    ),
    ("Pools", "Mentor pool composition beside mentee pool composition."),
    ("Mentor load", "Mentees per mentor and share of capacity used, by mentor group."),
    ("Concordance", "Concordance requests made and met, as a description, not a target."),
]


def _sections(rows: Sequence[GroupRow | PoolRow | LoadRow]) -> list[tuple[str, int, int]]:
    """(title, first index, last index) of consecutive rows of the same program and dimension."""
    spans: list[tuple[tuple[str, str], int, int]] = []
    for i, row in enumerate(rows):
        key = (row.program, row.dimension)
        if spans and spans[-1][0] == key:
            spans[-1] = (key, spans[-1][1], i)
        else:
            spans.append((key, i, i))
    return [(f"{program}, {dimension}", first, last) for (program, dimension), first, last in spans]


def _charts(
    ws,
    placed: Placed,
    rows: Sequence[GroupRow | PoolRow | LoadRow],
    columns: Sequence[Column],
    title: str,
    series: Sequence[str],
) -> None:
    """One percentage bar chart of the `series` fields per program and dimension, under the table."""
    named = [(next(c.header for c in columns if c.field == f), position(columns, f)) for f in series]
    made = []
    for name, first, last in _sections(rows):
        span = (position(columns, "group"), placed.first_row + first, placed.first_row + last)
        made.append(chart(ws, "bar", f"{name}: {title}", span, named, percent=True))
    place_charts(ws, made, placed.last_row)


def build(data: InclusivityData) -> bytes:
    """Inclusivity workbook bytes."""
    wb = new_workbook()
    write_cover(wb, data.cover, SHEETS)

    groups = Table(GROUP_COLUMNS, cells(data.groups, GROUP_COLUMNS))
    ws, (placed,) = write_sheet(wb, "Mentee groups", [groups])
    series: tuple[str, ...] = ("coverage", "engaged_share", "at_event_share")
    _charts(ws, placed, data.groups, GROUP_COLUMNS, "% with a mentor, % engaged, % at an event", series)

    ws, (placed,) = write_sheet(wb, "Pools", [Table(POOL_COLUMNS, cells(data.pools, POOL_COLUMNS))])
    series = ("mentor_share", "mentee_share")
    _charts(ws, placed, data.pools, POOL_COLUMNS, "mentor and mentee pools", series)

    loads = Table(LOAD_COLUMNS, cells(data.mentor_load, LOAD_COLUMNS))
    ws, (placed,) = write_sheet(wb, "Mentor load", [loads])
    _charts(ws, placed, data.mentor_load, LOAD_COLUMNS, "share of capacity used", ("capacity_share",))

    concordance = Table(CONCORDANCE_COLUMNS, cells(data.concordance, CONCORDANCE_COLUMNS))
    text = Table([Column("About concordance", width=100)], [(line,) for line in data.concordance_text])
    write_sheet(wb, "Concordance", [concordance, text])
    return save(wb, data.cover.generated_at)
