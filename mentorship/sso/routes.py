"""Sign in with the institution's OpenID Connect provider (docs/sso.md).

Authorization code flow with PKCE (S256). Authlib keeps the state, nonce and code verifier in the signed
session cookie and, on the way back, exchanges the code and checks the ID token: its signature against the
provider's published keys, the issuer (the configured OIDC_ISSUER, not only what discovery says), the
audience (our client id), the expiry and the nonce of this sign-in. The state is removed as it is read, so
a callback cannot be replayed.

Authlib, joserfc and requests (some 300 modules) are imported by the functions that use them, so that
starting the app or a command does not pay for a sign-in that may never be configured.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, url_for
from flask_login import current_user

from mentorship.sso import signin

bp = Blueprint("sso", __name__, url_prefix="/auth/oidc")

LEEWAY_SECONDS = 60  # clock difference tolerated between the provider and us


def enabled() -> bool:
    """Whether OpenID Connect sign-in is configured."""
    return bool(current_app.config.get("OIDC_ISSUER"))


def _client() -> Any:
    """The Authlib client of the configured provider, made once per issuer and client id."""
    from authlib.integrations.flask_client import OAuth

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
    import requests
    from authlib.common.errors import AuthlibBaseError
    from joserfc.errors import JoseError

    client = _client()
    issuer = current_app.config["OIDC_ISSUER"].rstrip("/")
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [issuer, issuer + "/"]}},
            leeway=LEEWAY_SECONDS,
        )
    except (AuthlibBaseError, JoseError) as exc:
        current_app.logger.warning("OpenID Connect answer refused: %s", exc)
        return signin.refuse("oidc", signin.UNCHECKED, "invalid_answer")
    except requests.RequestException as exc:
        current_app.logger.warning("OpenID Connect provider unreachable: %s", exc)
        return signin.refuse(
            "oidc", "Your institution's sign-in could not be reached. Try again in a moment.", "unreachable"
        )
    claims = token.get("userinfo") or {}
    return signin.finish("oidc", claims.get("email"), claims.get("email_verified"))
