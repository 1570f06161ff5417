"""Form pieces shared by several features."""

from __future__ import annotations

from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length


def strip(value):
    """Trim surrounding spaces from text input (people paste emails with spaces)."""
    return value.strip() if isinstance(value, str) else value


def email_field(label: str = "Email") -> EmailField:
    """A required, trimmed, validated email field."""
    return EmailField(label, filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
