"""flask reminders: nudge quiet pairs by email (docs/command-line.md)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

if TYPE_CHECKING:
    from mentorship.services import reminders as service


group = AppGroup("reminders", help="Email overdue and never-met pairs.")


def mail_settings() -> service.MailSettings:
    """The link settings of the running app."""
    from mentorship.services import reminders as service
    from mentorship.services.plans.rules import parse_review_months

    config = current_app.config
    return service.MailSettings(
        config["BASE_URL"],
        config["SECRET_KEY"],
        config["LOG_LINK_DAYS"],
        parse_review_months(config["PLAN_REVIEW_MONTHS"]),
        config["ACADEMIC_YEAR_START_MONTH"],
        timezone=config["TIMEZONE"],
    )


@group.command("send")
@click.option("--dry-run", is_flag=True, help="Print who would be reminded; send and record nothing.")
def send(dry_run: bool) -> None:
    """Email both people of each overdue or never-met pairing not reminded recently."""
    from mentorship.extensions import db
    from mentorship.services import reminders as service
    from mentorship.services.meetings import utcnow
    from mentorship.services.metrics.definitions import MetricSettings

    config = current_app.config
    now = utcnow()
    due = service.find_due(
        today=dt.date.today(),
        now=now,
        settings=MetricSettings.from_config(config),
        start_month=config["ACADEMIC_YEAR_START_MONTH"],
        interval_days=config["REMINDER_INTERVAL_DAYS"],
    )
    if dry_run:
        for item in due:
            click.echo(f"{item.mentor_email}\t{item.mentee_email}\t{item.why}")
        click.echo(f"{len(due)} pairing(s) would be reminded (dry run: nothing sent or recorded).")
        return
    sent, failed, taken = [], [], 0
    settings = mail_settings()
    for item in due:
        reminder_id = service.claim(item, now=now, interval_days=config["REMINDER_INTERVAL_DAYS"])
        if reminder_id is None:
            taken += 1  # another run (on another host) reminded this pair, or is reminding it now
            continue
        # Mail cannot be unsent: the claim is committed before the mail goes, so that neither another run
        # nor a crash later in this one makes a run remind the same pair again.
        db.session.commit()
        try:
            service.deliver(item, reminder_id, mail=settings, now=now)
        except OSError as exc:  # SMTP trouble: report it, keep going, record only what went out
            db.session.rollback()
            service.release(reminder_id)
            db.session.commit()
            current_app.logger.error("Reminder for pairing %s not sent: %s", item.pairing.id, exc)
            failed.append(item.pairing.id)
            continue
        db.session.commit()
        sent.append(item.pairing.id)
        click.echo(f"{item.mentor_email}\t{item.mentee_email}\t{item.why}")
    service.record_run(sent, failed)
    db.session.commit()
    summary = f"{len(sent)} pairing(s) reminded"
    if taken:
        summary += f", {taken} reminded by another run"
    click.echo(summary + (f", {len(failed)} failed." if failed else "."))
    if failed:
        raise SystemExit(1)
