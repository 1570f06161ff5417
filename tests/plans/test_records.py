"""Plans and goals: seeding from the program's templates, roll-forward, reviews needing both confirmations."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import Goal, Plan
from mentorship.services.academic_year import academic_year
from mentorship.services.plans import records, reviews
from mentorship.services.plans.rules import GoalInput, InvalidGoal

NOW = dt.datetime(2025, 11, 20, 9, 0)
AY, NEXT = academic_year(2025), academic_year(2026)


def test_a_new_plan_starts_with_the_programs_goals_for_the_pgy(pair, f):
    admin = f.user(f.person("a@example.org"), is_admin=True)
    records.add_template(pair.program, 1, "Present at M&M", "practice_based_learning", actor=admin)
    records.add_template(pair.program, 2, "Lead a QI project", "systems_based_practice", actor=admin)
    plan = records.open_plan(pair.mentee, 2025)
    assert [(g.title, g.category, g.status) for g in plan.goals] == [
        ("Present at M&M", "practice_based_learning", "not_started")
    ]
    with pytest.raises(InvalidGoal, match="already suggests"):
        records.add_template(pair.program, 1, "present at m&m", None, actor=admin)


def test_opening_twice_makes_one_plan(pair):
    first = records.open_plan(pair.mentee, 2025)
    assert records.open_plan(pair.mentee, 2025).id == first.id
    assert db.session.execute(select(func.count(Plan.id))).scalar_one() == 1


def test_roll_forward_keeps_done_goals_in_their_year(pair):
    plan = records.open_plan(pair.mentee, 2025)
    me = pair.mentee.person
    done = records.add_goal(
        plan, GoalInput("Pass boards", "medical_knowledge", status="done"), by=me, now=NOW
    )
    going = records.add_goal(
        plan,
        GoalInput("Write a case report", "research", status="in_progress", next_step="Draft"),
        by=me,
        now=NOW,
    )
    records.add_goal(plan, GoalInput("Start running", "wellness", status="dropped"), by=me, now=NOW)
    waiting = records.add_goal(plan, GoalInput("Find a sponsor", "career"), by=me, now=NOW)

    new = records.open_plan(pair.mentee, 2026)  # the first open of the new year's plan rolls forward
    assert [(g.title, g.status, g.origin_id) for g in new.goals] == [
        ("Write a case report", "in_progress", going.id),
        ("Find a sponsor", "not_started", waiting.id),
    ]
    assert new.goals[0].next_step == "Draft"
    assert done.plan_id == plan.id and done.status == "done"
    # Idempotent: the command and a second open add nothing.
    assert records.roll_forward_year(NEXT) == (0, 0)
    assert len(records.open_plan(pair.mentee, 2026).goals) == 2
    # A goal left unfinished later still follows, once.
    late = records.add_goal(plan, GoalInput("Teach students", "professionalism"), by=me, now=NOW)
    assert records.roll_forward_year(NEXT) == (0, 1)
    assert records.roll_forward_year(NEXT) == (0, 0)
    assert db.session.execute(select(Goal.title).where(Goal.origin_id == late.id)).scalars().all() == [
        "Teach students"
    ]


def test_the_command_makes_next_years_plans_only_for_mentees_still_enrolled(pair, f, runner):
    me = pair.mentee.person
    records.add_goal(records.open_plan(pair.mentee, 2025), GoalInput("Find a sponsor"), by=me, now=NOW)
    gone = f.mentee(f.person("gone@example.org"), pair.program, left_on=dt.date(2026, 5, 1))
    records.add_goal(records.open_plan(gone, 2025), GoalInput("Finish"), by=gone.person, now=NOW)
    db.session.commit()
    result = runner.invoke(args=["plans", "roll-forward", "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert "1 new plans, 1 goals added" in result.output
    assert records.plan_for(gone.id, 2026) is None
    again = runner.invoke(args=["plans", "roll-forward", "--year", "2026"])
    assert "0 new plans, 0 goals added" in again.output


def test_a_review_counts_only_when_both_confirmed(pair):
    plan = records.open_plan(pair.mentee, 2025)
    day, today = dt.date(2025, 11, 18), dt.date(2025, 11, 20)
    kwargs = {"ay": AY, "today": today, "now": NOW}
    review = reviews.confirm_review(plan, day, as_role="mentor", by=pair.mentor.person, **kwargs)
    assert not review.counted and reviews.counted_dates(plan) == []
    assert reviews.waiting_for(plan, "mentee") == [review] and reviews.waiting_for(plan, "mentor") == []
    windows = ((11, 12), (5, 6))
    assert reviews.due(plan, today, windows)
    # The mentee confirming another date does not complete it.
    reviews.confirm_review(plan, dt.date(2025, 11, 19), as_role="mentee", by=pair.mentee.person, **kwargs)
    assert reviews.counted_dates(plan) == []
    reviews.confirm_review(plan, day, as_role="mentee", by=pair.mentee.person, **kwargs)
    assert reviews.counted_dates(plan) == [day]
    assert not reviews.due(plan, today, windows)
    reviews.confirm_review(plan, day, as_role="mentee", by=pair.mentee.person, **kwargs)  # again: no change
    assert len(plan.reviews) == 2


@pytest.mark.parametrize(
    ("day", "message"),
    [(None, "Enter the date"), (dt.date(2025, 11, 21), "future"), (dt.date(2025, 6, 30), "inside it")],
)
def test_a_review_date_is_checked(pair, day, message):
    plan = records.open_plan(pair.mentee, 2025)
    with pytest.raises(InvalidGoal, match=message):
        reviews.confirm_review(
            plan, day, as_role="mentee", by=pair.mentee.person, ay=AY, today=dt.date(2025, 11, 20), now=NOW
        )


def test_comments_and_goal_edits_are_audited_without_their_text(pair):
    from mentorship.models import AuditEvent

    plan = records.open_plan(pair.mentee, 2025)
    goal = records.add_goal(plan, GoalInput("SECRET-GOAL"), by=pair.mentee.person, now=NOW)
    records.update_goal(goal, GoalInput("SECRET-GOAL", status="in_progress"), by=pair.mentee.person, now=NOW)
    records.add_comment(goal, "SECRET-COMMENT", by=pair.mentor.person, now=NOW)
    with pytest.raises(InvalidGoal):
        records.add_comment(goal, "  ", by=pair.mentor.person, now=NOW)
    details = [str(e.details) for e in db.session.execute(select(AuditEvent)).scalars()]
    assert len(details) == 3
    assert not any("SECRET" in d for d in details)
