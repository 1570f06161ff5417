"""flask metrics: the totals kept for the metrics (docs/command-line.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

group = AppGroup("metrics", help="The per-pairing yearly meeting totals kept for the dashboard and reports.")


@group.command("rebuild")
def rebuild() -> None:
    """Recompute every pairing's yearly meeting totals from the meetings (after changing
    ACADEMIC_YEAR_START_MONTH, or restoring meetings written without the app)."""
    from mentorship.extensions import db
    from mentorship.services.metrics import kept

    rows = kept.rebuild(db.session, current_app.config["ACADEMIC_YEAR_START_MONTH"])
    db.session.commit()
    click.echo(f"Rebuilt the yearly totals: {rows:,} pairing-years.")
