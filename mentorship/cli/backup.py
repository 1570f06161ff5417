"""flask backup: a consistent copy of the database."""

from __future__ import annotations

from pathlib import Path

import click

from mentorship.cli import fail


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def command(path: Path) -> None:
    """Write a consistent backup of the database to PATH (restoring: docs/deployment.md)."""
    from mentorship.extensions import db
    from mentorship.services import ServiceError
    from mentorship.services.backup import backup

    try:
        click.echo(backup(db.engine, path))
    except ServiceError as exc:
        fail(str(exc))
