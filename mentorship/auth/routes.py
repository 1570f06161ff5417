"""Sign in, sign out, forgotten passwords and invitations."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, logout_user

from mentorship.auth import start_session
from mentorship.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm
from mentorship.extensions import db, limiter
from mentorship.forms import show_error
from mentorship.services import ServiceError, accounts, invitations, mail
from mentorship.services.meetings import utcnow
from mentorship.sso import signin

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target: str | None) -> str:
    """Only a path on this site; anything else (another host, a scheme) goes home."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


def _account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _failed(response) -> bool:
    # Only failed attempts count against the limit; a successful login redirects.
    return response.status_code != 302


def _account_address_key() -> str:
    """The account tried and the address it was tried from: one attacker's failures throttle that pair only,
    never the owner signing in from elsewhere. The email is hashed so the limit store holds no addresses."""
    email = request.form.get("email", "").strip().lower()
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    return f"account:{digest}:{get_remote_address()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_address_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.user_by_email(form.email.data)
        right = user is not None and user.check_password(form.password.data)
        if _passwords_off_for(user if right else None):
            # Passwords are off for everyone but admins (their way in when the institution's sign-in fails).
            # Every refusal reads the same, a wrong admin password included, so nobody learns who is an admin.
            current_app.logger.warning("Refused password sign-in (SSO only) from %s", request.remote_addr)
            form.password.errors.append(_passwords_off())
            return render_template("auth/login.html", form=form)
        if right:
            start_session(user)
            return redirect(safe_next(request.args.get("next")))
        current_app.logger.warning("Failed sign-in for %s from %s", form.email.data, request.remote_addr)
        form.password.errors.append("The email or password is not right.")
    return render_template("auth/login.html", form=form)


def _passwords_off() -> str:
    """The refusal of a password under SSO_ONLY, pointing to the institution's sign-in buttons."""
    names = signin.button_names() or [current_app.config["OIDC_NAME"]]
    buttons = " or ".join(f"“Sign in with {name}”" for name in names)
    return f"Passwords are turned off here, but for the office's administrators: use {buttons}."


def _passwords_off_for(user) -> bool:
    """Whether SSO_ONLY refuses a password to `user` (None: anyone not known to hold a right password)."""
    return bool(current_app.config["SSO_ONLY"]) and (user is None or not user.is_admin)


def sign_out_here() -> None:
    """Sign this browser out: Flask-Login's signal first (its receivers may still read the session), then
    every per-user value in the cookie session goes, keeping only the order to delete a remember cookie."""
    logout_user()
    forget_remember_cookie = session.get("_remember") == "clear"
    session.clear()
    if forget_remember_cookie:
        session["_remember"] = "clear"


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.end_session(current_user.current_session)
    sign_out_here()
    db.session.commit()  # after the signal, so that what its receivers drop goes in the same commit
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def email_reset_link(user) -> None:
    """Email a password reset link to `user` (written to the log when mail is off); invitations go through
    the invitations service instead, which records them."""
    token = accounts.make_password_token(user, "reset")
    link = current_app.config["BASE_URL"].rstrip("/") + url_for(
        "auth.set_password", purpose="reset", token=token
    )
    person = user.person
    message = mail.render(
        "password_reset",
        to=user.email,
        to_name=person.full_name,
        subject="Reset your mentorship program password",
        first_name=person.first_name,
        hours=current_app.config["PASSWORD_RESET_HOURS"],
        link=link,
    )
    mail.send([message])


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_address_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = accounts.user_by_email(form.email.data)
        if user is not None and not _passwords_off_for(user):
            email_reset_link(user)
            _tell_previous_address(user)
        # The same answer whether or not the account exists, so emails cannot be probed.
        flash("If that email has an account, a link to reset the password is on its way.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


def _tell_previous_address(user) -> None:
    accounts.tell_previous_address(
        user, now=dt.datetime.now(dt.UTC).replace(tzinfo=None), contact=current_app.config["OFFICE_CONTACT"]
    )
    db.session.commit()


@bp.route("/password/<any(invite, reset):purpose>/<token>", methods=["GET", "POST"])
def set_password(purpose: str, token: str):
    try:
        user = accounts.read_password_token(token, purpose)
    except accounts.TokenError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("auth.forgot_password"))
    if _passwords_off_for(user):  # an invitation or reset sent before SSO_ONLY was turned on
        flash(_passwords_off(), "info")
        return redirect(url_for("auth.login"))
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(user, form.password.data, actor=user, via=purpose)
        except ServiceError as exc:
            form.password.errors.append(str(exc))
        else:
            if purpose == "invite":
                invitations.mark_used(user, utcnow())
            sign_out_here()
            db.session.commit()
            flash("Your password is saved. Sign in with it.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, purpose=purpose, user=user)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user,
                form.current.data,
                form.password.data,
                keep_session=current_user.current_session,
            )
        except ServiceError as exc:
            show_error(form, exc, "password")
        else:
            db.session.commit()
            flash("Your password is changed. Other devices are signed out.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
