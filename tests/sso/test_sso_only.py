"""SSO_ONLY: passwords are off for everyone but admins, on every path a password takes (sign-in, the reset
email, an invitation or reset link sent before it was turned on), and no refusal tells who is an admin."""

from __future__ import annotations

import re

import pytest

from mentorship.extensions import db
from mentorship.services import accounts
from tests.conftest import csrf_from
from tests.factories import PASSWORD


@pytest.fixture
def sso_only(app, monkeypatch, pair, f):
    admin = f.user(f.person("admin@example.org", "Ad", "Min"), is_admin=True)
    db.session.commit()
    monkeypatch.setitem(app.config, "SSO_ONLY", True)
    monkeypatch.setitem(app.config, "OIDC_NAME", "Test Hospital")
    return admin


def _sign_in(app, email: str, password: str):
    client = app.test_client()
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token})
    return response


def _page(response) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1…", response.get_data(as_text=True))


def test_every_refusal_reads_the_same_so_nobody_learns_who_is_an_admin(app, sso_only):
    refusals = [
        _sign_in(app, "mentor@example.org", PASSWORD),  # a right password, not an admin
        _sign_in(app, "admin@example.org", "not-the-password"),  # an admin, a wrong password
        _sign_in(app, "nobody@example.org", PASSWORD),  # nobody
    ]
    assert {r.status_code for r in refusals} == {200}
    pages = {
        _page(r).replace(email, "EMAIL")
        for r, email in zip(
            refusals, ["mentor@example.org", "admin@example.org", "nobody@example.org"], strict=True
        )
    }
    assert len(pages) == 1 and "Passwords are turned off here" in pages.pop()
    response = _sign_in(app, "admin@example.org", PASSWORD)
    assert response.status_code == 302  # the admin's way in when the institution's sign-in is down


def test_the_reset_email_goes_to_admins_only_with_the_same_answer(app, sso_only, smtp, pair):
    answers = []
    for email in ("mentor@example.org", "admin@example.org", "nobody@example.org"):
        client = app.test_client()
        token = csrf_from(client.get("/auth/forgot").get_data(as_text=True))
        response = client.post(
            "/auth/forgot", data={"email": email, "csrf_token": token}, follow_redirects=True
        )
        answers.append(_page(response))
    assert len(set(answers)) == 1
    assert [rcpt for rcpts, _m in smtp.messages for rcpt in rcpts] == ["admin@example.org"]


@pytest.mark.parametrize("purpose", ["invite", "reset"])
def test_a_link_sent_before_sso_only_sets_no_password(app, sso_only, pair, purpose):
    user = pair.mentor_user
    token = accounts.make_password_token(user, purpose)
    db.session.commit()
    client = app.test_client()
    url = f"/auth/password/{purpose}/{token}"
    opened = client.get(url)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/auth/login")
    csrf = csrf_from(client.get("/auth/login").get_data(as_text=True))
    new = "a-Brand-new-passphrase-9"
    answer = client.post(url, data={"password": new, "confirm": new, "csrf_token": csrf})
    assert answer.status_code == 302
    assert "Passwords are turned off here" in client.get("/auth/login").get_data(as_text=True)
    db.session.expire_all()
    assert user.check_password(PASSWORD) and not user.check_password(new)
