"""flask events: loading events and their attendance from a workbook, all or nothing (docs/events.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from mentorship.cli import fail

group = AppGroup("events", help="Import events and their attendance.")


@group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and say what it would change; write nothing.")
def import_(paths: tuple[str, ...], dry_run: bool) -> None:
    """Import events and attendance from one .xlsx workbook (sheets Events, Attendance) or events.csv and
    attendance.csv, all or nothing; importing the same file again changes nothing."""
    from mentorship.extensions import db
    from mentorship.services.events import importing
    from mentorship.services.meetings import utcnow
    from mentorship.services.roster import ImportInvalid, ImportRefused, read_paths

    try:
        roster = read_paths(paths, current_app.config["IMPORT_MAX_BYTES"], importing.LAYOUT)
        result = importing.import_events(roster, now=utcnow())
    except ImportInvalid as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(str(error), err=True)
        fail(str(exc))
    except ImportRefused as exc:
        db.session.rollback()
        fail(str(exc))
    counts = (
        f"Events: {result.events_created} created, {result.events_updated} updated. "
        f"Attendance: {result.invitations_created} added, {result.invitations_updated} updated."
    )
    if dry_run:
        # The whole import ran in this transaction, so the figures are the real ones; none of it is kept.
        db.session.rollback()
        said = counts if result.changed else "nothing would change."
        click.echo(f"Dry run: no problems found; nothing was written. Importing it: {said}")
        return
    db.session.commit()
    if not result.changed:
        click.echo("Nothing changed: every event and attendance in the file is already stored.")
        return
    click.echo(counts)
