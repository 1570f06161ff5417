"""OpenID Connect sign-in against a real provider on a loopback port (tests/sso/provider.py), through the
real redirects: code with PKCE, the ID token's signature, issuer, audience, expiry and nonce all checked;
a person matched by verified email, case-insensitively; refusals audited; SSO_ONLY."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import UserSession
from tests.conftest import free_port
from tests.sso import passwords_are_off, refusals, signed_in_as
from tests.sso import provider as idp


@pytest.fixture
def oidc(app, monkeypatch):
    with idp.running(free_port()) as provider:
        for key, value in {
            "OIDC_ISSUER": provider.issuer,
            "OIDC_CLIENT_ID": idp.CLIENT_ID,
            "OIDC_CLIENT_SECRET": idp.CLIENT_SECRET,
            "OIDC_NAME": "Test Hospital",
        }.items():
            monkeypatch.setitem(app.config, key, value)
        yield provider


def start(client):
    """Press "Sign in with …": our redirect to the provider, and the provider's redirect back (a URL)."""
    ours = client.get("/auth/oidc/login")
    assert ours.status_code == 302, ours.get_data(as_text=True)[:500]
    to_provider = ours.headers["Location"]
    assert "code_challenge=" in to_provider and "code_challenge_method=S256" in to_provider
    back = requests.get(to_provider, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text[:500]
    url = urlsplit(back.headers["Location"])
    return f"{url.path}?{url.query}"


def finish(client, callback: str):
    response = client.get(callback)
    assert response.status_code == 302
    return response


def test_the_login_page_offers_the_button(client, oidc):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Sign in with Test Hospital" in page and "/auth/oidc/login" in page


def test_sign_in_with_a_verified_email_any_case(client, pair, oidc):
    db.session.commit()
    oidc.email = "Mentor@Example.ORG"
    response = finish(client, start(client))
    assert response.headers["Location"].endswith("/")
    assert oidc.pkce_checked == 1
    assert signed_in_as(client) is not None
    assert db.session.execute(select(UserSession)).scalars().one().user_id == pair.mentor_user.id


@pytest.mark.parametrize("fault", ["tampered", "audience", "expired", "replayed_nonce", "issuer"])
def test_a_bad_id_token_is_refused(client, pair, oidc, fault):
    db.session.commit()
    if fault == "replayed_nonce":
        finish(client, start(client))  # an earlier sign-in, whose nonce the provider will repeat
        client.post("/auth/logout", data={"csrf_token": _csrf(client)})
        assert signed_in_as(client) is None
    oidc.fault = fault
    response = finish(client, start(client))
    assert "/auth/login" in response.headers["Location"]
    assert signed_in_as(client) is None
    page = client.get("/auth/login").get_data(as_text=True)
    assert "did not work" in page
    assert [e.details["reason"] for e in refusals()] == ["invalid_answer"]


def _csrf(client) -> str:
    from tests.conftest import csrf_from

    return csrf_from(client.get("/auth/password").get_data(as_text=True))


def test_a_replayed_callback_is_refused(client, app, pair, oidc):
    db.session.commit()
    callback = start(client)
    finish(client, callback)
    assert signed_in_as(client) is not None
    other = app.test_client()
    response = other.get(callback)
    assert "/auth/login" in response.headers["Location"]
    assert signed_in_as(other) is None


@pytest.mark.parametrize(
    ("email", "verified", "reason", "message"),
    [
        ("mentor@example.org", False, "unverified", "has not verified your email"),
        ("mentor@example.org", None, "unverified", "has not verified your email"),
        ("mentor@example.org", "true", "unverified", "has not verified your email"),
        ("stranger@example.org", True, "not_enrolled", "stranger@example.org is not enrolled"),
        (None, True, "no_email", "did not tell us your email"),
    ],
)
def test_unknown_or_unverified_emails_are_refused_and_audited(
    client, pair, oidc, email, verified, reason, message
):
    db.session.commit()
    oidc.email, oidc.email_verified = email, verified
    response = finish(client, start(client))
    assert "/auth/login" in response.headers["Location"]
    assert signed_in_as(client) is None
    assert message in client.get("/auth/login").get_data(as_text=True)
    (event,) = refusals()
    assert event.details["reason"] == reason and event.details["provider"] == "oidc"


def test_sso_only_turns_passwords_off_except_for_admins(client, app, pair, f, oidc, monkeypatch):
    assert "“Sign in with Test Hospital”" in passwords_are_off(app, client, f, monkeypatch)
    finish(client, start(client))  # and everyone signs in with the institution
    assert signed_in_as(client) is not None


def test_without_a_provider_there_is_no_button_and_no_route(client):
    assert "Sign in with" not in client.get("/auth/login").get_data(as_text=True)
    assert client.get("/auth/oidc/login").status_code == 404
    assert client.get("/auth/oidc/callback?code=x&state=y").status_code == 404
