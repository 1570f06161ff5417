"""Form pieces shared by several features."""

from __future__ import annotations

import unicodedata

from flask import abort
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, IntegerField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, StopValidation

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import Program

# The largest id there can be: ids are INTEGER columns, which PostgreSQL holds in 32 bits. A larger number
# in an address or a form names nothing, and the database would refuse to compare with it.
MAX_ID = 2**31 - 1
NO_SUCH_RECORD = "There is no such record."

# Control characters, line and paragraph separators: everything `str.splitlines` breaks on, and tab.
_NOT_ON_ONE_LINE = {"Cc", "Zl", "Zp"}


def strip(value):
    """Trim surrounding spaces from text input (people paste emails with spaces)."""
    return value.strip() if isinstance(value, str) else value


def _breaks_the_line(text: str) -> bool:
    return any(unicodedata.category(c) in _NOT_ON_ONE_LINE for c in text)


def single_line(form, field) -> None:
    """Refuse a line break or control character in a one-line field, naming the field.

    Names and other one-line text go into email headers, spreadsheet rows and page headings, where a line
    break would start a new header or row. Put it first among a field's validators: it stops the chain, so
    `Optional()` cannot wave a lone line break through as a blank field.
    """
    if isinstance(field.data, str) and _breaks_the_line(field.data):
        raise StopValidation(
            f"{field.label.text} must be on one line: remove the line break or invisible character."
        )


def one_line(value):
    """A search box's text with line breaks and control characters turned into spaces, trimmed."""
    if not isinstance(value, str):
        return value
    return "".join(" " if unicodedata.category(c) in _NOT_ON_ONE_LINE else c for c in value).strip()


def as_id(text: str | None) -> int | None:
    """The id written in `text` (ASCII digits, 1 to MAX_ID), or None when it is not one."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ID:
        return None
    return int(text)


def email_field(label: str = "Email") -> EmailField:
    """A required, trimmed, validated email field."""
    return EmailField(
        label, filters=[strip], validators=[single_line, DataRequired(), Email(), Length(max=254)]
    )


def interests_field(
    description: str = "Separate with semicolons, e.g. research; global health",
) -> StringField:
    """The interests of a profile, as one line separated by semicolons."""
    return StringField("Interests", description=description, validators=[single_line, Length(max=2000)])


def id_field(label: str, required: str | None = None, **kwargs) -> IntegerField:
    """An integer field holding a record id (1 to MAX_ID); `required` is the message when it is blank."""
    presence = DataRequired(message=required) if required else Optional()
    return IntegerField(
        label, validators=[presence, NumberRange(1, MAX_ID, message=NO_SUCH_RECORD)], **kwargs
    )


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (topics, races, programs)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class QueryForm(FlaskForm):
    """Filters read from the query string (no CSRF: they change nothing), with a bounded page number."""

    class Meta:
        csrf = False

    page = IntegerField(
        "Page", validators=[Optional(), NumberRange(1, MAX_ID, message="There is no such page.")]
    )


def check_query(form: FlaskForm) -> None:
    """Validate a query-string form; a bad value is a 400 page that names each field and its problem."""
    if not form.validate():
        # The first problem of each field: a coercion error and the "not a choice" it causes say one thing.
        problems = (f"{form[name].label.text}: {errors[0]}" for name, errors in form.errors.items())
        abort(400, description="The address has a value this page cannot use. " + " ".join(problems))


def program_choices(scope: Scope, blank: str | None = None) -> list[tuple[int, str]]:
    """(id, name) of the programs in `scope` for a select field, after an optional `blank` choice (id 0)."""
    query = select(Program.id, Program.name).order_by(Program.name)
    if not scope.everything:
        query = query.where(Program.id.in_(scope.program_ids or []))
    choices = [(program_id, name) for program_id, name in db.session.execute(query)]
    return ([(0, blank)] if blank else []) + choices


def show_error(form: FlaskForm, exc: Exception, default: str) -> None:
    """Put a service error's message on the field it names (its `field`), or else on the `default` field."""
    name = getattr(exc, "field", None)
    target = form[name] if name and name in form else form[default]
    target.errors = [*target.errors, str(exc)]
