"""Forms for pairing, ending and rematching."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from mentorship import vocab
from mentorship.forms import QueryForm, id_field, one_line, single_line


class PairingFilterForm(QueryForm):
    """List filters, read from the query string."""

    q = StringField("Search name or email", filters=[one_line], validators=[Optional(), Length(max=100)])
    program = SelectField("Program", coerce=int, validators=[Optional()])
    kind = SelectField(
        "Kind", choices=[("", "Any kind")] + list(vocab.PAIRING_KINDS.items()), validators=[Optional()]
    )
    status = SelectField(
        "Status",
        choices=[("active", "Active"), ("ended", "Ended"), ("all", "All")],
        default="active",
        validators=[Optional()],
    )
    person = id_field("Person")


class CandidateFilterForm(QueryForm):
    """Narrow the mentors shown for one mentee (query string)."""

    mentee = id_field("Mentee", required="Choose a mentee.")
    kind = SelectField("Kind", choices=list(vocab.PAIRING_KINDS.items()), default="career")
    department = StringField("Department", filters=[one_line], validators=[Optional(), Length(max=200)])
    specialty = StringField("Specialty", filters=[one_line], validators=[Optional(), Length(max=200)])
    interest = StringField("Interest", filters=[one_line], validators=[Optional(), Length(max=100)])
    rematch = id_field("Rematch")


class PairForm(FlaskForm):
    mentor_id = id_field("Mentor", required="Choose a mentor.")
    kind = HiddenField(validators=[single_line, DataRequired()])
    start_date = DateField("Start date", default=dt.date.today, validators=[DataRequired()])
    override_capacity = BooleanField(
        "Pair even though the mentor has no free place (recorded in the audit log)"
    )
    submit = SubmitField("Pair")


class EndForm(FlaskForm):
    end_date = DateField("End date", default=dt.date.today, validators=[DataRequired()])
    reason = SelectField(
        "Reason",
        choices=[("", "Choose a reason")]
        + [(k, v) for k, v in vocab.END_REASONS.items() if k != "rematched"],
        validators=[DataRequired(message="Choose a reason.")],
    )
    rating = SelectField(
        "How well did it go? (optional)",
        choices=[("", "No rating")] + [(str(n), f"{n} of 5") for n in range(1, 6)],
        validators=[Optional()],
    )
    comment = TextAreaField("Comment (optional)", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("End pairing")

    def rating_value(self) -> int | None:
        return int(self.rating.data) if self.rating.data else None


class ResendIntroductionForm(FlaskForm):
    """Send the introduction email to both people again (the CSRF token is the whole form)."""

    submit = SubmitField("Send the introduction again")


class RevokeLinksForm(FlaskForm):
    """Withdraw the pairing's emailed one-click links (the CSRF token is the whole form)."""

    submit = SubmitField("Withdraw links")
