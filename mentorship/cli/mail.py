"""flask mail: the emails waiting in the outbox (docs/command-line.md)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

group = AppGroup("mail", help="The outbox: emails the app queued and has not sent yet.")

BATCH = 100  # emails per connection to the mail server, and per commit


@group.command("send-queued")
def send_queued() -> None:
    """Send every email still queued, once each: after a mail server outage, or a web process that stopped
    before sending what a page left for later. Exits 1 if any could not be sent."""
    from mentorship.extensions import db
    from mentorship.models import OutboundEmail
    from mentorship.services import mail
    from mentorship.services.mail.outbox import MAX_ATTEMPTS
    from mentorship.services.meetings import utcnow

    # The ids are taken once: an email that fails now is tried again by the next run, not again and again.
    waiting = list(
        db.session.scalars(
            select(OutboundEmail.id).where(OutboundEmail.status == "queued").order_by(OutboundEmail.id)
        )
    )
    sent, failed, gave_up = 0, 0, 0
    for i in range(0, len(waiting), BATCH):
        result = mail.deliver(waiting[i : i + BATCH], now=utcnow())
        if result.failed:
            gave_up += (
                db.session.scalar(
                    select(func.count())
                    .select_from(OutboundEmail)
                    .where(OutboundEmail.id.in_(result.failed), OutboundEmail.status == "failed")
                )
                or 0
            )
        db.session.commit()
        sent, failed = sent + len(result.sent), failed + len(result.failed)
    click.echo(f"Sent {sent} of {len(waiting)} queued email(s).")
    if failed:
        click.echo(
            f"{failed} could not be sent: {gave_up} failed for good after {MAX_ATTEMPTS} tries, the others "
            "stay queued for the next run. The app's log says why.",
            err=True,
        )
        raise SystemExit(1)
