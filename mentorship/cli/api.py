"""flask api: personal access tokens of the JSON API (docs/api.md)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from mentorship import vocab
from mentorship.cli import fail

group = AppGroup("api", help="Personal access tokens of the JSON API.")
token_group = AppGroup("token", help="Create personal access tokens.")
group.add_command(token_group)


@token_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What will use the token (shown in Profile → API tokens).")
@click.option(
    "--write", is_flag=True, help="Allow writes (logging meetings); without it the token only reads."
)
@click.option(
    "--days", type=int, default=vocab.API_TOKEN_DAYS, show_default=True, help="Days until it expires."
)
def create(email: str, name: str, write: bool, days: int) -> None:
    """Make a token for the person with EMAIL and print it once (it is stored only hashed)."""
    from mentorship.extensions import db
    from mentorship.services import ServiceError, accounts, api_tokens
    from mentorship.services.meetings import utcnow
    from mentorship.services.people import find_person

    person = find_person(email)
    if person is None:
        fail(f"No person with email {email.strip().lower()}.")
    try:
        token, plain = api_tokens.create_token(
            accounts.ensure_user(person), name, write=write, days=days, now=utcnow(), actor=None
        )
    except ServiceError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    access = "read and write" if token.can_write else "read only"
    click.echo(
        f"Token “{token.name}” of {person.email} ({access}, expires {token.expires_at:%Y-%m-%d}):", err=True
    )
    click.echo(plain)
