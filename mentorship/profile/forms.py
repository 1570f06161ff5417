"""Self-service profile forms."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from mentorship import vocab
from mentorship.forms import MultiCheckboxField, interests_field, single_line

INTERESTS_HELP = "Separate with semicolons, e.g. research; global health; QI"


class MentorProfileForm(FlaskForm):
    department = StringField("Department", validators=[single_line, Optional(), Length(max=200)])
    specialty = StringField("Specialty", validators=[single_line, Optional(), Length(max=200)])
    rank = StringField("Academic rank", validators=[single_line, Optional(), Length(max=100)])
    capacity = IntegerField(
        "How many mentees can you take at once?", validators=[InputRequired(), NumberRange(1, 30)]
    )
    interests = interests_field(INTERESTS_HELP)
    submit = SubmitField("Save")


class MenteeProfileForm(FlaskForm):
    interests = interests_field(INTERESTS_HELP)
    preferred = SelectMultipleField("Mentors I would like", coerce=int, validators=[Optional()])
    excluded = SelectMultipleField(
        "Mentors I prefer not to be matched with", coerce=int, validators=[Optional()]
    )
    concordance_gender = BooleanField("I would like a mentor who shares my gender")
    concordance_urim = BooleanField("I would like a mentor who shares my URiM identity")
    submit = SubmitField("Save")

    def validate_excluded(self, field):
        both = set(field.data or []) & set(self.preferred.data or [])
        if both:
            raise ValidationError("A mentor cannot be both preferred and excluded.")


class ContactForm(FlaskForm):
    """Optional contact details, shown to the other person of each of one's pairings."""

    phone = StringField(
        "Phone (optional)",
        validators=[single_line, Optional(), Length(max=30)],
        description="Shown to your mentor or mentee, e.g. +1 617 555 0100",
        render_kw={"type": "tel", "autocomplete": "tel"},
    )
    contact_method = SelectField(
        "Preferred way to be reached",
        choices=[("", "No preference")] + list(vocab.CONTACT_METHODS.items()),
        validators=[Optional()],
    )
    availability = StringField(
        "When you are usually available (optional)",
        validators=[single_line, Optional(), Length(max=200)],
        description="e.g. Tue/Thu after 4 pm",
    )
    submit = SubmitField("Save")


def _choices(options: dict[str, str]) -> list[tuple[str, str]]:
    return [("", "Not answered")] + list(options.items())


class SelfIdentificationForm(FlaskForm):
    gender = RadioField("Gender", choices=_choices(vocab.GENDERS), default="", validators=[Optional()])
    gender_description = StringField(
        "If self-described, in your words", validators=[single_line, Optional(), Length(max=100)]
    )
    races = MultiCheckboxField(
        "Race/ethnicity (select all that apply)", choices=list(vocab.RACE_CATEGORIES.items())
    )
    race_prefer_not = BooleanField("Prefer not to say my race/ethnicity")
    urim = RadioField(
        "Do you identify as underrepresented in medicine (URiM)?",
        choices=_choices(vocab.YES_NO),
        default="",
        validators=[Optional()],
    )
    img = RadioField(
        "International medical graduate?", choices=_choices(vocab.YES_NO), default="", validators=[Optional()]
    )
    first_generation = RadioField(
        "First in your family to attend college or medical school?",
        choices=_choices(vocab.YES_NO),
        default="",
        validators=[Optional()],
    )
    submit = SubmitField("Save")


class ApiTokenForm(FlaskForm):
    """A new personal access token of the JSON API."""

    name = StringField(
        "Name (what will use it)",
        validators=[single_line, InputRequired(message="Name the token."), Length(max=80)],
    )
    days = IntegerField(
        "Days until it expires", default=90, validators=[InputRequired(), NumberRange(1, 366)]
    )
    write = BooleanField("Allow writes (logging meetings)")
    submit = SubmitField("Create token")


class RevokeTokenForm(FlaskForm):
    """Revoke one token (the CSRF token is the form)."""


class CalendarFeedForm(FlaskForm):
    """Make a new calendar feed address or turn the feed off (the CSRF token is the form)."""
