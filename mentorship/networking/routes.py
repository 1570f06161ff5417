"""Introductions: a mentor (of that mentee) or a coordinator (in scope) introduces a mentee to a colleague;
the mentee records the outcome; each sees the introductions that concern them (docs/events.md)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from mentorship.access import roles_required, scope_of
from mentorship.extensions import db
from mentorship.forms import as_id, show_error
from mentorship.models import Introduction, MentorProfile, Person
from mentorship.networking.forms import IntroductionForm, OutcomeForm
from mentorship.services import ServiceError
from mentorship.services.events import introductions as svc
from mentorship.services.mail import jobs as mail_jobs
from mentorship.services.meetings import utcnow

bp = Blueprint("networking", __name__, url_prefix="/introductions")


@bp.route("/")
@roles_required("mentor", "mentee", "staff")
def index():
    me = current_user.person
    made = svc.listed(made_by=me)
    mine = svc.listed(mentee=me.mentee) if me.mentee is not None else []
    in_scope = svc.listed(scope=scope_of(current_user)) if current_user.is_staff else []
    return render_template(
        "networking/index.html", made=made, mine=mine, in_scope=in_scope, outcome_form=OutcomeForm()
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required("mentor", "staff")
def new():
    person = db.session.get(Person, as_id(request.args.get("mentee")) or 0)
    if person is None or person.mentee is None:
        abort(404)
    mentee = person.mentee
    scope = scope_of(current_user)
    if not svc.may_introduce(current_user.person, scope, current_user.is_staff, mentee, dt.date.today()):
        abort(404)
    form = IntroductionForm()
    mentors = db.session.execute(
        select(MentorProfile.id, Person.first_name, Person.last_name, MentorProfile.department)
        .join(Person, Person.id == MentorProfile.person_id)
        .where(
            MentorProfile.enrolled_on_day(dt.date.today()), Person.erased_at.is_(None), Person.id != person.id
        )
        .order_by(Person.last_name, Person.first_name)
    ).all()
    form.mentor_id.choices = [(0, "— an outside contact (below) —")] + [
        (mid, f"{first} {last}" + (f" ({dept})" if dept else "")) for mid, first, last, dept in mentors
    ]
    if form.validate_on_submit():
        try:
            intro = svc.introduce(mentee, form.to_input(), by=current_user.person, now=utcnow())
            base = current_app.config["BASE_URL"].rstrip("/")
            queued = svc.queue_emails(intro, link=lambda _i: base + url_for("networking.index"), now=utcnow())
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            show_error(form, exc, "mentor_id")
        else:
            mail_jobs.send_soon(queued)
            flash(f"{person.first_name} and {intro.colleague_name} were introduced by email.", "success")
            return redirect(url_for("networking.index"))
    return render_template("networking/new.html", form=form, mentee=person)


@bp.route("/<int:intro_id>/outcome", methods=["POST"])
@roles_required("mentee")
def outcome(intro_id: int):
    intro = db.get_or_404(Introduction, intro_id)
    if intro.mentee.person_id != current_user.person_id:
        abort(404)
    form = OutcomeForm()
    if not form.validate_on_submit():
        flash("Choose met, not yet or no response.", "warning")
        return redirect(url_for("networking.index"))
    try:
        svc.record_outcome(intro, form.outcome.data, by=current_user.person, now=utcnow())
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        flash("Thank you: the outcome is saved.", "success")
    return redirect(url_for("networking.index"))
