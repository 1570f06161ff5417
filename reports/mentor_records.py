"""The faculty-affairs workbook: every mentor's record for one academic year, one row per mentor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from reports.xlsx import Column, Cover, Table, cells, new_workbook, save, write_cover, write_sheet


class RecordRow(NamedTuple):
    """One mentor's totals for the year (never notes, check-in answers or self-identification)."""

    mentor: str
    mentor_email: str
    department: str | None
    mentees: int
    meetings: int
    hours: float
    plan_reviews: int
    introductions: int
    events: int
    credits: float | None


@dataclass(frozen=True)
class RecordsData:
    """Everything the workbook shows."""

    cover: Cover
    rows: list[RecordRow]


# The headers faculty affairs builds on: exactly these, in this order.
COLUMNS = [
    Column("Mentor", field="mentor"),
    Column("Mentor email", field="mentor_email"),
    Column("Department", field="department"),
    Column("Mentees", "int", field="mentees"),
    Column("Meetings", "int", field="meetings"),
    Column("Hours", "hours", field="hours"),
    Column("Plan reviews", "int", field="plan_reviews"),
    Column("Introductions", "int", field="introductions"),
    Column("Events", "int", field="events"),
    Column("Credits", "number", field="credits"),
]
SHEETS = [("Mentors", "One row per mentor enrolled in the year or with a mentorship active in it.")]


def build(data: RecordsData) -> bytes:
    """Workbook bytes."""
    wb = new_workbook()
    write_cover(wb, data.cover, SHEETS)
    write_sheet(wb, "Mentors", [Table(COLUMNS, cells(data.rows, COLUMNS))])
    return save(wb, data.cover.generated_at)
