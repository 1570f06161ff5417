"""Forms for accounts and their grants."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Length, Optional

from mentorship.forms import MultiCheckboxField, QueryForm, email_field, one_line, single_line


class GrantsForm(FlaskForm):
    is_admin = BooleanField("GME office admin (every program, every report)")
    is_coordinator = BooleanField("Program coordinator")
    programs = MultiCheckboxField("Programs coordinated", coerce=int)
    view_demographics = BooleanField("May see individual self-identification")
    view_plans = BooleanField("May read the goals of development plans (program directors)")
    can_override_capacity = BooleanField("May pair a mentor beyond capacity (audited)")
    submit = SubmitField("Save grants")


class NewAccountForm(GrantsForm):
    email = email_field()
    first_name = StringField("First name", validators=[single_line, Optional(), Length(max=100)])
    last_name = StringField("Last name", validators=[single_line, Optional(), Length(max=100)])
    submit = SubmitField("Create account and send invitation")


class AuditFilterForm(QueryForm):
    action = StringField("Action starts with", filters=[one_line], validators=[Optional(), Length(max=60)])
    actor = StringField("By (email)", filters=[one_line], validators=[Optional(), Length(max=254)])
