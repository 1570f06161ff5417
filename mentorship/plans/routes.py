"""A mentee's development plan (docs/guides/mentee.md): read and edit it, comment, confirm reviews, print it;
coordinators' suggested goals per PGY.

What a viewer sees comes from access.plan_access: the mentee and their current mentors work on the plan,
staff granted view_plans read it, other staff of the program see its figures only, anyone else gets a 404.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from mentorship import vocab
from mentorship.access import plan_access, roles_required, scope_of
from mentorship.extensions import db
from mentorship.forms import QueryForm, check_query, program_choices, show_error
from mentorship.models import GoalTemplate, MenteeProfile, Program
from mentorship.plans.forms import CommentForm, GoalForm, NewGoalForm, ReviewForm, TemplateForm
from mentorship.services import NotFound, ServiceError
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.meetings import utcnow
from mentorship.services.metrics.plans import NO_PLAN, plan_figures
from mentorship.services.plans import records, reviews
from mentorship.services.plans.rules import parse_review_months

bp = Blueprint("plans", __name__, url_prefix="/plans")

ANYONE = ("mentor", "mentee", "staff")
WORKERS = ("mentee", "mentor")  # the two who work on a plan (goal text, comments, reviews)
READERS = (*WORKERS, "goals")


class YearForm(QueryForm):
    year = IntegerField("Year", validators=[Optional(), NumberRange(2000, 2100, message="Enter a year.")])


def _start_month() -> int:
    return current_app.config["ACADEMIC_YEAR_START_MONTH"]


def _current_year() -> int:
    return year_of(dt.date.today(), _start_month())


def _windows():
    return parse_review_months(current_app.config["PLAN_REVIEW_MONTHS"])


def _mentee_or_404(mentee_id: int) -> tuple[MenteeProfile, str]:
    """The mentee and what the current user may do with their plans; 404 for someone they may not see."""
    mentee = db.get_or_404(MenteeProfile, mentee_id)
    access = plan_access(current_user, mentee, dt.date.today())
    if access is None:
        abort(404)
    return mentee, access


def _year_asked() -> int:
    form = YearForm(request.args)
    check_query(form)
    return form.year.data or _current_year()


@bp.route("/mentee/<int:mentee_id>")
@roles_required(*ANYONE)
def show(mentee_id: int):
    mentee, access = _mentee_or_404(mentee_id)
    year = _year_asked()
    ay = academic_year(year, _start_month())
    today = dt.date.today()
    if access not in READERS:
        figures = plan_figures(ay, min(today, ay.end), MenteeProfile.id == mentee.id).get(mentee.id, NO_PLAN)
        return render_template("plans/status.html", mentee=mentee, ay=ay, figures=figures)
    plan = records.plan_for(mentee.id, year)
    editable = access in WORKERS and year == _current_year()
    return render_template(
        "plans/show.html",
        mentee=mentee,
        ay=ay,
        plan=plan,
        access=access,
        editable=editable,
        # A GET writes nothing: the first POST opens the plan, so until then the page shows what it will hold.
        starting=records.starting_goals(mentee, year) if editable and plan is None else [],
        due=editable and reviews.due(plan, today, _windows()),
        counted=reviews.counted_dates(plan),
        waiting=reviews.waiting_for(plan, access) if access in WORKERS else [],
        new_goal=NewGoalForm(formdata=None),
        comment_form=CommentForm(formdata=None),
        review_form=ReviewForm(formdata=None),
        mentors=records.current_mentors(mentee, today),
    )


@bp.route("/mentee/<int:mentee_id>/print")
@roles_required(*ANYONE)
def printable(mentee_id: int):
    mentee, access = _mentee_or_404(mentee_id)
    if access not in READERS:
        abort(403)
    year = _year_asked()
    ay = academic_year(year, _start_month())
    plan = records.plan_for(mentee.id, year)
    return render_template(
        "plans/print.html",
        mentee=mentee,
        ay=ay,
        plan=plan,
        counted=reviews.counted_dates(plan),
        mentors=records.current_mentors(mentee, min(dt.date.today(), ay.end)),
        by_category=records.by_category(plan),
    )


def _current_plan(mentee_id: int, who: tuple[str, ...] = WORKERS):
    mentee, access = _mentee_or_404(mentee_id)
    if access not in who:
        abort(403)
    return mentee, access, records.open_plan(mentee, _current_year())


@bp.route("/mentee/<int:mentee_id>/open", methods=["POST"])
@roles_required("mentor", "mentee")
def open_plan(mentee_id: int):
    mentee, _access, _plan = _current_plan(mentee_id)
    db.session.commit()
    return redirect(url_for("plans.show", mentee_id=mentee.id, _anchor="goals"))


@bp.route("/mentee/<int:mentee_id>/goals", methods=["POST"])
@roles_required("mentee")
def add_goal(mentee_id: int):
    mentee, _access, plan = _current_plan(mentee_id, ("mentee",))
    form = NewGoalForm()
    if form.validate_on_submit():
        try:
            records.add_goal(plan, form.to_input(), by=current_user.person, now=utcnow())
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash("Goal added.", "success")
    else:
        db.session.commit()  # the plan just opened, if it was new
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("plans.show", mentee_id=mentee.id, _anchor="goals"))


def _goal_or_404(goal_id: int, who: tuple[str, ...]):
    try:
        goal = records.get_goal(goal_id)
    except NotFound:
        abort(404)
    mentee, access = _mentee_or_404(goal.plan.mentee_id)
    if access not in who:
        abort(403)
    if goal.plan.year != _current_year():
        abort(403)  # last year's plan is kept as it was
    return goal, mentee


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@roles_required("mentee")
def edit_goal(goal_id: int):
    goal, mentee = _goal_or_404(goal_id, ("mentee",))
    form = GoalForm(obj=goal) if request.method == "GET" else GoalForm()
    if request.method == "GET":
        form.category.data = goal.category or ""
    if form.validate_on_submit():
        try:
            records.update_goal(goal, form.to_input(), by=current_user.person, now=utcnow())
        except ServiceError as exc:
            db.session.rollback()
            show_error(form, exc, "title")
        else:
            db.session.commit()
            flash("Goal saved.", "success")
            return redirect(url_for("plans.show", mentee_id=mentee.id, _anchor=f"goal-{goal.id}"))
    return render_template("plans/goal.html", form=form, goal=goal, mentee=mentee)


@bp.route("/goals/<int:goal_id>/comment", methods=["POST"])
@roles_required("mentor")
def comment(goal_id: int):
    goal, mentee = _goal_or_404(goal_id, ("mentor",))
    form = CommentForm()
    if form.validate_on_submit():
        try:
            records.add_comment(goal, form.body.data, by=current_user.person, now=utcnow())
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash("Comment added.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("plans.show", mentee_id=mentee.id, _anchor=f"goal-{goal.id}"))


@bp.route("/mentee/<int:mentee_id>/review", methods=["POST"])
@roles_required("mentor", "mentee")
def review(mentee_id: int):
    mentee, access, plan = _current_plan(mentee_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            done = reviews.confirm_review(
                plan,
                form.reviewed_on.data,
                as_role=access,
                by=current_user.person,
                ay=academic_year(plan.year, _start_month()),
                today=dt.date.today(),
                now=utcnow(),
            )
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            other = "your mentor" if access == "mentee" else mentee.person.first_name
            flash(
                "Review recorded: you both confirmed it."
                if done.counted
                else f"Your confirmation is saved; the review counts once {other} confirms it too.",
                "success",
            )
    else:
        db.session.commit()
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("plans.show", mentee_id=mentee.id, _anchor="review"))


@bp.route("/templates", methods=["GET", "POST"])
@roles_required("staff")
def templates():
    scope = scope_of(current_user)
    form = TemplateForm()
    form.program.choices = program_choices(scope)
    if form.validate_on_submit():
        program = db.session.get(Program, form.program.data)
        if program is None or not scope.covers_program(program.id):
            abort(404)
        try:
            records.add_template(
                program, form.pgy.data, form.title.data, form.category.data, actor=current_user
            )
        except ServiceError as exc:
            db.session.rollback()
            show_error(form, exc, "title")
        else:
            db.session.commit()
            flash("Suggested goal added: new plans of that PGY start with it.", "success")
            return redirect(url_for("plans.templates"))
    suggested = records.templates_in(scope)
    return render_template("plans/templates.html", form=form, suggested=suggested, vocab=vocab)


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@roles_required("staff")
def delete_template(template_id: int):
    template = db.get_or_404(GoalTemplate, template_id)
    if not scope_of(current_user).covers_program(template.program_id):
        abort(404)
    records.delete_template(template, actor=current_user)
    db.session.commit()
    flash("Suggested goal removed (plans already made keep it).", "success")
    return redirect(url_for("plans.templates"))
