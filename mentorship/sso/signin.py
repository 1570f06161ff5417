"""What every institution sign-in does once the provider has answered: refuse with a message, or sign the
matched person in. OpenID Connect (routes.py) and SAML (saml.py) share it, so that both refuse, audit and
start a session in exactly the same way."""

from __future__ import annotations

from flask import current_app, flash, redirect, url_for

from mentorship.auth import start_session
from mentorship.extensions import db
from mentorship.services import sso

PROTOCOLS = {"oidc": "OpenID Connect", "saml": "SAML"}
# An answer whose signature, audience, times or form did not pass (which check failed goes to the log only).
UNCHECKED = "Sign-in with your institution did not work (the answer could not be checked). Try again."


def button_names() -> list[str]:
    """The "Sign in with …" names of the configured institution sign-ins, in the login page's order."""
    config = current_app.config
    return [
        name
        for on, name in (
            (config.get("OIDC_ISSUER"), config["OIDC_NAME"]),
            (config.get("SAML_IDP_METADATA"), config["SAML_NAME"]),
        )
        if on
    ]


def refuse(provider: str, message: str, reason: str, email: object = None):
    """Audit a refused sign-in (its own commit: the refusal is kept), log it and go back to the login page."""
    sso.record_refusal(provider, reason, email)
    db.session.commit()
    # The reason only: what the provider sent (names, emails) stays out of the log.
    current_app.logger.warning("Refused %s sign-in (%s)", PROTOCOLS[provider], reason)
    flash(message, "danger")
    return redirect(url_for("auth.login"))


def finish(provider: str, email: object, verified: object):
    """Sign in the enrolled person whose email the provider vouches for, or refuse (sso.match_user)."""
    try:
        user = sso.match_user(email, verified)
    except sso.SsoRefused as exc:
        db.session.rollback()
        return refuse(provider, str(exc), exc.reason, email)
    start_session(user)
    return redirect(url_for("main.home"))
