"""Planned meetings (docs/guides/mentor.md, Planning a meeting): plan, change, cancel, download the .ics,
and "Did it happen?" (one tap on the home page, or the page a reminder's link opens).

Either person of the pair, or a coordinator whose scope holds the pairing, plans, changes and cancels;
only the pair see the agenda and say what happened. Anyone else gets a 404, as for the pair's meetings.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from mentorship.access import roles_required, scope_of
from mentorship.extensions import db
from mentorship.forms import show_error
from mentorship.models import Pairing, Person, PlannedMeeting
from mentorship.planning.forms import OutcomeForm, PlanForm
from mentorship.services import ServiceError, planning, planning_links, planning_mail
from mentorship.services.mail.jobs import send_soon
from mentorship.services.meetings import role_in, utcnow

bp = Blueprint("planning", __name__, url_prefix="/planned")

ANYONE = ("mentor", "mentee", "staff")


def _tz() -> str:
    return current_app.config["TIMEZONE"]


@bp.app_template_global()
def planned_when(plan: PlannedMeeting) -> str:
    """A planned meeting's time in the office's zone, for any page."""
    return planning.when_text(plan, _tz())


def today_here() -> dt.date:
    """Today in the office's zone: a planned meeting's "day after" is counted there."""
    return planning.local_day(utcnow(), _tz())


def settings() -> planning.CalendarSettings:
    """The calendar settings of this site."""
    config = current_app.config
    return planning.CalendarSettings(
        timezone=config["TIMEZONE"],
        organizer_email=config["MAIL_DEFAULT_SENDER"],
        organizer_name=f"Mentorship program, {config['OFFICE_CONTACT']}",
        base_url=config["BASE_URL"],
    )


def _role(pairing: Pairing) -> str:
    """'mentor', 'mentee' or 'staff' (in scope) for the current user; 404 for anyone else."""
    role = role_in(pairing, current_user.person_id)
    if role is not None:
        return role
    if current_user.is_staff and scope_of(current_user).covers_program(pairing.mentee.program_id):
        return "staff"
    abort(404)


def _plan_or_404(plan_id: int) -> tuple[PlannedMeeting, str]:
    plan = planning.get_plan(plan_id)
    if plan is None:
        abort(404)
    return plan, _role(plan.pairing)


def _back(pairing: Pairing) -> str:
    return url_for("pairings.show", pairing_id=pairing.id)


def _send(plan: PlannedMeeting, action: str, now: dt.datetime) -> None:
    """Queue both people's emails in this transaction, commit, then deliver (a job, or after the response)."""
    ids = planning_mail.queue_notices(plan, action, by=current_user.person, settings=settings(), now=now)
    db.session.commit()
    send_soon(ids)


def _form_page(form: PlanForm, pairing: Pairing, plan: PlannedMeeting | None, role: str):
    return render_template(
        "planning/form.html", form=form, pairing=pairing, plan=plan, role=role, timezone=_tz()
    )


@bp.route("/pairing/<int:pairing_id>/new", methods=["GET", "POST"])
@roles_required(*ANYONE)
def new(pairing_id: int):
    pairing = db.get_or_404(Pairing, pairing_id)
    role = _role(pairing)
    form = PlanForm()
    if role == "staff":
        del form.agenda  # private to the pair: a coordinator neither writes nor reads it
    if form.validate_on_submit():
        now = utcnow()
        try:
            plan = planning.plan_meeting(
                pairing, form.to_input(), by=current_user.person, now=now, tz=_tz(), staff=role == "staff"
            )
        except ServiceError as exc:
            db.session.rollback()
            show_error(form, exc, "day")
        else:
            _send(plan, "plan", now)
            flash("Meeting planned. You both have an email with the calendar invitation.", "success")
            return redirect(_back(pairing))
    return _form_page(form, pairing, None, role)


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@roles_required(*ANYONE)
def edit(plan_id: int):
    plan, role = _plan_or_404(plan_id)
    if plan.state != "planned":
        flash(str(planning.NotPlanned(plan)), "info")
        return redirect(_back(plan.pairing))
    form = PlanForm()
    if request.method == "GET":
        start = planning.local_start(plan, _tz())
        form.day.data, form.time.data = start.date(), start.time().replace(tzinfo=None)
        form.minutes.data, form.place.data = plan.minutes, plan.place
        if role != "staff":
            form.agenda.data = plan.agenda
    if role == "staff":
        del form.agenda
    form.submit.label.text = "Save and send the change"
    if form.validate_on_submit():
        now = utcnow()
        try:
            planning.change_meeting(
                plan, form.to_input(), by=current_user.person, now=now, tz=_tz(), staff=role == "staff"
            )
        except ServiceError as exc:
            db.session.rollback()
            show_error(form, exc, "day")
        else:
            _send(plan, "change", now)
            flash("Meeting changed. You both have an email with the updated invitation.", "success")
            return redirect(_back(plan.pairing))
    return _form_page(form, plan.pairing, plan, role)


@bp.route("/<int:plan_id>/cancel", methods=["POST"])
@roles_required(*ANYONE)
def cancel(plan_id: int):
    plan, _ = _plan_or_404(plan_id)
    now = utcnow()
    try:
        planning.cancel_meeting(plan, by=current_user.person, now=now)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "info")
    else:
        _send(plan, "cancel", now)
        flash("Meeting cancelled. You both have an email that removes it from your calendars.", "success")
    return redirect(_back(plan.pairing))


@bp.route("/<int:plan_id>/meeting.ics")
@roles_required(*ANYONE)
def download(plan_id: int):
    plan, _ = _plan_or_404(plan_id)
    response = make_response(planning.ics(plan, settings()))
    response.headers["Content-Type"] = f"text/calendar; charset=utf-8; method={planning.method_of(plan)}"
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{plan.id}.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _record(plan: PlannedMeeting, form: OutcomeForm, *, by: Person, logged_as: str):
    """Record the tapped outcome once; (meeting or None, error message or None)."""
    try:
        meeting = planning.resolve(
            plan,
            form.outcome.data,
            by=by,
            logged_as=logged_as,
            now=utcnow(),
            today=today_here(),
            tz=_tz(),
            allowed_topics=current_app.config["MEETING_TOPICS"],
        )
        db.session.commit()
    except ServiceError as exc:  # NotPlanned when the other tap (or the other person) came first
        db.session.rollback()
        return None, str(exc)
    return meeting, None


@bp.route("/<int:plan_id>/outcome", methods=["POST"])
@roles_required("mentor", "mentee", "staff")
def outcome(plan_id: int):
    plan, role = _plan_or_404(plan_id)
    if role == "staff":
        abort(404)  # the pair say what happened; a coordinator logs a meeting on their behalf instead
    back = _back(plan.pairing) if request.form.get("back") == "pairing" else url_for("main.home")
    form = OutcomeForm()
    if not form.validate_on_submit():
        flash("Choose held, cancelled or no-show.", "danger")
        return redirect(back)
    meeting, error = _record(plan, form, by=current_user.person, logged_as=role)
    if error:
        flash(error, "info")
    else:
        flash(f"Recorded: {planning.outcome_line(plan, meeting, _tz())}.", "success")
    return redirect(back)


def _link_page(token: str, status: int = 200, **context):
    response = make_response(render_template("planning/outcome.html", token=token, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/outcome/<token>", methods=["GET", "POST"])
def outcome_link(token: str):
    """The page a reminder's "Did it happen?" link opens: GET shows it, only its POST records."""
    try:
        plan = planning_links.read(
            token, current_app.config["SECRET_KEY"], days=current_app.config["LOG_LINK_DAYS"]
        )
    except planning_links.LinkError as exc:
        return _link_page(token, 400, error=str(exc))
    tz = _tz()
    if plan.state != "planned":
        return _link_page(token, plan=plan, done=planning.outcome_line(plan, plan.meeting, tz))
    if not planning.can_resolve(plan, today=today_here(), tz=tz):
        return _link_page(token, plan=plan, early=True, when=planning.when_text(plan, tz))
    form = OutcomeForm()
    if form.validate_on_submit():
        meeting, _ = _record(plan, form, by=plan.pairing.mentor.person, logged_as="mentor")
        db.session.refresh(plan)  # a lost race: show what the other tap recorded
        return _link_page(token, plan=plan, done=planning.outcome_line(plan, meeting or plan.meeting, tz))
    return _link_page(token, plan=plan, form=form, when=planning.when_text(plan, tz))
