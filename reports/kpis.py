"""The Summary KPIs as a row type and their columns, declared once for every workbook that shows them.

The engagement workbook's Summary sheet shows them per program, the annual review's trend per academic year
(with the engaged and overdue shares); the definitions are in docs/metrics.md.
"""

from __future__ import annotations

from typing import NamedTuple

from reports.xlsx import Column


class KpiRow(NamedTuple):
    """The Summary KPIs of one program, or of one academic year, as the workbooks show them."""

    label: str  # the program, or the academic year
    mentees_enrolled: int
    mentees_with_mentor: int
    coverage: float | None
    active_pairings: int
    meetings: int
    hours: float
    engaged_pairings: int
    engaged_share: float | None
    overdue_pairings: int
    overdue_share: float | None
    median_days_to_first_meeting: float | None
    plans_reviewed_twice: float | None = None
    mentees_at_event: float | None = None
    events_per_mentee: float | None = None


# Exactly these headers, in this order, every year: coordinators' pivot tables depend on them.
KPI_COLUMNS = [
    Column("Mentees enrolled", "int", field="mentees_enrolled"),
    Column("Mentees with a mentor", "int", field="mentees_with_mentor"),
    Column("Coverage", "pct", field="coverage"),
    Column("Active pairings", "int", field="active_pairings"),
    Column("Meetings", "int", field="meetings"),
    Column("Hours", "hours", field="hours"),
    Column("Engaged pairings", "int", field="engaged_pairings"),
    Column("Engaged share", "pct", field="engaged_share"),
    Column("Overdue pairings", "int", field="overdue_pairings"),
    Column("Overdue share", "pct", field="overdue_share"),
    Column("Median days to first meeting", "number", field="median_days_to_first_meeting"),
    Column("Plans reviewed twice", "pct", field="plans_reviewed_twice"),
    Column("Mentees at an event", "pct", field="mentees_at_event"),
    Column("Events attended per mentee", "number", field="events_per_mentee"),
]
# Shown only in the trend of the annual review: the Summary sheet's headers are fixed.
SHARES = ("engaged_share", "overdue_share", "events_per_mentee")


def kpi_columns(label: Column, *, shares: bool) -> list[Column]:
    """`label` (showing KpiRow.label) then the KPI columns, with or without the trend's own columns (the
    engaged and overdue shares, events attended per mentee)."""
    return [label, *(c for c in KPI_COLUMNS if shares or c.field not in SHARES)]
