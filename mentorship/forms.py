"""Form pieces shared by several features."""

from __future__ import annotations

from sqlalchemy import select
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import Program


def strip(value):
    """Trim surrounding spaces from text input (people paste emails with spaces)."""
    return value.strip() if isinstance(value, str) else value


def email_field(label: str = "Email") -> EmailField:
    """A required, trimmed, validated email field."""
    return EmailField(label, filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])


def program_choices(scope: Scope, blank: str | None = None) -> list[tuple[int, str]]:
    """(id, name) of the programs in `scope` for a select field, after an optional `blank` choice (id 0)."""
    query = select(Program.id, Program.name).order_by(Program.name)
    if not scope.everything:
        query = query.where(Program.id.in_(scope.program_ids or []))
    choices = [tuple(row) for row in db.session.execute(query)]
    return ([(0, blank)] if blank else []) + choices
