"""Command line (docs/command-line.md): each module here defines a click `group` or a single `command`.

Each command imports the services it uses inside its function: `flask --help` and a command's --help import
every module here, and none of the services, models or extensions (tests/foundation/test_startup.py).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

if TYPE_CHECKING:
    from mentorship.services.jobs import Job


def commands() -> list[click.Command]:
    """Every command group and single command of `flask` (a new one is added here)."""
    # Imported here: each module imports `fail` from this package.
    from mentorship.cli import (
        api,
        backup,
        demo,
        events,
        jobs,
        mail,
        match,
        mentors,
        metrics,
        plans,
        reminders,
        report,
        roster,
        users,
    )

    return [
        api.group,
        backup.command,
        demo.group,
        events.group,
        jobs.group,
        mail.group,
        match.group,
        mentors.group,
        metrics.group,
        plans.group,
        reminders.group,
        report.group,
        roster.group,
        users.group,
    ]


def register_cli(app: Flask) -> None:
    """Add the command groups and commands to `app.cli`, each completing the app before it runs."""
    for command in commands():
        complete_app_first(command)
        app.cli.add_command(command)


def complete_app_first(command: click.Command) -> None:
    """Have `command` (and a group's subcommands) complete the app (MentorshipApp) once its arguments are
    parsed, before its callback runs: --help never gets there, so it needs none of the models. A group's
    callback completes it too: it runs before its subcommand's arguments are parsed."""
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            complete_app_first(subcommand)
    callback = command.callback
    if callback is None or getattr(callback, "completes_app", False):  # create_app runs once per test
        return

    def complete_then_run(*args: Any, **kwargs: Any) -> Any:
        current_app.complete()  # type: ignore[attr-defined]
        return callback(*args, **kwargs)

    # with_appcontext: the test runner invokes app.cli (no context pushed yet), `flask` its FlaskGroup.
    command.callback = with_appcontext(functools.update_wrapper(complete_then_run, callback))
    command.callback.completes_app = True  # type: ignore[attr-defined]


def fail(message: str) -> None:
    """Print `message` on stderr and exit 1, as every command does on bad input."""
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


def echo_introductions(job: Job | None) -> None:
    """Say what became of the introduction emails of a command's new pairings."""
    if job is None:
        return
    if job.status == "finished":
        done = job.result
        line = f"Introductions: {done['sent']} email(s) sent"
        click.echo(line + (f", {done['failed']} not sent (tried again later)." if done["failed"] else "."))
    else:
        click.echo(f"Introductions: queued as job {job.id}; `flask jobs worker` sends them.")
