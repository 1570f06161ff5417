"""Flask-Migrate, set up without importing it until a migration runs.

Importing Flask-Migrate imports Alembic and its dialects (about a tenth of a second of CPU), which only the
`flask db` commands and the migrations use, while every command, page and worker creates the app. So
create_app puts a stand-in where Flask-Migrate keeps its settings, and a `db` command that imports
Flask-Migrate's command group only when `flask db …` is asked for (its help included).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask import Flask

if TYPE_CHECKING:
    from flask_sqlalchemy import SQLAlchemy

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class _Deferred:
    """app.extensions["migrate"] until it is first read: then Flask-Migrate is set up for the app, which
    replaces this entry with its own, and the attribute is read from that. flask_migrate.upgrade() and
    migrations/env.py read the entry, so they work as if Flask-Migrate had been set up in create_app."""

    def __init__(self, app: Flask, db: SQLAlchemy) -> None:
        self._app = app
        self._db = db

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy and pickle probe these before __init__ has run
            raise AttributeError(name)
        from flask_migrate import Migrate

        if self._app.extensions["migrate"] is self:
            Migrate(self._app, self._db, directory=str(MIGRATIONS), render_as_batch=True)
        return getattr(self._app.extensions["migrate"], name)


class _DbCommand(click.Command):
    """`flask db`, listed with Flask-Migrate's help line; parsing its arguments (a subcommand or --help)
    hands over to Flask-Migrate's group, whose context then runs it on the completed app (MentorshipApp)."""

    def __init__(self) -> None:
        super().__init__("db", help="Perform database migrations.")

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        from flask_migrate.cli import db

        from mentorship.cli import complete_app_first

        for command in db.commands.values():  # not db itself: its callback runs before `upgrade --help`
            complete_app_first(command)
        return db.make_context(info_name, args, parent=parent, **extra)


def add_command(app: Flask) -> None:
    """The `flask db` command of `Migrate(app, db, …)`, without importing Flask-Migrate."""
    app.cli.add_command(_DbCommand())


def init_app(app: Flask, db: SQLAlchemy) -> None:
    """The settings of `Migrate(app, db, directory=MIGRATIONS, render_as_batch=True)`, not importing it."""
    app.extensions["migrate"] = _Deferred(app, db)
