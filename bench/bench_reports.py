"""Workbooks end to end against a bare openpyxl write-only dump of the same cells, each in a fresh process.

Two figures per workbook: `flask report …` (the whole command: interpreter, app, queries, metrics, building,
writing the file) and the same workbook downloaded from the dashboard (the server's CPU for the request).
The baseline is `python -m bench.dump`: a fresh interpreter that loads the workbook's cell values (every
sheet, row and cell, read back from the built file) and writes them with openpyxl's write-only mode.
"""

from __future__ import annotations

import io
import pickle  # noqa: S403 (the benchmark's own file)
import statistics

from bench import env, proc
from bench.http import Client, Server

REPORTS = ("engagement", "inclusivity", "annual-review")
# The least a `flask report …` command can take: the dump's writing (the dump less its own start, an
# interpreter loading openpyxl) after an interpreter that loads Flask and SQLAlchemy as well. A goal below
# this floor cannot be met by any work on the report itself.
IMPORTS, DUMP_START = "import flask, sqlalchemy, openpyxl", "import openpyxl"
ADMIN = "admin@demo.example.org"
GOAL = 1.5


def cells_of(content: bytes) -> list[tuple[str, list[tuple]]]:
    """Every sheet's cell values of a workbook, as (title, rows)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [(ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    finally:
        wb.close()


def _web(year: int, repeat: int) -> dict[str, tuple[float, float]]:
    """Server CPU and median wall seconds of each workbook's download from the dashboard."""
    from mentorship.services.demo.institution import DEMO_PASSWORD

    out = {}
    with Server(env.sqlite_url("large"), workers=1) as server:
        client = Client(server.base, timeout=300)
        client.login(ADMIN, DEMO_PASSWORD)
        for report in REPORTS:
            path = f"/dashboard/export/{report}?year={year}"
            client.request(path)  # warm-up
            cpus, walls = [], []
            for _ in range(repeat):
                used = server.worker_cpu()
                status, _body, seconds = client.request(path)
                if status != 200:
                    raise RuntimeError(f"{path} answered HTTP {status}")
                cpus.append(server.worker_cpu() - used)
                walls.append(seconds)
            out[report] = (min(cpus), statistics.median(walls))
    return out


def run(repeat: int = 3, say=print) -> list[dict]:
    year = env.LAST_COMPLETE_YEAR
    work = env.DATA / "workbooks"
    work.mkdir(parents=True, exist_ok=True)
    environment = proc.app_env(env.sqlite_url("large"))
    python, flask = str(proc.BIN / "python"), str(proc.BIN / "flask")
    web = _web(year, repeat)
    imports, _wall = proc.best([python, "-c", IMPORTS], repeat, environment)
    dump_start, _wall = proc.best([python, "-c", DUMP_START], repeat, environment)
    results = []
    for report in REPORTS:
        out = work / f"{report}.xlsx"
        argv = [flask, "report", report, "--year", str(year), "--out", str(out), "--by", "bench"]
        seconds, wall = proc.best(argv, repeat, environment)
        sheets = cells_of(out.read_bytes())
        cells = work / f"{report}.cells.pickle"
        cells.write_bytes(pickle.dumps(sheets, protocol=pickle.HIGHEST_PROTOCOL))
        base, base_wall = proc.best(
            [python, "-m", "bench.dump", str(cells), str(work / f"{report}.dump.xlsx")], repeat, environment
        )
        n_cells = sum(len(r) for _t, rows in sheets for r in rows)
        web_cpu, web_wall = web[report]
        ratio, web_ratio = seconds / base, web_cpu / base
        floor = (imports + max(base - dump_start, 0.0)) / base
        say(
            f"  {report:<14} flask report {seconds:5.2f} s CPU ({wall:.2f} s wall); web request "
            f"{web_cpu:5.2f} s server CPU ({web_wall:.2f} s wall); bare dump {base:.2f} s CPU "
            f"({base_wall:.2f} s wall; {n_cells:,} cells in {len(sheets)} sheets); "
            f"ratios {ratio:.2f}x and {web_ratio:.2f}x (goal <= {GOAL}x); "
            f"floor {floor:.2f}x (`{IMPORTS}` {imports:.2f} s, `{DUMP_START}` {dump_start:.2f} s)"
        )
        common = {
            "baseline": f"fresh-process dump {base:.2f} s",
            "baseline_seconds": base,
            "goal": GOAL,
            "cells": n_cells,
        }
        results.append(
            {
                "name": f"workbook {report} (command)",
                "figure": f"{seconds:.2f} s",
                "seconds": seconds,
                "ratio": ratio,
                "floor": floor,
                **common,
            }  # fmt: skip
        )
        results.append(
            {
                "name": f"workbook {report} (web)",
                "figure": f"{web_cpu:.2f} s",
                "seconds": web_cpu,
                "ratio": web_ratio,
                **common,
            }  # fmt: skip
        )
    return results
