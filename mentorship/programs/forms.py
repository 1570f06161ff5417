"""Program form."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from mentorship import vocab


class ProgramForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    specialty = StringField("Specialty", validators=[Optional(), Length(max=200)])
    kind = SelectField("Kind", choices=list(vocab.PROGRAM_KINDS.items()))
    submit = SubmitField("Save")
