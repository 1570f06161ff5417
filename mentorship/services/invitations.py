"""Invitations to sign in, one person, a new staff account or everyone at once (docs/guides/coordinator.md,
Invitations).

Each invitation is recorded (AccountInvitation) and its email queued in the outbox under
`invite:<invitation id>`. Bulk invitations skip whoever has a password or an invitation that still works,
so running them again invites only the people added since, or whose invitation lapsed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import AccountInvitation, MenteeProfile, MentorProfile, Person, Program, User
from mentorship.services import accounts, audit, mail

KIND = "invitation"
INVITE_PATH = "/auth/password/invite/{token}"


@dataclass(frozen=True)
class InviteSettings:
    """What an invitation email needs from the app's settings."""

    base_url: str
    hours: int
    office: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> InviteSettings:
        """The settings of the running app."""
        return cls(config["BASE_URL"].rstrip("/"), config["INVITE_LINK_HOURS"], config["OFFICE_CONTACT"])


def is_valid(invitation: AccountInvitation, now: dt.datetime) -> bool:
    """Whether the invitation's link still works: not used, not expired, not voided by a password or email
    change."""
    user = invitation.person.user
    return (
        invitation.used_at is None
        and invitation.expires_at > now
        and user is not None
        and user.password_hash is None
        and user.session_version == invitation.user_version
    )


def status_of(invitation: AccountInvitation, now: dt.datetime) -> str:
    """How a person's page describes an invitation: used, expired, replaced or waiting."""
    if invitation.used_at is not None:
        return "used"
    if is_valid(invitation, now):
        return "waiting"
    return "expired" if invitation.expires_at <= now else "no longer valid"


def of_person(person: Person) -> list[AccountInvitation]:
    """The invitations sent to `person`, newest first, with who sent each: one statement."""
    return list(
        db.session.scalars(
            select(AccountInvitation)
            .where(AccountInvitation.person_id == person.id)
            .options(joinedload(AccountInvitation.invited_by).joinedload(User.person))
            .order_by(AccountInvitation.created_at.desc(), AccountInvitation.id.desc())
        )
    )


def with_status(person: Person, now: dt.datetime) -> list[tuple[AccountInvitation, str]]:
    """The invitations of `person`, newest first, each with its `status_of`."""
    return [(invitation, status_of(invitation, now)) for invitation in of_person(person)]


def has_valid(person: Person, now: dt.datetime) -> bool:
    """Whether an invitation sent to `person` still works (inviting them again would send a second one)."""
    return any(is_valid(invitation, now) for invitation in of_person(person))


def _programs_of(person: Person) -> list[str]:
    names = []
    enrolled = [p.program for p in (person.mentee, person.mentor) if p is not None and p.program is not None]
    coordinated = list(person.user.programs) if person.user is not None and person.user.is_coordinator else []
    for program in enrolled + coordinated:
        if program.name not in names:
            names.append(program.name)
    return names


def _roles_of(person: Person) -> list[str]:
    roles = [r for r, p in (("mentee", person.mentee), ("mentor", person.mentor)) if p is not None]
    return roles + (["staff"] if person.user is not None and person.user.is_staff else [])


def to_invite(scope: Scope, *, now: dt.datetime, program: Program | None = None) -> list[Person]:
    """Everyone enrolled today in `scope` (of `program` only, if given) who has no password, no invitation
    that still works, and whose login `scope` may manage; by name."""
    today = now.date()
    mentee = select(MenteeProfile.person_id).where(scope.mentees(), MenteeProfile.not_left_on(today))
    mentor = select(MentorProfile.person_id).where(scope.mentors(), MentorProfile.not_left_on(today))
    if program is not None:
        mentee = mentee.where(MenteeProfile.program_id == program.id)
        mentor = mentor.where(MentorProfile.program_id == program.id)
    people = db.session.scalars(
        select(Person)
        .outerjoin(User, User.person_id == Person.id)
        .where(
            or_(Person.id.in_(mentee), Person.id.in_(mentor)),
            Person.erased_at.is_(None),
            User.password_hash.is_(None),
        )
        .options(
            selectinload(Person.user),
            selectinload(Person.mentee).selectinload(MenteeProfile.program),
            selectinload(Person.mentor).selectinload(MentorProfile.program),
        )
        .order_by(Person.last_name, Person.first_name, Person.id)
    ).all()
    ids = [p.id for p in people]
    pending = set()
    for start in range(0, len(ids), 900):
        for invitation in db.session.scalars(
            select(AccountInvitation)
            .where(
                AccountInvitation.person_id.in_(ids[start : start + 900]),
                AccountInvitation.used_at.is_(None),
                AccountInvitation.expires_at > now,
            )
            .options(selectinload(AccountInvitation.person))
        ):
            if is_valid(invitation, now):
                pending.add(invitation.person_id)
    return [p for p in people if p.id not in pending and accounts.may_manage_login(scope, p)]


def invite(
    person: Person, *, scope: Scope, actor: User | None, now: dt.datetime, settings: InviteSettings
) -> int | None:
    """Invite `person` (creating their account if need be): record it, audit it and queue the email; the
    outbox id to deliver after the commit. LoginManagedByOffice unless `scope` may manage their login."""
    user = accounts.invite(person, scope=scope, actor=actor)
    record = AccountInvitation(
        person=person,
        invited_by_id=actor.id if actor is not None else None,
        user_version=user.session_version,
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.hours),
    )
    db.session.add(record)
    db.session.flush()
    link = settings.base_url + INVITE_PATH.format(token=accounts.make_password_token(user, "invite"))
    inviter = actor.person if actor is not None else None
    programs = _programs_of(person)
    email = mail.render(
        "invitation",
        to=person.email,
        to_name=person.full_name,
        subject=f"{inviter.full_name} invites you to the mentorship program"
        if inviter
        else "You are invited to the mentorship program",
        reply_to=inviter.email if inviter else None,
        person=person,
        inviter=inviter,
        programs=" and ".join(programs),
        roles=_roles_of(person),
        link=link,
        hours=settings.hours,
    )
    row = mail.queue(email, key=f"invite:{record.id}", kind=KIND, now=now)
    return row.id if row is not None else None


def invite_all(
    people: Sequence[Person],
    *,
    scope: Scope,
    actor: User | None,
    now: dt.datetime,
    settings: InviteSettings,
    progress: Callable[[int], None] | None = None,
    **audit_details: Any,
) -> list[int]:
    """Invite each of `people` (from `to_invite`); audited once as `users.invite` with `audit_details`.
    The outbox ids to deliver after the commit."""
    ids = []
    for person in people:
        row_id = invite(person, scope=scope, actor=actor, now=now, settings=settings)
        if row_id is not None:
            ids.append(row_id)
        if progress is not None:
            progress(1)
    audit.record(actor, "users.invite", None, invited=len(people), **audit_details)
    return ids


def mark_used(user: User, now: dt.datetime) -> None:
    """The person chose their password from an invitation: every open invitation of theirs is used."""
    for invitation in db.session.scalars(
        select(AccountInvitation).where(
            AccountInvitation.person_id == user.person_id,
            AccountInvitation.used_at.is_(None),
            AccountInvitation.expires_at > now,
        )
    ):
        invitation.used_at = now
