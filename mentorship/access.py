"""Who may do what: one decorator for roles and one scope helper for every list and object."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, false, or_, select, true

from mentorship.extensions import db
from mentorship.models import MenteeProfile, MentorProfile, Pairing, User

ROLES = {"admin", "coordinator", "staff", "mentor", "mentee"}


def roles_required(*roles: str) -> Callable:
    """Require a signed-in user holding one of `roles` ("staff" = admin or coordinator)."""
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def has_role(user: User, *roles: str) -> bool:
    """True if `user` holds any of `roles`."""
    held = user.roles
    if held & {"admin", "coordinator"}:
        held = held | {"staff"}
    return bool(held & set(roles))


@dataclass(frozen=True)
class Scope:
    """The programs a user may see as staff; None means every program."""

    program_ids: frozenset[int] | None

    @property
    def everything(self) -> bool:
        return self.program_ids is None

    def covers_program(self, program_id: int | None) -> bool:
        return self.program_ids is None or program_id in self.program_ids

    def mentees(self) -> ColumnElement[bool]:
        """Condition on MenteeProfile: mentees of the scope's programs."""
        if self.program_ids is None:
            return true()
        if not self.program_ids:
            return false()
        return MenteeProfile.program_id.in_(self.program_ids)

    def mentors(self) -> ColumnElement[bool]:
        """Condition on MentorProfile: mentors of the scope's programs or paired with its mentees."""
        if self.program_ids is None:
            return true()
        if not self.program_ids:
            return false()
        paired = (
            select(Pairing.mentor_id)
            .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
            .where(MenteeProfile.program_id.in_(self.program_ids))
        )
        return or_(MentorProfile.program_id.in_(self.program_ids), MentorProfile.id.in_(paired))

    def pairings(self) -> ColumnElement[bool]:
        """Condition on Pairing: pairings whose mentee is in scope."""
        if self.program_ids is None:
            return true()
        mentees = select(MenteeProfile.id).where(self.mentees())
        return Pairing.mentee_id.in_(mentees)


def scope_of(user: User) -> Scope:
    """The staff scope of `user`: all programs for admins, their own for coordinators."""
    if user.is_admin:
        return Scope(None)
    if user.is_coordinator:
        return Scope(frozenset(p.id for p in user.programs))
    return Scope(frozenset())


def person_in_scope(scope: Scope, person_id: int) -> bool:
    """True if the person is a mentee or mentor in `scope` (always, for every program)."""
    if scope.everything:
        return True
    mentee = select(MenteeProfile.id).where(MenteeProfile.person_id == person_id, scope.mentees())
    mentor = select(MentorProfile.id).where(MentorProfile.person_id == person_id, scope.mentors())
    return db.session.execute(select(mentee.exists() | mentor.exists())).scalar_one()


def staff_can_see_person(user: User, person_id: int) -> bool:
    """True if `user` is staff and the person is a mentee or mentor in their scope."""
    return user.is_staff and person_in_scope(scope_of(user), person_id)


def pairing_part(user: User, pairing: Pairing) -> str | None:
    """The user's part in a pairing: 'mentor' or 'mentee' (one of its two people, who alone see its notes),
    'staff' (its mentee is in their scope), or None (they may not see it)."""
    if pairing.mentor.person_id == user.person_id:
        return "mentor"
    if pairing.mentee.person_id == user.person_id:
        return "mentee"
    if user.is_staff and scope_of(user).covers_program(pairing.mentee.program_id):
        return "staff"
    return None


def can_see_person(user: User, person_id: int) -> bool:
    """The person themself, staff whose scope covers them, or their mentor or mentee."""
    if user.person_id == person_id or staff_can_see_person(user, person_id):
        return True
    me = user.person
    conditions = []
    if me.mentor is not None:
        conditions.append(
            select(Pairing.id)
            .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
            .where(Pairing.mentor_id == me.mentor.id, MenteeProfile.person_id == person_id)
            .exists()
        )
    if me.mentee is not None:
        conditions.append(
            select(Pairing.id)
            .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
            .where(Pairing.mentee_id == me.mentee.id, MentorProfile.person_id == person_id)
            .exists()
        )
    return any(db.session.execute(select(c)).scalar_one() for c in conditions)


def current_mentor_of(user: User, mentee: MenteeProfile, day: dt.date) -> bool:
    """`user` is a mentor of `mentee` in a pairing open on `day`."""
    me = user.person.mentor
    if me is None:
        return False
    mentors = select(Pairing.id).where(
        Pairing.mentor_id == me.id, Pairing.mentee_id == mentee.id, Pairing.open_on(day)
    )
    return db.session.execute(select(mentors.exists())).scalar_one()


def plan_access(user: User, mentee: MenteeProfile, day: dt.date) -> str | None:
    """What `user` may see of the mentee's plans on `day`: "mentee" or "mentor" (goal text, theirs to work
    on), "goals" (staff granted view_plans over the mentee's program), "status" (other staff of that
    program: has a plan, goals, goals done, last review), or None (nothing: a 404)."""
    if mentee.person_id == user.person_id:
        return "mentee"
    if current_mentor_of(user, mentee, day):
        return "mentor"
    if user.is_staff and scope_of(user).covers_program(mentee.program_id):
        return "goals" if user.view_plans else "status"
    return None
