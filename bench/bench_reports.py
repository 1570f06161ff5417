"""Workbooks end to end (metrics + rows + builder) against a bare openpyxl write-only dump of the same
cells."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook, load_workbook

from bench import env

REPORTS = ("engagement", "inclusivity", "annual-review")
GOAL = 1.5


def cells_of(content: bytes) -> list[tuple[str, list[tuple]]]:
    """Every sheet's cell values of a workbook, as (title, rows)."""
    wb = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [(ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    finally:
        wb.close()


def bare_dump(sheets: list[tuple[str, list[tuple]]]) -> bytes:
    """The physical limit: the same cell values through openpyxl's write-only mode, nothing else."""
    wb = Workbook(write_only=True)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(app, repeat: int = 3, say=print) -> list[dict]:
    from mentorship.extensions import db
    from mentorship.services import exports

    results = []
    with app.app_context():
        for report in REPORTS:
            req = exports.request_for(
                app.config, env.LAST_COMPLETE_YEAR, None, "bench", dt.datetime(2026, 11, 1, 9), env.TODAY
            )

            def whole(report=report, req=req):
                content = exports.build_report(report, req)
                db.session.rollback()  # a fresh transaction each time, as each request or command has
                return content

            wall, seconds, content = env.timed(whole, repeat)
            sheets = cells_of(content)
            base_wall, base, _ = env.timed(lambda sheets=sheets: bare_dump(sheets), repeat)
            n_cells = sum(len(r) for _t, rows in sheets for r in rows)
            ratio = seconds / base
            say(
                f"  {report:<14} {seconds:6.2f} s CPU ({wall:.2f} s wall; {n_cells:,} cells, "
                f"{len(content):,} bytes); bare dump {base:.2f} s CPU ({base_wall:.2f} s wall); "
                f"ratio {ratio:.2f}x (goal <= {GOAL}x)"
            )
            results.append(
                {
                    "name": f"workbook {report}",
                    "figure": f"{seconds:.2f} s",
                    "seconds": seconds,
                    "baseline": f"bare write-only dump {base:.2f} s",
                    "baseline_seconds": base,
                    "ratio": ratio,
                    "goal": GOAL,
                    "cells": n_cells,
                }
            )
    return results
