"""Forms for organizing events and marking attendance."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from mentorship import vocab
from mentorship.forms import MAX_ID, MultiCheckboxField, single_line
from mentorship.models import Event
from mentorship.services.events.events import MAX_DESCRIPTION, MAX_PGY, MAX_PLACE, MAX_TITLE, EventInput

FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class EventForm(FlaskForm):
    title = StringField(
        "Title", validators=[single_line, DataRequired(message="Enter a title."), Length(max=MAX_TITLE)]
    )
    kind = SelectField("Kind", choices=list(vocab.EVENT_KINDS.items()), default="networking")
    starts_at = DateTimeLocalField(
        "Starts", format=FORMATS, validators=[DataRequired(message="Enter when the event starts.")]
    )
    ends_at = DateTimeLocalField(
        "Ends", format=FORMATS, validators=[DataRequired(message="Enter when the event ends.")]
    )
    place = StringField("Place or link", validators=[single_line, Optional(), Length(max=MAX_PLACE)])
    description = TextAreaField(
        "Description", validators=[Optional(), Length(max=MAX_DESCRIPTION)], render_kw={"rows": 3}
    )
    program_ids = MultiCheckboxField(
        "Programs", coerce=int, choices=[], description="None chosen: every program (admins only)."
    )
    pgy_min = IntegerField(
        "Lowest PGY (optional)",
        validators=[Optional(), NumberRange(1, MAX_PGY, message=f"A PGY level is from 1 to {MAX_PGY}.")],
    )
    pgy_max = IntegerField(
        "Highest PGY (optional)",
        validators=[Optional(), NumberRange(1, MAX_PGY, message=f"A PGY level is from 1 to {MAX_PGY}.")],
    )
    for_mentees = BooleanField("Invite mentees", default=True)
    for_mentors = BooleanField("Invite mentors", default=True)
    capacity = IntegerField(
        "Capacity (optional)",
        description="When it is full, people who say they are going join a waitlist.",
        validators=[Optional(), NumberRange(1, MAX_ID, message="Capacity is at least 1.")],
    )
    submit = SubmitField("Save event")

    def fill(self, event: Event) -> None:
        """Show a stored event on the form."""
        for name in ("title", "kind", "starts_at", "ends_at", "place", "description", "pgy_min", "pgy_max"):
            getattr(self, name).data = getattr(event, name)
        self.for_mentees.data, self.for_mentors.data = event.for_mentees, event.for_mentors
        self.capacity.data = event.capacity
        self.program_ids.data = [p.id for p in event.programs]

    def to_input(self) -> EventInput:
        return EventInput(
            title=self.title.data or "",
            kind=self.kind.data,
            starts_at=self.starts_at.data,
            ends_at=self.ends_at.data,
            place=self.place.data,
            description=self.description.data,
            program_ids=list(self.program_ids.data or []),
            pgy_min=self.pgy_min.data,
            pgy_max=self.pgy_max.data,
            for_mentors=self.for_mentors.data,
            for_mentees=self.for_mentees.data,
            capacity=self.capacity.data,
        )


class AttendanceForm(FlaskForm):
    attended = MultiCheckboxField("Attended", coerce=int, choices=[])
    submit = SubmitField("Save attendance")
