"""flask match: propose an optimal matching to a file, and apply a (possibly edited) file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

from mentorship import vocab
from mentorship.cli import echo_introductions, fail

if TYPE_CHECKING:
    from mentorship.services.matching import assignment

group = AppGroup("match", help="Suggest an optimal matching and apply a suggestion file.")

SUGGESTION_COLUMNS = ["mentee_email", "mentor_email", "kind", "score", "reason"]
SCORE_COLUMNS = ["mentee_email", "mentor_email", "score"]


def suggestion_rows(suggestions: Sequence[assignment.Suggestion], kind: str) -> list[list]:
    """The suggestion file's rows: matched mentees first, then the unmatched, each by email."""
    ordered = sorted(suggestions, key=lambda s: (s.mentor is None, s.mentee.email))
    return [
        [s.mentee.email, s.mentor.email if s.mentor else "", kind, s.score if s.mentor else None, s.reason]
        for s in ordered
    ]


def write_table(path: Path, header: list[str], rows: list[list], sheet: str) -> None:
    """Write rows as CSV or as the first sheet of an xlsx workbook, text neutralised the workbooks' way
    (a spreadsheet program opening the CSV would run a cell starting with "=" as a formula)."""
    from reports.xlsx import neutralise

    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(["" if v is None else neutralise(v) for v in row] for row in rows)
        return
    from openpyxl import Workbook  # imported here: every other command starts without it
    from openpyxl.styles import Font

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([neutralise(v) for v in row])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for letter, width in zip("ABCDE", (32, 32, 10, 8, 90), strict=False):
        ws.column_dimensions[letter].width = width
    workbook.save(path)


def read_table(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV or the first sheet of an xlsx as (row number, {column: text}); headers folded."""
    from mentorship.services import ServiceError

    if path.suffix.lower() == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        raw = list(csv.reader(io.StringIO(text)))
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            raw = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    if not raw:
        raise ServiceError("The file is empty.")
    header = [vocab.slug(str(h)) if h is not None else "" for h in raw[0]]
    missing = [c for c in ("mentee_email", "mentor_email") if c not in header]
    if missing:
        raise ServiceError(f"Row 1: missing column(s) {', '.join(missing)}.")
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        cells = {h: _unneutralise(v) for h, v in zip(header, values, strict=False) if h}
        if any(cells.values()):
            rows.append((number, cells))
    return rows


def _unneutralise(value) -> str:
    """Cell text as written by a person: undo the apostrophe `neutralise` put before a formula prefix."""
    from reports.xlsx import FORMULA_PREFIXES

    text = "" if value is None else str(value)
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES and text[1:2]:
        text = text[1:]
    return text.strip()


@group.command("suggest")
@click.option("--year", type=int, required=True, help="Academic year (2025 = 2025-07-01 to 2026-06-30).")
@click.option("--program", "program_name", help="Only the mentees of this program.")
@click.option("--kind", default="career", show_default=True, help="Pairing kind to match.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--scores", "scores_path", type=click.Path(dir_okay=False, path_type=Path))
def suggest(year: int, program_name: str | None, kind: str, out_path: Path, scores_path: Path | None) -> None:
    """Write an optimal suggestion file (mentee_email, mentor_email, kind, score, reason)."""
    from mentorship.extensions import db
    from mentorship.services.academic_year import academic_year
    from mentorship.services.matching import runs, scoring
    from mentorship.services.programs import find_program

    if out_path.suffix.lower() not in {".csv", ".xlsx"}:
        fail("--out must end in .csv or .xlsx.")
    if scores_path is not None and scores_path.suffix.lower() != ".csv":
        fail("--scores must end in .csv.")
    code = vocab.match_choice(kind, vocab.PAIRING_KINDS)
    if code is None:
        fail(f"Unknown kind {kind!r}; use one of {', '.join(vocab.PAIRING_KINDS)}.")
    programs = None
    if program_name:
        program = find_program(program_name)
        if program is None:
            fail(f"No program named {program_name!r}.")
        programs = frozenset({program.id})
    try:
        weights = scoring.Weights.from_config(current_app.config)
    except ValueError as exc:
        fail(str(exc))
    run = runs.Run(
        kind=code,
        ay=academic_year(year, current_app.config["ACADEMIC_YEAR_START_MONTH"]),
        today=dt.date.today(),
        mentee_programs=programs,
        pool_programs=None,
        urim_categories=tuple(current_app.config["URIM_CATEGORIES"]),
        weights=weights,
        # An operator's tool run on the server: the full score, concordance included (docs/command-line.md).
        show_concordance=True,
        near_peer_any_program=current_app.config["NEAR_PEER_ANY_PROGRAM"],
    )
    table, suggestions = runs.suggest(
        run, actor=None, via="cli", year=year, program=program_name, out=str(out_path)
    )
    problem = table.problem
    try:
        write_table(out_path, SUGGESTION_COLUMNS, suggestion_rows(suggestions, code), "Suggestions")
        if scores_path is not None:
            rows = [
                [problem.mentees[i].email, problem.mentors[j].email, float(table.score[i, j])]
                for i, j in zip(*table.feasible.nonzero(), strict=True)
            ]
            write_table(scores_path, SCORE_COLUMNS, rows, "Scores")
    except OSError as exc:
        fail(f"Cannot write the file: {exc}")
    matched = [s for s in suggestions if s.mentor is not None]
    db.session.commit()
    total = sum(s.score or 0 for s in matched)
    click.echo(
        f"{len(suggestions)} mentees without a {code} pairing: {len(matched)} suggested, "
        f"{len(suggestions) - len(matched)} unmatched; total score {total:.4f}. Wrote {out_path}."
    )


@group.command("apply")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--start-date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Start date (default today).")
def apply(path: Path, start_date: dt.datetime | None) -> None:
    """Create the pairings of a suggestion file: all or nothing; rows with no mentor_email are skipped."""
    from mentorship.extensions import db
    from mentorship.services import ServiceError, introductions
    from mentorship.services.matching import applying

    if path.suffix.lower() not in {".csv", ".xlsx"}:
        fail("The file must be .csv or .xlsx.")
    try:
        table = read_table(path)
    except ServiceError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 (a corrupt workbook can raise anything)
        fail(f"Cannot read {path.name}: {exc}")
    rows = [
        applying.ApplyRow(n, c.get("mentee_email", ""), c.get("mentor_email", ""), c.get("kind", ""))
        for n, c in table
    ]
    start = start_date.date() if start_date else dt.date.today()
    try:
        skipped = len(rows) - sum(1 for r in rows if r.mentor_email.strip())
        created = applying.apply_rows(
            rows,
            None,
            start,
            source="match.apply",
            near_peer_any_program=current_app.config["NEAR_PEER_ANY_PROGRAM"],
            via="cli",
            file=path.name,
            skipped=skipped,
        )
    except applying.ApplyErrors as exc:
        db.session.rollback()
        for row, message in exc.errors:
            click.echo(f"Row {row}: {message}", err=True)
        fail(f"{len(exc.errors)} problem(s) in {path.name}; nothing was paired.")
    except ServiceError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    click.echo(
        f"Created {len(created)} pairings starting {start.isoformat()}; "
        f"skipped {skipped} row(s) without a mentor."
    )
    echo_introductions(introductions.introduce_soon([p.id for p in created]))
