"""flask users: accounts from the command line."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

from mentorship import vocab
from mentorship.cli import fail

if TYPE_CHECKING:
    from mentorship.models import User

group = AppGroup("users", help="Create accounts, set passwords and grant roles.")


@group.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--first-name", default="")
@click.option("--last-name", default="")
def create_admin(email: str, password: str, first_name: str, last_name: str) -> None:
    """Create the first GME-office admin account (or promote an existing person)."""
    from mentorship.extensions import db
    from mentorship.services import ServiceError, accounts

    try:
        user = accounts.create_admin(email, password, first_name, last_name)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        fail(str(exc))
    click.echo(f"Admin {user.email} is ready; sign in at /auth/login.")


@group.command("set-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def set_password(email: str, password: str) -> None:
    """Set the password of any person, creating their account if needed."""
    from mentorship.extensions import db
    from mentorship.services import ServiceError, accounts

    user = _user_of(email)
    try:
        accounts.set_password(user, password, actor=None, via="cli")
    except ServiceError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    click.echo(f"Password of {user.email} is set.")


@group.command("grant")
@click.argument("email")
@click.option("--role", type=click.Choice(vocab.STAFF_ROLES), required=True)
@click.option("--program", "programs", multiple=True, help="Program name (repeat for several).")
@click.option("--view-demographics", is_flag=True, default=None, help="Allow individual self-identification.")
@click.option(
    "--view-plans", is_flag=True, default=None, help="Allow the goals of the programs' development plans."
)
def grant(
    email: str, role: str, programs: tuple[str, ...], view_demographics: bool | None, view_plans: bool | None
) -> None:
    """Grant admin, or coordinator of some programs, to a person."""
    from mentorship.extensions import db
    from mentorship.services import ServiceError, grants

    user = _user_of(email)
    if role == "coordinator" and not programs:
        fail("A coordinator needs at least one --program.")
    try:
        wanted = grants.Grants.of(user).with_role(role, grants.program_ids_named(programs))
        if view_demographics is not None:
            wanted = replace(wanted, view_demographics=view_demographics)
        if view_plans is not None:
            wanted = replace(wanted, view_plans=view_plans)
        grants.change_grants(user, wanted, actor=None, role=role, programs=list(programs), via="cli")
    except ServiceError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    scope = f" of {', '.join(programs)}" if programs else ""
    click.echo(f"{user.email} is now {role}{scope}.")


@group.command("revoke")
@click.argument("email")
@click.option("--role", type=click.Choice(vocab.STAFF_ROLES), required=True)
def revoke(email: str, role: str) -> None:
    """Remove admin, or coordinator (with its programs), from a person; the last admin stays."""
    from mentorship.extensions import db
    from mentorship.services import ServiceError, grants

    user = _user_of(email)
    try:
        wanted = grants.Grants.of(user).with_role(role, held=False)
        grants.change_grants(user, wanted, actor=None, role=role, via="cli")
    except ServiceError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    click.echo(f"{user.email} is no longer {role}.")


def _user_of(email: str) -> User:
    """The account of the person with `email` (created if they have none); exits 1 without such a person."""
    from mentorship.services import accounts
    from mentorship.services.people import find_person

    person = find_person(email)
    if person is None:
        fail(f"No person with email {email.strip().lower()}.")
    return accounts.ensure_user(person)


@group.command("invite")
@click.option("--program", "program_name", help="Only the people enrolled in this program.")
@click.option("--dry-run", is_flag=True, help="List who would be invited; send and record nothing.")
def invite(program_name: str | None, dry_run: bool) -> None:
    """Invite everyone enrolled who has no password and no invitation that still works."""
    from mentorship.access import Scope
    from mentorship.extensions import db
    from mentorship.services import invitations
    from mentorship.services.mail import deliver, queued_ids
    from mentorship.services.meetings import utcnow
    from mentorship.services.programs import find_program

    program = None
    if program_name:
        program = find_program(program_name)
        if program is None:
            fail(f"No program called {program_name!r}.")
    now, scope = utcnow(), Scope(None)
    people = invitations.to_invite(scope, now=now, program=program)
    if dry_run:
        for person in people:
            click.echo(f"{person.email}\t{person.full_name}")
        click.echo(f"{len(people)} person(s) would be invited; nothing was sent or recorded.")
        return
    settings = invitations.InviteSettings.from_config(current_app.config)
    # Recorded and committed first, then sent: a run stopped half-way resumes without inviting twice.
    invitations.invite_all(
        people, scope=scope, actor=None, now=now, settings=settings, program=program_name, via="cli"
    )
    db.session.commit()
    ids = queued_ids(invitations.KIND)  # these, and any an earlier run could not send
    sent = failed = 0
    with click.progressbar(length=len(ids), label="Sending invitations", file=sys.stderr) as bar:
        for start in range(0, len(ids), 50):
            batch = ids[start : start + 50]
            result = deliver(batch, now=utcnow())
            db.session.commit()
            sent, failed = sent + len(result.sent), failed + len(result.failed)
            bar.update(len(batch))
    click.echo(
        f"{sent} invitation(s) sent."
        + (f" {failed} could not be sent: they stay queued for the next run." if failed else "")
    )
    if failed:
        raise SystemExit(1)
