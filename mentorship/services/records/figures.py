"""The faculty mentoring record (docs/metrics.md, The faculty mentoring record) as plain values.

Meetings and hours are the metrics' own (services.metrics): a pairing's held meetings in the year up to
the report date, so a group session counts once in each pairing it is a meeting of, exactly as in the
engagement workbook; the distinct group sessions are reported besides. Never notes, check-in answers or
self-identification: nothing here reads them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from mentorship.services.academic_year import AcademicYear
from mentorship.services.records.credit import CreditRule


@dataclass(frozen=True)
class MenteeLine:
    """One pairing of the mentor active in the year: who, and their meetings in it."""

    mentee_id: int
    mentee: str
    program: str
    pgy: int
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    meetings: int
    minutes: int
    group_sessions: int

    @property
    def hours(self) -> float:
        """Minutes of the held meetings in the year, in hours."""
        return self.minutes / 60


@dataclass(frozen=True)
class Totals:
    """A mentor's totals over a year, or over every year to date."""

    mentees: int = 0
    meetings: int = 0
    minutes: int = 0
    group_sessions: int = 0
    plan_reviews: int = 0
    introductions: int = 0
    events_organized: int = 0
    events_attended: int = 0
    events: int = 0  # distinct events organized or attended

    @property
    def hours(self) -> float:
        """Minutes of the held meetings, in hours."""
        return self.minutes / 60

    def snapshot(self) -> dict[str, int | float]:
        """The totals as the issued record keeps them (JSON)."""
        return {
            "mentees": self.mentees,
            "meetings": self.meetings,
            "hours": round(self.hours, 2),
            "group_sessions": self.group_sessions,
            "plan_reviews": self.plan_reviews,
            "introductions": self.introductions,
            "events_organized": self.events_organized,
            "events_attended": self.events_attended,
        }


@dataclass(frozen=True)
class Activity:
    """What a mentor did in a period besides meeting: group sessions, plan reviews, introductions, events."""

    group_sessions: int = 0
    plan_reviews: int = 0
    introductions: int = 0
    events_organized: frozenset[int] = field(default_factory=frozenset)
    events_attended: frozenset[int] = field(default_factory=frozenset)


def totals(lines: Iterable[MenteeLine], activity: Activity) -> Totals:
    """The totals of a period's pairings and activity."""
    lines = list(lines)
    return Totals(
        mentees=len({line.mentee_id for line in lines}),
        meetings=sum(line.meetings for line in lines),
        minutes=sum(line.minutes for line in lines),
        group_sessions=activity.group_sessions,
        plan_reviews=activity.plan_reviews,
        introductions=activity.introductions,
        events_organized=len(activity.events_organized),
        events_attended=len(activity.events_attended),
        events=len(activity.events_organized | activity.events_attended),
    )


def minutes_per_mentee(lines: Iterable[MenteeLine]) -> list[int]:
    """Held minutes with each mentee in the period (a mentee of two pairings counts once, summed)."""
    per: dict[int, int] = {}
    for line in lines:
        per[line.mentee_id] = per.get(line.mentee_id, 0) + line.minutes
    return list(per.values())


def credits_of(rule: CreditRule | None, lines: Iterable[MenteeLine]) -> float | None:
    """The year's teaching credits under `rule` (None when no rule is set)."""
    return None if rule is None else rule.credits(minutes_per_mentee(lines))


@dataclass(frozen=True)
class MentorRecord:
    """A mentor's record for academic year `ay` as of `as_of`, with the career to date beside it."""

    mentor_id: int
    person_id: int
    name: str
    email: str
    department: str | None
    rank: str | None
    ay: AcademicYear
    as_of: dt.date
    lines: list[MenteeLine]
    year: Totals
    career: Totals
    career_since: int  # the first academic year of the career figures
    credit_rule: CreditRule | None
    credits: float | None

    @property
    def year_to_date(self) -> bool:
        """The year is not over: its figures are year to date."""
        return self.as_of < self.ay.end

    @property
    def credit_line(self) -> str | None:
        """The teaching-credit sentence, or None without a rule."""
        if self.credit_rule is None or self.credits is None:
            return None
        return f"Teaching credit: {self.credits:g} ({self.credit_rule.describe()})."
