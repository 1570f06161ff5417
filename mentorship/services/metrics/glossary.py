"""The plain-language definition of each figure: one list for the dashboard's tooltips, the definitions page
and the test that docs/metrics.md states each one word for word."""

from __future__ import annotations

from typing import NamedTuple


class Definition(NamedTuple):
    """A figure's key (as the Summary row or status flag names it), its label and its short definition."""

    key: str
    label: str
    text: str


KPIS = (
    Definition(
        "mentees_enrolled",
        "Mentees enrolled",
        "The number of mentees enrolled at any time in the academic year.",
    ),
    Definition(
        "mentees_with_mentor",
        "Mentees with a mentor",
        "Mentees enrolled in the year who have at least one pairing active in the year.",
    ),
    Definition(
        "coverage",
        "Coverage",
        "The share of the mentees enrolled in the year who have a mentor in the year.",
    ),
    Definition(
        "active_pairings",
        "Active pairings",
        "Pairings active at any time in the academic year, including those that ended during it.",
    ),
    Definition(
        "meetings",
        "Meetings",
        "Held meetings of the year's pairings, dated in the year and not after the report date.",
    ),
    Definition("hours", "Hours", "Hours of the held meetings counted in Meetings."),
    Definition(
        "engaged_pairings",
        "Engaged pairings",
        "Pairings with at least the target number of held meetings in the year (default 4).",
    ),
    Definition(
        "overdue_pairings",
        "Overdue pairings",
        "Open pairings that started at least 30 days ago and have had no held meeting for more than 60 days.",
    ),
    Definition(
        "median_days_to_first_meeting",
        "Median days to first meeting",
        "The typical number of days between a pairing's start and its first held meeting.",
    ),
    Definition(
        "plans_reviewed_twice",
        "Plans reviewed twice",
        "The share of the mentees enrolled in the year whose development plan had two or more reviews in it.",
    ),
    Definition(
        "mentees_at_event",
        "Mentees at an event",
        "The share of the mentees enrolled in the year who attended at least one program event in it.",
    ),
)

STATUSES = (
    Definition(
        "on_track",
        "On track",
        "Open, and has met as often as the target asks for the part of the year the pairing has run.",
    ),
    Definition(
        "behind",
        "Behind",
        "Open and not new, but has never met, or has met less often than the target asks for so far.",
    ),
    Definition("new", "New", "Made less than 30 days ago and has not met yet."),
    Definition(
        "overdue",
        "Overdue",
        "Open, at least 30 days old, and no held meeting for more than 60 days (the overdue setting).",
    ),
    Definition("ended", "Ended", "Its end date is on or before the report date."),
)

TERMS = (
    Definition(
        "year_to_date",
        "Year to date",
        "While the academic year is still running, its figures count from its first day up to today.",
    ),
    Definition(
        "open_on",
        "Open on a day",
        "Started on or before that day and not ended by it: a pairing whose end date is that day has ended.",
    ),
    Definition(
        "enrolled_today",
        "Enrolled today",
        "Enrolled on or before today and not left before today.",
    ),
)

ALL = KPIS + STATUSES + TERMS
BY_KEY = {d.key: d for d in ALL}
