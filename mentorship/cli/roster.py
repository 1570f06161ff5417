"""flask roster: the import template and all-or-nothing roster imports (docs/import.md)."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

from mentorship.cli import echo_introductions, fail

# The roster service (the import's reader and writer, and what they import) is imported by the commands that
# use it: every command's start imports this module.
if TYPE_CHECKING:
    from mentorship.services import roster as roster_service

group = AppGroup("roster", help="Write the import template and import rosters from .xlsx or .csv files.")

LIST_LIMIT = 50  # names shown per list; the counts are always complete


@group.command("template")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def template(path: str) -> None:
    """Write the import template (instructions, five sheets, examples, drop-downs) to PATH.xlsx."""
    from reports.roster_template import build_template

    if Path(path).suffix.lower() != ".xlsx":
        fail("The template is an Excel workbook: give a path ending in .xlsx.")
    from mentorship.services import roster as roster_service

    try:
        Path(path).write_bytes(build_template(roster_service.SHEETS, current_app.config["MEETING_TOPICS"]))
    except OSError as exc:
        fail(f"Cannot write {path}: {exc.strerror or exc}.")
    click.echo(f"Wrote the roster template to {path}.")


@group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check the file and show what would change; write nothing (but the audit log).",
)
@click.option(
    "--notify", is_flag=True, help="Email an introduction to both people of each new running pairing."
)
def import_(paths: tuple[str, ...], dry_run: bool, notify: bool) -> None:
    """Import one .xlsx workbook or one or more .csv files (mentors.csv, mentees.csv, ...), all or nothing."""
    from mentorship.extensions import db
    from mentorship.services import introductions
    from mentorship.services import roster as roster_service
    from mentorship.services.meetings import utcnow

    try:
        roster = roster_service.read_paths(paths, current_app.config["IMPORT_MAX_BYTES"])
        # A progress bar on a terminal; nothing extra on stderr when output is captured (cron, CI).
        tty = sys.stderr.isatty()
        bar = click.progressbar(length=roster.row_count, label="Checking rows", file=sys.stderr)
        with bar if tty else contextlib.nullcontext(bar):
            result = roster_service.import_roster(
                roster,
                today=dt.date.today(),
                now=utcnow(),
                actor=None,
                scope=None,
                topics=current_app.config["MEETING_TOPICS"],
                dry_run=dry_run,
                progress=bar.update if tty else None,
                demographics=True,  # the operator of the command line sees everything
            )
    except roster_service.ImportInvalid as exc:
        # A dry run keeps its audit event (roster.preview); a refused import writes nothing.
        if dry_run:
            db.session.commit()
        else:
            db.session.rollback()
        for error in exc.errors:
            click.echo(str(error), err=True)
        fail(str(exc))
    except roster_service.ImportRefused as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()  # the import, or the dry run's audit event
    _print_result(result)
    if notify and not dry_run:
        echo_introductions(introductions.introduce_soon(result.running_pairing_ids))


def _print_result(result: roster_service.ImportResult) -> None:
    from mentorship.services import roster as roster_service

    name = result.filename
    if result.dry_run:
        click.echo(f"Dry run of {name}: no problems found; nothing was imported.")
    elif result.may_write:
        click.echo(f"Imported {name}.")
    else:
        click.echo(f"Nothing changed: everything in {name} is already in the database.")
    for sheet in result.ignored_sheets:
        click.echo(f'Sheet "{sheet}" is not one of the template\'s sheets and was ignored.')
    for line in roster_service.summary_lines(result):
        click.echo(line)
    if not result.dry_run:
        return
    words = {"create": "would be created", "update": "would be updated", "unchanged": "are unchanged"}
    for category in roster_service.CATEGORIES:
        for action in roster_service.ACTIONS:
            labels = result.preview.items[category][action]
            if not labels:
                continue
            click.echo(f"\n{category.title()} that {words[action]} ({len(labels)}):")
            for label in labels[:LIST_LIMIT]:
                click.echo(f"  {label}")
            if len(labels) > LIST_LIMIT:
                click.echo(f"  … and {len(labels) - LIST_LIMIT} more")
    if not result.may_write:
        click.echo("\nImporting this file would change nothing.")
