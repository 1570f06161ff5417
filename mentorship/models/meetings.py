"""Meetings of a pairing, their topics, one-time form nonces and the one-click links sent by email."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorship.extensions import Model
from mentorship.models.pairings import Pairing


class Meeting(Model):
    """A meeting; notes are private to the pairing's two people, deletion is soft."""

    __tablename__ = "meetings"
    # Covers the per-pairing aggregates of services.metrics (held, not deleted, by date): an index-only scan.
    __table_args__ = (
        Index(
            "ix_meetings_pairing_counted", "pairing_id", "date", "status", "deleted_at", "duration_minutes"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"))
    # The date before an edit is loaded if needed: it decides which years' figures the edit changes.
    date: Mapped[dt.date] = mapped_column(Date, index=True, active_history=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    modality: Mapped[str] = mapped_column(String(20), default="in_person")
    status: Mapped[str] = mapped_column(String(20), default="held")
    notes: Mapped[str | None] = mapped_column(Text)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # "mentor", "mentee", "coordinator" (on the pair's behalf) or "import".
    logged_as: Mapped[str] = mapped_column(String(20), default="mentor")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    disputed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # A group session: one meeting of a mentor with several mentees is one row per pairing sharing this id,
    # so each pairing counts it as held and an edit or deletion applies to all of them.
    group_id: Mapped[str | None] = mapped_column(String(36), index=True)

    pairing: Mapped[Pairing] = relationship()
    topic_rows: Mapped[list[MeetingTopic]] = relationship(
        cascade="all, delete-orphan", order_by="MeetingTopic.topic"
    )

    @property
    def topics(self) -> list[str]:
        return [row.topic for row in self.topic_rows]


class MeetingTopic(Model):
    __tablename__ = "meeting_topics"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class LogLinkUse(Model):
    """A signed-in meeting form that was submitted (by its nonce), so the same form cannot log twice."""

    __tablename__ = "log_link_uses"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    used_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LogLink(Model):
    """A one-click "log a meeting" link sent by email: it logs at most one meeting, then only shows it.

    The emailed token carries `id`, signed. Opening the link writes nothing (mail scanners open every link);
    the form's POST sets `meeting_id` with a conditional UPDATE, so of two racing submits one logs.
    """

    __tablename__ = "log_links"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    # What the email was: "reminder" today, introductions later.
    sent_with: Mapped[str] = mapped_column(String(20), default="reminder")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), unique=True)

    pairing: Mapped[Pairing] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
