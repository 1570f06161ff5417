"""Forms for enrolling and editing mentors and mentees."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from mentorship import vocab
from mentorship.forms import QueryForm, email_field, interests_field, one_line, single_line


class PersonFields(FlaskForm):
    email = email_field()
    first_name = StringField("First name", validators=[single_line, DataRequired(), Length(max=100)])
    last_name = StringField("Last name", validators=[single_line, DataRequired(), Length(max=100)])


class MentorForm(PersonFields):
    mentor_type = SelectField("Mentor type", choices=list(vocab.MENTOR_TYPES.items()), default="faculty")
    department = StringField("Department", validators=[single_line, Optional(), Length(max=200)])
    specialty = StringField("Specialty", validators=[single_line, Optional(), Length(max=200)])
    rank = StringField("Academic rank", validators=[single_line, Optional(), Length(max=100)])
    program_id = SelectField(
        "Program (a near-peer's residency, or a faculty member's home program)",
        coerce=int,
        validators=[Optional()],
    )
    pgy = IntegerField("PGY (near-peer mentors)", validators=[Optional(), NumberRange(1, 10)])
    capacity = IntegerField(
        "Capacity (most active mentees)", default=3, validators=[InputRequired(), NumberRange(1, 30)]
    )
    interests = interests_field()
    enrolled_on = DateField("Enrolled on", validators=[Optional()])
    submit = SubmitField("Save")

    def validate(self, extra_validators=None) -> bool:
        # Checked here, not per field: Optional() would stop a field's own checks when it is blank.
        valid = super().validate(extra_validators)
        if self.mentor_type.data == "near_peer":
            if not self.pgy.data:
                self.pgy.errors.append("A near-peer mentor needs a PGY level.")
                valid = False
            if not self.program_id.data:
                self.program_id.errors.append("A near-peer mentor needs their residency program.")
                valid = False
        return valid


class MenteeForm(PersonFields):
    program_id = SelectField("Program", coerce=int, validators=[DataRequired(message="Choose a program.")])
    pgy = IntegerField(
        "PGY", validators=[DataRequired(message="Enter the PGY level, 1 to 10."), NumberRange(1, 10)]
    )
    interests = interests_field()
    enrolled_on = DateField("Enrolled on", validators=[Optional()])
    submit = SubmitField("Save")


class LeaveForm(FlaskForm):
    left_on = DateField("Date left", validators=[DataRequired(message="Enter the date they left.")])
    submit = SubmitField("Mark as left")


class FilterForm(QueryForm):
    """The list filters, read from the query string."""

    q = StringField("Search name or email", filters=[one_line], validators=[Optional(), Length(max=100)])
    program = SelectField("Program", coerce=int, validators=[Optional()])
    pgy = SelectField(
        "PGY",
        choices=[(0, "Any PGY")] + [(n, f"PGY-{n}") for n in range(1, 11)],
        coerce=int,
        validators=[Optional()],
    )
    status = SelectField(
        "Status",
        choices=[("enrolled", "Enrolled"), ("left", "Left"), ("all", "All")],
        default="enrolled",
        validators=[Optional()],
    )
    role = SelectField(
        "Also",
        choices=[("", "Anyone"), ("both", "Both mentor and mentee")],
        validators=[Optional()],
    )


class EraseForm(FlaskForm):
    """Erasing a person cannot be undone: the admin types the person's email to confirm."""

    confirm_email = StringField(
        "Type the person's email to confirm", validators=[single_line, DataRequired(), Length(max=254)]
    )


class BulkInviteForm(FlaskForm):
    """Invite everyone enrolled (of one program, or all in scope) who cannot sign in yet."""

    program = SelectField("Program", coerce=int, validators=[Optional()])
    back = SelectField(
        "List", choices=[("mentee", "Mentees"), ("mentor", "Mentors")], validators=[Optional()]
    )
    submit = SubmitField("Invite everyone not signed up yet")
