"""Workbooks built by a background job for the person who asked, kept until they download them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from mentorship.extensions import Model


class ExportJob(Model):
    """One workbook asked for on the web and built by `flask jobs worker`.

    In the database rather than on a worker's disk, so that any instance can show its progress and serve
    the file; only ever shown to `user_id`. `content` is set (with `filename` and `finished_at`) by the job
    in the same transaction as the export's audit event; `queue_id` names the job on the queue.
    """

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    report: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    program_ids: Mapped[list[int] | None] = mapped_column(JSON)  # None: every program
    today: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    queue_id: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    filename: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
