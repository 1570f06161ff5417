"""Signing in and out, throttling, password links and session invalidation."""

from __future__ import annotations

import re

from mentorship.extensions import db
from mentorship.models import AuditEvent
from mentorship.services import accounts
from tests.conftest import csrf_from
from tests.factories import PASSWORD


def _login(client, email, password):
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token})


def test_sign_in_and_out(f, client):
    user = f.user(is_admin=True)
    db.session.commit()
    response = _login(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert client.get("/people/mentees").status_code == 200
    token = csrf_from(client.get("/auth/password").get_data(as_text=True))
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/people/mentees").status_code == 302  # back to the login page


def test_wrong_password_is_refused_with_a_message(f, client):
    user = f.user()
    db.session.commit()
    response = _login(client, user.email, "not-the-password")
    assert response.status_code == 200
    assert b"The email or password is not right." in response.data


def test_login_without_csrf_token_is_refused(f, client):
    user = f.user()
    db.session.commit()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"form expired" in response.data


def test_logout_by_get_is_not_allowed(client):
    assert client.get("/auth/logout").status_code == 405


def test_repeated_failures_are_throttled(f, client, app, caplog):
    user = f.user()
    db.session.commit()
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        assert _login(client, user.email, "wrong-password-1").status_code == 200
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
    assert "Failed sign-in" in caplog.text


def test_next_parameter_cannot_redirect_off_site(f, client):
    user = f.user()
    db.session.commit()
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        token = csrf_from(client.get("/auth/login").get_data(as_text=True))
        response = client.post(
            f"/auth/login?next={target}",
            data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/"
        client.post(
            "/auth/logout",
            data={"csrf_token": csrf_from(client.get("/auth/password").get_data(as_text=True))},
        )
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login?next=/people/mentees",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/people/mentees"


def _link_from_log(caplog) -> str:
    match = re.search(r"http://localhost(/auth/password/\S+)", caplog.text)
    assert match, caplog.text
    return match.group(1)


def test_password_reset_by_emailed_link(f, client, caplog):
    user = f.user()
    db.session.commit()
    token = csrf_from(client.get("/auth/forgot").get_data(as_text=True))
    with caplog.at_level("INFO"):
        response = client.post("/auth/forgot", data={"email": user.email, "csrf_token": token})
    assert response.status_code == 302
    link = _link_from_log(caplog)
    page = client.get(link)
    assert page.status_code == 200
    new = "a-new-long-passphrase"
    response = client.post(
        link, data={"password": new, "confirm": new, "csrf_token": csrf_from(page.get_data(as_text=True))}
    )
    assert response.status_code == 302
    assert _login(client, user.email, new).status_code == 302
    # The link works once: the password changed, so the token is spent.
    assert client.get(link).status_code == 302
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "password.set")).scalar_one()


def test_forgot_password_does_not_reveal_unknown_emails(client, caplog):
    token = csrf_from(client.get("/auth/forgot").get_data(as_text=True))
    with caplog.at_level("INFO"):
        response = client.post(
            "/auth/forgot", data={"email": "nobody@example.org", "csrf_token": token}, follow_redirects=True
        )
    assert b"If that email has an account" in response.data
    assert "/auth/password/" not in caplog.text


def test_tampered_and_expired_links_are_refused(f, client, app):
    user = f.user()
    db.session.commit()
    token = accounts.make_password_token(user, "reset")
    assert client.get(f"/auth/password/reset/{token}x", follow_redirects=True).data.count(b"not valid") == 1
    assert client.get(f"/auth/password/invite/{token}").status_code == 302  # wrong purpose
    app.config["PASSWORD_RESET_HOURS"] = -1
    try:
        response = client.get(f"/auth/password/reset/{token}", follow_redirects=True)
        assert b"expired" in response.data
    finally:
        app.config["PASSWORD_RESET_HOURS"] = 2


def test_weak_passwords_are_refused_with_reasons(f, login):
    user = f.user()
    browser = login(user)
    for weak, message in (("short", b"at least 10 characters"), ("password123", b"very common password")):
        response = browser.post("/auth/password", {"current": PASSWORD, "password": weak, "confirm": weak})
        assert response.status_code == 200
        assert message in response.data


def test_password_change_signs_out_other_sessions(f, login):
    user = f.user()
    phone = login(user)
    desk = login(user)
    new = "another-good-passphrase"
    response = desk.post("/auth/password", {"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert desk.get("/auth/password").status_code == 200  # this session stays signed in
    assert phone.get("/auth/password").status_code == 302  # the other one is signed out


def test_session_cookie_flags(f, client):
    user = f.user()
    db.session.commit()
    response = _login(client, user.email, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_security_headers(client):
    response = client.get("/auth/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_unknown_url_gives_styled_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"There is no page at this address." in response.data
    assert b"<nav" in response.data
