"""Institution sign-in (single sign-on): who a verified identity from the provider is here.

A person is matched by the email the provider vouches for, compared case-insensitively with the enrolled
people; there is no self-registration, so an unknown email is refused, as is one the provider has not
verified (anyone can put any address in an account at some providers).
"""

from __future__ import annotations

from mentorship.models import User
from mentorship.services import ServiceError, accounts, audit
from mentorship.services.people import find_person


class SsoRefused(ServiceError):
    """The provider's answer does not sign anyone in; `reason` is a short code for the audit log."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def match_user(email: object, verified: object) -> User:
    """The account of the enrolled person whose email the provider verified; SsoRefused otherwise."""
    if not isinstance(email, str) or "@" not in email:
        raise SsoRefused("Your institution's sign-in did not tell us your email address.", "no_email")
    if verified is not True:
        raise SsoRefused(
            "Your institution's sign-in has not verified your email address, so it cannot sign you in here.",
            "unverified",
        )
    person = find_person(email)
    if person is None or person.erased_at is not None:
        raise SsoRefused(
            f"{email.strip().lower()} is not enrolled in the mentorship program. "
            "Ask the GME office to add you.",
            "not_enrolled",
        )
    return accounts.ensure_user(person)


def record_refusal(provider: str, reason: str, email: object) -> None:
    """Audit a refused single sign-on (with the email the provider sent, if any)."""
    shown = email.strip().lower()[:254] if isinstance(email, str) else None
    audit.record(None, "auth.sso_refused", None, provider=provider, reason=reason, email=shown)
