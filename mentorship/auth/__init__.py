"""Signing in and out, invitations and password resets."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import LoginManager, login_user

from mentorship.extensions import db
from mentorship.models import User
from mentorship.services import accounts


def start_session(user: User) -> None:
    """Sign `user` in on this browser, by password or by the institution: a fresh cookie session (nothing
    kept from before sign-in: a fixed session, a stale upload), a server-side session row, committed."""
    session.clear()
    accounts.sign_in(
        user,
        user_agent=request.user_agent.string,
        address=request.remote_addr,
        idle_days=current_app.config["SESSION_IDLE_DAYS"],
    )
    login_user(user)
    db.session.commit()


def init_login(login_manager: LoginManager) -> None:
    """Load users from their server-side session: an ended, unknown or idle session signs nobody in."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # The same id arrives from the session cookie and from a remember-me cookie: both die with the row.
        if not isinstance(session_id, str) or not 20 <= len(session_id) <= 64:
            return None
        return accounts.load_session(session_id, idle_days=current_app.config["SESSION_IDLE_DAYS"])
