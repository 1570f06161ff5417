"""The engagement workbook (docs/metrics.md): identified, for coordinators and admins."""

from __future__ import annotations

from typing import Any

from reports.xlsx import Column, Cover, Table, chart, new_workbook, save, write_cover, write_sheet

# Exactly these headers, in this order, every year: coordinators' pivot tables depend on them.
SUMMARY_COLUMNS = [
    Column("Program", width=34),
    Column("Mentees enrolled", "int"),
    Column("Mentees with a mentor", "int"),
    Column("Coverage", "pct"),
    Column("Active pairings", "int"),
    Column("Meetings", "int"),
    Column("Hours", "hours"),
    Column("Engaged pairings", "int"),
    Column("Overdue pairings", "int"),
    Column("Median days to first meeting", "number"),
]
PAIRING_COLUMNS = [
    Column("Program"),
    Column("Mentee"),
    Column("Mentee email"),
    Column("PGY", "int"),
    Column("Mentor"),
    Column("Mentor email"),
    Column("Kind"),
    Column("Start date", "date"),
    Column("End date", "date"),
    Column("Meetings", "int"),
    Column("Hours", "hours"),
    Column("First meeting", "date"),
    Column("Days to first meeting", "int"),
    Column("Last meeting", "date"),
    Column("Days since last meeting", "int"),
    Column("Status"),
]
MENTOR_COLUMNS = [
    Column("Mentor"),
    Column("Mentor email"),
    Column("Type"),
    Column("Department"),
    Column("Program"),
    Column("Capacity", "int"),
    Column("Active pairings at report date", "int"),
    Column("Share of capacity used", "pct"),
    Column("Pairings in this report", "int"),
    Column("Meetings", "int"),
    Column("Hours", "hours"),
    Column("Enrolled in the year"),
]
MEETING_COLUMNS = [
    Column("Date", "date"),
    Column("Program"),
    Column("Mentee"),
    Column("Mentor"),
    Column("Minutes", "int"),
    Column("Modality"),
    Column("Status"),
    Column("Counted"),
    Column("Logged by"),
    Column("Confirmed"),
    Column("Topics", width=40),
]
TOPIC_COLUMNS = [Column("Topic", width=24), Column("Meetings", "int"), Column("Share of meetings", "pct")]
MONTH_COLUMNS = [Column("Month", "month", width=12), Column("Meetings", "int"), Column("Hours", "hours")]

SHEETS = [
    ("Summary", "Per-program KPIs and a last row for all programs."),
    ("Pairings", "One row per pairing active in the year, with every metric and its status."),
    ("Mentors", "Load at the report date against capacity, meetings and hours."),
    ("Meetings", "One row per meeting in the year up to the report date (notes are never exported)."),
    ("Topics", "Held meetings per topic, with a chart."),
    ("Meetings per month", "Held meetings and hours per month, with a chart."),
]


def cover_of(data: Any, sheets: list[tuple[str, str]]) -> Cover:
    """The shared cover sheet from a report's cover data."""
    c = data.cover
    return Cover(
        report=c.report,
        academic_year=c.academic_year,
        report_date=c.report_date,
        programs=c.programs,
        generated_at=c.generated_at,
        generated_by=c.generated_by,
        settings=c.settings,
        notes=c.notes,
        sheets=sheets,
    )


def build(data: Any) -> bytes:
    """Engagement workbook bytes from report_data.EngagementData."""
    wb = new_workbook()
    write_cover(wb, cover_of(data, SHEETS))
    write_sheet(wb, "Summary", [Table(SUMMARY_COLUMNS, data.summary)])
    write_sheet(wb, "Pairings", [Table(PAIRING_COLUMNS, data.pairings)])
    write_sheet(wb, "Mentors", [Table(MENTOR_COLUMNS, data.mentors)])
    write_sheet(wb, "Meetings", [Table(MEETING_COLUMNS, data.meetings)])

    ws, (placed,) = write_sheet(wb, "Topics", [Table(TOPIC_COLUMNS, data.topics)])
    if data.topics:
        rows = (1, placed.first_row, placed.last_row)
        topics = chart(ws, "bar", "Held meetings per topic", rows, [("Meetings", 2)], horizontal=True)
        ws.add_chart(topics, "E2")

    months = [(m.replace(day=1), n, hours) for m, n, hours in data.months]
    ws, (placed,) = write_sheet(wb, "Meetings per month", [Table(MONTH_COLUMNS, months)])
    if months:
        rows = (1, placed.first_row, placed.last_row)
        per_month = chart(
            ws, "bar", "Held meetings per month", rows, [("Meetings", 2)], axis_title="Meetings"
        )
        ws.add_chart(per_month, "E2")
    return save(wb, data.cover.generated_at)
