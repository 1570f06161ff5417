"""The home page: staff go to their dashboard, mentors and mentees to their mentorships."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from mentorship.meetings.forms import PulseForm
from mentorship.models import Pairing
from mentorship.services import meetings as meetings_service
from mentorship.services import planning
from mentorship.services import pulse as pulse_service
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.metrics.definitions import MetricSettings
from mentorship.services.metrics.queries import pairing_metrics
from mentorship.services.plans import reviews as plan_reviews
from mentorship.services.plans.rules import parse_review_months

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        # The front door: the sign-in page itself, without the "please sign in" reproach (and no `next`).
        return redirect(url_for("auth.login"))
    me = current_user.person
    if current_user.is_staff and me.mentor is None and me.mentee is None:
        if "dashboard.index" in current_app.view_functions:
            return redirect(url_for("dashboard.index"))
        return redirect(url_for("people.mentees"))
    today = dt.date.today()
    config = current_app.config
    ay = academic_year(
        year_of(today, config["ACADEMIC_YEAR_START_MONTH"]), config["ACADEMIC_YEAR_START_MONTH"]
    )
    # A fixed number of queries whatever the number of pairings: people, metrics, waiting meetings, pulse.
    pairings = meetings_service.person_pairings(me)
    ids = [p.id for p in pairings]
    metrics = (
        pairing_metrics(ay, today, MetricSettings.from_config(config), Pairing.id.in_(ids)) if ids else {}
    )
    current = [p for p in pairings if p.open_on(today) or p.start_date > today]
    past = [p for p in pairings if p not in current]
    waiting = meetings_service.awaiting_answer(
        me, [p.id for p in current], since=today - dt.timedelta(days=meetings_service.CONFIRM_ASK_DAYS)
    )
    by_id = {p.id: p for p in pairings}
    pulse_due = pulse_service.due_pairings(me, [p for p in current if p.open_on(today)], today)
    pulse_forms = {p.id: PulseForm(prefix=f"pulse{p.id}", formdata=None) for p in pulse_due}
    # Development plans: the mentee's own, and each mentee this person mentors; is a review due?
    plan_mentees = {p.mentee_id for p in current if p.mentor.person_id == me.id and p.open_on(today)}
    if me.mentee is not None:
        plan_mentees.add(me.mentee.id)
    windows = parse_review_months(config["PLAN_REVIEW_MONTHS"])
    plan_due = plan_reviews.due_mentees(plan_mentees, ay.year, today, windows)
    tz, now = config["TIMEZONE"], meetings_service.utcnow()
    current_ids = [p.id for p in current]
    # Planned meetings are not meetings: they come from their own table and no figure above counts them.
    awaiting = planning.awaiting_outcome(current_ids, today=planning.local_day(now, tz), tz=tz)
    upcoming = planning.upcoming(current_ids, now=now)
    return render_template(
        "main/home.html",
        current=current,
        past=past,
        metrics=metrics,
        waiting=waiting,
        by_id=by_id,
        pulse_due=pulse_due,
        pulse_forms=pulse_forms,
        awaiting=awaiting,
        upcoming=upcoming,
        ay=ay,
        me=me,
        plan_due=plan_due,
    )
