"""Saved matching runs: what was asked, what was suggested, the coordinators' edits and what was applied."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorship.extensions import Model
from mentorship.models.accounts import User
from mentorship.models.programs import Program


class MatchRun(Model):
    """One matching run at its own address: reloaded, shared within its scope, edited, applied once.

    `mentee_programs` and `pool_programs` are the run's scope (lists of program ids; None: every
    program). `suggestions` holds what the run proposed (mentee, mentor, score, reason, for the viewers
    the run was made for); `choices` the current mentor per mentee after edits; `applied` what applying
    created. A run made with the concordance term (`with_concordance`) opens only for users who may see
    self-identification.
    """

    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="SET NULL"))
    mentee_programs: Mapped[list[int] | None] = mapped_column(JSON)
    pool_programs: Mapped[list[int] | None] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    run_date: Mapped[dt.date] = mapped_column(Date)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    with_concordance: Mapped[bool] = mapped_column(Boolean, default=False)
    suggestions: Mapped[list[dict]] = mapped_column(JSON, default=list)
    choices: Mapped[dict[str, int | None]] = mapped_column(JSON, default=dict)
    start_date: Mapped[dt.date] = mapped_column(Date)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    applied_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    applied: Mapped[list[dict]] = mapped_column(JSON, default=list)

    program: Mapped[Program | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    applied_by: Mapped[User | None] = relationship(foreign_keys=[applied_by_id])
