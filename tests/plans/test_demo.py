"""The small demo has development plans, so the Plans sheet and the plan pages are not empty."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import Goal, Plan, PlanReview
from mentorship.services.demo import plans as demo_plans


def test_the_small_demo_has_plans_goals_and_reviews(runner):
    today = dt.date(2026, 12, 2)
    result = runner.invoke(args=["demo", "seed", "--size", "small", "--today", today.isoformat()])
    assert result.exit_code == 0, result.output
    counts = [db.session.execute(select(func.count()).select_from(m)).scalar_one() for m in (Plan, Goal)]
    assert all(n > 10 for n in counts)
    reviews = db.session.execute(select(PlanReview)).scalars().all()
    assert any(r.counted for r in reviews) and all(r.reviewed_on <= today for r in reviews)
    assert {g.category for g in db.session.execute(select(Goal)).scalars()} >= {"research", "career"}


def test_demo_plans_are_deterministic():
    mentees = [{"id": 1, "enrolled_on": dt.date(2024, 7, 1), "left_on": None}]
    mentors = [{"id": 1, "person_id": 9}]
    pairings = [{"mentee_id": 1, "mentor_id": 1, "start_date": dt.date(2024, 7, 10), "end_date": None}]
    first = demo_plans.plans_for("s", mentees, pairings, mentors, dt.date(2026, 6, 30), 2025)
    assert first == demo_plans.plans_for("s", mentees, pairings, mentors, dt.date(2026, 6, 30), 2025)
