"""Accounts: creating users, sign-in sessions and emails, invitation and reset links."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Select, bindparam, delete, or_, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import Person, User, UserSession
from mentorship.services import ServiceError, account_notices, audit, execute_dml
from mentorship.services.mail import send
from mentorship.services.people import (
    DuplicateEmail,
    create_person,
    find_person,
    normalise_email,
    rename_person,
)

MIN_PASSWORD_SCORE = 2  # zxcvbn: 0-1 are guessed by a common-password list or a simple pattern
# A password reset this soon after an email change also tells the previous address.
RECENT_EMAIL_CHANGE = dt.timedelta(hours=24)


class TokenError(ServiceError):
    """A link is invalid or has expired."""


def validate_password(password: str, min_length: int, user_inputs: Sequence[str] = ()) -> None:
    """Refuse short passwords, and ones found in common-password lists or built from the user's details."""
    if len(password) < min_length:
        raise ServiceError(f"Use at least {min_length} characters.")
    from zxcvbn import zxcvbn  # imported here: its word lists take a while to load, and few requests need it

    result = zxcvbn(password[:100], user_inputs=[x for x in user_inputs if x])
    if result["score"] < MIN_PASSWORD_SCORE:
        warning = result["feedback"].get("warning") or "This password is too easy to guess."
        raise ServiceError(f"{warning.rstrip('.')}. Choose a less common password.")


def ensure_user(person: Person) -> User:
    """The person's account, created (without a password) if they have none."""
    if person.user is None:
        person.user = User(person=person)
        db.session.add(person.user)
    return person.user


def user_by_email(email: str) -> User | None:
    """The account of the person with `email`, if any."""
    person = find_person(email)
    return person.user if person is not None else None


def create_admin(email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Create (or promote) a GME-office admin with a password; audited as done from the command line."""
    validate_password(password, current_app.config["PASSWORD_MIN_LENGTH"], [email, first_name, last_name])
    person = find_person(email)
    if person is None:
        local = email.split("@")[0]
        person = create_person(email, first_name or local.title(), last_name or "Admin")
    user = ensure_user(person)
    user.is_admin = True
    user.view_demographics = True
    user.set_password(password)
    db.session.flush()
    audit.record(None, "user.create_admin", user, email=user.email, via="cli")
    return user


class WrongPassword(ServiceError):
    """The current password given is not the account's."""

    field = "current"


def set_password(user: User, password: str, *, actor: User | None, **audit_details: Any) -> None:
    """Validate and set a new password (from a link, or the command line when `actor` is None), ending
    every session of the user; audited with `audit_details`."""
    _replace_password(user, password, keep_session=None)
    db.session.flush()
    audit.record(actor, "password.set", user, **audit_details)


def change_password(user: User, current: str, password: str, *, keep_session: UserSession | None) -> None:
    """A signed-in user's change: the current password, then the new one; other sessions end."""
    if not user.check_password(current):
        raise WrongPassword("This is not your current password.")
    _replace_password(user, password, keep_session=keep_session)
    audit.record(user, "password.change", user)


def tell_previous_address(user: User, *, now: dt.datetime, contact: str) -> None:
    """A reset soon after an email change also goes, as a notice, to the address it replaced."""
    previous = recent_previous_email(user.person, now)
    if previous is None:
        return
    notice = account_notices.reset_after_email_change(user.person, previous, now, contact)
    send([notice])
    audit.record(None, "password.reset_notice", user, to=previous, reset_to=user.email)


def _replace_password(user: User, password: str, *, keep_session: UserSession | None) -> None:
    validate_password(
        password,
        current_app.config["PASSWORD_MIN_LENGTH"],
        [user.email, user.person.first_name, user.person.last_name],
    )
    user.set_password(password)
    end_sessions(user, except_session=keep_session)


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_password_token(user: User, purpose: str) -> str:
    """A signed link token for `purpose` ("invite" or "reset"), void once the password changes."""
    return _serializer(f"password-{purpose}").dumps({"user": user.id, "version": user.session_version})


def read_password_token(token: str, purpose: str) -> User:
    """The user a password token was made for; raises TokenError if bad, expired or used."""
    hours = current_app.config["INVITE_LINK_HOURS" if purpose == "invite" else "PASSWORD_RESET_HOURS"]
    try:
        data = _serializer(f"password-{purpose}").loads(token, max_age=hours * 3600)
    except SignatureExpired as exc:
        raise TokenError("This link has expired. Ask for a new one.") from exc
    except BadSignature as exc:
        raise TokenError("This link is not valid.") from exc
    user = db.session.get(User, data.get("user"))
    if user is None or user.session_version != data.get("version"):
        raise TokenError("This link has already been used. Ask for a new one.")
    return user


# Sign-in sessions --------------------------------------------------------------------------------------

# last_seen_at is written at most this often: a write per page would cost more than the idle limit needs.
SEEN_RESOLUTION = dt.timedelta(hours=1)
# Ended and idle sessions are kept this long (to answer "was this account signed in then?"), then deleted.
KEEP_ENDED_DAYS = 30


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def sign_in(
    user: User,
    *,
    now: dt.datetime | None = None,
    user_agent: str | None = None,
    address: str | None = None,
    idle_days: int = 14,
) -> UserSession:
    """Open a server-side session for a successful sign-in and attach it to `user` (for Flask-Login).

    Also notes the time of the sign-in and deletes sessions that ended (or went idle) long ago.
    """
    now = now or _now()
    purge_sessions(now=now, idle_days=idle_days)
    record = UserSession(
        id=secrets.token_urlsafe(32),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        user_agent=(user_agent or "")[:200] or None,
        address=(address or "")[:45] or None,
    )
    db.session.add(record)
    user.last_login_at = now
    user.attach_session(record)
    return record


@cache
def _live_session() -> Select[User, UserSession]:
    """The user and session of "session_id" if it has not ended and was seen after "seen_after"; built on
    first use, not at import (a loader option configures every mapper, which `flask --help` and most
    commands never need), and once: every page signs its user in, and building it cost more than running it.
    """
    return (
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.id == bindparam("session_id"),
            UserSession.ended_at.is_(None),
            UserSession.last_seen_at > bindparam("seen_after"),
        )
        # Every page asks for the user's roles (menu, access checks): load the profiles they come from with
        # the user. A coordinator's programs load when the scope is first asked for; an admin's never do.
        .options(
            joinedload(User.person).joinedload(Person.mentor),
            joinedload(User.person).joinedload(Person.mentee),
        )
    )


def load_session(session_id: str, *, now: dt.datetime | None = None, idle_days: int = 14) -> User | None:
    """The user of a live session (roles loaded in the same statement), or None if it ended or went idle."""
    now = now or _now()
    row = db.session.execute(
        _live_session(), {"session_id": session_id, "seen_after": now - dt.timedelta(days=idle_days)}
    ).first()
    if row is None:
        return None
    user, record = row
    user.attach_session(record)
    if now - record.last_seen_at > SEEN_RESOLUTION:
        _touch(record.id, now)
        set_committed_value(record, "last_seen_at", now)  # already written: not dirty in this session
    return user


def _touch(session_id: str, now: dt.datetime) -> None:
    # Its own short transaction: the request's session must not be committed from inside the user loader.
    with db.engine.begin() as connection:
        connection.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))


def end_session(record: UserSession | None, *, now: dt.datetime | None = None) -> None:
    """End one session (signing out); the cookie that names it no longer signs anyone in."""
    if record is not None and record.ended_at is None:
        record.ended_at = now or _now()


def end_sessions(
    user: User, except_session: UserSession | None = None, *, now: dt.datetime | None = None
) -> int:
    """End every open session of `user` but `except_session` (password or email change, erasure); returns
    how many ended. Each of them is signed out at its next request."""
    condition = [UserSession.user_id == user.id, UserSession.ended_at.is_(None)]
    if except_session is not None:
        condition.append(UserSession.id != except_session.id)
    result = execute_dml(
        update(UserSession).where(*condition).values(ended_at=now or _now()),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def purge_sessions(*, now: dt.datetime | None = None, idle_days: int = 14) -> int:
    """Delete sessions ended, or idle, more than KEEP_ENDED_DAYS ago; returns how many."""
    now = now or _now()
    keep = dt.timedelta(days=KEEP_ENDED_DAYS)
    result = execute_dml(
        delete(UserSession).where(
            or_(
                UserSession.ended_at < now - keep,
                UserSession.last_seen_at < now - keep - dt.timedelta(days=idle_days),
            )
        ),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


# ---------------------------------------------------------------------------------------------------------
# Who may set where a login's links go (see docs/privacy.md, "Accounts")
# ---------------------------------------------------------------------------------------------------------

LOGIN_MANAGED_BY_OFFICE = (
    "Only the GME office can change this email or send this person an invitation: they have signed in "
    "before, hold a staff role, or are enrolled beyond your programs. Ask the GME office (an admin) to do it."
)


class LoginManagedByOffice(ServiceError):
    """A program coordinator tried to redirect the login of someone only an admin may manage."""

    def __init__(self) -> None:
        super().__init__(LOGIN_MANAGED_BY_OFFICE)


def may_manage_login(scope: Scope, person: Person) -> bool:
    """True if staff with `scope` may change `person`'s email or send them an invitation.

    Admins always may. A program coordinator only for someone who has never signed in (no password, no
    sign-in), holds no staff role, and whose every role is in the coordinator's programs: otherwise
    pointing the email elsewhere and sending an invitation would hand them another person's login.
    """
    if scope.everything:
        return True
    user = person.user
    if user is not None and (
        user.password_hash is not None
        or user.last_login_at is not None
        or user.is_admin
        or user.is_coordinator
    ):
        return False
    programs: list[int | None] = []
    if person.mentee is not None:
        programs.append(person.mentee.program_id)
    if person.mentor is not None:
        programs.append(person.mentor.program_id)
    return bool(programs) and all(scope.covers_program(program_id) for program_id in programs)


@dataclass(frozen=True)
class EmailChange:
    """A sign-in email that was changed: the old address is told (see account_notices)."""

    person: Person
    old: str
    new: str
    at: dt.datetime


def update_identity(
    person: Person,
    email: str,
    first_name: str,
    last_name: str,
    *,
    scope: Scope,
    now: dt.datetime,
    actor: User | None,
    keep_session: UserSession | None = None,
) -> EmailChange | None:
    """Save a person's name and email from an edit form; returns the email change (audited), if any.

    An email change needs `may_manage_login` (else LoginManagedByOffice, and nothing is changed), is
    recorded on the person, and signs the person out everywhere (but `keep_session`, the editor's own
    session, when they changed their own email); it also voids every invitation and reset link sent before.
    """
    new = normalise_email(email)
    change = None
    if new != person.email:
        if not may_manage_login(scope, person):
            raise LoginManagedByOffice()
        existing = find_person(new)
        if existing is not None and existing.id != person.id:
            raise DuplicateEmail(existing)
        change = EmailChange(person=person, old=person.email, new=new, at=now)
        person.previous_email, person.email, person.email_changed_at = person.email, new, now
        if person.user is not None:
            sign_out_everywhere(person.user, except_session=keep_session)
        audit.record(actor, "person.email_change", person, old=change.old, new=change.new)
    rename_person(person, first_name, last_name)
    return change


def invite(person: Person, *, scope: Scope, actor: User | None) -> User:
    """The account to send an invitation to sign in (created if none), audited; LoginManagedByOffice unless
    `scope` may manage the person's login."""
    if not may_manage_login(scope, person):
        raise LoginManagedByOffice()
    user = ensure_user(person)
    db.session.flush()
    audit.record(actor, "user.invite", user, email=person.email)
    return user


def sign_out_everywhere(user: User, except_session: UserSession | None = None) -> None:
    """End every session of `user` but `except_session`, and void the links emailed to them (the session
    version changes)."""
    user.session_version = (user.session_version or 0) + 1
    end_sessions(user, except_session=except_session)


def recent_previous_email(person: Person, now: dt.datetime) -> str | None:
    """The address `person` signed in with until a change in the last 24 hours, if there was one."""
    changed = person.email_changed_at
    if changed is None or not person.previous_email or now - changed > RECENT_EMAIL_CHANGE:
        return None
    return person.previous_email
