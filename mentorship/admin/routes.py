"""Accounts and their grants, and the audit log (admins only)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mentorship.access import Scope, roles_required, scope_of
from mentorship.admin.forms import AuditFilterForm, GrantsForm, NewAccountForm
from mentorship.extensions import db
from mentorship.forms import QueryForm, check_query, program_choices, show_error
from mentorship.models import User
from mentorship.services import ServiceError, audit, grants, invitations
from mentorship.services.mail.jobs import send_soon
from mentorship.services.meetings import utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles_required("admin")
def users():
    form = QueryForm(request.args)
    check_query(form)
    page = db.paginate(
        grants.staff_accounts(),
        page=form.page.data or 1,
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template("admin/users.html", page=page)


def _grants_of(form: GrantsForm) -> grants.Grants:
    return grants.Grants(
        admin=form.is_admin.data,
        coordinator=form.is_coordinator.data,
        program_ids=frozenset(form.programs.data or ()),
        view_demographics=form.view_demographics.data,
        override_capacity=form.can_override_capacity.data,
        view_plans=form.view_plans.data,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"], endpoint="grants")
@roles_required("admin")
def grants_page(user_id: int):
    user = db.get_or_404(User, user_id)
    form = GrantsForm(obj=user) if request.method == "GET" else GrantsForm()
    form.programs.choices = program_choices(Scope(None))
    if request.method == "GET":
        form.programs.data = [p.id for p in user.programs]
    if form.validate_on_submit():
        try:
            grants.change_grants(user, _grants_of(form), actor=current_user)
        except ServiceError as exc:
            db.session.rollback()
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
        try:
            user = grants.create_staff_account(
                form.email.data,
                form.first_name.data,
                form.last_name.data,
                _grants_of(form),
                actor=current_user,
            )
        except ServiceError as exc:
            db.session.rollback()
            show_error(form, exc, default="email")
        else:
            now, person = utcnow(), user.person
            if user.password_hash is not None or invitations.has_valid(person, now):
                # They can sign in already, or their first invitation still works: never a second one.
                db.session.commit()
                flash(
                    f"Account created; {user.email} can sign in or has a working invitation: none sent.",
                    "success",
                )
                return redirect(url_for("admin.users"))
            outbox_id = invitations.invite(
                person,
                scope=scope_of(current_user),
                actor=current_user,
                now=now,
                settings=invitations.InviteSettings.from_config(current_app.config),
            )
            db.session.commit()
            send_soon([outbox_id] if outbox_id else [])
            flash(f"Account created; an invitation was sent to {user.email}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("people/form.html", form=form, title="Add a staff account")


@bp.route("/audit", endpoint="audit")
@roles_required("admin")
def audit_log():
    form = AuditFilterForm(request.args)
    check_query(form)
    query = audit.events(form.action.data, form.actor.data)
    page = db.paginate(query, page=form.page.data or 1, per_page=50, error_out=False)
    return render_template("admin/audit.html", page=page, form=form, audit_rows=audit.detail_rows)
