"""Program form."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from mentorship import vocab
from mentorship.forms import single_line


class ProgramForm(FlaskForm):
    name = StringField("Name", validators=[single_line, DataRequired(), Length(max=200)])
    specialty = StringField("Specialty", validators=[single_line, Optional(), Length(max=200)])
    kind = SelectField("Kind", choices=list(vocab.PROGRAM_KINDS.items()))
    submit = SubmitField("Save")
