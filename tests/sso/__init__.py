"""Institution sign-in tests; what the OpenID Connect and SAML tests both look at."""

from __future__ import annotations

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent


def signed_in_as(client) -> str | None:
    """The page only a signed-in person gets (None when `client` is not signed in)."""
    page = client.get("/auth/password")
    return None if page.status_code != 200 else page.get_data(as_text=True)


def refusals() -> list[AuditEvent]:
    """The audited refusals of institution sign-in, oldest first."""
    return list(
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "auth.sso_refused").order_by(AuditEvent.id)
        ).scalars()
    )
