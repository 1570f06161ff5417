"""Pairings of a mentor and a mentee, their reminders and pulse checks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorship.extensions import Model
from mentorship.models.people import MenteeProfile, MentorProfile
from mentorship.services.academic_year import AcademicYear


def span_open_on(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """A span from `start` to `end` (None: still running) is open on `day`: one ending on `day` has ended."""
    return start <= day and (end is None or end > day)


def span_active_during(start: dt.date, end: dt.date | None, first: dt.date, last: dt.date) -> bool:
    """A span from `start` to `end` (None: still running) overlaps the days from `first` to `last`."""
    return start <= last and (end is None or end >= first)


class Pairing(Model):
    """A mentoring relationship; ending one sets end_date and never deletes it."""

    __tablename__ = "pairings"
    __table_args__ = (
        UniqueConstraint("mentor_id", "mentee_id", "kind", "start_date"),
        Index("ix_pairings_active_span", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee_profiles.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="career")
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    end_rating: Mapped[int | None] = mapped_column(Integer)
    end_comment: Mapped[str | None] = mapped_column(Text)
    capacity_override: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    mentor: Mapped[MentorProfile] = relationship()
    mentee: Mapped[MenteeProfile] = relationship()

    # The rules of docs/metrics.md, each written once: in Python for a loaded pairing, in SQL for a query.

    @hybrid_method
    def open_on(self, day: dt.date) -> bool:
        """Open on `day`: started on or before it, and no end date or one after it (docs/metrics.md)."""
        return span_open_on(self.start_date, self.end_date, day)

    @open_on.expression
    @classmethod
    def _open_on_expression(cls, day: dt.date) -> ColumnElement[bool]:
        return and_(cls.start_date <= day, or_(cls.end_date.is_(None), cls.end_date > day))

    @hybrid_method
    def active_in(self, ay: AcademicYear) -> bool:
        """Active in academic year `ay`: started by its end and not ended before its start."""
        return span_active_during(self.start_date, self.end_date, ay.start, ay.end)

    @active_in.expression
    @classmethod
    def _active_in_expression(cls, ay: AcademicYear) -> ColumnElement[bool]:
        return and_(cls.start_date <= ay.end, or_(cls.end_date.is_(None), cls.end_date >= ay.start))

    @hybrid_method
    def holds_place_on(self, day: dt.date) -> bool:
        """Not ended by `day` (open then, or starting later): it holds a place of its mentor."""
        return self.end_date is None or self.end_date > day

    @holds_place_on.expression
    @classmethod
    def _holds_place_on_expression(cls, day: dt.date) -> ColumnElement[bool]:
        return or_(cls.end_date.is_(None), cls.end_date > day)


class Reminder(Model):
    """A reminder sent to both people of a pairing (flask reminders send, or Remind now)."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(30))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PulseCheck(Model):
    """One person's answer to "How is this mentorship going?" for a pairing."""

    __tablename__ = "pulse_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    answered_at: Mapped[dt.datetime] = mapped_column(DateTime)
    rating: Mapped[int] = mapped_column(Integer)
    fit: Mapped[str] = mapped_column(String(20))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
