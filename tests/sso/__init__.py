"""Institution sign-in tests; what the OpenID Connect and SAML tests both look at."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from werkzeug.serving import make_server

from mentorship.extensions import db
from mentorship.models import AuditEvent
from tests.conftest import Browser, csrf_from
from tests.factories import PASSWORD


@contextmanager
def serving(wsgi_app, port: int) -> Iterator[None]:
    """`wsgi_app` (a test provider) served on 127.0.0.1:`port`, in a thread, for the `with` block."""
    server = make_server("127.0.0.1", port, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        thread.join(timeout=10)


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


def passwords_are_off(app, client, f, monkeypatch) -> str:
    """Turn SSO_ONLY on and check it: a mentor's right password is refused, an admin's accepted. Returns
    the refusal page (which names the institution's buttons)."""
    admin = f.user(f.person("admin@example.org", "Ad", "Min"), is_admin=True)
    db.session.commit()
    monkeypatch.setitem(app.config, "SSO_ONLY", True)
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    refused = client.post(
        "/auth/login", data={"email": "mentor@example.org", "password": PASSWORD, "csrf_token": token}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Passwords are turned off" in page
    assert signed_in_as(client) is None
    Browser(app.test_client()).login(admin)  # admins keep their password
    return page
