"""People, their mentor and mentee profiles, and their self-identification."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    and_,
    func,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorship.extensions import Model, db
from mentorship.models.programs import Program
from mentorship.services.academic_year import AcademicYear

if TYPE_CHECKING:
    from mentorship.models.accounts import User

preferred_mentors = Table(
    "preferred_mentors",
    db.metadata,
    Column("mentee_id", ForeignKey("mentee_profiles.id", ondelete="CASCADE"), primary_key=True),
    Column("mentor_id", ForeignKey("mentor_profiles.id", ondelete="CASCADE"), primary_key=True),
)
do_not_match = Table(
    "do_not_match",
    db.metadata,
    Column("mentee_id", ForeignKey("mentee_profiles.id", ondelete="CASCADE"), primary_key=True),
    Column("mentor_id", ForeignKey("mentor_profiles.id", ondelete="CASCADE"), primary_key=True),
)


class Person(Model):
    """Anyone the program knows; identity is the lower-cased email."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The last change of the sign-in email: a password reset soon after it also tells the old address.
    previous_email: Mapped[str | None] = mapped_column(String(254))
    email_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Contact details, all optional: shown only to the person themself, staff in scope and their pair.
    phone: Mapped[str | None] = mapped_column(String(30))
    contact_method: Mapped[str | None] = mapped_column(String(10))  # a code of vocab.CONTACT_METHODS
    availability: Mapped[str | None] = mapped_column(String(200))

    mentor: Mapped[MentorProfile | None] = relationship(back_populates="person", uselist=False)
    mentee: Mapped[MenteeProfile | None] = relationship(back_populates="person", uselist=False)
    self_identification: Mapped[SelfIdentification | None] = relationship(
        back_populates="person", uselist=False, cascade="all, delete-orphan"
    )
    user: Mapped[User | None] = relationship(back_populates="person", uselist=False)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    def __repr__(self) -> str:
        return f"<Person {self.email}>"


def enrolled_during(enrolled_on: dt.date, left_on: dt.date | None, start: dt.date, end: dt.date) -> bool:
    """Enrolled on `enrolled_on` (and left on `left_on`, if ever): enrolled at some day from start to end."""
    return enrolled_on <= end and (left_on is None or left_on >= start)


class _Enrollment:
    """Dates shared by both profiles, and the enrolment rules of docs/metrics.md written once."""

    enrolled_on: Mapped[dt.date] = mapped_column(Date, default=dt.date.today, index=True)
    left_on: Mapped[dt.date | None] = mapped_column(Date, index=True)

    @hybrid_method
    def enrolled_on_day(self, day: dt.date) -> bool:
        """Enrolled on `day`: added on or before it and not left before it."""
        return enrolled_during(self.enrolled_on, self.left_on, day, day)

    @enrolled_on_day.expression
    @classmethod
    def _enrolled_on_day_expression(cls, day: dt.date) -> ColumnElement[bool]:
        return and_(cls.enrolled_on <= day, or_(cls.left_on.is_(None), cls.left_on >= day))

    @hybrid_method
    def enrolled_in(self, ay: AcademicYear) -> bool:
        """Enrolled in academic year `ay`: added by its end and, if they left, left on or after its start."""
        return enrolled_during(self.enrolled_on, self.left_on, ay.start, ay.end)

    @enrolled_in.expression
    @classmethod
    def _enrolled_in_expression(cls, ay: AcademicYear) -> ColumnElement[bool]:
        return and_(cls.enrolled_on <= ay.end, or_(cls.left_on.is_(None), cls.left_on >= ay.start))

    @hybrid_method
    def not_left_on(self, day: dt.date) -> bool:
        """Has not left before `day` (still enrolled, or enrolling later)."""
        return self.left_on is None or self.left_on >= day

    @not_left_on.expression
    @classmethod
    def _not_left_on_expression(cls, day: dt.date) -> ColumnElement[bool]:
        return or_(cls.left_on.is_(None), cls.left_on >= day)


class MentorProfile(_Enrollment, Model):
    __tablename__ = "mentor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    mentor_type: Mapped[str] = mapped_column(String(20), default="faculty")
    department: Mapped[str | None] = mapped_column(String(200))
    specialty: Mapped[str | None] = mapped_column(String(200))
    rank: Mapped[str | None] = mapped_column(String(100))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"), index=True)
    pgy: Mapped[int | None] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer, default=3)

    person: Mapped[Person] = relationship(back_populates="mentor")
    program: Mapped[Program | None] = relationship()
    interest_rows: Mapped[list[MentorInterest]] = relationship(
        cascade="all, delete-orphan", order_by="MentorInterest.interest"
    )

    @property
    def interests(self) -> list[str]:
        return [row.interest for row in self.interest_rows]


class MenteeProfile(_Enrollment, Model):
    __tablename__ = "mentee_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    pgy: Mapped[int] = mapped_column(Integer)
    concordance_gender: Mapped[bool] = mapped_column(Boolean, default=False)
    concordance_urim: Mapped[bool] = mapped_column(Boolean, default=False)

    person: Mapped[Person] = relationship(back_populates="mentee")
    program: Mapped[Program] = relationship()
    preferred: Mapped[list[MentorProfile]] = relationship(secondary=preferred_mentors)
    excluded: Mapped[list[MentorProfile]] = relationship(secondary=do_not_match)
    interest_rows: Mapped[list[MenteeInterest]] = relationship(
        cascade="all, delete-orphan", order_by="MenteeInterest.interest"
    )

    @property
    def interests(self) -> list[str]:
        return [row.interest for row in self.interest_rows]


# Interests are one row per (profile, interest) so matching and reports can query them in SQL.
class MentorInterest(Model):
    __tablename__ = "mentor_interests"

    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    interest: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class MenteeInterest(Model):
    __tablename__ = "mentee_interests"

    mentee_id: Mapped[int] = mapped_column(
        ForeignKey("mentee_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    interest: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class SelfIdentification(Model):
    """Optional self-identification; NULL means not disclosed, `prefer_not` is an explicit choice."""

    __tablename__ = "self_identifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    gender: Mapped[str | None] = mapped_column(String(20))
    gender_description: Mapped[str | None] = mapped_column(String(100))
    race_prefer_not: Mapped[bool] = mapped_column(Boolean, default=False)
    urim: Mapped[str | None] = mapped_column(String(20))
    img: Mapped[str | None] = mapped_column(String(20))
    first_generation: Mapped[str | None] = mapped_column(String(20))
    given_on: Mapped[dt.date] = mapped_column(Date, default=dt.date.today)

    person: Mapped[Person] = relationship(back_populates="self_identification")
    races: Mapped[list[RaceEthnicity]] = relationship(
        cascade="all, delete-orphan", order_by="RaceEthnicity.category"
    )

    @property
    def race_codes(self) -> list[str]:
        return [r.category for r in self.races]


class RaceEthnicity(Model):
    """One row per selected race/ethnicity category (select all that apply)."""

    __tablename__ = "race_ethnicities"

    self_identification_id: Mapped[int] = mapped_column(
        ForeignKey("self_identifications.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(50), primary_key=True)
