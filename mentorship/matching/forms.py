"""Forms of a matching run."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, SubmitField
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
    """The draft's settings; its rows come as `mentee` (ids) and `mentor-<mentee id>` fields."""

    program = HiddenField()
    kind = HiddenField(validators=[DataRequired()])
    year = HiddenField(validators=[DataRequired()])
    start_date = DateField(
        "Start date of the new pairings", default=dt.date.today, validators=[DataRequired()]
    )
    review = SubmitField("Show scores for my changes")
    apply = SubmitField("Apply: create these pairings")
