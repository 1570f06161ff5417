"""Browsing, enrolling and editing mentors and mentees."""

from __future__ import annotations

import datetime as dt
import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from mentorship.access import can_see_person, roles_required, scope_of, staff_can_see_person
from mentorship.auth.routes import email_password_link
from mentorship.errors import error_page
from mentorship.extensions import db
from mentorship.forms import check_query, program_choices
from mentorship.models import MenteeProfile, MentorProfile, Pairing, Person
from mentorship.people.forms import EraseForm, FilterForm, LeaveForm, MenteeForm, MentorForm
from mentorship.services import ServiceError, account_notices, accounts, audit, privacy
from mentorship.services import people as people_service
from mentorship.services.mail import send_mail
from mentorship.services.pairings import history, involving

bp = Blueprint("people", __name__, url_prefix="/people")


def active_pairing_counts(role: str, profile_ids: list[int]) -> dict[int, int]:
    """Pairings active today per mentor or mentee profile id, in one query."""
    today = dt.date.today()
    column = Pairing.mentee_id if role == "mentee" else Pairing.mentor_id
    rows = db.session.execute(
        select(column, func.count(Pairing.id))
        .where(column.in_(profile_ids), Pairing.open_on(today))
        .group_by(column)
    )
    return dict(rows.all())


def _people_list(role: str):
    form = FilterForm(request.args)
    form.program.choices = program_choices(scope_of(current_user), "Any program")
    check_query(form)
    scope = scope_of(current_user)
    profile = MenteeProfile if role == "mentee" else MentorProfile
    query = select(profile).join(Person, profile.person_id == Person.id)
    query = query.where(scope.mentees() if role == "mentee" else scope.mentors())
    q = (form.q.data or "").strip().lower()
    if q:
        like = f"%{q}%"
        query = query.where(
            or_(
                func.lower(Person.email).like(like),
                func.lower(Person.first_name + " " + Person.last_name).like(like),
            )
        )
    if form.program.data:
        query = query.where(profile.program_id == form.program.data)
    if form.pgy.data:
        query = query.where(profile.pgy == form.pgy.data)
    status = form.status.data or "enrolled"
    if status == "enrolled":
        query = query.where(profile.not_left_on(dt.date.today()))
    elif status == "left":
        query = query.where(profile.left_on < dt.date.today())
    if form.role.data == "both":
        other = MentorProfile if role == "mentee" else MenteeProfile
        query = query.where(select(other.id).where(other.person_id == Person.id).exists())
    query = query.options(selectinload(profile.person), selectinload(profile.program))
    query = query.order_by(Person.last_name, Person.first_name, Person.id)
    page = db.paginate(
        query, page=form.page.data or 1, per_page=current_app.config["PER_PAGE"], error_out=False
    )
    active = active_pairing_counts(role, [p.id for p in page.items])
    return render_template("people/list.html", role=role, form=form, page=page, active=active)


@bp.route("/mentees")
@roles_required("staff")
def mentees():
    return _people_list("mentee")


@bp.route("/mentors")
@roles_required("staff")
def mentors():
    return _people_list("mentor")


def _enrol(role: str, form, fields: dict):
    """Enrol from an add form; the redirect on success, None (errors on the form) otherwise."""
    try:
        profile = people_service.enroll_by_email(
            role,
            form.email.data,
            form.first_name.data,
            form.last_name.data,
            scope=scope_of(current_user),
            **fields,
        )
    except ServiceError as exc:
        form.email.errors.append(str(exc))
        return None
    db.session.flush()
    audit.record(current_user, f"{role}.create", profile, email=profile.person.email)
    db.session.commit()
    flash(f"{profile.person.full_name} is enrolled as a {role}.", "success")
    return redirect(url_for("people.show", person_id=profile.person_id))


@bp.route("/mentors/new", methods=["GET", "POST"])
@roles_required("staff")
def new_mentor():
    form = MentorForm()
    form.program_id.choices = program_choices(scope_of(current_user), "None")
    if form.validate_on_submit():
        if not scope_of(current_user).everything and not form.program_id.data:
            form.program_id.errors.append("Choose one of your programs so you can see this mentor.")
        elif done := _enrol("mentor", form, _mentor_fields(form)):
            return done
    return render_template("people/form.html", form=form, title="Add a mentor")


@bp.route("/mentees/new", methods=["GET", "POST"])
@roles_required("staff")
def new_mentee():
    form = MenteeForm()
    form.program_id.choices = program_choices(scope_of(current_user))
    if form.validate_on_submit() and (done := _enrol("mentee", form, _mentee_fields(form))):
        return done
    return render_template("people/form.html", form=form, title="Add a mentee")


def _mentor_fields(form: MentorForm) -> dict:
    near_peer = form.mentor_type.data == "near_peer"
    return {
        "mentor_type": form.mentor_type.data,
        "department": form.department.data or None,
        "specialty": form.specialty.data or None,
        "rank": form.rank.data or None,
        "program_id": form.program_id.data or None,
        "pgy": form.pgy.data if near_peer else None,
        "capacity": form.capacity.data,
        "interests": people_service.parse_interests(form.interests.data),
        "enrolled_on": form.enrolled_on.data,
    }


def _mentee_fields(form: MenteeForm) -> dict:
    return {
        "program_id": form.program_id.data,
        "pgy": form.pgy.data,
        "interests": people_service.parse_interests(form.interests.data),
        "enrolled_on": form.enrolled_on.data,
    }


def _person_or_404(person_id: int, staff_only: bool = False) -> Person:
    person = db.get_or_404(Person, person_id)
    allowed = staff_can_see_person if staff_only else can_see_person
    if not allowed(current_user, person.id):
        abort(403)
    return person


@bp.route("/<int:person_id>")
@login_required
def show(person_id: int):
    person = _person_or_404(person_id)
    # Staff see the pairings in their scope; a mentor or mentee only those they share with this person.
    visible = scope_of(current_user).pairings() if current_user.is_staff else involving(current_user.person)
    pairings = history(person, visible)
    # An erased person's retained answers serve closed years' aggregates only, never an individual screen.
    show_demographics = (
        current_user.can_view_demographics
        and person.self_identification is not None
        and person.erased_at is None
    )
    if show_demographics:
        audit.record(current_user, "demographics.view", person)
        db.session.commit()
    is_staff_view = staff_can_see_person(current_user, person.id)
    return render_template(
        "people/show.html",
        person=person,
        pairings=pairings,
        show_demographics=show_demographics,
        is_staff_view=is_staff_view,
        leave_form=LeaveForm(),
        erase_form=EraseForm(),
        urim=people_service.effective_urim(person.self_identification, current_app.config["URIM_CATEGORIES"]),
    )


def _lock_email_unless_managed(form, person: Person) -> None:
    """Show the email read-only, with why and whom to ask, when the current user may not change it."""
    if not accounts.may_manage_login(scope_of(current_user), person):
        form.email.render_kw = {**(form.email.render_kw or {}), "readonly": True}
        form.email.description = accounts.LOGIN_MANAGED_BY_OFFICE


def _save_identity(person: Person, form) -> tuple[int | None, accounts.EmailChange | None]:
    """Apply the edit form's name and email: (None, the email change if any), or (status, None) if refused."""
    try:
        change = accounts.update_identity(
            person,
            form.email.data,
            form.first_name.data,
            form.last_name.data,
            scope=scope_of(current_user),
            now=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            keep_session=current_user.current_session,  # kept only if the editor changed their own email
        )
    except accounts.LoginManagedByOffice as exc:
        form.email.data = person.email  # a forged change: show the email that stays
        form.email.errors.append(str(exc))
        return 403, None
    except ServiceError as exc:
        form.email.errors.append(str(exc))
        return 200, None
    if change is not None:
        audit.record(current_user, "person.email_change", person, old=change.old, new=change.new)
    return None, change


def _after_email_change(change: accounts.EmailChange | None) -> None:
    """Once committed: tell the old address."""
    if change is None:
        return
    notice = account_notices.email_changed(change, current_user, current_app.config["OFFICE_CONTACT"])
    send_mail(notice.to, notice.subject, notice.body)


def _edit_profile(person: Person, profile, form, fields_of, set_interests, title: str):
    """Save an edit form of a mentor or mentee profile, or show it again with its problems."""
    status = 200
    if form.validate_on_submit():
        status, change = _save_identity(person, form)
        if status is None:
            fields = fields_of(form)
            set_interests(profile, fields.pop("interests"))
            fields["enrolled_on"] = fields["enrolled_on"] or profile.enrolled_on
            for name, value in fields.items():
                setattr(profile, name, value)
            role = "mentor" if isinstance(profile, MentorProfile) else "mentee"
            audit.record(current_user, f"{role}.update", profile, email=person.email)
            db.session.commit()
            _after_email_change(change)
            flash("Saved.", "success")
            return redirect(url_for("people.show", person_id=person.id))
    _lock_email_unless_managed(form, person)
    return render_template("people/form.html", form=form, title=title), status


def _fill_identity(form, person: Person) -> None:
    form.email.data, form.first_name.data, form.last_name.data = (
        person.email,
        person.first_name,
        person.last_name,
    )


@bp.route("/<int:person_id>/mentor/edit", methods=["GET", "POST"])
@roles_required("staff")
def edit_mentor(person_id: int):
    person = _person_or_404(person_id, staff_only=True)
    mentor = person.mentor or abort(404)
    form = MentorForm(obj=mentor) if request.method == "GET" else MentorForm()
    if request.method == "GET":
        _fill_identity(form, person)
        form.interests.data = "; ".join(mentor.interests)
        form.program_id.data = mentor.program_id or 0
    form.program_id.choices = program_choices(scope_of(current_user), "None")
    if mentor.program_id and mentor.program_id not in {c[0] for c in form.program_id.choices}:
        form.program_id.choices.append((mentor.program_id, mentor.program.name))
    title = f"Edit mentor {person.full_name}"
    return _edit_profile(person, mentor, form, _mentor_fields, people_service.set_mentor_interests, title)


@bp.route("/<int:person_id>/mentee/edit", methods=["GET", "POST"])
@roles_required("staff")
def edit_mentee(person_id: int):
    person = _person_or_404(person_id, staff_only=True)
    mentee = person.mentee or abort(404)
    form = MenteeForm(obj=mentee) if request.method == "GET" else MenteeForm()
    if request.method == "GET":
        _fill_identity(form, person)
        form.interests.data = "; ".join(mentee.interests)
    form.program_id.choices = program_choices(scope_of(current_user))
    title = f"Edit mentee {person.full_name}"
    return _edit_profile(person, mentee, form, _mentee_fields, people_service.set_mentee_interests, title)


@bp.route("/<int:person_id>/<any(mentor, mentee):role>/leave", methods=["POST"])
@roles_required("staff")
def leave(person_id: int, role: str):
    person = _person_or_404(person_id, staff_only=True)
    profile = getattr(person, role) or abort(404)
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            people_service.mark_left(profile, form.left_on.data)
        except ServiceError as exc:
            flash(str(exc), "danger")
        else:
            audit.record(current_user, f"{role}.leave", profile, left_on=form.left_on.data)
            db.session.commit()
            flash(
                f"{person.full_name} is marked as having left on {form.left_on.data.isoformat()}.", "success"
            )
    else:
        flash("; ".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("people.show", person_id=person.id))


@bp.route("/<int:person_id>/invite", methods=["POST"])
@roles_required("staff")
def invite(person_id: int):
    person = _person_or_404(person_id, staff_only=True)
    if not accounts.may_manage_login(scope_of(current_user), person):
        return error_page(403, accounts.LOGIN_MANAGED_BY_OFFICE)
    user = accounts.ensure_user(person)
    db.session.flush()
    email_password_link(user, "invite")
    audit.record(current_user, "user.invite", user, email=person.email)
    db.session.commit()
    flash(f"An invitation was sent to {person.email}.", "success")
    return redirect(url_for("people.show", person_id=person.id))


def json_download(data: dict, filename: str) -> Response:
    """A JSON attachment that no browser renders as a page."""
    response = Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:person_id>/export.json")
@roles_required("admin")
def export(person_id: int):
    """An admin downloads a person's data for them (meeting notes withheld: they belong to the pair)."""
    person = db.get_or_404(Person, person_id)
    try:
        data = privacy.export_person(person, include_notes=False)
    except ServiceError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("people.show", person_id=person.id))
    audit.record(current_user, "person.export", person, by="admin", notes=False)
    db.session.commit()
    return json_download(data, f"person-{person.id}-data.json")


@bp.route("/<int:person_id>/erase", methods=["POST"])
@roles_required("admin")
def erase(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = EraseForm()
    if not form.validate_on_submit():
        flash("Type the person's email to confirm the erasure.", "danger")
        return redirect(url_for("people.show", person_id=person.id))
    if people_service.normalise_email(form.confirm_email.data) != person.email:
        flash("The email typed does not match this person's email; nothing was erased.", "danger")
        return redirect(url_for("people.show", person_id=person.id))
    try:
        privacy.erase_person(
            person, current_user, start_month=current_app.config["ACADEMIC_YEAR_START_MONTH"]
        )
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(f"The person is erased and now appears as {person.full_name}.", "success")
    return redirect(url_for("people.show", person_id=person.id))
