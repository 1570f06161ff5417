"""Totals kept for the metrics: each pairing's counted meetings per academic year (docs/architecture.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer
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
