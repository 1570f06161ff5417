"""Staff accounts: the rights an account holds, and the one function that changes them (docs/guides/admin.md).

The web's Accounts page and `flask users grant`/`revoke` both call `change_grants`, so one set of rules holds
for both: nobody removes the last admin, and a person cannot remove their own admin right. The command line
is run by the server's operator, not by an account: its actor is None ("the command line"), so only the
last-admin rule can refuse it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import Person, Program, User
from mentorship.services import ServiceError, audit
from mentorship.services.accounts import ensure_user
from mentorship.services.people import create_person, find_person
from mentorship.services.programs import find_program

ROLES = vocab.STAFF_ROLES


@dataclass(frozen=True)
class Grants:
    """Every right an account can hold; `program_ids` are the programs it coordinates."""

    admin: bool = False
    coordinator: bool = False
    program_ids: frozenset[int] = frozenset()
    view_demographics: bool = False
    override_capacity: bool = False
    view_plans: bool = False

    @classmethod
    def of(cls, user: User) -> Grants:
        """The rights `user` holds now."""
        return cls(
            admin=bool(user.is_admin),
            coordinator=bool(user.is_coordinator),
            program_ids=frozenset(p.id for p in user.programs),
            view_demographics=bool(user.view_demographics),
            override_capacity=bool(user.can_override_capacity),
            view_plans=bool(user.view_plans),
        )

    def with_role(self, role: str, program_ids: Iterable[int] = (), *, held: bool = True) -> Grants:
        """These rights with `role` added (a coordinator's programs joining those already coordinated), or
        removed when `held` is false (a coordinator's programs with it)."""
        if role == "admin":
            return replace(self, admin=held)
        if role == "coordinator":
            programs = self.program_ids | frozenset(program_ids) if held else frozenset()
            return replace(self, coordinator=held, program_ids=programs)
        raise ServiceError(f"Unknown role {role!r}: use {' or '.join(ROLES)}.")


class OwnAdminRight(ServiceError):
    """An admin tried to remove their own admin right."""


class LastAdmin(ServiceError):
    """The change would leave the site without an admin."""


def program_ids_named(names: Iterable[str]) -> frozenset[int]:
    """The ids of the programs named `names` (any case); ServiceError naming any that does not exist."""
    found = {name: find_program(name) for name in names}
    missing = sorted(name for name, program in found.items() if program is None)
    if missing:
        raise ServiceError(f"Unknown program: {', '.join(missing)}.")
    return frozenset(program.id for program in found.values() if program is not None)


def change_grants(user: User, grants: Grants, *, actor: User | None, **audit_details: Any) -> None:
    """Give `user` exactly `grants` and audit the change (before and after, with `audit_details`).

    Refuses (OwnAdminRight) an actor removing their own admin right and (LastAdmin) removing the last admin's.
    """
    if user.is_admin and not grants.admin:
        if actor is not None and actor.id == user.id:
            raise OwnAdminRight("You cannot remove your own admin grant.")
        others = db.session.execute(
            select(func.count(User.id)).where(User.is_admin, User.id != user.id)
        ).scalar_one()
        if not others:
            raise LastAdmin(f"{user.email} is the last admin: grant admin to someone else first.")
    before = _summary(user)
    user.is_admin = grants.admin
    user.is_coordinator = grants.coordinator
    user.programs = list(
        db.session.execute(select(Program).where(Program.id.in_(grants.program_ids)).order_by(Program.name))
        .scalars()
        .all()
    )
    user.view_demographics = grants.view_demographics
    user.can_override_capacity = grants.override_capacity
    user.view_plans = grants.view_plans
    db.session.flush()
    audit.record(
        actor, "grants.change", user, email=user.email, before=before, after=_summary(user), **audit_details
    )


def _summary(user: User) -> dict[str, Any]:
    """The rights as the audit log shows them: program names rather than ids."""
    return {
        "admin": bool(user.is_admin),
        "coordinator": bool(user.is_coordinator),
        "programs": sorted(p.name for p in user.programs),
        "view_demographics": bool(user.view_demographics),
        "override_capacity": bool(user.can_override_capacity),
        "view_plans": bool(user.view_plans),
    }


class NameNeeded(ServiceError):
    """A new staff account's email is new to the site, and no name was given."""

    field = "first_name"


class AlreadyStaff(ServiceError):
    """The person already has a staff account."""

    field = "email"


def create_staff_account(
    email: str, first_name: str | None, last_name: str | None, grants: Grants, *, actor: User | None
) -> User:
    """A staff account holding `grants` for the person with `email` (enrolled now if new), audited."""
    person = find_person(email)
    if person is None and not (first_name and last_name):
        raise NameNeeded("This email is new: enter the person's first and last name.")
    if person is not None and person.user is not None and person.user.is_staff:
        raise AlreadyStaff(f"{person.full_name} already has a staff account; edit its grants instead.")
    person = person or create_person(email, first_name or "", last_name or "")
    user = ensure_user(person)
    db.session.flush()
    change_grants(user, grants, actor=actor)
    return user


def staff_accounts() -> Select[User]:
    """The Accounts page's query: everyone who can sign in or holds a right, by name."""
    return (
        select(User)
        .join(Person)
        .where(
            or_(
                User.is_admin,
                User.is_coordinator,
                User.view_demographics,
                User.view_plans,
                User.password_hash.is_not(None),
            )
        )
        .options(selectinload(User.person), selectinload(User.programs))
        .order_by(Person.last_name, Person.first_name)
    )
