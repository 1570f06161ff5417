"""Signing in with the institution in a real browser. OpenID Connect: the button, the provider's redirects
(a real provider on a loopback port, tests/sso/provider.py) and back, signed in; axe on the sign-in page
with the button, at desk width and on a phone. SAML: the button, the IdP's page (a real pysaml2 IdP on a
loopback port, tests/sso/saml_idp.py) posting its signed answer to the ACS, signed in; axe at desk width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mentorship.extensions import db
from tests.conftest import free_port
from tests.e2e.test_accessibility import Checker, checker  # noqa: F401  (the fixture)
from tests.sso import provider as idp
from tests.sso import saml_idp


@pytest.mark.parametrize("narrow", [False, True], ids=["1280px", "390px"])
def test_sign_in_with_the_institution(narrow, checker, app, f, monkeypatch):  # noqa: F811
    mentor = f.mentor(f.person("sso.mentor@example.org", "Sam", "Single-Sign-On"))
    f.user(mentor.person)
    db.session.commit()
    with idp.running(free_port()) as provider:
        provider.email = "SSO.Mentor@example.org"
        for key, value in {
            "OIDC_ISSUER": provider.issuer,
            "OIDC_CLIENT_ID": idp.CLIENT_ID,
            "OIDC_CLIENT_SECRET": idp.CLIENT_SECRET,
            "OIDC_NAME": "Test Hospital",
        }.items():
            monkeypatch.setitem(app.config, key, value)
        check: Checker = checker(narrow)
        page = check.page
        check.visit("/auth/login")
        page.get_by_role("link", name="Sign in with Test Hospital").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Hello, Sam")).to_be_visible()
        assert provider.pkce_checked == 1
        provider.email = "nobody@example.org"
        page.context.clear_cookies()  # a new visitor on the same browser
        page.goto("/auth/login")
        page.get_by_role("link", name="Sign in with Test Hospital").click()
        expect(page.get_by_text("nobody@example.org is not enrolled")).to_be_visible()
        check("refused")
    assert not check.problems, "\n".join(check.problems)


def test_sign_in_with_saml(checker, app, f, monkeypatch, tmp_path, live_server):  # noqa: F811
    mentor = f.mentor(f.person("saml.mentor@example.org", "Sally", "Assertion"))
    f.user(mentor.person)
    db.session.commit()
    port = free_port()
    saml = saml_idp.IdP(tmp_path, sso_url=f"http://127.0.0.1:{port}/sso")
    metadata = tmp_path / "idp-metadata.xml"
    metadata.write_text(saml.metadata)
    for key, value in {
        "BASE_URL": live_server,  # the ACS address and entity id the IdP is given
        "SAML_IDP_METADATA": str(metadata),
        "SAML_NAME": "Test Hospital",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    saml.trust(app.test_client().get("/auth/saml/metadata").get_data(as_text=True))
    saml.email = "SAML.Mentor@example.org"
    with saml.serve(port):
        check: Checker = checker(False)
        page = check.page
        check.visit("/auth/login")
        page.get_by_role("link", name="Sign in with Test Hospital").click()
        page.get_by_role("button", name="Continue to the mentorship program").click()  # the IdP's POST
        expect(page.get_by_role("heading", name="Hello, Sally")).to_be_visible()
        saml.email = "nobody@example.org"
        page.context.clear_cookies()  # a new visitor on the same browser
        page.goto("/auth/login")
        page.get_by_role("link", name="Sign in with Test Hospital").click()
        page.get_by_role("button", name="Continue to the mentorship program").click()
        expect(page.get_by_text("nobody@example.org is not enrolled")).to_be_visible()
        check("refused")
    assert not check.problems, "\n".join(check.problems)
