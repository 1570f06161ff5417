"""Program events, their invitations (RSVP, waitlist, attendance) and introductions to colleagues."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorship.extensions import Model, db
from mentorship.models.people import MenteeProfile, MentorProfile, Person
from mentorship.models.programs import Program

event_programs = Table(
    "event_programs",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("program_id", ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
)


class Event(Model):
    """An orientation, symposium, panel or social; times are wall-clock times in the office's time zone.

    The audience is the programs (none: every program), a PGY range of the mentees, and whether mentors
    and/or mentees are invited. `checkin_key` is the secret in the QR code's address; `sequence` is the
    iCalendar SEQUENCE, raised on every change sent to the invited.
    """

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default="other")
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime)
    place: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    pgy_min: Mapped[int | None] = mapped_column(Integer)
    pgy_max: Mapped[int | None] = mapped_column(Integer)
    for_mentors: Mapped[bool] = mapped_column(Boolean, default=True)
    for_mentees: Mapped[bool] = mapped_column(Boolean, default=True)
    capacity: Mapped[int | None] = mapped_column(Integer)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    checkin_key: Mapped[str] = mapped_column(String(64), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    programs: Mapped[list[Program]] = relationship(secondary=event_programs, order_by="Program.name")
    organizer: Mapped[Person | None] = relationship()
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Invitation.id"
    )


class Invitation(Model):
    """One person invited to an event (or checked in without one): their RSVP and attendance.

    `token` is the secret of the invitation's link (RSVP and check-in without a password); `rsvp_at` orders
    the waitlist. `attended` is set by a check-in or by the organizer's bulk marking.
    """

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    invited: Mapped[bool] = mapped_column(Boolean, default=True)
    rsvp: Mapped[str | None] = mapped_column(String(20))
    rsvp_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    event: Mapped[Event] = relationship(back_populates="invitations")
    person: Mapped[Person] = relationship()


class Introduction(Model):
    """A mentor or coordinator introducing a mentee to an enrolled mentor or to an outside contact."""

    __tablename__ = "introductions"
    __table_args__ = (
        CheckConstraint(
            "(mentor_id IS NOT NULL) OR (contact_name IS NOT NULL AND contact_email IS NOT NULL)",
            name="someone_introduced",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee_profiles.id", ondelete="CASCADE"), index=True)
    introduced_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_institution: Mapped[str | None] = mapped_column(String(200))
    contact_role: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(20))
    context: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    mentee: Mapped[MenteeProfile] = relationship()
    mentor: Mapped[MentorProfile | None] = relationship()
    introduced_by: Mapped[Person | None] = relationship()

    @property
    def colleague_name(self) -> str:
        return self.mentor.person.full_name if self.mentor is not None else (self.contact_name or "")

    @property
    def colleague_email(self) -> str:
        return self.mentor.person.email if self.mentor is not None else (self.contact_email or "")
