"""Emails from templates: `templates/email/<name>.txt` and `.html`, both inside the shared layout."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template

from mentorship.services.mail.message import Attachment, Email


def render(
    name: str,
    *,
    to: str,
    subject: str,
    to_name: str | None = None,
    reply_to: str | None = None,
    attachments: tuple[Attachment, ...] = (),
    **context: Any,
) -> Email:
    """The email `name` to `to`, rendered with `context` plus `office` and `base_url` (HTML escaped)."""
    context.setdefault("office", current_app.config["OFFICE_CONTACT"])
    context.setdefault("base_url", current_app.config["BASE_URL"].rstrip("/"))
    context["subject"] = subject
    return Email(
        to=to,
        to_name=to_name,
        subject=subject,
        text=render_template(f"email/{name}.txt", **context),
        html=render_template(f"email/{name}.html", **context),
        reply_to=reply_to,
        attachments=attachments,
    )
