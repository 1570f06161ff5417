"""The plan rules that need no database: review windows, goal fields, and when a review is due.

Review windows come from PLAN_REVIEW_MONTHS, e.g. `11,12;5,6`: windows separated by `;`, each a run of
consecutive months (December may run into January: `12,1`). A window is open from the first day of its first
month to the last day of its last month; a review counts for the window when its date falls inside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from mentorship import vocab
from mentorship.services import ServiceError

Windows = tuple[tuple[int, ...], ...]
MAX_TITLE, MAX_NEXT_STEP, MAX_COMMENT = 200, 500, 2000
UNFINISHED = ("not_started", "in_progress")


class InvalidGoal(ServiceError):
    """A field of a goal, comment or review is not acceptable; `field` names it for the form."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def parse_review_months(raw: str) -> Windows:
    """The review windows of a PLAN_REVIEW_MONTHS value; ValueError naming what is wrong."""
    windows: list[tuple[int, ...]] = []
    seen: set[int] = set()
    for part in raw.split(";"):
        if not part.strip():
            continue
        try:
            months = tuple(int(m) for m in part.split(","))
        except ValueError:
            raise ValueError(
                f"PLAN_REVIEW_MONTHS: {part.strip()!r} is not a list of month numbers (e.g. 11,12;5,6)."
            ) from None
        if any(not 1 <= m <= 12 for m in months):
            raise ValueError(f"PLAN_REVIEW_MONTHS: months are 1 to 12, not {part.strip()!r}.")
        if any(b != a % 12 + 1 for a, b in zip(months, months[1:], strict=False)):
            raise ValueError(f"PLAN_REVIEW_MONTHS: the months of {part.strip()!r} must follow each other.")
        if seen & set(months):
            raise ValueError("PLAN_REVIEW_MONTHS: a month belongs to two windows.")
        seen |= set(months)
        windows.append(months)
    if not windows:
        raise ValueError("PLAN_REVIEW_MONTHS needs at least one window (e.g. 11,12;5,6).")
    return tuple(windows)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def window_on(day: dt.date, windows: Windows) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the review window open on `day`, or None outside every window."""
    for months in windows:
        if day.month in months:
            position = months.index(day.month)
            first_year, first_month = _add_months(day.year, day.month, -position)
            last_year, last_month = _add_months(day.year, day.month, len(months) - position)
            return dt.date(first_year, first_month, 1), dt.date(last_year, last_month, 1) - dt.timedelta(1)
    return None


def review_due(review_dates: Iterable[dt.date], day: dt.date, windows: Windows) -> bool:
    """A window is open on `day` and none of the plan's counted reviews (`review_dates`) falls inside it."""
    window = window_on(day, windows)
    return window is not None and not any(window[0] <= d <= window[1] for d in review_dates)


@dataclass
class GoalInput:
    """What the mentee enters for a goal (the short form asks only the title and category)."""

    title: str
    category: str | None = None
    target_date: dt.date | None = None
    status: str = "not_started"
    next_step: str | None = None


def clean_goal(data: GoalInput) -> GoalInput:
    """`data` trimmed, or InvalidGoal naming the first field that is not acceptable."""
    title = (data.title or "").strip()
    if not title:
        raise InvalidGoal("Enter the goal.", "title")
    if len(title) > MAX_TITLE:
        raise InvalidGoal(f"A goal is at most {MAX_TITLE} characters.", "title")
    category = data.category or None
    if category is not None and category not in vocab.GOAL_CATEGORIES:
        raise InvalidGoal("Choose a category from the list.", "category")
    if data.status not in vocab.GOAL_STATUSES:
        raise InvalidGoal("Choose a status from the list.", "status")
    next_step = (data.next_step or "").strip() or None
    if next_step is not None and len(next_step) > MAX_NEXT_STEP:
        raise InvalidGoal(f"The next step is at most {MAX_NEXT_STEP} characters.", "next_step")
    return GoalInput(title, category, data.target_date, data.status, next_step)
