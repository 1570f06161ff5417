"""The annual program review workbook: one sheet per program plus the institution (docs/metrics.md)."""

from __future__ import annotations

from typing import Any

from reports.engagement import cover_of
from reports.xlsx import Column, Table, chart, new_workbook, save, sheet_title, write_cover, write_sheet

TREND_COLUMNS = [
    Column("Academic year", width=30),
    Column("Mentees enrolled", "int"),
    Column("Mentees with a mentor", "int"),
    Column("Coverage", "pct"),
    Column("Active pairings", "int"),
    Column("Meetings", "int"),
    Column("Hours", "hours"),
    Column("Engaged pairings", "int"),
    Column("Engaged share", "pct"),
    Column("Overdue pairings", "int"),
    Column("Overdue share", "pct"),
    Column("Median days to first meeting", "number"),
]
INCLUSIVITY_COLUMNS = [
    Column("Program"),
    Column("Dimension"),
    Column("Group"),
    Column("Mentees enrolled", "int"),
    Column("% with a mentor", "pct"),
    Column("% engaged", "pct"),
]


def build(data: Any) -> bytes:
    """Annual review workbook bytes from report_data.AnnualReviewData."""
    wb = new_workbook()
    taken = {"About"}
    titles = [sheet_title(s.name, taken) for s in data.sheets]
    write_cover(
        wb,
        cover_of(
            data, [(t, "Five-year KPI trend with charts, topic mix, inclusivity summary.") for t in titles]
        ),
    )
    for title, sheet in zip(titles, data.sheets, strict=True):
        topic_columns = [Column("Topic", width=30)] + [Column(y, "int") for y in sheet.year_labels]
        topic_columns.append(Column(f"Share in {sheet.year_labels[-1]}", "pct"))
        tables = [
            Table(TREND_COLUMNS, sheet.trend, title=f"{sheet.name}: key figures by academic year"),
            Table(topic_columns, sheet.topics, title="Topic mix (held meetings per topic)"),
            Table(
                INCLUSIVITY_COLUMNS,
                sheet.inclusivity,
                title=f"Inclusivity summary, {sheet.year_labels[-1]} (suppressed, see About)"
                if sheet.inclusivity
                else "Inclusivity summary: not summed over several programs (see each program's sheet)",
            ),
        ]
        ws, (trend, _topics, _incl) = write_sheet(wb, title, tables)
        rows = (1, trend.first_row, trend.last_row)
        rates = chart(
            ws,
            "line",
            "Coverage and engagement",
            rows,
            [("Coverage", 4), ("Engaged share", 9), ("Overdue share", 11)],
            percent=True,
        )
        ws.add_chart(rates, "N2")
        volume = chart(
            ws, "bar", "Held meetings per academic year", rows, [("Meetings", 6)], axis_title="Meetings"
        )
        ws.add_chart(volume, "N19")
    return save(wb, data.cover.generated_at)
