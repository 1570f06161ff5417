"""Forms of a matching run."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional

from mentorship import vocab


class RunForm(FlaskForm):
    program = SelectField("Program", coerce=int, validators=[Optional()])
    kind = SelectField("Kind of pairing", choices=list(vocab.PAIRING_KINDS.items()), default="career")
    year = IntegerField(
        "Academic year (starting)",
        validators=[DataRequired(message="Enter a year."), NumberRange(2000, 2100)],
    )
    submit = SubmitField("Run matching")


class DraftForm(FlaskForm):
    """The draft of a saved run; its rows come as `mentee` (ids) and `mentor-<mentee id>` fields."""

    start_date = DateField(
        "Start date of the new pairings",
        default=dt.date.today,
        validators=[DataRequired(message="Enter the start date of the new pairings as YYYY-MM-DD.")],
    )
    review = SubmitField("Save my changes and show their scores")
    apply = SubmitField("Apply: create these pairings")
