"""flask demo: demonstration data."""

from __future__ import annotations

import datetime as dt
import time

import click
from flask.cli import AppGroup

from mentorship.services.demo import data

group = AppGroup("demo", help="Demonstration data.")


@group.command("seed")
@click.option("--size", type=click.Choice(sorted(data.SIZES)), default="small", show_default=True)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Build the data as of this date (default: today); same date, same data.",
)
def seed(size: str, today: dt.datetime | None) -> None:
    """Fill an empty database with a realistic demo institution and print demo logins."""
    from mentorship.extensions import db
    from mentorship.services.demo import institution

    if institution.is_seeded():
        click.echo("The database already has people; no demo data was added.")
        _print_logins(institution.existing_logins())
        return
    steps = ["programs", "mentors", "mentees", "pairings and meetings", "written"]
    started = time.perf_counter()
    with click.progressbar(length=len(steps), label=f"Seeding the {size} demo institution") as bar:
        result = institution.seed(
            size, (today.date() if today else dt.date.today()), progress=lambda _s: bar.update(1)
        )
        db.session.commit()
    click.echo(
        f"Created {result['programs']} programs, {result['mentors']} mentors, {result['mentees']} mentees, "
        f"{result['pairings']} pairings and {result['meetings']} meetings "
        f"in {time.perf_counter() - started:.1f}s."
    )
    _print_logins(result["logins"])


def _print_logins(logins: list[tuple[str, str]]) -> None:
    from mentorship.services.demo import institution

    if not logins:
        return
    click.echo(f"Demo logins (password for all: {institution.DEMO_PASSWORD}):")
    for role, email in logins:
        click.echo(f"  {role:<45} {email}")
