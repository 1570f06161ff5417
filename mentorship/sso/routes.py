"""Sign in with the institution's OpenID Connect provider (docs/sso.md).

Authorization code flow with PKCE (S256). Authlib keeps the state, nonce and code verifier in the signed
session cookie and, on the way back, exchanges the code and checks the ID token: its signature against the
provider's published keys, the issuer (the configured OIDC_ISSUER, not only what discovery says), the
audience (our client id), the expiry and the nonce of this sign-in. The state is removed as it is read, so
a callback cannot be replayed.
"""

from __future__ import annotations

from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user
from joserfc.errors import JoseError

from mentorship.extensions import db
from mentorship.services import accounts, sso

bp = Blueprint("sso", __name__, url_prefix="/auth/oidc")

LEEWAY_SECONDS = 60  # clock difference tolerated between the provider and us


def enabled() -> bool:
    """Whether OpenID Connect sign-in is configured."""
    return bool(current_app.config.get("OIDC_ISSUER"))


def _client() -> Any:
    """The Authlib client of the configured provider, made once per issuer and client id."""
    config = current_app.config
    key = (config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"])
    clients = current_app.extensions.setdefault("mentorship_oidc", {})
    if key not in clients:
        issuer = config["OIDC_ISSUER"].rstrip("/")
        clients[key] = OAuth(current_app).register(
            "oidc",
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256", "timeout": 10},
        )
    return clients[key]


def _refuse(message: str, reason: str, email: object = None):
    sso.record_refusal("oidc", reason, email)
    db.session.commit()
    current_app.logger.warning("Refused OpenID Connect sign-in (%s)", reason)
    flash(message, "danger")
    return redirect(url_for("auth.login"))


@bp.route("/login")
def login():
    if not enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return _client().authorize_redirect(url_for("sso.callback", _external=True))


@bp.route("/callback")
def callback():
    if not enabled():
        abort(404)
    client = _client()
    issuer = current_app.config["OIDC_ISSUER"].rstrip("/")
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [issuer, issuer + "/"]}},
            leeway=LEEWAY_SECONDS,
        )
    except (AuthlibBaseError, JoseError) as exc:
        current_app.logger.warning("OpenID Connect answer refused: %s", exc)
        return _refuse(
            "Sign-in with your institution did not work (the answer could not be checked). Try again.",
            "invalid_answer",
        )
    except requests.RequestException as exc:
        current_app.logger.warning("OpenID Connect provider unreachable: %s", exc)
        return _refuse(
            "Your institution's sign-in could not be reached. Try again in a moment.", "unreachable"
        )
    claims = token.get("userinfo") or {}
    try:
        user = sso.match_user(claims.get("email"), claims.get("email_verified"))
    except sso.SsoRefused as exc:
        db.session.rollback()
        return _refuse(str(exc), exc.reason, claims.get("email"))
    session.clear()  # a fresh cookie session, as the password sign-in makes
    accounts.sign_in(
        user,
        user_agent=request.user_agent.string,
        address=request.remote_addr,
        idle_days=current_app.config["SESSION_IDLE_DAYS"],
    )
    login_user(user)
    db.session.commit()
    return redirect(url_for("main.home"))
