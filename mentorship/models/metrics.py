"""Kept for the metrics: each pairing's counted meetings per academic year, the version of the data the
figures come from, and the suppression patterns decided (docs/architecture.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mentorship.extensions import Model


class PairingYearTotal(Model):
    """A pairing's held, not deleted meetings dated in one academic year: how many, their minutes, the first
    and last date. Derived data: services.metrics.kept keeps it equal to the meetings in the transaction of
    every meeting write, and `flask metrics rebuild` recomputes it."""

    __tablename__ = "pairing_year_totals"

    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), primary_key=True)
    year_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    year_end: Mapped[dt.date] = mapped_column(Date)
    # ACADEMIC_YEAR_START_MONTH when the row was made: rows of another start month are never read.
    start_month: Mapped[int] = mapped_column(Integer)
    meetings: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    first_held: Mapped[dt.date] = mapped_column(Date)
    last_held: Mapped[dt.date] = mapped_column(Date)


class DataVersion(Model):
    """One row: a number raised by every transaction that changes data a figure is computed from, so that
    figures computed once can be served again while it stands (services.metrics.versions). `token` is new
    whenever the row is made again (an emptied database), so a number is never reused for other data."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(BigInteger)


class SuppressionPattern(Model):
    """A year's suppression pattern as decided, under a keyed hash of every count and layout it protects
    (services.suppression.store): deciding takes seconds on a large institution, and every instance and
    command reads it back instead. `shown` holds what the workbooks publish (each cell's count or mark),
    never a hidden count."""

    __tablename__ = "suppression_patterns"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    shown: Mapped[str] = mapped_column(Text)  # JSON: per table, its cells' shown values in layout order
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
