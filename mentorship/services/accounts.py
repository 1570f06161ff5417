"""Accounts: creating users, granting roles, invitation and password-reset links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from zxcvbn import zxcvbn

from mentorship.extensions import db
from mentorship.models import Person, Program, User
from mentorship.services import ServiceError
from mentorship.services.people import create_person, find_person

MIN_PASSWORD_SCORE = 2  # zxcvbn: 0-1 are guessed by a common-password list or a simple pattern


class TokenError(ServiceError):
    """A link is invalid or has expired."""


def validate_password(password: str, min_length: int, user_inputs: list[str] = ()) -> None:
    """Refuse short passwords, and ones found in common-password lists or built from the user's details."""
    if len(password) < min_length:
        raise ServiceError(f"Use at least {min_length} characters.")
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
    """Create (or promote) a GME-office admin with a password."""
    validate_password(password, current_app.config["PASSWORD_MIN_LENGTH"], [email, first_name, last_name])
    person = find_person(email)
    if person is None:
        local = email.split("@")[0]
        person = create_person(email, first_name or local.title(), last_name or "Admin")
    user = ensure_user(person)
    user.is_admin = True
    user.view_demographics = True
    user.set_password(password)
    return user


def set_password(user: User, password: str) -> None:
    """Validate and set a new password; signs out every other session of the user."""
    validate_password(
        password,
        current_app.config["PASSWORD_MIN_LENGTH"],
        [user.email, user.person.first_name, user.person.last_name],
    )
    user.set_password(password)


def grant(
    user: User,
    role: str,
    program_names: Iterable[str] = (),
    view_demographics: bool | None = None,
) -> None:
    """Grant admin or coordinator (scoped to named programs) to `user`."""
    if role == "admin":
        user.is_admin = True
    elif role == "coordinator":
        names = list(program_names)
        programs = list(db.session.execute(select(Program).where(Program.name.in_(names))).scalars())
        missing = sorted(set(names) - {p.name for p in programs})
        if missing:
            raise ServiceError(f"Unknown program: {', '.join(missing)}.")
        user.is_coordinator = True
        for program in programs:
            if program not in user.programs:
                user.programs.append(program)
    else:
        raise ServiceError(f"Unknown role {role!r}: use admin or coordinator.")
    if view_demographics is not None:
        user.view_demographics = view_demographics


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


def record_login(user: User) -> None:
    """Note the time of a successful login."""
    user.last_login_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
