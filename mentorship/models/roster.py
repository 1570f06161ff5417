"""Roster files uploaded and checked, waiting for their uploader to confirm or cancel the import."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorship.extensions import Model


class RosterUpload(Model):
    """One upload (a workbook or several CSV files), kept in the database so any instance can confirm it."""

    __tablename__ = "roster_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random, and only ever compared together with the uploader's id: knowing it is not enough.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)

    files: Mapped[list[RosterUploadFile]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="RosterUploadFile.position"
    )


class RosterUploadFile(Model):
    __tablename__ = "roster_upload_files"

    upload_id: Mapped[int] = mapped_column(
        ForeignKey("roster_uploads.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
