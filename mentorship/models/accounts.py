"""Login accounts, their role grants and program scopes."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from mentorship.extensions import Model, db
from mentorship.models.people import Person
from mentorship.models.programs import Program

coordinator_programs = Table(
    "coordinator_programs",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("program_id", ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, Model):
    """A person's login; mentor and mentee roles come from their profiles."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    view_demographics: Mapped[bool] = mapped_column(Boolean, default=False)
    can_override_capacity: Mapped[bool] = mapped_column(Boolean, default=False)
    # Goal text of the plans of the account's programs (every program's, for an admin): program directors.
    view_plans: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Bumped on password change so that invitation and reset links already sent stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    person: Mapped[Person] = relationship(back_populates="user")
    programs: Mapped[list[Program]] = relationship(secondary=coordinator_programs, order_by=Program.name)

    def attach_session(self, record: UserSession) -> None:
        """Mark `record` as the sign-in this request runs under (set by sign-in and the user loader)."""
        self._current_session = record

    @property
    def current_session(self) -> UserSession | None:
        """The sign-in session of this request, if the user came from one."""
        return self.__dict__.get("_current_session")

    def get_id(self) -> str:
        """Flask-Login's id (kept in the session cookie): the server-side session's, never the user's."""
        if self.current_session is None:
            raise RuntimeError("Sign users in through accounts.sign_in, which opens their session.")
        return self.current_session.id

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @property
    def email(self) -> str:
        return self.person.email

    @property
    def is_staff(self) -> bool:
        """Admins and program coordinators: the people who run the program."""
        return self.is_admin or self.is_coordinator

    @property
    def can_view_demographics(self) -> bool:
        return self.is_admin or self.view_demographics

    @property
    def roles(self) -> set[str]:
        roles = set()
        if self.is_admin:
            roles.add("admin")
        if self.is_coordinator:
            roles.add("coordinator")
        if self.person.mentor is not None:
            roles.add("mentor")
        if self.person.mentee is not None:
            roles.add("mentee")
        return roles


class UserSession(Model):
    """One sign-in of a user on one browser; the session cookie names it, signing out ends it.

    The cookie alone is not enough to be signed in: the user loader accepts it only while this row exists,
    is not ended and was used recently, so a cookie copied before sign-out, or a password change, is dead.
    """

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(45))


class AccountInvitation(Model):
    """An invitation to sign in that was emailed: to whom, by whom (None: the command line), until when.

    Its link is the account's invitation token, which stops working when the password is set or the
    account's links are voided (`user_version` no longer the account's session version), or at
    `expires_at`. `used_at` is set when the person chose their password through it.
    """

    __tablename__ = "account_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    person: Mapped[Person] = relationship()
    invited_by: Mapped[User | None] = relationship()


class SamlRequestUse(Model):
    """A SAML sign-in request that has had its answer: a second answer to it is refused on every instance,
    even from a browser that copied the first one's request cookie. Rows older than a sign-in are pruned."""

    __tablename__ = "saml_request_uses"

    request_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    used_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
