"""The development plan figures of docs/metrics.md, one place for the Plans sheet, the Summary and the pages.

For academic year Y as of report date D: a mentee's plan of Y, its goals and goals done, and its reviews in Y
(reviews both people confirmed, dated from the start of Y to D); `Plans reviewed twice` is the share of the
mentees enrolled in Y with at least two of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from mentorship.extensions import db
from mentorship.models import Goal, MenteeProfile, Plan, PlanReview
from mentorship.services.academic_year import AcademicYear

REVIEWS_A_YEAR = 2  # the semiannual evaluation: a plan reviewed twice a year


@dataclass(frozen=True)
class PlanFigures:
    """What anyone on staff may see of a mentee's plan of a year: never its text."""

    has_plan: bool = False
    goals: int = 0
    goals_done: int = 0
    reviews: int = 0
    last_review: dt.date | None = None

    @property
    def reviewed_twice(self) -> bool:
        """Reviewed at least twice in the year: the semiannual review is done."""
        return self.reviews >= REVIEWS_A_YEAR


NO_PLAN = PlanFigures()


def counted_review() -> ColumnElement[bool]:
    """Reviews that count: confirmed by both the mentee and a mentor."""
    return PlanReview.mentor_confirmed_at.is_not(None) & PlanReview.mentee_confirmed_at.is_not(None)


def plan_figures(ay: AcademicYear, day: dt.date, scope: ColumnElement[bool]) -> dict[int, PlanFigures]:
    """The plan figures for `ay` as of `day` of the mentees of `scope` (a condition on MenteeProfile), by
    mentee id; mentees without a plan are left out (NO_PLAN). Two queries."""
    ids = select(MenteeProfile.id).where(scope)
    goals = db.session.execute(
        select(
            Plan.mentee_id,
            func.count(Goal.id),
            func.count(case((Goal.status == "done", Goal.id))),
        )
        .outerjoin(Goal, Goal.plan_id == Plan.id)
        .where(Plan.year == ay.year, Plan.mentee_id.in_(ids))
        .group_by(Plan.mentee_id)
    ).all()
    reviews = {
        mentee_id: (count, last)
        for mentee_id, count, last in db.session.execute(
            select(Plan.mentee_id, func.count(PlanReview.id), func.max(PlanReview.reviewed_on))
            .join(PlanReview, PlanReview.plan_id == Plan.id)
            .where(
                Plan.year == ay.year,
                Plan.mentee_id.in_(ids),
                counted_review(),
                PlanReview.reviewed_on >= ay.start,
                PlanReview.reviewed_on <= day,
            )
            .group_by(Plan.mentee_id)
        )
    }
    figures = {}
    for mentee_id, total, done in goals:
        count, last = reviews.get(mentee_id, (0, None))
        figures[mentee_id] = PlanFigures(True, total, done, count, last)
    return figures


def reviewed_twice_by_year(
    spans: Sequence[tuple[AcademicYear, dt.date]], scope: ColumnElement[bool]
) -> list[frozenset[int]]:
    """For each (year, report date) of `spans`, the mentees of `scope` (a condition on MenteeProfile) whose
    plan of the year had at least two reviews dated in it by the report date: one query over every year."""
    if not spans:
        return []
    in_span = or_(
        *(
            and_(Plan.year == ay.year, PlanReview.reviewed_on >= ay.start, PlanReview.reviewed_on <= as_of)
            for ay, as_of in spans
        )
    )
    rows = db.session.execute(
        select(Plan.year, Plan.mentee_id)
        .join(PlanReview, PlanReview.plan_id == Plan.id)
        .where(in_span, counted_review(), Plan.mentee_id.in_(select(MenteeProfile.id).where(scope)))
        .group_by(Plan.year, Plan.mentee_id)
        .having(func.count(PlanReview.id) >= REVIEWS_A_YEAR)
    ).all()
    by_year: dict[int, set[int]] = {}
    for year, mentee_id in rows:
        by_year.setdefault(year, set()).add(mentee_id)
    return [frozenset(by_year.get(ay.year, ())) for ay, _as_of in spans]
