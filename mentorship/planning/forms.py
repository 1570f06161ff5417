"""Forms for planning a meeting and for saying what happened."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from mentorship import vocab
from mentorship.forms import single_line
from mentorship.services.meetings import MAX_MINUTES, MIN_MINUTES
from mentorship.services.planning import DEFAULT_MINUTES, MAX_AGENDA, MAX_PLACE, PlanInput


class PlanForm(FlaskForm):
    day = DateField("Date", validators=[DataRequired(message="Enter the date of the meeting.")])
    time = TimeField("Time", validators=[DataRequired(message="Enter the time of the meeting.")])
    minutes = IntegerField(
        "Minutes",
        default=DEFAULT_MINUTES,
        validators=[
            InputRequired(message="Enter how many minutes you plan to meet."),
            NumberRange(MIN_MINUTES, MAX_MINUTES, message=f"Enter {MIN_MINUTES} to {MAX_MINUTES} minutes."),
        ],
        render_kw={"inputmode": "numeric", "min": MIN_MINUTES, "max": MAX_MINUTES},
    )
    place = StringField(
        "Place or video link",
        validators=[
            single_line,
            DataRequired(message="Enter where you will meet, or the video link."),
            Length(max=MAX_PLACE),
        ],
    )
    agenda = TextAreaField(
        "Agenda (optional)",
        description="Only the two of you can read it: coordinators never see it, and emails never carry it.",
        validators=[Optional(), Length(max=MAX_AGENDA)],
        render_kw={"rows": 3},
    )
    submit = SubmitField("Save and send invitations")

    def to_input(self) -> PlanInput:
        return PlanInput(
            day=self.day.data,
            time=self.time.data,
            minutes=self.minutes.data,
            place=self.place.data or "",
            agenda=self.agenda.data if "agenda" in self else None,
        )


class OutcomeForm(FlaskForm):
    """One tap: the button pressed carries the outcome."""

    outcome = SelectField("What happened?", choices=list(vocab.PLANNED_OUTCOMES.items()))
