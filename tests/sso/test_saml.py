"""SAML 2.0 sign-in against a real pysaml2 identity provider (tests/sso/saml_idp.py), through the real
redirects: the AuthnRequest read from our redirect, a signed response posted to the ACS. Signature,
audience, validity times and InResponseTo are checked; a person is matched by email, case-insensitively;
every refusal is a message, an audit row and no session; SSO_ONLY works as with OpenID Connect."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import defusedxml.ElementTree as ET
import pytest
from sqlalchemy import select

from config import TestConfig
from mentorship import create_app
from mentorship.extensions import db
from mentorship.models import UserSession
from tests.conftest import csrf_from
from tests.sso import passwords_are_off, refusals, signed_in_as
from tests.sso import saml_idp as idp_module

ROOT = Path(__file__).resolve().parents[2]
MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"


@pytest.fixture
def saml(app, monkeypatch, tmp_path):
    idp = idp_module.IdP(tmp_path)
    metadata = tmp_path / "idp-metadata.xml"
    metadata.write_text(idp.metadata)
    monkeypatch.setitem(app.config, "SAML_IDP_METADATA", str(metadata))
    monkeypatch.setitem(app.config, "SAML_NAME", "Test Hospital")
    idp.trust(app.test_client().get("/auth/saml/metadata").get_data(as_text=True))
    return idp


def start(client, idp) -> str:
    """Press "Sign in with …": our redirect to the IdP, whose signed answer (SAMLResponse) is returned."""
    ours = client.get("/auth/saml/login")
    assert ours.status_code == 302, ours.get_data(as_text=True)[:500]
    to_idp = urlsplit(ours.headers["Location"])
    assert f"{to_idp.scheme}://{to_idp.netloc}{to_idp.path}" == idp.sso_url
    return idp.answer(parse_qs(to_idp.query)["SAMLRequest"][0])


def post(client, saml_response: str):
    """The browser posts the IdP's answer to the ACS (a cross-site POST: no CSRF token)."""
    response = client.post("/auth/saml/acs", data={"SAMLResponse": saml_response})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def assert_refused(client, response, message: str, reason: str) -> None:
    assert response.headers["Location"].endswith("/auth/login")
    assert signed_in_as(client) is None
    assert message in client.get("/auth/login").get_data(as_text=True)
    assert [(e.details["provider"], e.details["reason"]) for e in refusals()] == [("saml", reason)]
    assert db.session.execute(select(UserSession)).scalars().all() == []


def test_the_login_page_offers_the_button(client, saml):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Sign in with Test Hospital" in page and "/auth/saml/login" in page


def test_both_buttons_when_both_are_configured(client, saml, monkeypatch, app):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "https://login.example.org")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", "x")
    monkeypatch.setitem(app.config, "OIDC_NAME", "Hospital Login")
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Sign in with Hospital Login" in page and "Sign in with Test Hospital" in page


def test_the_metadata_names_our_entity_id_and_acs(client, saml):
    response = client.get("/auth/saml/metadata")
    assert response.status_code == 200 and response.mimetype == "application/samlmetadata+xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{MD}EntityDescriptor"
    assert root.get("entityID") == "http://localhost/auth/saml/metadata"
    (sp,) = root.findall(f"{MD}SPSSODescriptor")
    assert sp.get("WantAssertionsSigned") == "true"
    (acs,) = sp.findall(f"{MD}AssertionConsumerService")
    assert acs.get("Location") == "http://localhost/auth/saml/acs"
    assert acs.get("Binding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    assert root.find(f"{MD}Extensions") is None  # no list of xmlsec1's algorithms (MD5 among them)


def test_the_metadata_publishes_our_certificate_when_set(client, saml, monkeypatch, app, tmp_path):
    key, cert = idp_module.key_pair(tmp_path, "sp")
    monkeypatch.setitem(app.config, "SAML_SP_CERT", cert)
    monkeypatch.setitem(app.config, "SAML_SP_KEY", key)
    root = ET.fromstring(client.get("/auth/saml/metadata").get_data())
    assert [d.get("use") for d in root.iter(f"{MD}KeyDescriptor")] == ["signing", "encryption"]


def test_sign_in_with_the_email_any_case(client, pair, saml):
    db.session.commit()
    saml.email = "Mentor@Example.ORG"
    response = post(client, start(client, saml))
    assert response.headers["Location"].endswith("/")
    assert signed_in_as(client) is not None
    assert db.session.execute(select(UserSession)).scalars().one().user_id == pair.mentor_user.id
    assert refusals() == []


def test_an_encrypted_assertion_is_decrypted_with_our_key(client, pair, app, monkeypatch, tmp_path, saml):
    db.session.commit()
    key, cert = idp_module.key_pair(tmp_path, "sp")
    monkeypatch.setitem(app.config, "SAML_SP_CERT", cert)
    monkeypatch.setitem(app.config, "SAML_SP_KEY", key)
    saml.trust(client.get("/auth/saml/metadata").get_data(as_text=True))  # metadata with our certificate
    saml.encrypt_to = cert
    answer = start(client, saml)
    assert b"EncryptedAssertion" in base64.b64decode(
        answer
    ) and b"mentor@example.org" not in base64.b64decode(answer)
    post(client, answer)
    assert signed_in_as(client) is not None


def test_the_email_in_the_nameid_is_enough(client, pair, saml, monkeypatch, app):
    db.session.commit()
    monkeypatch.setitem(app.config, "SAML_EMAIL_ATTRIBUTE", ("not-sent",))
    post(client, start(client, saml))
    assert signed_in_as(client) is not None


@pytest.mark.parametrize(
    "fault", ["tampered", "unsigned", "audience", "expired", "not_yet_valid", "other_key"]
)
def test_a_bad_answer_is_refused(client, pair, saml, fault):
    db.session.commit()
    saml.fault = fault
    response = post(client, start(client, saml))
    assert_refused(client, response, "the answer could not be checked", "invalid_answer")


def test_the_request_cookie_goes_only_to_the_acs_and_comes_back_over_https(client, app, saml, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    cookie = client.get("/auth/saml/login").headers["Set-Cookie"]
    for part in ("saml_request=", "Path=/auth/saml/acs", "Secure", "HttpOnly", "SameSite=None"):
        assert part in cookie
    assert "saml_request=;" in client.post("/auth/saml/acs").headers["Set-Cookie"]  # used once


def test_refused_answers_are_throttled_per_address(client, app, saml, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_RATE_LIMIT", "2 per minute")
    assert [client.post("/auth/saml/acs").status_code for _ in range(3)] == [302, 302, 429]


def test_a_replayed_answer_is_refused(client, app, pair, saml):
    db.session.commit()
    answer = start(client, saml)
    post(client, answer)
    assert signed_in_as(client) is not None
    client.post("/auth/logout", data={"csrf_token": csrf_from(client.get("/auth/password").text)})
    again = post(client, answer)  # the same browser: its request id was used
    elsewhere = app.test_client()
    from_elsewhere = post(elsewhere, answer)  # another browser, which started nothing
    assert signed_in_as(client) is None and signed_in_as(elsewhere) is None
    for response in (again, from_elsewhere):
        assert response.headers["Location"].endswith("/auth/login")
    assert [e.details["reason"] for e in refusals()] == ["unsolicited", "unsolicited"]


def test_an_answer_replayed_with_a_copy_of_the_request_cookie_is_refused(client, app, pair, saml):
    # Someone who captured both the answer and the browser's request cookie tries it again, elsewhere.
    db.session.commit()
    answer = start(client, saml)
    cookie = client.get_cookie("saml_request", path="/auth/saml/acs")
    assert cookie is not None
    post(client, answer)
    assert signed_in_as(client) is not None
    thief = app.test_client()
    thief.set_cookie("saml_request", cookie.value, path="/auth/saml/acs")
    refused = post(thief, answer)
    assert refused.headers["Location"].endswith("/auth/login")
    assert signed_in_as(thief) is None
    assert "or it was used already" in thief.get("/auth/login").get_data(as_text=True)
    assert [e.details["reason"] for e in refusals()] == ["replayed"]
    assert len(db.session.execute(select(UserSession)).scalars().all()) == 1  # the person's own sign-in


def test_a_refused_answer_uses_up_its_request_too(client, app, pair, saml):
    # Refused as not enrolled, then replayed with a copy of the cookie once the office has enrolled them.
    saml.email = "stranger@example.org"
    db.session.commit()
    answer = start(client, saml)
    cookie = client.get_cookie("saml_request", path="/auth/saml/acs")
    post(client, answer)
    thief = app.test_client()
    thief.set_cookie("saml_request", cookie.value, path="/auth/saml/acs")
    post(thief, answer)
    assert signed_in_as(thief) is None
    assert [e.details["reason"] for e in refusals()] == ["not_enrolled", "replayed"]


def test_an_unsolicited_answer_is_refused(client, pair, saml):
    db.session.commit()
    answer = saml.respond(
        "id-never-asked", "http://localhost/auth/saml/acs", "http://localhost/auth/saml/metadata"
    )
    assert_refused(client, post(client, answer), "not for a sign-in started in this browser", "unsolicited")


def test_an_answer_to_another_request_is_refused(client, app, pair, saml):
    """An answer planted from another browser's sign-in (login CSRF) does not match this one's request."""
    db.session.commit()
    theirs = start(app.test_client(), saml)
    start(client, saml)  # this browser started a sign-in too
    assert_refused(client, post(client, theirs), "not for a sign-in started in this browser", "unsolicited")


@pytest.mark.parametrize(
    ("email", "fault", "reason", "message"),
    [
        ("stranger@example.org", None, "not_enrolled", "stranger@example.org is not enrolled"),
        ("mentor@example.org", "no_email", "no_email", "did not tell us your email"),
    ],
)
def test_unknown_or_missing_emails_are_refused_and_audited(client, pair, saml, email, fault, reason, message):
    db.session.commit()
    saml.email, saml.fault = email, fault
    assert_refused(client, post(client, start(client, saml)), message, reason)
    if email == "stranger@example.org":
        assert refusals()[0].details["email"] == "stranger@example.org"


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not base64 at all!",
        base64.b64encode(b"<Response").decode(),
        base64.b64encode(b"plain text").decode(),
        base64.b64encode(b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>").decode(),
        base64.b64encode(b"<ns0:Response xmlns:ns0='urn:oasis:names:tc:SAML:2.0:protocol'/>").decode(),
    ],
    ids=["empty", "not-base64", "broken-xml", "not-xml", "entities", "empty-response"],
)
def test_garbage_is_refused_with_a_message(client, pair, saml, garbage):
    db.session.commit()
    start(client, saml)
    response = post(client, garbage)
    assert_refused(client, response, "the answer could not be checked", "invalid_answer")


def test_no_saml_response_at_all_is_refused(client, saml):
    start(client, saml)
    response = client.post("/auth/saml/acs")
    assert response.status_code == 302
    assert_refused(client, response, "the answer could not be checked", "invalid_answer")


def test_unreadable_idp_metadata_is_a_message_not_a_500(client, saml, app, monkeypatch, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<EntityDescriptor")
    monkeypatch.setitem(app.config, "SAML_IDP_METADATA", str(broken))
    response = client.get("/auth/saml/login")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    assert "not set up right here" in client.get("/auth/login").get_data(as_text=True)
    assert [e.details["reason"] for e in refusals()] == ["not_set_up"]


def test_metadata_that_cannot_be_read_again_leaves_the_last_good_copy(client, pair, saml, app, caplog):
    metadata = Path(app.config["SAML_IDP_METADATA"])
    assert start(client, saml)  # read once, good
    metadata.write_text("<EntityDescriptor")  # a refresh that goes wrong
    stat = metadata.stat()
    os.utime(metadata, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    db.session.commit()
    answer = start(client, saml)  # still sent to the IdP
    post(client, answer)
    assert signed_in_as(client) is not None
    assert "the last good copy is used" in caplog.text


def test_sso_only_turns_passwords_off_except_for_admins(client, app, pair, f, saml, monkeypatch):
    assert "“Sign in with Test Hospital”" in passwords_are_off(app, client, f, monkeypatch)
    post(client, start(client, saml))  # and everyone signs in with the institution
    assert signed_in_as(client) is not None


def test_without_metadata_there_is_no_button_and_no_route(client):
    assert "Sign in with" not in client.get("/auth/login").get_data(as_text=True)
    assert client.get("/auth/saml/metadata").status_code == 404
    assert client.get("/auth/saml/login").status_code == 404
    assert client.post("/auth/saml/acs", data={"SAMLResponse": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SAML_IDP_METADATA": "http://idp.example.org/metadata"}, "must be an https:// URL or a file"),
        ({"SAML_IDP_METADATA": "/nowhere/idp.xml"}, "there is no file /nowhere/idp.xml"),
        ({"SAML_SP_CERT": "{cert}"}, "SAML_SP_CERT and SAML_SP_KEY go together"),
        ({"SAML_SP_CERT": "{cert}", "SAML_SP_KEY": "/nowhere/sp.key"}, "SAML_SP_KEY: there is no file"),
        ({"SAML_EMAIL_ATTRIBUTE": ()}, "SAML_EMAIL_ATTRIBUTE is empty"),
    ],
)
def test_settings_that_cannot_work_stop_the_start(tmp_path, settings, message):
    metadata = tmp_path / "idp.xml"
    metadata.write_text("<EntityDescriptor/>")
    cert = tmp_path / "sp.crt"
    cert.write_text("-----BEGIN CERTIFICATE-----")
    values = {"SAML_IDP_METADATA": str(metadata)} | {
        k: v.format(cert=cert) if isinstance(v, str) else v for k, v in settings.items()
    }
    bad = type("Bad", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://", **values})
    with pytest.raises(RuntimeError, match=message):
        create_app(bad)


def test_starting_the_app_does_not_load_pysaml2(tmp_path, saml):
    code = "import sys, app; print('saml2' in sys.modules)"
    env = {
        "PATH": "/usr/bin:/bin",
        "APP_ENV": "development",
        "SECRET_KEY": "startup-test-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'startup.db'}",
        "SAML_IDP_METADATA": str(tmp_path / "idp-metadata.xml"),  # SAML configured, and not loaded
    }
    done = subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
