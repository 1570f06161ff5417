"""Plan reviews and meetings that discussed the plan.

A review is "we reviewed this plan on DATE", confirmed by the mentee and by one of their current mentors;
each confirms on their own (the other may not be there), so a review is one row per (plan, date) that counts
once both timestamps are set. Confirming the same date twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import Goal, Meeting, MenteeProfile, Person, Plan, PlanDiscussion, PlanReview
from mentorship.services import audit
from mentorship.services.academic_year import AcademicYear
from mentorship.services.metrics.plans import counted_review
from mentorship.services.plans.records import goals_of, open_plan, plan_for
from mentorship.services.plans.rules import UNFINISHED, InvalidGoal, Windows, review_due, window_on


def confirm_review(
    plan: Plan,
    day: dt.date | None,
    *,
    as_role: str,
    by: Person,
    ay: AcademicYear,
    today: dt.date,
    now: dt.datetime,
) -> PlanReview:
    """`by` (the plan's mentee, or a current mentor: `as_role`) confirms "we reviewed this plan on `day`"."""
    if as_role not in ("mentor", "mentee"):
        raise ValueError(as_role)
    if day is None:
        raise InvalidGoal("Enter the date of the review.", "reviewed_on")
    if day > today:
        raise InvalidGoal("The review date cannot be in the future.", "reviewed_on")
    if not ay.contains(day):
        raise InvalidGoal(f"This plan is for {ay.label}: the review date must be inside it.", "reviewed_on")
    review = next((r for r in plan.reviews if r.reviewed_on == day), None)
    if review is None:
        review = PlanReview(reviewed_on=day)
        plan.reviews.append(review)
    if as_role == "mentor":
        review.mentor_id = by.id
        review.mentor_confirmed_at = review.mentor_confirmed_at or now
    else:
        review.mentee_confirmed_at = review.mentee_confirmed_at or now
    db.session.flush()
    audit.record(
        by.user, "plans.review_confirm", plan, reviewed_on=day, as_role=as_role, counted=review.counted
    )
    return review


def counted_dates(plan: Plan | None) -> list[dt.date]:
    """The dates of the plan's reviews that both confirmed."""
    return [r.reviewed_on for r in plan.reviews if r.counted] if plan is not None else []


def waiting_for(plan: Plan | None, as_role: str) -> list[PlanReview]:
    """Reviews the other person confirmed that `as_role` ('mentor' or 'mentee') has not."""
    if plan is None:
        return []
    mine = "mentor_confirmed_at" if as_role == "mentor" else "mentee_confirmed_at"
    return [r for r in plan.reviews if not r.counted and getattr(r, mine) is None]


def due(plan: Plan | None, today: dt.date, windows: Windows) -> bool:
    """A review window is open today and this plan has no review in it."""
    return review_due(counted_dates(plan), today, windows)


def due_mentees(mentee_ids: Iterable[int], year: int, today: dt.date, windows: Windows) -> set[int]:
    """Those of `mentee_ids` whose plan of `year` has no review in the window open today (none if none is)."""
    ids = sorted(set(mentee_ids))
    window = window_on(today, windows)
    if window is None or not ids:
        return set()
    reviewed = db.session.execute(
        select(Plan.mentee_id)
        .join(PlanReview, PlanReview.plan_id == Plan.id)
        .where(
            Plan.year == year,
            Plan.mentee_id.in_(ids),
            counted_review(),
            PlanReview.reviewed_on.between(*window),
        )
    ).scalars()
    return set(ids) - set(reviewed)


def record_discussion(meeting: Meeting, plan: Plan, goal_ids: Iterable[int]) -> PlanDiscussion:
    """Note that the pair discussed `plan` (and these of its goals) at `meeting`, replacing an older note."""
    goals = goals_of(plan, goal_ids)
    discussion = db.session.get(PlanDiscussion, meeting.id)
    if discussion is None:
        discussion = PlanDiscussion(meeting_id=meeting.id, plan_id=plan.id)
        db.session.add(discussion)
    discussion.plan_id = plan.id
    discussion.goals = goals
    db.session.flush()
    return discussion


def discussion_of(meeting: Meeting) -> PlanDiscussion | None:
    """The note that the pair discussed the plan at `meeting`, or None."""
    return db.session.get(PlanDiscussion, meeting.id)


def discussed_plan(mentee_id: int, year: int, discussion: PlanDiscussion | None) -> Plan | None:
    """The plan a meeting's form offers: the one it already discussed, else the mentee's plan of `year`."""
    if discussion is not None:
        return db.session.get(Plan, discussion.plan_id)
    return plan_for(mentee_id, year)


def offered_goals(plan: Plan | None, discussion: PlanDiscussion | None = None) -> list[Goal]:
    """The goals a meeting's form offers: the plan's open ones, and any the meeting already discussed."""
    if plan is None:
        return []
    ticked = {goal.id for goal in discussion.goals} if discussion is not None else set()
    return [goal for goal in plan.goals if goal.status in UNFINISHED or goal.id in ticked]


def note_discussion(
    meeting: Meeting,
    mentee: MenteeProfile,
    year: int,
    *,
    discussed: bool,
    goal_ids: Iterable[int],
) -> PlanDiscussion | None:
    """Record what the meeting's form says: the pair discussed the plan (and these goals), or, when not
    `discussed`, remove an earlier note. The plan is the one already discussed, else the mentee's of `year`
    (opened now if it does not exist, as a mentor or mentee opening it would)."""
    discussion = discussion_of(meeting)
    if not discussed:
        if discussion is not None:
            db.session.delete(discussion)
            db.session.flush()
        return None
    plan = discussed_plan(mentee.id, year, discussion) or open_plan(mentee, year)
    return record_discussion(meeting, plan, goal_ids)
