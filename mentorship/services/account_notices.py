"""Emails that tell a person's previous address what happened to their login (see docs/privacy.md).

Pure: each function returns the message (recipients, subject, body) and the caller sends it with
services.mail.send_mail, so a page or command decides when mail goes out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mentorship.models import Person, User

if TYPE_CHECKING:  # accounts sends these notices: a runtime import would be circular
    from mentorship.services.accounts import EmailChange


@dataclass(frozen=True)
class Notice:
    """One plain-text email."""

    to: list[str]
    subject: str
    body: str


def _when(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%d at %H:%M UTC")


def _by(actor: User | None) -> str:
    return f"{actor.person.full_name} ({actor.email})" if actor is not None else "the site's operator"


def email_changed(change: EmailChange, actor: User | None, contact: str) -> Notice:
    """Tell the old address that the sign-in email moved, by whom and when."""
    body = (
        f"Hello {change.person.first_name},\n\n"
        f"Your sign-in email for the mentorship program was changed to {change.new} "
        f"by {_by(actor)} on {_when(change.at)}.\n"
        "You have been signed out everywhere, and links emailed to you before no longer work.\n\n"
        f"If this was not expected, contact {contact} straight away.\n"
    )
    return Notice([change.old], "Your mentorship program sign-in email was changed", body)


def reset_after_email_change(person: Person, previous: str, now: dt.datetime, contact: str) -> Notice:
    """Tell the previous address that a password reset went to the new one, soon after the change."""
    changed = person.email_changed_at or now
    body = (
        f"Hello {person.first_name},\n\n"
        f"On {_when(now)} a password reset was requested for your mentorship program account. The link "
        f"went to {person.email}, the sign-in email since {_when(changed)}, not to this address.\n\n"
        f"If you did not change your sign-in email, contact {contact} straight away.\n"
    )
    return Notice([previous], "A password reset was sent to your new sign-in email", body)
