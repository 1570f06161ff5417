"""flask mentors: faculty mentoring records and the end-of-year thank-you (docs/command-line.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from mentorship.cli import fail

group = AppGroup(
    "mentors", help="Faculty mentoring records: one mentor's PDF, every mentor's workbook, thanks."
)


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        year = 0
    if not 1900 <= year <= 2999:
        fail(f"--year {text} is not an academic year such as 2025.")
    return year


def _out(out: str, suffix: str) -> Path:
    if not out.lower().endswith(suffix):
        fail(f"--out must name a {suffix} file.")
    path = Path(out)
    if path.parent and not path.parent.exists():
        fail(f"The folder {path.parent} does not exist.")
    return path


def _write(path: Path, content: bytes) -> None:
    from mentorship.extensions import db

    try:
        path.write_bytes(content)
    except OSError as exc:
        db.session.rollback()  # nothing was exported: no audit event, no issued record
        fail(f"Cannot write {path}: {exc.strerror}.")
    db.session.commit()
    click.echo(f"Wrote {path} ({len(content):,} bytes).")


@group.command("record")
@click.argument("email")
@click.option("--year", required=True, help="Academic year, e.g. 2025 for 2025-07-01 to 2026-06-30.")
@click.option("--out", required=True, help="Path of the .pdf file to write.")
def record(email: str, year: str, out: str) -> None:
    """Write one mentor's faculty mentoring record for a year as a PDF (issued with a verification code)."""
    from mentorship.extensions import db
    from mentorship.models import MentorProfile, Person
    from mentorship.services import ServiceError, exports
    from mentorship.services.records import documents

    number = _year(year)
    path = _out(out, ".pdf")
    mentor_id = db.session.execute(
        select(MentorProfile.id)
        .join(Person, Person.id == MentorProfile.person_id)
        .where(func.lower(Person.email) == email.strip().lower())
    ).scalar_one_or_none()
    if mentor_id is None:
        fail(f"No mentor with the email {email.strip()}.")
    try:
        made = documents.record_pdf_file(
            mentor_id,
            number,
            current_app.config,
            actor=None,
            today=dt.date.today(),
            now=exports.now(),
            via="cli",
            destination=str(path),
        )
    except ServiceError as exc:
        db.session.rollback()
        fail(str(exc))
    _write(path, made.content)


@group.command("records")
@click.option("--year", required=True, help="Academic year, e.g. 2025 for 2025-07-01 to 2026-06-30.")
@click.option("--out", required=True, help="Path of the .xlsx file to write.")
@click.option("--by", default="command line", show_default=True, help="Who the cover sheet names.")
def records(year: str, out: str, by: str) -> None:
    """Write the faculty-affairs workbook: every mentor's totals for a year, one row per mentor."""
    from mentorship.extensions import db
    from mentorship.services import ServiceError, exports
    from mentorship.services.records import documents

    number = _year(year)
    path = _out(out, ".xlsx")
    try:
        content = documents.workbook(
            number,
            current_app.config,
            actor=None,
            generated_by=by,
            today=dt.date.today(),
            now=exports.now(),
            via="cli",
            destination=str(path),
        )
    except ServiceError as exc:
        db.session.rollback()
        fail(str(exc))
    _write(path, content)


@group.command("thank")
@click.option("--year", required=True, help="Academic year, e.g. 2025 for 2025-07-01 to 2026-06-30.")
@click.option("--dry-run", is_flag=True, help="Print whom it would thank; send, issue and record nothing.")
def thank(year: str, dry_run: bool) -> None:
    """Email each mentor of the year a thank-you with their record attached, once per mentor and year."""
    from mentorship.extensions import db
    from mentorship.services import ServiceError, exports, mail
    from mentorship.services.records import documents

    number = _year(year)
    now = exports.now()
    try:
        result = documents.thank(number, current_app.config, today=dt.date.today(), now=now, dry_run=dry_run)
    except ServiceError as exc:
        db.session.rollback()
        fail(str(exc))
    for email in result.already:
        click.echo(f"{email}\talready thanked for {number}")
    for email, meetings in result.queued:
        click.echo(f"{email}\t{meetings} meeting(s)")
    if dry_run:  # nothing was issued or queued
        click.echo(f"{len(result.queued)} mentor(s) would be thanked (dry run: nothing sent or recorded).")
        return
    db.session.commit()  # queued first: a crash now leaves them queued, never sent twice
    delivery = mail.deliver(result.ids, now=now)
    db.session.commit()
    click.echo(
        f"{len(delivery.sent)} mentor(s) thanked"
        + (f", {len(delivery.failed)} not sent (left queued)." if delivery.failed else ".")
    )
    if delivery.failed:
        raise SystemExit(1)
