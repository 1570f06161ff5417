"""Planned meetings: a meeting the pair intends to have, with its calendar identity.

A separate table from `meetings` on purpose: every figure counts rows of `meetings`, so a planned meeting
can never be counted, whatever a query forgets. When the pair says what happened, the outcome becomes a
Meeting (`meeting_id`) through the meetings service.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorship.extensions import Model
from mentorship.models.meetings import Meeting
from mentorship.models.pairings import Pairing

PLANNED_STATES = ("planned", "cancelled", "resolved")


class PlannedMeeting(Model):
    """A meeting planned by either person or a coordinator; the agenda is private to the pair."""

    __tablename__ = "planned_meetings"
    __table_args__ = (
        CheckConstraint(f"state IN {PLANNED_STATES}", name="state"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
        Index("ix_planned_meetings_state_starts", "state", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)  # naive UTC, like every stored time
    minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(300))
    agenda: Mapped[str | None] = mapped_column(Text)
    # The calendar identity: the UID never changes; each change or cancellation sent raises the sequence.
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(10), default="planned")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), unique=True)

    pairing: Mapped[Pairing] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
