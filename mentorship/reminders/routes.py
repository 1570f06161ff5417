"""The coordinator's "needs attention" list: overdue, never-met and flagged pairs, with "remind now"."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import and_

from mentorship.access import roles_required, scope_of
from mentorship.extensions import db
from mentorship.models import Pairing
from mentorship.services import ServiceError
from mentorship.services import pulse as pulse_service
from mentorship.services import reminders as service
from mentorship.services.meetings import utcnow
from mentorship.services.metrics.definitions import MetricSettings
from mentorship.services.plans.rules import parse_review_months

bp = Blueprint("reminders", __name__, url_prefix="/reminders")


def _pairing_in_scope(pairing_id: int) -> Pairing:
    pairing = db.get_or_404(Pairing, pairing_id)
    if not scope_of(current_user).covers_program(pairing.mentee.program_id):
        abort(404)
    return pairing


@bp.route("/attention")
@roles_required("staff")
def attention():
    config = current_app.config
    today, now = dt.date.today(), utcnow()
    scope = scope_of(current_user)
    quiet = service.quiet_pairings(
        today, MetricSettings.from_config(config), config["ACADEMIC_YEAR_START_MONTH"], scope.pairings()
    )
    flags = pulse_service.flagged(and_(scope.pairings(), Pairing.open_on(today)))
    ids = sorted(set(quiet) | set(flags))
    pairings = service.load_pairings(ids)
    last = service.last_reminders(ids)
    interval = config["REMINDER_INTERVAL_DAYS"]
    programs: dict[str, list[dict]] = {}
    for pid in ids:
        pairing = pairings[pid]
        reason, metrics = quiet.get(pid, (None, None))
        programs.setdefault(pairing.mentee.program.name, []).append(
            {
                "pairing": pairing,
                "reason": reason,
                "metrics": metrics,
                "flagged_at": flags.get(pid),
                "last_reminder": last.get(pid),
                "can_remind": not service.recently_reminded(last.get(pid), now, interval),
            }
        )
    for rows in programs.values():
        rows.sort(key=lambda r: (r["pairing"].mentee.person.sort_name, r["pairing"].id))
    return render_template(
        "reminders/attention.html", programs=dict(sorted(programs.items())), interval=interval
    )


@bp.route("/pairing/<int:pairing_id>/remind", methods=["POST"])
@roles_required("staff")
def remind(pairing_id: int):
    pairing = _pairing_in_scope(pairing_id)
    config = current_app.config
    now = utcnow()
    try:
        due = service.due_one(
            pairing,
            today=dt.date.today(),
            now=now,
            settings=MetricSettings.from_config(config),
            start_month=config["ACADEMIC_YEAR_START_MONTH"],
            interval_days=config["REMINDER_INTERVAL_DAYS"],
        )
        mail = service.MailSettings(
            config["BASE_URL"],
            config["SECRET_KEY"],
            config["LOG_LINK_DAYS"],
            parse_review_months(config["PLAN_REVIEW_MONTHS"]),
            config["ACADEMIC_YEAR_START_MONTH"],
            timezone=config["TIMEZONE"],
        )
        service.send(due, mail=mail, now=now, sent_by=current_user)
    except ServiceError as exc:
        flash(str(exc), "warning")
    except OSError:
        db.session.rollback()
        current_app.logger.exception("Reminder for pairing %s not sent", pairing_id)
        flash("The email could not be sent. Try again later.", "danger")
    else:
        db.session.commit()
        flash(
            f"Reminder sent to {pairing.mentor.person.full_name} and {pairing.mentee.person.full_name}.",
            "success",
        )
    return redirect(url_for("reminders.attention"))


@bp.route("/pairing/<int:pairing_id>/resolve", methods=["POST"])
@roles_required("staff")
def resolve(pairing_id: int):
    pairing = _pairing_in_scope(pairing_id)
    try:
        pulse_service.resolve(pairing, utcnow(), actor=current_user)
    except ServiceError as exc:
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash("Marked as resolved.", "success")
    return redirect(url_for("reminders.attention"))
