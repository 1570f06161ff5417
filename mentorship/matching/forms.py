"""Forms of a matching run."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from mentorship import vocab
from mentorship.forms import MAX_ID, single_line


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

    program = IntegerField("Program", widget=HiddenInput(), validators=[Optional(), NumberRange(0, MAX_ID)])
    kind = HiddenField("Kind", validators=[single_line, DataRequired()])
    year = IntegerField("Year", widget=HiddenInput(), validators=[DataRequired(), NumberRange(2000, 2100)])
    start_date = DateField(
        "Start date of the new pairings", default=dt.date.today, validators=[DataRequired()]
    )
    review = SubmitField("Show scores for my changes")
    apply = SubmitField("Apply: create these pairings")
