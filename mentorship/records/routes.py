"""Faculty mentoring records: a mentor's own, staff's view of the mentors of their programs, the
faculty-affairs workbook, revocation, and the public verification page (docs/guides/mentor.md)."""

from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from mentorship.access import roles_required, scope_of
from mentorship.errors import error_page
from mentorship.extensions import db, limiter
from mentorship.models import MentorProfile
from mentorship.services import NotFound, ServiceError, audit, exports
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.records import documents, issue, queries

bp = Blueprint("records", __name__, url_prefix="/records")
YEARS_BACK = 10


def _address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _current_year() -> int:
    return year_of(dt.date.today(), current_app.config["ACADEMIC_YEAR_START_MONTH"])


def _years() -> list[int]:
    current = _current_year()
    return list(range(current, current - YEARS_BACK, -1))


def _year(raw: str | None) -> int:
    """The ?year= (or form year) of the request: one of the years offered, else a 400 saying so."""
    if raw is None or not raw.strip():
        return _current_year()
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) not in _years():
        abort(400, description=f"“{raw[:20]}” is not an academic year with a record: pick one from the list.")
    return int(raw)


def _mentor_or_404(mentor_id: int) -> MentorProfile:
    """The mentor if the current user is that mentor, or staff whose programs they belong to; else 404."""
    mentor = db.get_or_404(MentorProfile, mentor_id)
    if mentor.person_id == current_user.person_id:
        return mentor
    if current_user.is_staff:
        in_scope = db.session.execute(
            select(MentorProfile.id).where(MentorProfile.id == mentor_id, scope_of(current_user).mentors())
        ).first()
        if in_scope:
            return mentor
    abort(404)


@bp.route("/")
@roles_required("mentor", "staff")
def index():
    mine = current_user.person.mentor
    if mine is not None:
        return redirect(url_for("records.show", mentor_id=mine.id, **request.args))
    return redirect(url_for("records.mentors", **request.args))


@bp.route("/mentor/<int:mentor_id>")
@roles_required("mentor", "staff")
def show(mentor_id: int):
    mentor = _mentor_or_404(mentor_id)
    year = _year(request.args.get("year"))
    try:
        record = queries.mentor_record(
            mentor.id, year, dt.date.today(), documents.settings_of(current_app.config)
        )
    except ServiceError as exc:
        return error_page(400, str(exc))
    issued = issue.issued_for(mentor.id) if current_user.is_admin else []
    secret = current_app.config["SECRET_KEY"]
    return render_template(
        "records/show.html",
        record=record,
        years=_years(),
        year=year,
        own=mentor.person_id == current_user.person_id,
        issued=[(r, issue.code_of(r, secret)) for r in issued],
        totals=documents.total_rows(record.year, record.career),
        year_label=documents.year_label(record.ay),
    )


@bp.route("/mentor/<int:mentor_id>/pdf", methods=["POST"])
@roles_required("mentor", "staff")
def pdf(mentor_id: int):
    mentor = _mentor_or_404(mentor_id)
    year = _year(request.form.get("year"))
    try:
        made = documents.record_pdf_file(
            mentor.id,
            year,
            current_app.config,
            actor=current_user,
            today=dt.date.today(),
            now=exports.now(),
            via="web",
        )
    except ServiceError as exc:
        db.session.rollback()
        return error_page(400, str(exc))
    db.session.commit()
    return send_file(
        io.BytesIO(made.content), mimetype=documents.PDF, as_attachment=True, download_name=made.filename
    )


@bp.route("/mentors")
@roles_required("staff")
def mentors():
    year = _year(request.args.get("year"))
    try:
        rows = queries.year_rows(
            year, dt.date.today(), documents.settings_of(current_app.config), scope_of(current_user).mentors()
        )
    except ServiceError as exc:
        return error_page(400, str(exc))
    return render_template("records/mentors.html", rows=rows, years=_years(), year=year)


@bp.route("/workbook.xlsx")
@roles_required("admin")
def workbook():
    year = _year(request.args.get("year"))
    try:
        content = documents.workbook(
            year,
            current_app.config,
            actor=current_user,
            generated_by=current_user.email,
            today=dt.date.today(),
            now=exports.now(),
            via="web",
        )
    except ServiceError as exc:
        db.session.rollback()
        return error_page(400, str(exc))
    db.session.commit()
    return send_file(
        io.BytesIO(content),
        mimetype=exports.XLSX,
        as_attachment=True,
        download_name=f"mentor-records-AY{year}.xlsx",
    )


@bp.route("/issued/<int:record_id>/revoke", methods=["POST"])
@roles_required("admin")
def revoke(record_id: int):
    try:
        record = issue.revoke(record_id, current_user, exports.now())
    except NotFound:
        abort(404)
    except ServiceError as exc:
        flash(str(exc), "warning")
        return redirect(request.referrer or url_for("records.mentors"))
    audit.record(current_user, "record.revoke", record, mentor_id=record.mentor_id, year=record.year)
    db.session.commit()
    flash(f"The {record.year} record issued on {record.issued_at:%Y-%m-%d} is revoked.", "success")
    return redirect(url_for("records.show", mentor_id=record.mentor_id, year=record.year))


@bp.route("/verify/<path:code>")
@limiter.limit(_address_limit)
def verify(code: str):
    config = current_app.config
    result = issue.verify(code, config["SECRET_KEY"])
    year_label = None
    if result.record is not None:
        year_label = documents.year_label(
            academic_year(result.record.year, config["ACADEMIC_YEAR_START_MONTH"])
        )
    return render_template(
        "records/verify.html",
        result=result,
        year_label=year_label,
        institution=config["INSTITUTION_NAME"],
        labels=VERIFY_LABELS,
    )


VERIFY_LABELS = [
    ("mentees", "Mentees"),
    ("meetings", "Meetings held"),
    ("hours", "Hours"),
    ("group_sessions", "Group sessions"),
    ("plan_reviews", "Plan reviews"),
    ("introductions", "Introductions made"),
    ("events_organized", "Events organized"),
    ("events_attended", "Events attended"),
    ("credits", "Teaching credits"),
]
