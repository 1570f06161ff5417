"""Plans and their goals: opening a year's plan (seeded and rolled forward), goals, comments, templates.

A year's plan is made the first time it is opened (or by `flask plans roll-forward`): it starts with the
program's suggested goals for the mentee's PGY and the unfinished goals of last year's plan. Done and dropped
goals stay in their year. A copied goal keeps its origin, and (plan, origin) is unique, so rolling forward
again adds nothing. Goal text never goes into the audit log: only ids and the names of changed fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from mentorship import vocab
from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import (
    Goal,
    GoalComment,
    GoalTemplate,
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
    Plan,
    Program,
    User,
)
from mentorship.services import NotFound, ServiceError, audit
from mentorship.services.academic_year import AcademicYear
from mentorship.services.plans.rules import (
    MAX_COMMENT,
    MAX_TITLE,
    UNFINISHED,
    GoalInput,
    InvalidGoal,
    clean_goal,
)


def plan_for(mentee_id: int, year: int) -> Plan | None:
    """The mentee's plan for `year`, with its goals, comments and reviews, or None."""
    return db.session.execute(
        select(Plan)
        .where(Plan.mentee_id == mentee_id, Plan.year == year)
        .options(selectinload(Plan.goals).selectinload(Goal.comments), selectinload(Plan.reviews))
    ).scalar_one_or_none()


def open_plan(mentee: MenteeProfile, year: int) -> Plan:
    """The mentee's plan for `year`, made now if it does not exist (seeded, then rolled forward).

    Two first openings at once both try to insert; the loser's savepoint rolls back and it reads the winner's.
    """
    plan = plan_for(mentee.id, year)
    if plan is not None:
        roll_forward_into(plan)
        return plan
    try:
        with db.session.begin_nested():
            plan = Plan(mentee_id=mentee.id, year=year)
            db.session.add(plan)
            db.session.flush()
    except IntegrityError:
        found = plan_for(mentee.id, year)
        if found is None:
            raise
        return found
    for template in suggested_goals(mentee.program_id, mentee.pgy):
        plan.goals.append(Goal(title=template.title, category=template.category))
    roll_forward_into(plan)
    db.session.flush()
    return plan


def starting_goals(mentee: MenteeProfile, year: int) -> list[GoalInput]:
    """What the mentee's plan of `year` would start with if opened now (for a page that only reads)."""
    suggested = [GoalInput(t.title, t.category) for t in suggested_goals(mentee.program_id, mentee.pgy)]
    previous = plan_for(mentee.id, year - 1)
    carried = [
        GoalInput(g.title, g.category, g.target_date, g.status, g.next_step)
        for g in (previous.goals if previous is not None else [])
        if g.status in UNFINISHED
    ]
    return suggested + carried


def roll_forward_into(plan: Plan) -> int:
    """Copy into `plan` the unfinished goals of the mentee's plan of the year before not copied yet."""
    previous = plan_for(plan.mentee_id, plan.year - 1)
    if previous is None:
        return 0
    copied = {goal.origin_id for goal in plan.goals}
    added = 0
    for goal in previous.goals:
        if goal.status in UNFINISHED and goal.id not in copied:
            plan.goals.append(
                Goal(
                    title=goal.title,
                    category=goal.category,
                    target_date=goal.target_date,
                    status=goal.status,
                    next_step=goal.next_step,
                    origin_id=goal.id,
                )
            )
            added += 1
    db.session.flush()
    return added


def roll_forward_year(ay: AcademicYear) -> tuple[int, int]:
    """Roll the plans of the year before `ay` into `ay`, of mentees enrolled in it: (plans, goals added)."""
    mentees = db.session.execute(
        select(MenteeProfile)
        .join(Plan, Plan.mentee_id == MenteeProfile.id)
        .where(Plan.year == ay.year - 1, MenteeProfile.enrolled_in(ay))
        .order_by(MenteeProfile.id)
    ).scalars()
    plans = goals = 0
    for mentee in mentees.all():
        before = len(plan.goals) if (plan := plan_for(mentee.id, ay.year)) is not None else None
        plan = open_plan(mentee, ay.year)
        plans += before is None
        goals += len(plan.goals) - (before or 0)
    return plans, goals


def _audit(actor: User | None, action: str, target: object, **details: object) -> None:
    audit.record(actor, action, target, **details)


def add_goal(plan: Plan, data: GoalInput, *, by: Person, now: dt.datetime) -> Goal:
    """Add a goal to `plan` (the mentee's own action)."""
    data = clean_goal(data)
    goal = Goal(
        title=data.title,
        category=data.category,
        target_date=data.target_date,
        status=data.status,
        next_step=data.next_step,
        updated_at=now,
    )
    plan.goals.append(goal)
    db.session.flush()
    _audit(by.user, "plans.goal_add", goal, plan_id=plan.id, year=plan.year)
    return goal


def update_goal(goal: Goal, data: GoalInput, *, by: Person, now: dt.datetime) -> list[str]:
    """Change a goal; returns the names of the fields that changed."""
    data = clean_goal(data)
    changed = [
        name
        for name in ("title", "category", "target_date", "status", "next_step")
        if getattr(goal, name) != getattr(data, name)
    ]
    for name in changed:
        setattr(goal, name, getattr(data, name))
    if changed:
        goal.updated_at = now
        _audit(by.user, "plans.goal_edit", goal, plan_id=goal.plan_id, fields=changed, status=goal.status)
    return changed


def add_comment(goal: Goal, body: str, *, by: Person, now: dt.datetime) -> GoalComment:
    """A mentor's comment on `goal`."""
    body = (body or "").strip()
    if not body:
        raise InvalidGoal("Write the comment.", "body")
    if len(body) > MAX_COMMENT:
        raise InvalidGoal(f"A comment is at most {MAX_COMMENT} characters.", "body")
    comment = GoalComment(goal_id=goal.id, author_id=by.id, body=body, created_at=now)
    goal.comments.append(comment)
    db.session.flush()
    _audit(by.user, "plans.comment", goal, plan_id=goal.plan_id)
    return comment


def get_goal(goal_id: int) -> Goal:
    """The goal with `goal_id`, or NotFound."""
    goal = db.session.get(Goal, goal_id)
    if goal is None:
        raise NotFound("No such goal.")
    return goal


def suggested_goals(program_id: int, pgy: int | None = None) -> list[GoalTemplate]:
    """A program's suggested goals (for one PGY, if given), by PGY and title."""
    query = select(GoalTemplate).where(GoalTemplate.program_id == program_id)
    if pgy is not None:
        query = query.where(GoalTemplate.pgy == pgy)
    return list(db.session.execute(query.order_by(GoalTemplate.pgy, GoalTemplate.title)).scalars())


def add_template(
    program: Program, pgy: int, title: str, category: str | None, *, actor: User
) -> GoalTemplate:
    """A suggested goal for the program's residents of `pgy`; refuses a duplicate."""
    title = (title or "").strip()
    if not title:
        raise InvalidGoal("Enter the goal.", "title")
    if len(title) > MAX_TITLE:
        raise InvalidGoal(f"A goal is at most {MAX_TITLE} characters.", "title")
    if not 1 <= pgy <= 10:
        raise InvalidGoal("PGY is 1 to 10.", "pgy")
    if category and category not in vocab.GOAL_CATEGORIES:
        raise InvalidGoal("Choose a category from the list.", "category")
    if any(t.title.lower() == title.lower() for t in suggested_goals(program.id, pgy)):
        raise InvalidGoal(f"{program.name} already suggests this goal for PGY {pgy}.", "title")
    template = GoalTemplate(program_id=program.id, pgy=pgy, title=title, category=category or None)
    db.session.add(template)
    db.session.flush()
    _audit(actor, "plans.template_add", template, program=program.name, pgy=pgy)
    return template


def delete_template(template: GoalTemplate, *, actor: User) -> None:
    """Stop suggesting a goal (plans already made keep it)."""
    _audit(actor, "plans.template_delete", template, program=template.program.name, pgy=template.pgy)
    db.session.delete(template)
    db.session.flush()


def goals_of(plan: Plan, goal_ids: Iterable[int]) -> list[Goal]:
    """The goals of `plan` among `goal_ids`; ServiceError for an id that is not one of its goals."""
    wanted = set(goal_ids)
    goals = [goal for goal in plan.goals if goal.id in wanted]
    if len(goals) != len(wanted):
        raise ServiceError("Choose goals of this plan.")
    return goals


def current_mentors(mentee: MenteeProfile, day: dt.date) -> list[Person]:
    """The mentee's mentors in pairings open on `day`, by name (the people who may work on the plan)."""
    return list(
        db.session.execute(
            select(Person)
            .join(MentorProfile, MentorProfile.person_id == Person.id)
            .join(Pairing, Pairing.mentor_id == MentorProfile.id)
            .where(Pairing.mentee_id == mentee.id, Pairing.open_on(day))
            .distinct()
            .order_by(Person.last_name, Person.first_name)
        ).scalars()
    )


def by_category(plan: Plan | None) -> list[tuple[str, list[Goal]]]:
    """The plan's goals grouped by competency, in the order of the list (uncategorised last)."""
    if plan is None:
        return []
    order = [*vocab.GOAL_CATEGORIES, None]
    groups = [(code, [g for g in plan.goals if g.category == code]) for code in order]
    return [(vocab.GOAL_CATEGORIES.get(code or "", "Other goals"), goals) for code, goals in groups if goals]


def templates_in(scope: Scope) -> list[GoalTemplate]:
    """The suggested goals of the programs in `scope`, by program, PGY and title."""
    query = (
        select(GoalTemplate)
        .join(Program, Program.id == GoalTemplate.program_id)
        .options(selectinload(GoalTemplate.program))
        .order_by(Program.name, GoalTemplate.pgy, GoalTemplate.title)
    )
    if not scope.everything:
        query = query.where(GoalTemplate.program_id.in_(scope.program_ids or []))
    return list(db.session.execute(query).scalars())
