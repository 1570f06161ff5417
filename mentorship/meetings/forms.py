"""Forms for logging meetings, answering them and the pulse check."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from mentorship import vocab
from mentorship.forms import MultiCheckboxField, single_line
from mentorship.services.meetings import (
    DEFAULT_MODALITY,
    DEFAULT_STATUS,
    MAX_MINUTES,
    MAX_NOTES,
    MIN_MINUTES,
    MeetingInput,
)


class MeetingForm(FlaskForm):
    date = DateField(
        "Date", default=dt.date.today, validators=[DataRequired(message="Enter the date of the meeting.")]
    )
    duration_minutes = IntegerField(
        "Minutes",
        default=30,
        validators=[
            InputRequired(message="Enter how many minutes you met."),
            NumberRange(MIN_MINUTES, MAX_MINUTES, message=f"Enter {MIN_MINUTES} to {MAX_MINUTES} minutes."),
        ],
        render_kw={"inputmode": "numeric", "min": MIN_MINUTES, "max": MAX_MINUTES},
    )
    modality = RadioField(
        "How did you meet?", choices=list(vocab.MODALITIES.items()), default=DEFAULT_MODALITY
    )
    status = RadioField(
        "Did it happen?", choices=list(vocab.MEETING_STATUSES.items()), default=DEFAULT_STATUS
    )
    topics = MultiCheckboxField("Topics (optional)", choices=[])
    notes = TextAreaField(
        "Private notes (optional)",
        description="Only the two of you can read these; coordinators never see them.",
        validators=[Optional(), Length(max=MAX_NOTES)],
        render_kw={"rows": 3},
    )
    submit = SubmitField("Save meeting")

    def set_topics(self, topics) -> None:
        self.topics.choices = [(t, t[:1].upper() + t[1:]) for t in topics]

    def to_input(self) -> MeetingInput:
        return MeetingInput(
            date=self.date.data,
            duration_minutes=self.duration_minutes.data,
            modality=self.modality.data,
            status=self.status.data if "status" in self else DEFAULT_STATUS,
            topics=list(self.topics.data or []),
            notes=self.notes.data if "notes" in self else None,
        )


class GoalsField(MultiCheckboxField):
    """The plan's goals discussed at a meeting: an id that is not one of those offered is named as such."""

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError("Choose goals of this mentee’s development plan.") from None


class PairMeetingForm(MeetingForm):
    """One pair's meeting (new, edit, emailed link): the meeting's fields plus "we discussed the plan"."""

    # The pair's own form only (goal titles are the plan's text): one tap, and a second for a goal.
    discussed_plan = BooleanField("We discussed the development plan")
    plan_goals = GoalsField("Which goals? (optional)", coerce=int, choices=[])

    def set_goals(self, goals) -> None:
        self.plan_goals.choices = [(goal.id, goal.title) for goal in goals]


class QuickMeetingForm(PairMeetingForm):
    """The signed-in logging form: the same fields plus the one-time nonce that stops a double submit."""

    nonce = HiddenField(validators=[single_line, DataRequired(), Length(max=64)])


class GroupMeetingForm(MeetingForm):
    """One meeting with several of the mentor's mentees: the meeting's fields without private notes."""

    nonce = HiddenField(validators=[single_line, DataRequired(), Length(max=64)])
    pairings = MultiCheckboxField("Mentees at this session", coerce=int, choices=[])
    submit = SubmitField("Save group session")

    def set_pairings(self, pairings) -> None:
        self.pairings.choices = [(p.id, p.mentee.person.full_name) for p in pairings]


class PulseForm(FlaskForm):
    rating = RadioField(
        "How is this mentorship going? (1 = poorly, 5 = very well)",
        choices=[(str(i), str(i)) for i in range(1, 6)],
        validators=[InputRequired(message="Choose 1 to 5.")],
    )
    fit = RadioField(
        "Is this a good fit?",
        choices=list(vocab.PULSE_FIT.items()),
        validators=[InputRequired(message="Choose an answer.")],
    )
    submit = SubmitField("Send")
