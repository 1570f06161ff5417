"""flask report: the workbooks from the command line, and the suppression check (docs/command-line.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from mentorship.cli import fail

group = AppGroup(
    "report", help="Write the engagement, inclusivity and annual-review workbooks; check their suppression."
)


def _year(year_text: str) -> int:
    try:
        year = int(year_text)
    except ValueError:
        year = 0
    if not 1900 <= year <= 2999:
        fail(f"--year {year_text} is not an academic year such as 2025.")
    return year


def _run(
    report: str, year_text: str, programs: tuple[str, ...], out: str, by: str, generated_at: str | None
) -> None:
    from mentorship.extensions import db
    from mentorship.services import ServiceError, exports
    from mentorship.services.report_data.request import resolve_programs

    year = _year(year_text)
    if not out.lower().endswith(".xlsx"):
        fail("--out must name an .xlsx file.")
    path = Path(out)
    if path.parent and not path.parent.exists():
        fail(f"The folder {path.parent} does not exist.")
    when = exports.now()
    if generated_at:
        try:
            when = dt.datetime.fromisoformat(generated_at).replace(tzinfo=None, microsecond=0)
        except ValueError:
            fail("--generated-at must be an ISO date-time such as 2026-07-01T09:00:00.")
    try:
        program_ids = resolve_programs(programs)
        req = exports.request_for(current_app.config, year, program_ids, by, when, dt.date.today())
        content = exports.export(None, report, req, via="cli", destination=str(path))
    except ServiceError as exc:
        db.session.rollback()
        fail(str(exc))
    try:
        path.write_bytes(content)
    except OSError as exc:
        db.session.rollback()  # nothing was exported: no audit event
        fail(f"Cannot write {out}: {exc.strerror}.")
    db.session.commit()
    click.echo(f"Wrote {out} ({len(content):,} bytes).")


def _command(report: str, help_text: str):
    @group.command(report, help=help_text)
    @click.option("--year", required=True, help="Academic year, e.g. 2025 for 2025-07-01 to 2026-06-30.")
    @click.option(
        "--program", "programs", multiple=True, help="Program name (repeat for several; default all)."
    )
    @click.option("--out", required=True, help="Path of the .xlsx file to write.")
    @click.option("--by", default="command line", show_default=True, help="Who the cover sheet names.")
    @click.option(
        "--generated-at", default=None, help="ISO date-time for the cover sheet (reproducible output)."
    )
    def command(year: str, programs: tuple[str, ...], out: str, by: str, generated_at: str | None) -> None:
        _run(report, year, programs, out, by, generated_at)

    return command


engagement = _command("engagement", "Engagement workbook: Summary, Pairings, Mentors, Meetings, Topics.")
inclusivity = _command("inclusivity", "Inclusivity workbook: aggregate, small cells suppressed.")
annual_review = _command("annual-review", "Annual program review: five-year trends per program.")


@group.command("check-suppression")
@click.option("--year", required=True, help="Academic year, e.g. 2025 for 2025-07-01 to 2026-06-30.")
def check_suppression(year: str) -> None:
    """Exit 1 naming every suppressed count that the year's workbooks, read together, give away."""
    from mentorship.extensions import db
    from mentorship.services import exports
    from mentorship.services.academic_year import academic_year

    number = _year(year)
    ay = academic_year(number, current_app.config["ACADEMIC_YEAR_START_MONTH"])
    if ay.start > dt.date.today():
        fail(f"{ay.label} has not started: nothing is published for it yet.")
    req, result = exports.check_suppression(current_app.config, number, dt.date.today())
    db.session.rollback()  # read only
    label = req.ay.label
    for problem in result.problems:
        click.echo(f"{label}: {problem}.", err=True)
    for p in result.pinned:
        click.echo(
            f"{label}, {p.kind.lower()} by {p.dimension}, {p.program}, {p.group}: suppressed, "
            f"but it can only be {p.value}.",
            err=True,
        )
    if not result.ok:
        fail(
            f"{len(result.pinned)} suppressed cell(s) can be rebuilt; {len(result.problems)} other problems."
        )
    click.echo(f"{label}: no suppressed cell can be rebuilt ({result.checked} cells checked).")
