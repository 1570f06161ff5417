"""Sign in with the institution's SAML 2.0 identity provider (docs/sso.md), with pysaml2 and xmlsec1.

The app is a service provider: its metadata is at /auth/saml/metadata, it sends the AuthnRequest by the
HTTP-Redirect binding and takes the answer by HTTP-POST at /auth/saml/acs. An answer signs someone in only
if its assertion is signed by the one identity provider of SAML_IDP_METADATA (an unsigned assertion is
refused even inside a signed response), is meant for us (audience, destination), is within its validity
times (a minute of clock difference allowed) and answers the request this browser started: pysaml2 checks
the InResponseTo of the response and of its assertion against that request id, which is used once (the
database records each request answered, so a copy of the cookie does not make it twice).

The request id is kept in a cookie of its own, signed with SECRET_KEY and sent only to the ACS URL, not in
the session: the identity provider's answer is a cross-site POST, and browsers do not send the session's
SameSite=Lax cookie with one. Over https that cookie is SameSite=None (so it comes along); it carries
nothing but the id, expires with the sign-in, and is deleted by the answer.

pysaml2 is imported inside the functions that use it, so that starting the app or a command does not load it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from mentorship.extensions import csrf, db, limiter
from mentorship.models import SamlRequestUse
from mentorship.sso import signin

bp = Blueprint("saml", __name__, url_prefix="/auth/saml")

CLOCK_SKEW_SECONDS = 60  # clock difference tolerated between the identity provider and us
REQUEST_SECONDS = 15 * 60  # time to sign in at the identity provider (with a second factor) and come back
METADATA_REFRESH_SECONDS = 6 * 3600  # metadata from a URL is read again this often (the IdP's keys change)
COOKIE = "saml_request"
EMAIL_NAME_ID = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

NOT_STARTED_HERE = (
    "Sign-in with your institution did not work (the answer was not for a sign-in started in this browser, "
    "or it was used already). Start again with the button."
)
NOT_SET_UP = "Sign-in with your institution is not set up right here. Tell the GME office."


def enabled() -> bool:
    """Whether SAML sign-in is configured."""
    return bool(current_app.config.get("SAML_IDP_METADATA"))


def entity_id(config: Mapping[str, Any]) -> str:
    """Our entity id: SAML_SP_ENTITY_ID, else the metadata URL (the usual choice, and what IdPs expect)."""
    return config.get("SAML_SP_ENTITY_ID") or config["BASE_URL"].rstrip("/") + "/auth/saml/metadata"


def acs_url(config: Mapping[str, Any]) -> str:
    """Where the IdP posts its answer."""
    # From BASE_URL, never the request's Host header: the audience and destination checks compare with it.
    return config["BASE_URL"].rstrip("/") + "/auth/saml/acs"


def check_settings(config: Mapping[str, Any]) -> None:
    """Refuse to start with SAML settings that cannot work, saying which and why (RuntimeError)."""
    source = config.get("SAML_IDP_METADATA")
    if not source:
        return
    if source.startswith("http://"):
        raise RuntimeError(
            "SAML_IDP_METADATA must be an https:// URL or a file: the metadata holds the keys that "
            "sign-ins are checked with, and plain http could be altered on the way (docs/sso.md)."
        )
    if not source.startswith("https://") and not Path(source).is_file():
        raise RuntimeError(f"SAML_IDP_METADATA: there is no file {source} (docs/sso.md).")
    cert, key = config.get("SAML_SP_CERT"), config.get("SAML_SP_KEY")
    if bool(cert) != bool(key):
        raise RuntimeError("SAML_SP_CERT and SAML_SP_KEY go together: set both or neither (docs/sso.md).")
    for name, path in (("SAML_SP_CERT", cert), ("SAML_SP_KEY", key)):
        if path and not Path(path).is_file():
            raise RuntimeError(f"{name}: there is no file {path} (docs/sso.md).")
    if not config.get("SAML_EMAIL_ATTRIBUTE"):
        raise RuntimeError("SAML_EMAIL_ATTRIBUTE is empty: name the attribute that holds the email.")
    if shutil.which("xmlsec1") is None:
        raise RuntimeError(
            "SAML sign-in needs the xmlsec1 program to check signatures: install the Debian package "
            "xmlsec1 (docs/sso.md)."
        )


def _settings(config: Mapping[str, Any], with_idp: bool) -> dict[str, Any]:
    """pysaml2's service provider configuration; `with_idp` adds the identity provider's metadata."""
    from saml2 import BINDING_HTTP_POST

    settings: dict[str, Any] = {
        "entityid": entity_id(config),
        "xmlsec_binary": shutil.which("xmlsec1"),
        "accepted_time_diff": CLOCK_SKEW_SECONDS,
        "allow_unknown_attributes": True,  # the email attribute is looked up by its configured name
        "http_client_timeout": 10,
        "service": {
            "sp": {
                "endpoints": {"assertion_consumer_service": [(acs_url(config), BINDING_HTTP_POST)]},
                "allow_unsolicited": False,
                "want_assertions_signed": True,
                "want_response_signed": False,  # most IdPs sign the assertion only; that is what we check
                # Requests go unsigned: what protects a sign-in is the IdP's signature and the one-time
                # request id, and no IdP needs signed requests from an SP of this kind.
                "authn_requests_signed": False,
            }
        },
    }
    if config.get("SAML_SP_CERT"):
        # The pair is published in our metadata so that an IdP that encrypts assertions (Shibboleth does
        # by default) encrypts them to us, and is used to decrypt them.
        pair = {"cert_file": config["SAML_SP_CERT"], "key_file": config["SAML_SP_KEY"]}
        settings |= pair
        settings["encryption_keypairs"] = [pair]
    if with_idp:
        source = config["SAML_IDP_METADATA"]
        remote = source.startswith("https://")
        settings["metadata"] = {"remote": [{"url": source}]} if remote else {"local": [source]}
    return settings


def _metadata_version(source: str) -> object:
    """Changes when the IdP's metadata should be read again: the file's time, or every few hours for a URL."""
    if source.startswith("https://"):
        return int(time.time() // METADATA_REFRESH_SECONDS)
    return os.stat(source).st_mtime_ns


def _client() -> tuple[Any, str]:
    """A pysaml2 client with the IdP's metadata loaded, and that IdP's entity id. The loaded configuration
    is kept until settings or metadata change; the client is new for each request, as it keeps in memory
    what every answer it parses says about the person (for a logout this app does not offer).
    Raises if the metadata cannot be read or does not describe exactly one IdP."""
    from saml2.client import Saml2Client
    from saml2.config import SPConfig

    # pysaml2 logs a refused answer at error level with its traceback, and the whole XML (names, emails) at
    # debug level; the refusal's own log line says what happened.
    logging.getLogger("saml2").setLevel(logging.CRITICAL)
    config = current_app.config
    source = config["SAML_IDP_METADATA"]
    key = (source, _metadata_version(source), entity_id(config), acs_url(config), config.get("SAML_SP_CERT"))
    kept = current_app.extensions.get("mentorship_saml")
    if kept is None or kept[0] != key:
        try:
            sp_config = SPConfig()
            sp_config.load(_settings(config, with_idp=True))
            idps = list(sp_config.metadata.identity_providers())
            if len(idps) != 1:
                # Federation metadata lists many IdPs: any of them could then vouch for any email.
                raise ValueError(f"SAML_IDP_METADATA describes {len(idps)} identity providers, not one")
        except Exception as exc:
            if kept is None or kept[0][0] != source or kept[0][2:] != key[2:]:
                raise
            # The same metadata, read again (a refresh from its URL, or its file changed), did not load:
            # the last good copy serves until the next refresh, rather than every sign-in failing.
            current_app.logger.error(
                "SAML metadata could not be read again (%s: %s); the last good copy is used",
                type(exc).__name__,
                exc,
            )
            kept = current_app.extensions["mentorship_saml"] = (key, kept[1], kept[2])
        else:
            kept = current_app.extensions["mentorship_saml"] = (key, sp_config, idps[0])
    return Saml2Client(config=kept[1]), kept[2]


def _not_set_up(exc: Exception):
    current_app.logger.error("SAML sign-in is not set up right: %s: %s", type(exc).__name__, exc)
    return signin.refuse("saml", NOT_SET_UP, "not_set_up")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="saml-request")


def _cookie_options() -> dict[str, Any]:
    secure = bool(current_app.config["SESSION_COOKIE_SECURE"])
    # Browsers drop a SameSite=None cookie that is not Secure; over plain http (development) the IdP must
    # then be on the same site as the app.
    return {
        "path": url_for("saml.acs"),
        "secure": secure,
        "httponly": True,
        "samesite": "None" if secure else "Lax",
    }


@bp.get("/metadata")
def metadata():
    """Our service provider metadata, for the IdP's administrators to register the app with."""
    if not enabled():
        abort(404)
    from saml2.config import SPConfig
    from saml2.metadata import entity_descriptor

    config = current_app.config
    key = (entity_id(config), acs_url(config), config.get("SAML_SP_CERT"))
    kept = current_app.extensions.get("mentorship_saml_metadata")
    if kept is None or kept[0] != key:
        sp_config = SPConfig()
        sp_config.load(_settings(config, with_idp=False))
        descriptor = entity_descriptor(sp_config)
        # pysaml2 lists every algorithm xmlsec1 knows (MD5 among them) as an extension: nothing an IdP needs.
        descriptor.extensions = None
        kept = current_app.extensions["mentorship_saml_metadata"] = (key, str(descriptor))
    return Response(kept[1], mimetype="application/samlmetadata+xml")


@bp.get("/login")
def login():
    """Send the browser to the IdP with an AuthnRequest; its id goes into the request cookie."""
    if not enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    from saml2 import BINDING_HTTP_REDIRECT

    try:
        client, idp = _client()
        request_id, info = client.prepare_for_authenticate(entityid=idp, binding=BINDING_HTTP_REDIRECT)
    except Exception as exc:  # noqa: BLE001 (unreadable metadata, a URL not answering: many kinds)
        return _not_set_up(exc)
    response = redirect(dict(info["headers"])["Location"])
    response.set_cookie(COOKIE, _serializer().dumps(request_id), max_age=REQUEST_SECONDS, **_cookie_options())
    return response


def _address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _refused(response) -> bool:
    # Refused answers count against the address, as failed password sign-ins do; a sign-in goes home.
    return response.headers.get("Location", "").endswith(url_for("auth.login"))


# The IdP's answer is a cross-site POST that carries no CSRF token. What stops a forged or planted answer is
# what CSRF tokens stop elsewhere: the answer must be signed by the IdP and be the answer to the request this
# browser started (its id in the signed request cookie, used once).
@bp.post("/acs")
@limiter.limit(_address_limit, deduct_when=_refused)  # each answer costs an xmlsec1 run and an audit row
@csrf.exempt
def acs():
    """The assertion consumer service: check the IdP's answer and sign the person in, or refuse."""
    if not enabled():
        abort(404)
    try:
        request_id = _serializer().loads(request.cookies.get(COOKIE, ""), max_age=REQUEST_SECONDS)
    except BadSignature:  # none, altered or expired: no sign-in was started here
        request_id = None
    response = _answer(request_id)
    response.delete_cookie(COOKIE, **_cookie_options())  # the request id is used once, whatever the answer
    return response


def _answer(request_id: str | None):
    from saml2 import BINDING_HTTP_POST
    from saml2.response import UnsolicitedResponse

    try:
        client, idp = _client()
    except Exception as exc:  # noqa: BLE001 (as in login)
        return _not_set_up(exc)
    if request_id is not None:
        if not _first_answer(request_id):
            return signin.refuse("saml", NOT_STARTED_HERE, "replayed")
        db.session.commit()  # used up whatever the answer: a refusal below rolls its own work back
    outstanding = {request_id: url_for("main.home")} if request_id else {}
    try:
        answer = client.parse_authn_request_response(
            request.form.get("SAMLResponse", ""), BINDING_HTTP_POST, outstanding=outstanding
        )
    except UnsolicitedResponse:
        return signin.refuse("saml", NOT_STARTED_HERE, "unsolicited")
    except Exception as exc:  # noqa: BLE001 (pysaml2 raises dozens of kinds)
        # Bad base64, broken XML, a bad or missing signature, an audience or time check: the kind only, as
        # messages may quote the answer.
        current_app.logger.warning("SAML answer refused: %s", type(exc).__name__)
        return signin.refuse("saml", signin.UNCHECKED, "invalid_answer")
    if answer is None or answer.assertion is None or _issuers(answer) != {idp}:
        current_app.logger.warning("SAML answer refused: no assertion from the configured IdP")
        return signin.refuse("saml", signin.UNCHECKED, "invalid_answer")
    # The IdP's signed assertion vouches for the email, as a verified email claim does in OpenID Connect.
    return signin.finish("saml", _email(answer.assertion), True)


def _first_answer(request_id: str) -> bool:
    """Record that the request has had its answer; False if it had one before (here or on another instance).

    The request cookie is deleted by the first answer, but a copy of it (with a captured answer) would do
    again within REQUEST_SECONDS: the database says once for every instance."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    db.session.execute(
        delete(SamlRequestUse).where(SamlRequestUse.used_at < now - dt.timedelta(seconds=2 * REQUEST_SECONDS))
    )
    try:
        with db.session.begin_nested():
            db.session.add(SamlRequestUse(request_id=request_id, used_at=now))
    except IntegrityError:  # the same request answered at the same moment elsewhere
        return False
    return True


def _issuers(answer: Any) -> set[str]:
    """Who issued the assertion (whose signature was checked) and the response, if it names one (optional)."""
    assertion_issuer = answer.assertion.issuer
    named = {answer.issuer(), (assertion_issuer.text or "").strip() if assertion_issuer is not None else ""}
    return named - {""}


def _email(assertion: Any) -> str | None:
    """The first configured email attribute that has a value, else the NameID when it is an email."""
    values: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            texts = [(v.text or "").strip() for v in attribute.attribute_value]
            for name in (attribute.name, attribute.friendly_name):
                if name:
                    values.setdefault(name, texts)
    for name in current_app.config["SAML_EMAIL_ATTRIBUTE"]:
        found = [text for text in values.get(name, []) if text]
        if found:
            return found[0]
    name_id = assertion.subject.name_id if assertion.subject else None
    if name_id is not None and name_id.format == EMAIL_NAME_ID and name_id.text:
        return name_id.text.strip()
    return None
