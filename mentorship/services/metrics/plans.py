"""The development plan figures of docs/metrics.md, one place for the Plans sheet, the Summary and the pages.

For academic year Y as of report date D: a mentee's plan of Y, its goals and goals done, and its reviews in Y
(reviews both people confirmed, dated from the start of Y to D); `Plans reviewed twice` is the share of the
mentees enrolled in Y with at least two of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, select

from mentorship.extensions import db
from mentorship.models import Goal, Plan, PlanReview
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


def plan_figures(ay: AcademicYear, day: dt.date, mentee_ids: Collection[int]) -> dict[int, PlanFigures]:
    """Each mentee's plan figures for `ay` as of `day` (mentees without a plan are left out): two queries."""
    if not mentee_ids:
        return {}
    ids = sorted(mentee_ids)
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


def reviewed_twice_count(figures: dict[int, PlanFigures], mentee_ids: Iterable[int]) -> int:
    """How many of `mentee_ids` had their plan reviewed at least twice."""
    return sum(figures.get(m, NO_PLAN).reviewed_twice for m in mentee_ids)
