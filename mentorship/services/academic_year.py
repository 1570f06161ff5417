"""Academic years (docs/metrics.md): AY Y runs from the start month of Y to the month before, Y+1."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class AcademicYear:
    year: int
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"AY {self.year}–{str(self.year + 1)[-2:]}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def academic_year(year: int, start_month: int = 7) -> AcademicYear:
    """The academic year that starts in `start_month` of `year`."""
    start = dt.date(year, start_month, 1)
    end = dt.date(year + 1, start_month, 1) - dt.timedelta(days=1)
    return AcademicYear(year, start, end)


def year_of(day: dt.date, start_month: int = 7) -> int:
    """The academic year containing `day`."""
    return day.year if day.month >= start_month else day.year - 1


def report_date(ay: AcademicYear, today: dt.date) -> dt.date:
    """The report date of a year: today, or the end of the year if it is over (docs/metrics.md)."""
    return min(today, ay.end)
