"""Signing in and out, invitations and password resets."""

from __future__ import annotations

from flask import current_app
from flask_login import LoginManager

from mentorship.models import User
from mentorship.services import accounts


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
