"""The annual program review workbook: one sheet per program plus the institution (docs/metrics.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from reports.inclusivity import NETWORK_COLUMNS, GroupRow
from reports.kpis import KpiRow, kpi_columns
from reports.xlsx import (
    Column,
    Cover,
    Table,
    cells,
    chart,
    new_workbook,
    place_charts,
    position,
    save,
    sheet_title,
    write_cover,
    write_sheet,
)


class TopicMixRow(NamedTuple):
    """Held meetings with one topic in each academic year of the trend, and its share in the last one."""

    topic: str
    counts: tuple[int, ...]  # one per academic year, oldest first
    share: float | None


@dataclass(frozen=True)
class ReviewSheet:
    """One sheet of the review: a program, or the institution (or the selected programs together)."""

    name: str
    trend: list[KpiRow]  # one row per academic year, oldest first
    topics: list[TopicMixRow]
    year_labels: list[str]
    inclusivity: list[GroupRow]  # none for a set of programs: demographics are never summed over one


@dataclass(frozen=True)
class AnnualReviewData:
    """Everything the annual program review workbook shows."""

    cover: Cover
    sheets: list[ReviewSheet]


TREND_COLUMNS = kpi_columns(Column("Academic year", width=30, field="label"), shares=True)
INCLUSIVITY_COLUMNS = [
    Column("Program", field="program"),
    Column("Dimension", field="dimension"),
    Column("Group", field="group"),
    Column("Mentees enrolled", "int", field="mentees"),
    Column("% with a mentor", "pct", field="coverage"),
    Column("% engaged", "pct", field="engaged_share"),
    *NETWORK_COLUMNS,
]


def build(data: AnnualReviewData) -> bytes:
    """Annual review workbook bytes."""
    wb = new_workbook()
    taken = {"About"}
    titles = [sheet_title(s.name, taken) for s in data.sheets]
    about = "Five-year KPI trend with charts, topic mix, inclusivity summary."
    write_cover(wb, data.cover, [(t, about) for t in titles])
    for title, sheet in zip(titles, data.sheets, strict=True):
        topic_columns = [Column("Topic", width=30)] + [Column(y, "int") for y in sheet.year_labels]
        topic_columns.append(Column(f"Share in {sheet.year_labels[-1]}", "pct"))
        tables = [
            Table(
                TREND_COLUMNS,
                cells(sheet.trend, TREND_COLUMNS),
                title=f"{sheet.name}: key figures by academic year",
            ),
            Table(
                topic_columns,
                [(r.topic, *r.counts, r.share) for r in sheet.topics],
                title="Topic mix (held meetings per topic)",
            ),
            Table(
                INCLUSIVITY_COLUMNS,
                cells(sheet.inclusivity, INCLUSIVITY_COLUMNS),
                title=f"Inclusivity summary, {sheet.year_labels[-1]} (suppressed, see About)"
                if sheet.inclusivity
                else "Inclusivity summary: not summed over several programs (see each program's sheet)",
            ),
        ]
        ws, (trend, _topics, incl) = write_sheet(wb, title, tables)
        rows = (1, trend.first_row, trend.last_row)
        rates = [
            (header, position(TREND_COLUMNS, field))
            for header, field in (
                ("Coverage", "coverage"),
                ("Engaged share", "engaged_share"),
                ("Overdue share", "overdue_share"),
            )
        ]
        lines = chart(ws, "line", "Coverage and engagement", rows, rates, percent=True)
        meetings = [("Meetings", position(TREND_COLUMNS, "meetings"))]
        volume = chart(ws, "bar", "Held meetings per academic year", rows, meetings, axis_title="Meetings")
        place_charts(ws, [lines, volume], incl.last_row)
    return save(wb, data.cover.generated_at)
