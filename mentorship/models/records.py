"""Faculty mentoring records the office has issued: what a verification code vouches for."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorship.extensions import Model
from mentorship.models.people import MentorProfile


class IssuedRecord(Model):
    """One mentor's record for one academic year as the office issued it (a PDF carries its signed id).

    `totals` is a snapshot of the figures printed, so the verification page shows what the PDF said even
    after later edits change the live figures; `mentor_name` likewise. Revoking sets `revoked_at`; the
    row is kept so a revoked code says "revoked", not "unknown".
    """

    __tablename__ = "issued_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    mentor_name: Mapped[str] = mapped_column(String(200))
    totals: Mapped[dict] = mapped_column(JSON, default=dict)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    mentor: Mapped[MentorProfile] = relationship()
