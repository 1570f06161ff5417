"""Pairings: the list in scope, manual pairing from a mentee, ending and rematching."""

from __future__ import annotations

import datetime as dt
import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from mentorship import vocab
from mentorship.access import roles_required, scope_of, staff_can_see_person
from mentorship.dashboard.routes import BadFilter, report_filters
from mentorship.extensions import db
from mentorship.forms import check_query, program_choices
from mentorship.models import MenteeProfile, MentorProfile, Pairing, Person
from mentorship.pairings.forms import (
    CandidateFilterForm,
    EndForm,
    PairForm,
    PairingFilterForm,
    ResendIntroductionForm,
    RevokeLinksForm,
)
from mentorship.services import ServiceError, exports, introductions, log_links, planning, stories
from mentorship.services import pairings as svc
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.matching import candidates, scoring
from mentorship.services.meetings import role_in, utcnow
from mentorship.services.metrics.definitions import STATUS_LABELS, MetricSettings
from mentorship.services.plans.reviews import due_mentees
from mentorship.services.plans.rules import parse_review_months
from mentorship.services.report_data import figures

bp = Blueprint("pairings", __name__, url_prefix="/pairings")

MAX_CANDIDATES = 50
# The pairing page reads both people and the mentee's program: one statement with the pairing, not four.
PAGE_LOADS = (
    joinedload(Pairing.mentor).joinedload(MentorProfile.person),
    joinedload(Pairing.mentee).joinedload(MenteeProfile.person),
    joinedload(Pairing.mentee).joinedload(MenteeProfile.program),
)


def pairing_in_scope(pairing_id: int) -> Pairing:
    """The pairing, or 404 when it does not exist or its mentee is outside the user's programs."""
    pairing = svc.in_scope(pairing_id, scope_of(current_user))
    if pairing is None:
        abort(404)
    return pairing


def mentee_in_scope(person_id: int | None) -> MenteeProfile:
    """The mentee profile of a person the user may pair, or 404."""
    person = db.session.get(Person, person_id) if person_id else None
    if person is None or person.mentee is None:
        abort(404)
    if not scope_of(current_user).covers_program(person.mentee.program_id):
        abort(404)
    return person.mentee


def _year_args():
    """The report request, status flag and measure of ?year=, ?program=, ?status= and ?measure=."""
    try:
        year, program_ids, _allowed = report_filters()
    except BadFilter as exc:
        abort(400, description=str(exc))
    status = request.args.get("status", "").strip() or None
    if status == "all":
        status = None
    if status is not None and status not in STATUS_LABELS:
        abort(400, description="That status is not one of On track, Behind, New, Overdue or Ended.")
    measure = request.args.get("measure", "").strip() or None
    if measure is not None and measure not in figures.MEASURES:
        abort(400, description="That is not a figure the pairings list can show.")
    req = exports.request_for(
        current_app.config, year, program_ids, current_user.email, exports.now(), dt.date.today()
    )
    return req, status, measure


def _year_list():
    """The pairings behind a dashboard figure: ?year= with ?program=, ?status= (a flag) or ?measure=."""
    req, status, measure = _year_args()
    found = figures.pairings_behind(req, status, measure)
    return render_template(
        "pairings/year.html",
        found=found,
        ay=req.ay,
        as_of=req.as_of,
        status=status,
        status_label=STATUS_LABELS.get(status or ""),
        measure=figures.MEASURES.get(measure or ""),
        measure_key=measure,
        program=request.args.get("program", ""),
    )


@bp.route("/export.xlsx")
@roles_required("staff")
def export():
    if not request.args.get("year"):
        abort(400, description="Choose an academic year to download its pairings.")
    req, status, measure = _year_args()
    content = figures.export_pairings(current_user, req, status, measure)
    db.session.commit()
    name = f"pairings-{req.year}{'-' + status if status else ''}{'-' + measure if measure else ''}.xlsx"
    return send_file(io.BytesIO(content), mimetype=exports.XLSX, as_attachment=True, download_name=name)


@bp.route("/")
@roles_required("staff")
def index():
    if request.args.get("year"):
        return _year_list()
    form = PairingFilterForm(request.args)
    form.program.choices = program_choices(scope_of(current_user), "Any program")
    check_query(form)
    person = None
    if form.person.data:
        person = db.session.get(Person, form.person.data)
        if person is None or not staff_can_see_person(current_user, person.id):
            abort(404, description="There is no such person among the people you can see.")
    status = form.status.data if person is None else (request.args.get("status") or "all")
    page = svc.listing(
        scope_of(current_user),
        today=dt.date.today(),
        page=form.page.data or 1,
        per_page=current_app.config["PER_PAGE"],
        person=person,
        text=form.q.data or "",
        program_id=form.program.data,
        kind=form.kind.data,
        status=status,
    )
    return render_template("pairings/index.html", form=form, page=page, person=person, status=status)


def story_context(pairings: list[Pairing], latest: int | None = None) -> dict[int, stories.Story]:
    """The stories of `pairings` for the current user, this academic year as of today, each timeline
    listing the `latest` meetings (None: all)."""
    config = current_app.config
    today = dt.date.today()
    start_month = config["ACADEMIC_YEAR_START_MONTH"]
    return stories.stories(
        pairings,
        ay=academic_year(year_of(today, start_month), start_month),
        as_of=today,
        settings=MetricSettings.from_config(config),
        viewer_person_id=current_user.person_id,
        viewer_is_staff=current_user.is_staff,
        latest=latest,
    )


@bp.route("/<int:pairing_id>")
@login_required
def show(pairing_id: int):
    # The pair's two people see their own pairing; staff see the pairings of their programs.
    pairing = db.session.get(Pairing, pairing_id, options=PAGE_LOADS)
    if pairing is None:
        abort(404)
    # A staff viewer's scope as in pairing_in_scope, checked on the mentee already loaded.
    in_scope = current_user.is_staff and scope_of(current_user).covers_program(pairing.mentee.program_id)
    if role_in(pairing, current_user.person_id) is None and not in_scope:
        abort(404)
    return _show_page(pairing, EndForm())


def _show_page(pairing: Pairing, end_form: EndForm, status: int = 200):
    role = role_in(pairing, current_user.person_id)
    is_staff_view = current_user.is_staff and scope_of(current_user).covers_program(pairing.mentee.program_id)
    live_links = log_links.live_count(pairing.id, now=utcnow()) if is_staff_view else 0
    today = dt.date.today()
    plan_due = False
    if role is not None and pairing.open_on(today):
        config = current_app.config
        year = year_of(today, config["ACADEMIC_YEAR_START_MONTH"])
        windows = parse_review_months(config["PLAN_REVIEW_MONTHS"])
        plan_due = pairing.mentee_id in due_mentees([pairing.mentee_id], year, today, windows)
    tz = current_app.config["TIMEZONE"]
    return render_template(
        "pairings/show.html",
        upcoming=planning.upcoming([pairing.id], now=utcnow())[pairing.id],
        awaiting=planning.awaiting_outcome([pairing.id], today=planning.local_day(utcnow(), tz), tz=tz),
        can_plan=pairing.end_date is None or pairing.end_date > dt.date.today(),
        pairing=pairing,
        story=story_context([pairing])[pairing.id],
        role=role,
        is_staff_view=is_staff_view,
        plan_due=plan_due,
        end_form=end_form,
        live_links=live_links,
        revoke_form=RevokeLinksForm(),
        introduced=introductions.sent_for(pairing.id) if is_staff_view else None,
        introduce_form=ResendIntroductionForm(),
    ), status


@bp.route("/<int:pairing_id>/end", methods=["POST"])
@roles_required("staff")
def end(pairing_id: int):
    pairing = pairing_in_scope(pairing_id)
    form = EndForm()
    if form.validate_on_submit():
        try:
            svc.end_pairing(
                pairing,
                form.end_date.data,
                form.reason.data,
                form.rating_value(),
                form.comment.data,
                actor=current_user,
            )
        except ServiceError as exc:
            db.session.rollback()
            form.end_date.errors.append(str(exc))
        else:
            db.session.commit()
            flash("The pairing is ended. It stays in the history.", "success")
            return redirect(url_for("pairings.show", pairing_id=pairing.id))
    return _show_page(pairing, form, 400)


@bp.route("/<int:pairing_id>/introduction", methods=["POST"])
@roles_required("staff")
def resend_introduction(pairing_id: int):
    pairing = pairing_in_scope(pairing_id)
    if ResendIntroductionForm().validate_on_submit():
        try:
            event = introductions.resend(pairing, current_user)
        except ServiceError as exc:
            flash(str(exc), "warning")
        else:
            db.session.commit()
            introductions.introduce_soon([pairing.id], event)
            flash(
                f"The introduction is on its way to {pairing.mentor.person.full_name} "
                f"and {pairing.mentee.person.full_name}.",
                "success",
            )
    return redirect(url_for("pairings.show", pairing_id=pairing.id))


@bp.route("/<int:pairing_id>/links/revoke", methods=["POST"])
@roles_required("staff")
def revoke_links(pairing_id: int):
    pairing = pairing_in_scope(pairing_id)
    if RevokeLinksForm().validate_on_submit():
        count = log_links.withdraw(pairing, actor=current_user)
        db.session.commit()
        if count:
            flash(f"{count} emailed link(s) withdrawn: they no longer log meetings.", "success")
        else:
            flash("No link to withdraw.", "info")
    return redirect(url_for("pairings.show", pairing_id=pairing.id))


def _candidates(mentee: MenteeProfile, filters: CandidateFilterForm) -> tuple[list[dict], int]:
    """Mentors allowed for this mentee (capacity aside), best first, filtered; and how many matched."""
    scope = scope_of(current_user)
    kind = filters.kind.data if filters.kind.data in vocab.PAIRING_KINDS else "career"
    table, profiles = candidates.manual_candidates(
        mentee,
        kind,
        scope.program_ids,
        dt.date.today(),
        current_app.config["URIM_CATEGORIES"],
        scoring.Weights.from_config(current_app.config),
        show_concordance=current_user.can_view_demographics,
        near_peer_any_program=current_app.config["NEAR_PEER_ANY_PROGRAM"],
    )
    department = vocab.slug(filters.department.data or "")
    specialty = vocab.slug(filters.specialty.data or "")
    interest = " ".join((filters.interest.data or "").split()).lower()
    rows = []
    for j, score, reason in scoring.ranked_mentors(table, 0):
        mentor = table.problem.mentors[j]
        if department and department not in vocab.slug(mentor.department or ""):
            continue
        if specialty and specialty not in vocab.slug(mentor.specialty or ""):
            continue
        if interest and not any(interest in x for x in mentor.interests):
            continue
        rows.append({"mentor": mentor, "profile": profiles[mentor.id], "score": score, "reason": reason})
    return rows[:MAX_CANDIDATES], len(rows)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("staff")
def new():
    filters = CandidateFilterForm(request.args)
    check_query(filters)
    mentee = mentee_in_scope(filters.mentee.data)
    previous = None
    if filters.rematch.data:
        previous = pairing_in_scope(filters.rematch.data)
        if previous.mentee_id != mentee.id or previous.end_date is not None:
            abort(404)
        filters.kind.data = previous.kind
    form = PairForm()
    if request.method == "GET":
        form.kind.data = filters.kind.data
    if form.validate_on_submit():
        mentor = db.session.get(MentorProfile, form.mentor_id.data)
        kind = previous.kind if previous else form.kind.data
        if mentor is None or not candidates.in_pool(mentor, scope_of(current_user).program_ids):
            form.mentor_id.errors.append("Choose one of the mentors listed.")
        elif kind not in vocab.PAIRING_KINDS:
            form.mentor_id.errors.append("Unknown pairing kind.")
        elif not candidates.near_peer_allowed(mentor, mentee, current_app.config["NEAR_PEER_ANY_PROGRAM"]):
            form.mentor_id.errors.append("A near-peer mentor mentors only residents of their own program.")
        else:
            try:
                if previous is not None:
                    pairing = svc.rematch(
                        previous, mentor, form.start_date.data, current_user, form.override_capacity.data
                    )
                else:
                    pairing = svc.create_pairing(
                        mentor, mentee, kind, form.start_date.data, current_user, form.override_capacity.data
                    )
            except ServiceError as exc:
                db.session.rollback()
                form.mentor_id.errors.append(str(exc))
            else:
                db.session.commit()
                introductions.introduce_soon([pairing.id])
                flash(
                    f"{mentee.person.full_name} is paired with {mentor.person.full_name} "
                    f"({vocab.label(vocab.PAIRING_KINDS, kind).lower()}).",
                    "success",
                )
                return redirect(url_for("pairings.show", pairing_id=pairing.id))
    listed, total = _candidates(mentee, filters)
    return render_template(
        "pairings/new.html",
        mentee=mentee,
        filters=filters,
        form=form,
        candidates=listed,
        total=total,
        previous=previous,
        may_override=svc.may_override_capacity(current_user),
        max_candidates=MAX_CANDIDATES,
    ), (400 if form.errors else 200)
