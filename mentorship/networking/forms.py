"""Forms for introducing a mentee to a colleague and recording the outcome."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from mentorship import vocab
from mentorship.forms import single_line, strip
from mentorship.services.events.introductions import MAX_CONTEXT, MAX_FIELD, IntroductionInput


class IntroductionForm(FlaskForm):
    purpose = RadioField("Purpose", choices=list(vocab.INTRODUCTION_PURPOSES.items()), default="career")
    mentor_id = SelectField("An enrolled mentor", coerce=int, choices=[])
    contact_name = StringField(
        "Or an outside contact: name",
        filters=[strip],
        validators=[single_line, Optional(), Length(max=MAX_FIELD)],
    )
    contact_email = EmailField(
        "Their email", filters=[strip], validators=[single_line, Optional(), Length(max=254)]
    )
    contact_institution = StringField(
        "Institution", filters=[strip], validators=[single_line, Optional(), Length(max=MAX_FIELD)]
    )
    contact_role = StringField(
        "Role", filters=[strip], validators=[single_line, Optional(), Length(max=MAX_FIELD)]
    )
    context = StringField(
        "Context (one line)",
        description="Why these two should talk, e.g. “runs the cardiology fellowship interviews”.",
        filters=[strip],
        validators=[single_line, Optional(), Length(max=MAX_CONTEXT)],
    )
    submit = SubmitField("Introduce and email both")

    def to_input(self) -> IntroductionInput:
        return IntroductionInput(
            purpose=self.purpose.data,
            context=self.context.data,
            mentor_id=self.mentor_id.data or None,
            contact_name=self.contact_name.data,
            contact_email=self.contact_email.data,
            contact_institution=self.contact_institution.data,
            contact_role=self.contact_role.data,
        )


class OutcomeForm(FlaskForm):
    outcome = RadioField("What came of it?", choices=list(vocab.INTRODUCTION_OUTCOMES.items()))
    submit = SubmitField("Save")
