"""flask plans: individual development plans (docs/command-line.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

group = AppGroup("plans", help="Individual development plans.")


@group.command("roll-forward")
@click.option("--year", type=int, required=True, help="The academic year to roll last year's goals into.")
def roll_forward(year: int) -> None:
    """Copy each mentee's unfinished goals of year-1 into their plan of YEAR (again: adds nothing)."""
    from mentorship.extensions import db
    from mentorship.services.academic_year import academic_year
    from mentorship.services.plans import records

    ay = academic_year(year, current_app.config["ACADEMIC_YEAR_START_MONTH"])
    plans, goals = records.roll_forward_year(ay)
    db.session.commit()
    click.echo(f"{ay.label}: {plans} new plans, {goals} goals added.")
