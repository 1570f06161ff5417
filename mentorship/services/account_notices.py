"""Emails that tell a person's previous address what happened to their login (see docs/privacy.md).

Each function returns the Email (text and HTML, from templates/email/) and the caller sends it with
services.mail.send, so a page or command decides when mail goes out.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from mentorship.models import Person, User
from mentorship.services.mail import Email, render

if TYPE_CHECKING:  # accounts sends these notices: a runtime import would be circular
    from mentorship.services.accounts import EmailChange


def _when(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%d at %H:%M UTC")


def _by(actor: User | None) -> str:
    return f"{actor.person.full_name} ({actor.email})" if actor is not None else "the site's operator"


def email_changed(change: EmailChange, actor: User | None, contact: str) -> Email:
    """Tell the old address that the sign-in email moved, by whom and when."""
    return render(
        "email_changed",
        to=change.old,
        subject="Your mentorship program sign-in email was changed",
        first_name=change.person.first_name,
        new=change.new,
        by=_by(actor),
        when=_when(change.at),
        contact=contact,
    )


def reset_after_email_change(person: Person, previous: str, now: dt.datetime, contact: str) -> Email:
    """Tell the previous address that a password reset went to the new one, soon after the change."""
    return render(
        "reset_notice",
        to=previous,
        subject="A password reset was sent to your new sign-in email",
        first_name=person.first_name,
        new=person.email,
        changed=_when(person.email_changed_at or now),
        when=_when(now),
        contact=contact,
    )
