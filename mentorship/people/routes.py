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
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.interfaces import ORMOption

from mentorship.access import can_see_person, roles_required, scope_of, staff_can_see_person
from mentorship.errors import error_page
from mentorship.extensions import db
from mentorship.forms import check_query, program_choices
from mentorship.models import MenteeProfile, MentorProfile, Person, Program, SelfIdentification
from mentorship.pairings.routes import story_context
from mentorship.people.forms import BulkInviteForm, EraseForm, FilterForm, LeaveForm, MenteeForm, MentorForm
from mentorship.services import ServiceError, account_notices, accounts, invitations, privacy
from mentorship.services import people as people_service
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.events import introductions
from mentorship.services.mail import send
from mentorship.services.mail.jobs import send_soon
from mentorship.services.meetings import utcnow
from mentorship.services.metrics import network
from mentorship.services.pairings import history, involving, open_counts

bp = Blueprint("people", __name__, url_prefix="/people")


def _people_list(role: str):
    form = FilterForm(request.args)
    form.program.choices = program_choices(scope_of(current_user), "Any program")
    check_query(form)
    query = people_service.listing(
        role,
        scope_of(current_user),
        today=dt.date.today(),
        text=form.q.data or "",
        program_id=form.program.data,
        pgy=form.pgy.data,
        status=form.status.data or "enrolled",
        both_roles=form.role.data == "both",
    )
    page = db.paginate(
        query, page=form.page.data or 1, per_page=current_app.config["PER_PAGE"], error_out=False
    )
    active = open_counts(role, [p.id for p in page.items], dt.date.today())
    scope = scope_of(current_user)
    program = db.session.get(Program, form.program.data) if form.program.data else None
    invite_form = BulkInviteForm(formdata=None, program=program.id if program else 0, back=role)
    invite_form.program.choices = program_choices(scope, "Any program")
    return render_template(
        "people/list.html",
        role=role,
        form=form,
        page=page,
        active=active,
        invite_form=invite_form,
        invite_program=program,
        uninvited=len(invitations.to_invite(scope, now=utcnow(), program=program)),
    )


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
            actor=current_user,
            **fields,
        )
    except ServiceError as exc:
        form.email.errors.append(str(exc))
        return None
    db.session.commit()
    flash(f"{profile.person.full_name} is enrolled as a {role}.", "success")
    return redirect(url_for("people.show", person_id=profile.person_id))


@bp.route("/mentors/new", methods=["GET", "POST"])
@roles_required("staff")
def new_mentor():
    form = MentorForm()
    scope = scope_of(current_user)
    # A coordinator sees only mentors of their programs, so "no program" is not theirs to choose: with one
    # program it is filled in, with several they pick one.
    choices = program_choices(scope, "None" if scope.everything else None)
    if not scope.everything and len(choices) != 1:
        choices = [(0, "Choose one of your programs"), *choices]
    form.program_id.choices = choices
    if request.method == "GET" and not scope.everything and len(choices) == 1:
        form.program_id.data = choices[0][0]
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


# What the person page reads of the person, in the statement that loads the person rather than up to nine:
# the profiles, programs, account and self-identification, and the few interests and races joined in.
PAGE_LOADS = (
    joinedload(Person.mentor).joinedload(MentorProfile.program),
    joinedload(Person.mentor).joinedload(MentorProfile.interest_rows),
    joinedload(Person.mentee).joinedload(MenteeProfile.program),
    joinedload(Person.mentee).joinedload(MenteeProfile.interest_rows),
    joinedload(Person.self_identification).joinedload(SelfIdentification.races),
    joinedload(Person.user),
)


def _person_or_404(person_id: int, staff_only: bool = False, options: tuple[ORMOption, ...] = ()) -> Person:
    person = db.get_or_404(Person, person_id, options=options)
    allowed = staff_can_see_person if staff_only else can_see_person
    if not allowed(current_user, person.id):
        abort(403)
    return person


# The newest meetings of each pairing the person page lists; the pairing's page lists them all. A mentor of
# many years would otherwise make a page of hundreds of meetings, slow to draw and to read.
TIMELINE_LATEST = 10


@bp.route("/<int:person_id>")
@login_required
def show(person_id: int):
    person = _person_or_404(person_id, options=PAGE_LOADS)
    # Staff see the pairings in their scope; a mentor or mentee only those they share with this person.
    visible = scope_of(current_user).pairings() if current_user.is_staff else involving(current_user.person)
    pairings = history(person, visible)
    stories = story_context(pairings, latest=TIMELINE_LATEST)
    show_demographics = people_service.shows_self_identification(person, current_user)
    is_staff_view = staff_can_see_person(current_user, person.id)
    page = render_template(
        "people/show.html",
        network=_network(person, is_staff_view),
        person=person,
        pairings=pairings,
        stories=stories,
        show_demographics=show_demographics,
        is_staff_view=is_staff_view,
        leave_form=LeaveForm(),
        erase_form=EraseForm(),
        invitations=invitations.with_status(person, utcnow()) if is_staff_view else [],
        urim=people_service.effective_urim(person.self_identification, current_app.config["URIM_CATEGORIES"]),
    )
    if show_demographics:
        # The view of the self-identification is audited once the page is made: a commit before it would
        # expire every pairing loaded for the page and reload each one as the template reads it.
        db.session.commit()
    return page


def _network(person: Person, is_staff_view: bool) -> dict | None:
    """A mentee's network figures of this academic year, with the lists behind them (docs/metrics.md)."""
    if person.mentee is None:
        return None
    today = dt.date.today()
    ay = academic_year(year_of(today, current_app.config["ACADEMIC_YEAR_START_MONTH"]))
    figures = network.network_figures(ay, today, [person.mentee.program_id])
    mentee_intros = introductions.listed(mentee=person.mentee)
    return {
        "ay": ay,
        "figures": figures.get(person.mentee.id, network.NetworkFigures()),
        "events": network.attended_events(person.id, ay, today),
        "introductions": [i for i in mentee_intros if ay.start <= i.created_at.date() <= today],
        "may_introduce": is_staff_view
        or introductions.may_introduce(
            current_user.person, scope_of(current_user), False, person.mentee, today
        ),
    }


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
            actor=current_user,
            keep_session=current_user.current_session,  # kept only if the editor changed their own email
        )
    except accounts.LoginManagedByOffice as exc:
        form.email.data = person.email  # a forged change: show the email that stays
        form.email.errors.append(str(exc))
        return 403, None
    except ServiceError as exc:
        form.email.errors.append(str(exc))
        return 200, None
    return None, change


def _after_email_change(change: accounts.EmailChange | None) -> None:
    """Once committed: tell the old address."""
    if change is None:
        return
    notice = account_notices.email_changed(change, current_user, current_app.config["OFFICE_CONTACT"])
    send([notice])


def _fill_identity(form, person: Person) -> None:
    form.email.data, form.first_name.data, form.last_name.data = (
        person.email,
        person.first_name,
        person.last_name,
    )


@bp.route("/<int:person_id>/<any(mentor, mentee):role>/edit", methods=["GET", "POST"])
@roles_required("staff")
def edit(person_id: int, role: str):
    person = _person_or_404(person_id, staff_only=True)
    profile = getattr(person, role) or abort(404)
    form_class, fields_of = (MentorForm, _mentor_fields) if role == "mentor" else (MenteeForm, _mentee_fields)
    form = form_class(obj=profile) if request.method == "GET" else form_class()
    if request.method == "GET":
        _fill_identity(form, person)
        form.interests.data = "; ".join(profile.interests)
        form.program_id.data = profile.program_id or 0
    # A mentor may have no home program ("None"); a mentee always has one.
    form.program_id.choices = program_choices(scope_of(current_user), "None" if role == "mentor" else None)
    if profile.program_id and profile.program_id not in {c[0] for c in form.program_id.choices}:
        form.program_id.choices.append((profile.program_id, profile.program.name))
    status = 200
    if form.validate_on_submit():
        status, change = _save_identity(person, form)
        if status is None:
            fields = fields_of(form)
            interests = fields.pop("interests")
            fields["enrolled_on"] = fields["enrolled_on"] or profile.enrolled_on
            people_service.update_profile(profile, fields, interests, actor=current_user, email=person.email)
            db.session.commit()
            _after_email_change(change)
            flash("Saved.", "success")
            return redirect(url_for("people.show", person_id=person.id))
    _lock_email_unless_managed(form, person)
    title = f"Edit {role} {person.full_name}"
    return render_template("people/form.html", form=form, title=title), status


@bp.route("/<int:person_id>/<any(mentor, mentee):role>/leave", methods=["POST"])
@roles_required("staff")
def leave(person_id: int, role: str):
    person = _person_or_404(person_id, staff_only=True)
    profile = getattr(person, role) or abort(404)
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            people_service.mark_left(profile, form.left_on.data, actor=current_user)
        except ServiceError as exc:
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(
                f"{person.full_name} is marked as having left on {form.left_on.data.isoformat()}.", "success"
            )
    else:
        flash("; ".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("people.show", person_id=person.id))


@bp.route("/invite", methods=["POST"])
@roles_required("staff")
def invite_all():
    """Invite everyone enrolled in the user's scope (or the program chosen) who cannot sign in yet."""
    form = BulkInviteForm()
    form.program.choices = program_choices(scope_of(current_user), "Any program")
    back = url_for("people.mentors" if form.back.data == "mentor" else "people.mentees")
    if not form.validate_on_submit():
        flash("; ".join(e for errors in form.errors.values() for e in errors) or "Try again.", "danger")
        return redirect(back)
    now, scope = utcnow(), scope_of(current_user)
    program = db.session.get(Program, form.program.data) if form.program.data else None
    people = invitations.to_invite(scope, now=now, program=program)
    ids = invitations.invite_all(
        people,
        scope=scope,
        actor=current_user,
        now=now,
        settings=invitations.InviteSettings.from_config(current_app.config),
        program=program.name if program else None,
        via="web",
    )
    db.session.commit()
    send_soon(ids)
    if people:
        flash(f"{len(people)} invitation(s) are on their way.", "success")
    else:
        flash("Everyone enrolled here can already sign in or has an invitation that still works.", "info")
    return redirect(back)


@bp.route("/<int:person_id>/invite", methods=["POST"])
@roles_required("staff")
def invite(person_id: int):
    person = _person_or_404(person_id, staff_only=True)
    try:
        outbox_id = invitations.invite(
            person,
            scope=scope_of(current_user),
            actor=current_user,
            now=utcnow(),
            settings=invitations.InviteSettings.from_config(current_app.config),
        )
    except accounts.LoginManagedByOffice as exc:
        return error_page(403, str(exc))
    db.session.commit()
    send_soon([outbox_id] if outbox_id else [])
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
        data = privacy.export_person(person, include_notes=False, actor=current_user, by="admin")
    except ServiceError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("people.show", person_id=person.id))
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
