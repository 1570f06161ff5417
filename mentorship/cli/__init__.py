"""Command line (docs/command-line.md): each module here defines a click `group` or a single `command`."""

from __future__ import annotations

import click
from flask import Flask


def commands() -> list[click.Command]:
    """Every command group and single command of `flask` (a new one is added here)."""
    # Imported here: each module imports `fail` from this package.
    from mentorship.cli import backup, demo, jobs, match, plans, reminders, report, roster, users

    return [
        backup.command,
        demo.group,
        jobs.group,
        match.group,
        plans.group,
        reminders.group,
        report.group,
        roster.group,
        users.group,
    ]


def register_cli(app: Flask) -> None:
    """Add the command groups and commands to `app.cli`."""
    for command in commands():
        app.cli.add_command(command)


def fail(message: str) -> None:
    """Print `message` on stderr and exit 1, as every command does on bad input."""
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)
