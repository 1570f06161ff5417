"""The engagement workbook (docs/metrics.md): identified, for coordinators and admins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

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
    write_cover,
    write_sheet,
)


class PairingRow(NamedTuple):
    """A pairing active in the year, with its metrics and status."""

    program: str
    mentee: str
    mentee_email: str
    pgy: int
    mentor: str
    mentor_email: str
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    meetings: int
    hours: float
    first_meeting: dt.date | None
    days_to_first_meeting: int | None
    last_meeting: dt.date | None
    days_since_last_meeting: int
    status: str


class MentorRow(NamedTuple):
    """A mentor of the report: load at the report date against capacity, and this report's pairings."""

    mentor: str
    mentor_email: str
    mentor_type: str
    department: str | None
    program: str | None
    capacity: int
    active_pairings: int
    load_share: float | None
    pairings: int
    meetings: int
    hours: float
    enrolled: str  # "Yes" or "No"


class MeetingRow(NamedTuple):
    """A meeting dated in the year up to the report date, any status; never its notes."""

    date: dt.date
    program: str
    mentee: str
    mentor: str
    minutes: int
    modality: str
    status: str
    counted: str  # "Yes" or "No"
    logged_by: str
    confirmed: str  # "Yes" or "No"
    topics: str


class TopicRow(NamedTuple):
    """Held meetings with one topic, and their share of the held meetings."""

    topic: str
    meetings: int
    share: float | None


class PlanRow(NamedTuple):
    """A mentee enrolled in the year and their development plan's figures: never a goal's text."""

    program: str
    mentee: str
    mentee_email: str
    pgy: int
    plan: str  # "Yes" or "No"
    goals: int
    goals_done: int
    reviews: int
    last_review: dt.date | None


class MonthRow(NamedTuple):
    """Held meetings and hours of one calendar month (its first day)."""

    month: dt.date
    meetings: int
    hours: float


class EventRow(NamedTuple):
    """An event of the year (not cancelled): how many were invited, said they are going, attended."""

    date: dt.date
    title: str
    kind: str
    invited: int
    going: int
    attended: int


class NetworkingRow(NamedTuple):
    """A mentee enrolled in the year and their network figures."""

    program: str
    mentee: str
    mentee_email: str
    pgy: int
    events_attended: int
    introductions: int
    introductions_met: int
    distinct_connections: int


@dataclass(frozen=True)
class EngagementData:
    """Everything the engagement workbook shows."""

    cover: Cover
    summary: list[KpiRow]
    pairings: list[PairingRow]
    mentors: list[MentorRow]
    meetings: list[MeetingRow]
    topics: list[TopicRow]
    months: list[MonthRow]
    plans: list[PlanRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    networking: list[NetworkingRow] = field(default_factory=list)


SUMMARY_COLUMNS = kpi_columns(Column("Program", width=34, field="label"), shares=False)
# The mentee's identity at the head of every one-row-per-mentee (or per-pairing) sheet, in this order.
MENTEE_COLUMNS = [
    Column("Program", field="program"),
    Column("Mentee", field="mentee"),
    Column("Mentee email", field="mentee_email"),
    Column("PGY", "int", field="pgy"),
]
PAIRING_COLUMNS = [
    *MENTEE_COLUMNS,
    Column("Mentor", field="mentor"),
    Column("Mentor email", field="mentor_email"),
    Column("Kind", field="kind"),
    Column("Start date", "date", field="start_date"),
    Column("End date", "date", field="end_date"),
    Column("Meetings", "int", field="meetings"),
    Column("Hours", "hours", field="hours"),
    Column("First meeting", "date", field="first_meeting"),
    Column("Days to first meeting", "int", field="days_to_first_meeting"),
    Column("Last meeting", "date", field="last_meeting"),
    Column("Days since last meeting", "int", field="days_since_last_meeting"),
    Column("Status", field="status"),
]
MENTOR_COLUMNS = [
    Column("Mentor", field="mentor"),
    Column("Mentor email", field="mentor_email"),
    Column("Type", field="mentor_type"),
    Column("Department", field="department"),
    Column("Program", field="program"),
    Column("Capacity", "int", field="capacity"),
    Column("Active pairings at report date", "int", field="active_pairings"),
    Column("Share of capacity used", "pct", field="load_share"),
    Column("Pairings in this report", "int", field="pairings"),
    Column("Meetings", "int", field="meetings"),
    Column("Hours", "hours", field="hours"),
    Column("Enrolled in the year", field="enrolled"),
]
MEETING_COLUMNS = [
    Column("Date", "date", field="date"),
    Column("Program", field="program"),
    Column("Mentee", field="mentee"),
    Column("Mentor", field="mentor"),
    Column("Minutes", "int", field="minutes"),
    Column("Modality", field="modality"),
    Column("Status", field="status"),
    Column("Counted", field="counted"),
    Column("Logged by", field="logged_by"),
    Column("Confirmed", field="confirmed"),
    Column("Topics", width=40, field="topics"),
]
TOPIC_COLUMNS = [
    Column("Topic", width=24, field="topic"),
    Column("Meetings", "int", field="meetings"),
    Column("Share of meetings", "pct", field="share"),
]
# Exactly these headers, in this order (docs/metrics.md, Development plans).
PLAN_COLUMNS = [
    *MENTEE_COLUMNS,
    Column("Plan", field="plan"),
    Column("Goals", "int", field="goals"),
    Column("Goals done", "int", field="goals_done"),
    Column("Reviews in year", "int", field="reviews"),
    Column("Last review", "date", field="last_review"),
]
MONTH_COLUMNS = [
    Column("Month", "month", width=12, field="month"),
    Column("Meetings", "int", field="meetings"),
    Column("Hours", "hours", field="hours"),
]
# Exactly these headers, in this order (docs/metrics.md).
EVENT_COLUMNS = [
    Column("Date", "date", field="date"),
    Column("Title", width=40, field="title"),
    Column("Kind", field="kind"),
    Column("Invited", "int", field="invited"),
    Column("Going", "int", field="going"),
    Column("Attended", "int", field="attended"),
]
NETWORKING_COLUMNS = [
    *MENTEE_COLUMNS,
    Column("Events attended", "int", field="events_attended"),
    Column("Introductions", "int", field="introductions"),
    Column("Introductions met", "int", field="introductions_met"),
    Column("Distinct connections", "int", field="distinct_connections"),
]

SHEETS = [
    ("Summary", "Per-program KPIs and a last row for all programs."),
    ("Pairings", "One row per pairing active in the year, with every metric and its status."),
    ("Mentors", "Load at the report date against capacity, meetings and hours."),
    ("Meetings", "One row per meeting in the year up to the report date (notes are never exported)."),
    ("Topics", "Held meetings per topic, with a chart."),
    ("Meetings per month", "Held meetings and hours per month, with a chart."),
    (
        "Plans",
        "One row per mentee enrolled in the year: their development plan's goals and reviews (no text).",
    ),
    ("Events", "One row per event of the year up to the report date: invited, going, attended."),
    ("Networking", "One row per mentee enrolled in the year: events attended, introductions, connections."),
]


def build(data: EngagementData) -> bytes:
    """Engagement workbook bytes."""
    wb = new_workbook()
    write_cover(wb, data.cover, SHEETS)
    write_sheet(wb, "Summary", [Table(SUMMARY_COLUMNS, cells(data.summary, SUMMARY_COLUMNS))])
    write_sheet(wb, "Pairings", [Table(PAIRING_COLUMNS, cells(data.pairings, PAIRING_COLUMNS))])
    write_sheet(wb, "Mentors", [Table(MENTOR_COLUMNS, cells(data.mentors, MENTOR_COLUMNS))])
    write_sheet(wb, "Meetings", [Table(MEETING_COLUMNS, cells(data.meetings, MEETING_COLUMNS))])

    ws, (placed,) = write_sheet(wb, "Topics", [Table(TOPIC_COLUMNS, cells(data.topics, TOPIC_COLUMNS))])
    if data.topics:
        rows = (1, placed.first_row, placed.last_row)
        series = [("Meetings", position(TOPIC_COLUMNS, "meetings"))]
        topics = chart(ws, "bar", "Held meetings per topic", rows, series, horizontal=True)
        place_charts(ws, [topics], placed.last_row)

    months = cells(data.months, MONTH_COLUMNS)
    ws, (placed,) = write_sheet(wb, "Meetings per month", [Table(MONTH_COLUMNS, months)])
    if months:
        rows = (1, placed.first_row, placed.last_row)
        series = [("Meetings", position(MONTH_COLUMNS, "meetings"))]
        per_month = chart(ws, "bar", "Held meetings per month", rows, series, axis_title="Meetings")
        place_charts(ws, [per_month], placed.last_row)
    write_sheet(wb, "Plans", [Table(PLAN_COLUMNS, cells(data.plans, PLAN_COLUMNS))])
    write_sheet(wb, "Events", [Table(EVENT_COLUMNS, cells(data.events, EVENT_COLUMNS))])
    write_sheet(wb, "Networking", [Table(NETWORKING_COLUMNS, cells(data.networking, NETWORKING_COLUMNS))])
    return save(wb, data.cover.generated_at)


def build_pairings(cover: Cover, pairings: list[PairingRow]) -> bytes:
    """A workbook of some pairings (the list behind a figure): the cover and the Pairings sheet as above."""
    wb = new_workbook()
    write_cover(wb, cover, [SHEETS[1]])
    write_sheet(wb, "Pairings", [Table(PAIRING_COLUMNS, cells(pairings, PAIRING_COLUMNS))])
    return save(wb, cover.generated_at)
