"""The metric definitions of PRODUCT.md §3, computed in SQL. Dashboard, pages and workbooks all use these."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true

from mentorship.extensions import db
from mentorship.models import Meeting, Pairing
from mentorship.services.academic_year import AcademicYear

NEW_PAIRING_GRACE_DAYS = 30  # §3: a pairing younger than this is never overdue


@dataclass(frozen=True)
class MetricSettings:
    engagement_target: int = 4
    overdue_days: int = 60

    @classmethod
    def from_config(cls, config) -> MetricSettings:
        """The settings of a Flask config mapping."""
        return cls(config["ENGAGEMENT_TARGET"], config["OVERDUE_DAYS"])


@dataclass(frozen=True)
class PairingMetrics:
    """§3 for one pairing in academic year `ay` as of report date `as_of`."""

    pairing_id: int
    start_date: dt.date
    end_date: dt.date | None
    meetings: int
    minutes: int
    first_meeting: dt.date | None
    last_meeting: dt.date | None
    days_to_first_meeting: int | None
    days_since_last_meeting: int
    active_at_report_date: bool
    engaged: bool
    overdue: bool
    status: str  # "overdue", "on_track" or "behind"

    @property
    def hours(self) -> float:
        return self.minutes / 60


def active_in_year(ay: AcademicYear) -> ColumnElement[bool]:
    """§3: start ≤ end of Y and (no end date, or end date ≥ start of Y)."""
    return and_(Pairing.start_date <= ay.end, or_(Pairing.end_date.is_(None), Pairing.end_date >= ay.start))


def active_on(day: dt.date) -> ColumnElement[bool]:
    """Pairings running on `day`."""
    return and_(Pairing.start_date <= day, or_(Pairing.end_date.is_(None), Pairing.end_date >= day))


def counted_meeting() -> ColumnElement[bool]:
    """Meetings that count: held and not deleted."""
    return and_(Meeting.status == "held", Meeting.deleted_at.is_(None))


def on_track_threshold(ay: AcademicYear, as_of: dt.date, target: int) -> int:
    """⌊target × f⌋ with f the elapsed share of the year (inclusive), capped at 1."""
    elapsed = (as_of - ay.start).days + 1
    fraction = min(max(elapsed, 0) / ay.days, 1.0)
    return math.floor(target * fraction)


def classify(
    *,
    start_date: dt.date,
    end_date: dt.date | None,
    meetings: int,
    last_meeting: dt.date | None,
    ay: AcademicYear,
    as_of: dt.date,
    settings: MetricSettings,
) -> tuple[int, bool, bool, str]:
    """Days since last meeting, active-at-D, overdue flag and status flag of one pairing."""
    days_since = (as_of - (last_meeting or start_date)).days
    active = start_date <= as_of and (end_date is None or end_date >= as_of)
    overdue = (
        active and (as_of - start_date).days >= NEW_PAIRING_GRACE_DAYS and days_since > settings.overdue_days
    )
    if overdue:
        status = "overdue"
    elif meetings >= on_track_threshold(ay, as_of, settings.engagement_target):
        status = "on_track"
    else:
        status = "behind"
    return days_since, active, overdue, status


def pairing_metrics(
    ay: AcademicYear,
    as_of: dt.date,
    settings: MetricSettings,
    where: ColumnElement[bool] | None = None,
) -> dict[int, PairingMetrics]:
    """§3 metrics of every pairing active in `ay` (and matching `where`), keyed by pairing id; one query."""
    held = and_(counted_meeting(), Meeting.date <= as_of)
    in_year = and_(Meeting.date >= ay.start, Meeting.date <= ay.end)
    stats = (
        select(
            Meeting.pairing_id.label("pairing_id"),
            func.count(case((in_year, Meeting.id))).label("meetings"),
            func.coalesce(func.sum(case((in_year, Meeting.duration_minutes), else_=0)), 0).label("minutes"),
            func.min(Meeting.date).label("first_meeting"),
            func.max(Meeting.date).label("last_meeting"),
        )
        .where(held)
        .group_by(Meeting.pairing_id)
        .subquery()
    )
    query = (
        select(
            Pairing.id,
            Pairing.start_date,
            Pairing.end_date,
            stats.c.meetings,
            stats.c.minutes,
            stats.c.first_meeting,
            stats.c.last_meeting,
        )
        .outerjoin(stats, stats.c.pairing_id == Pairing.id)
        .where(active_in_year(ay), where if where is not None else true())
    )
    result = {}
    for pid, start, end, meetings, minutes, first, last in db.session.execute(query):
        meetings, minutes = meetings or 0, int(minutes or 0)
        days_since, active, overdue, status = classify(
            start_date=start,
            end_date=end,
            meetings=meetings,
            last_meeting=last,
            ay=ay,
            as_of=as_of,
            settings=settings,
        )
        result[pid] = PairingMetrics(
            pairing_id=pid,
            start_date=start,
            end_date=end,
            meetings=meetings,
            minutes=minutes,
            first_meeting=first,
            last_meeting=last,
            days_to_first_meeting=(first - start).days if first is not None else None,
            days_since_last_meeting=days_since,
            active_at_report_date=active,
            engaged=meetings >= settings.engagement_target,
            overdue=overdue,
            status=status,
        )
    return result
