"""Forms of the roster import pages."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, SubmitField
from wtforms.validators import ValidationError


class UploadForm(FlaskForm):
    files = MultipleFileField(
        "Roster file",
        description="One .xlsx workbook, or one or more .csv files named after their sheet "
        "(mentors.csv, mentees.csv, …).",
        render_kw={"accept": ".xlsx,.csv"},
    )
    submit = SubmitField("Check the file")

    def validate_files(self, field):
        if not [f for f in field.data or [] if getattr(f, "filename", "")]:
            raise ValidationError("Choose a file to import.")


class ConfirmForm(FlaskForm):
    notify = BooleanField(
        "Email an introduction to both people of each new pairing",
        description="Off by default: an import often brings in pairings people already know about.",
    )
    submit = SubmitField("Import now")


class CancelForm(FlaskForm):
    submit = SubmitField("Cancel")
