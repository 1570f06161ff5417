"""The coordinator's "needs attention" list: overdue, never-met and flagged pairs, with "remind now"."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mentorship.access import roles_required, scope_of
from mentorship.extensions import db
from mentorship.forms import QueryForm, check_query
from mentorship.models import Pairing
from mentorship.services import ServiceError
from mentorship.services import attention as attention_service
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


def _page_asked() -> int:
    """The ?page= of the list (1 when absent); 400 when it is not a positive whole number."""
    form = QueryForm(request.args)
    check_query(form)
    return form.page.data or 1


def _listing() -> attention_service.Listing:
    config = current_app.config
    return attention_service.listing(
        scope_of(current_user),
        dt.date.today(),
        MetricSettings.from_config(config),
        config["ACADEMIC_YEAR_START_MONTH"],
    )


def _back_to(page: int):
    """Back to the page the coordinator acted on, or the last page if the action emptied theirs."""
    page = min(page, attention_service.page_count(_listing()))
    return redirect(url_for("reminders.attention", page=page if page > 1 else None))


@bp.route("/attention")
@roles_required("staff")
def attention():
    page = _page_asked()
    listing = _listing()
    if page > attention_service.page_count(listing):
        abort(404, description="The list has fewer pages than that.")
    interval = current_app.config["REMINDER_INTERVAL_DAYS"]
    shown = attention_service.page_of(listing, page, utcnow(), interval)
    return render_template(
        "reminders/attention.html",
        page=shown,
        programs=attention_service.by_program(shown.items),
        per_program=listing.per_program,
        interval=interval,
    )


@bp.route("/pairing/<int:pairing_id>/remind", methods=["POST"])
@roles_required("staff")
def remind(pairing_id: int):
    page = _page_asked()
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
    return _back_to(page)


@bp.route("/pairing/<int:pairing_id>/resolve", methods=["POST"])
@roles_required("staff")
def resolve(pairing_id: int):
    page = _page_asked()
    pairing = _pairing_in_scope(pairing_id)
    try:
        pulse_service.resolve(pairing, utcnow(), actor=current_user)
    except ServiceError as exc:
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash("Marked as resolved.", "success")
    return _back_to(page)
