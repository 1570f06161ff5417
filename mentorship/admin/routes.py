"""Accounts and their grants, and the audit log (admins only)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from mentorship.access import Scope, roles_required
from mentorship.admin.forms import AuditFilterForm, GrantsForm, NewAccountForm
from mentorship.auth.routes import email_password_link
from mentorship.extensions import db
from mentorship.forms import QueryForm, check_query, program_choices
from mentorship.models import AuditEvent, Person, Program, User
from mentorship.services import ServiceError, audit
from mentorship.services.accounts import ensure_user
from mentorship.services.people import create_person, find_person

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles_required("admin")
def users():
    query = (
        select(User)
        .join(Person)
        .where(
            or_(User.is_admin, User.is_coordinator, User.view_demographics, User.password_hash.is_not(None))
        )
        .options(selectinload(User.person), selectinload(User.programs))
        .order_by(Person.last_name, Person.first_name)
    )
    form = QueryForm(request.args)
    check_query(form)
    page = db.paginate(
        query, page=form.page.data or 1, per_page=current_app.config["PER_PAGE"], error_out=False
    )
    return render_template("admin/users.html", page=page)


def _apply_grants(user: User, form: GrantsForm) -> None:
    if user.id == current_user.id and not form.is_admin.data:
        raise ServiceError("You cannot remove your own admin grant.")
    before = _grants_of(user)
    user.is_admin = form.is_admin.data
    user.is_coordinator = form.is_coordinator.data
    chosen = set(form.programs.data or [])
    user.programs = [p for p in db.session.execute(select(Program)).scalars() if p.id in chosen]
    user.view_demographics = form.view_demographics.data
    user.can_override_capacity = form.can_override_capacity.data
    audit.record(current_user, "grants.change", user, email=user.email, before=before, after=_grants_of(user))


def _grants_of(user: User) -> dict:
    return {
        "admin": bool(user.is_admin),
        "coordinator": bool(user.is_coordinator),
        "programs": sorted(p.name for p in user.programs),
        "view_demographics": bool(user.view_demographics),
        "override_capacity": bool(user.can_override_capacity),
    }


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def grants(user_id: int):
    user = db.get_or_404(User, user_id)
    form = GrantsForm(obj=user) if request.method == "GET" else GrantsForm()
    form.programs.choices = program_choices(Scope(None))
    if request.method == "GET":
        form.programs.data = [p.id for p in user.programs]
    if form.validate_on_submit():
        try:
            _apply_grants(user, form)
        except ServiceError as exc:
            form.is_admin.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Grants of {user.email} saved.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/grants.html", form=form, user=user)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = NewAccountForm()
    form.programs.choices = program_choices(Scope(None))
    if form.validate_on_submit():
        person = find_person(form.email.data)
        if person is None and not (form.first_name.data and form.last_name.data):
            form.first_name.errors.append("This email is new: enter the person's first and last name.")
        elif person is not None and person.user is not None and person.user.is_staff:
            form.email.errors.append(
                f"{person.full_name} already has a staff account; edit its grants instead."
            )
        else:
            person = person or create_person(form.email.data, form.first_name.data, form.last_name.data)
            user = ensure_user(person)
            db.session.flush()
            _apply_grants(user, form)
            db.session.flush()
            email_password_link(user, "invite")
            db.session.commit()
            flash(f"Account created; an invitation was sent to {person.email}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("people/form.html", form=form, title="Add a staff account")


@bp.route("/audit", endpoint="audit")
@roles_required("admin")
def audit_log():
    form = AuditFilterForm(request.args)
    check_query(form)
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if form.action.data:
        query = query.where(AuditEvent.action.startswith(form.action.data.strip()))
    if form.actor.data:
        query = query.where(func.lower(AuditEvent.actor_email) == form.actor.data.strip().lower())
    page = db.paginate(query, page=form.page.data or 1, per_page=50, error_out=False)
    return render_template("admin/audit.html", page=page, form=form)
