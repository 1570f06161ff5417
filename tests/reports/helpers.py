"""Helpers for reading workbooks back."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from mentorship.services import exports
from tests.reports import institution

GENERATED_AT = dt.datetime(2025, 4, 1, 9, 30, 0)


def request(app, program_ids=None, year=institution.YEAR, today=institution.D, by="tester@example.org"):
    """A report request for the institution's year as of its report date."""
    return exports.request_for(app.config, year, program_ids, by, GENERATED_AT, today)


def load(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def values(ws) -> list[tuple]:
    """Sheet rows as plain values, dates as dates (openpyxl reads them back as datetimes)."""

    def plain(v):
        return v.date() if isinstance(v, dt.datetime) and v.time() == dt.time() else v

    return [tuple(plain(v) for v in row) for row in ws.iter_rows(values_only=True)]


def all_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row
