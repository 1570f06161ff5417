"""Forms of the plan pages: a goal (short to add, full to edit), a comment, a review, a suggested goal."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from mentorship import vocab
from mentorship.forms import single_line
from mentorship.services.plans.rules import MAX_COMMENT, MAX_NEXT_STEP, MAX_TITLE, GoalInput

CATEGORY_CHOICES = [("", "No category"), *vocab.GOAL_CATEGORIES.items()]


class NewGoalForm(FlaskForm):
    """Adding a goal on a phone: what, and (optionally) which competency."""

    title = StringField(
        "New goal",
        validators=[single_line, DataRequired(message="Enter the goal."), Length(max=MAX_TITLE)],
    )
    category = SelectField("Category", choices=CATEGORY_CHOICES, default="")
    submit = SubmitField("Add goal")

    def to_input(self) -> GoalInput:
        return GoalInput(title=self.title.data or "", category=self.category.data or None)


class GoalForm(NewGoalForm):
    """Every field of a goal."""

    title = StringField(
        "Goal", validators=[single_line, DataRequired(message="Enter the goal."), Length(max=MAX_TITLE)]
    )
    status = RadioField("Status", choices=list(vocab.GOAL_STATUSES.items()), default="not_started")
    target_date = DateField("Target date (optional)", validators=[Optional()])
    next_step = StringField(
        "Next step (optional)", validators=[single_line, Optional(), Length(max=MAX_NEXT_STEP)]
    )
    submit = SubmitField("Save goal")

    def to_input(self) -> GoalInput:
        return GoalInput(
            title=self.title.data or "",
            category=self.category.data or None,
            target_date=self.target_date.data,
            status=self.status.data,
            next_step=self.next_step.data,
        )


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Comment",
        validators=[DataRequired(message="Write the comment."), Length(max=MAX_COMMENT)],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Add comment")


class ReviewForm(FlaskForm):
    reviewed_on = DateField(
        "We reviewed this plan on",
        default=dt.date.today,
        validators=[InputRequired(message="Enter the date of the review.")],
    )
    submit = SubmitField("Confirm the review")


class TemplateForm(FlaskForm):
    program = SelectField("Program", coerce=int)
    pgy = IntegerField(
        "PGY",
        validators=[InputRequired(message="Enter the PGY."), NumberRange(1, 10, message="PGY is 1 to 10.")],
        render_kw={"inputmode": "numeric"},
    )
    title = StringField(
        "Suggested goal",
        validators=[single_line, DataRequired(message="Enter the goal."), Length(max=MAX_TITLE)],
    )
    category = SelectField("Category", choices=CATEGORY_CHOICES, default="")
    submit = SubmitField("Add suggested goal")
