"""Signing in and out, invitations and password resets."""

from __future__ import annotations

from flask_login import LoginManager
from sqlalchemy.orm import joinedload, selectinload

from mentorship.extensions import db
from mentorship.models import Person, User

# Every page asks for the user's roles (menu, access checks): load the profiles they come from with the user.
USER_WITH_ROLES = (
    joinedload(User.person).joinedload(Person.mentor),
    joinedload(User.person).joinedload(Person.mentee),
    selectinload(User.programs),
)


def init_login(login_manager: LoginManager) -> None:
    """Load users from the session; a session from before a password change is refused."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id), options=USER_WITH_ROLES)
        if user is None or user.session_version != int(version):
            return None
        return user
