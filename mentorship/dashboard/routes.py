"""The staff home: the Summary KPIs, a five-year trend, status counts, charts and report downloads."""

from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from mentorship.access import roles_required, scope_of
from mentorship.dashboard import charts
from mentorship.extensions import db
from mentorship.forms import as_id
from mentorship.services import export_jobs, exports
from mentorship.services.academic_year import year_of
from mentorship.services.meetings import utcnow
from mentorship.services.metrics import glossary
from mentorship.services.metrics.queries import programs_in_scope
from mentorship.services.report_data import figures
from mentorship.services.report_data.request import REPORTS, ReportSettings
from mentorship.services.report_data.years import STATUS_LABELS, dashboard

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

YEARS_BACK = 8


class BadFilter(Exception):
    """A year or program in the query string that cannot be used; the message is shown."""


def report_filters() -> tuple[int, tuple[int, ...] | None, dict[int, str]]:
    """The validated ?year= and ?program= of the request, within the user's scope.

    Returns the year, the program ids to report on (None = every program) and the programs the user may pick.
    A malformed year raises BadFilter; an unknown program is a 404 and one outside the scope a 403.
    """
    config = current_app.config
    current = year_of(dt.date.today(), config["ACADEMIC_YEAR_START_MONTH"])
    raw_year = request.args.get("year", "").strip()
    if raw_year:
        if not (raw_year.isascii() and raw_year.isdigit()) or not current - 50 <= int(raw_year) <= current:
            raise BadFilter(
                f"“{raw_year[:20]}” is not an academic year to report on: pick one from the list."
            )
        year = int(raw_year)
    else:
        year = current
    scope = scope_of(current_user)
    allowed = programs_in_scope(scope.program_ids)
    raw_program = request.args.get("program", "").strip()
    if not raw_program:
        mine = None if scope.program_ids is None else tuple(sorted(scope.program_ids))
        return year, mine, allowed
    program_id = as_id(raw_program)
    if program_id is None:
        raise BadFilter("That program is not one you can pick: choose one from the list.")
    if program_id not in allowed:
        if programs_in_scope([program_id]):
            abort(403)
        abort(404)
    return year, (program_id,), allowed


# The list behind each figure: (endpoint, extra query arguments).
FIGURE_LISTS = {
    "mentees_enrolled": ("dashboard.mentees", {}),
    "mentees_with_mentor": ("dashboard.mentees", {"with_mentor": "1"}),
    "coverage": ("dashboard.mentees", {"with_mentor": "1"}),
    "active_pairings": ("pairings.index", {}),
    "meetings": ("pairings.index", {}),
    "hours": ("pairings.index", {}),
    "engaged_pairings": ("pairings.index", {"measure": "engaged"}),
    "engaged_share": ("pairings.index", {"measure": "engaged"}),
    "overdue_pairings": ("pairings.index", {"status": "overdue"}),
    "overdue_share": ("pairings.index", {"status": "overdue"}),
    "median_days_to_first_meeting": ("pairings.index", {"measure": "met"}),
    "plans_reviewed_twice": ("dashboard.mentees", {"reviewed_twice": "1"}),
    "mentees_at_event": ("dashboard.mentees", {"at_event": "1"}),
}


def figure_link(key: str, year: int, program_id: int | None) -> str:
    """The address of the list behind figure `key` (a Summary column or status flag) of a year and program."""
    endpoint, extra = FIGURE_LISTS.get(key, ("pairings.index", {"status": key}))
    # A page links some 500 figures to a handful of lists: each list's path is built once per request, and
    # the arguments, whole numbers and the fixed names above, need no quoting.
    paths = g.setdefault("figure_paths", {})
    if endpoint not in paths:
        paths[endpoint] = url_for(endpoint)
    query = f"year={int(year)}&program={int(program_id) if program_id else ''}"
    return "&".join([f"{paths[endpoint]}?{query}", *(f"{k}={v}" for k, v in extra.items())])


def _scope_ids(program_ids):
    """`program_ids` as the metrics service takes it (None = every program)."""
    return None if program_ids is None else tuple(program_ids)


@bp.route("/")
@roles_required("staff")
def index():
    config = current_app.config
    current = year_of(dt.date.today(), config["ACADEMIC_YEAR_START_MONTH"])
    years = list(range(current, current - YEARS_BACK, -1))
    try:
        year, program_ids, allowed = report_filters()
    except BadFilter as exc:
        return render_template(
            "dashboard/index.html", error=str(exc), years=years, programs={}, year=current, program=None
        ), 400
    settings = ReportSettings.from_config(config)
    shown = dashboard(year, _scope_ids(program_ids), dt.date.today(), settings)
    summary = shown.summary
    statuses = shown.statuses
    trend_rows = [(ay.label, row) for ay, row in shown.trend]
    labels = [label for label, _row in trend_rows]
    charts_ = {
        "trend": charts.lines(
            "Coverage and engaged share by academic year",
            labels,
            [
                ("Coverage", [row.coverage for _l, row in trend_rows]),
                ("Engaged share", [row.engaged_share for _l, row in trend_rows]),
                ("Overdue share", [row.overdue_share for _l, row in trend_rows]),
            ],
        ),
        "status": charts.bars(
            "Pairings by status",
            [STATUS_LABELS[s] for s in statuses],
            list(statuses.values()),
            ("#146c43", "#997404", "#0a58ca", "#b02a37", "#6c757d"),
        ),
        "meetings": charts.bars(
            "Held meetings by academic year", labels, [row.meetings for _l, row in trend_rows]
        ),
    }
    picked = program_ids[0] if program_ids and len(program_ids) == 1 and request.args.get("program") else None
    return render_template(
        "dashboard/index.html",
        error=None,
        years=years,
        programs=allowed,
        year=year,
        program=picked,
        ay=shown.ay,
        as_of=shown.as_of,
        summary=summary,
        total=summary[-1],
        networks=shown.networks,
        statuses=statuses,
        trend_rows=trend_rows,
        trend_years=[ay.year for ay, _row in shown.trend],
        link=figure_link,
        charts=charts_,
        reports=REPORTS,
        settings=settings,
        year_to_date=shown.as_of < shown.ay.end,
        definitions=glossary.BY_KEY,
    )


@bp.route("/mentees")
@roles_required("staff")
def mentees():
    try:
        year, program_ids, _allowed = report_filters()
    except BadFilter as exc:
        abort(400, description=str(exc))
    with_mentor = request.args.get("with_mentor", "") == "1"
    reviewed_twice = request.args.get("reviewed_twice", "") == "1"
    at_event = request.args.get("at_event", "") == "1"
    req = exports.request_for(
        current_app.config, year, _scope_ids(program_ids), current_user.email, exports.now(), dt.date.today()
    )
    return render_template(
        "dashboard/mentees.html",
        mentees=figures.mentees_behind(req, with_mentor, reviewed_twice, at_event),
        with_mentor=with_mentor,
        reviewed_twice=reviewed_twice,
        at_event=at_event,
        ay=req.ay,
        as_of=req.as_of,
        program=request.args.get("program", ""),
    )


@bp.route("/definitions")
@roles_required("staff")
def definitions():
    return render_template(
        "dashboard/definitions.html",
        groups=[
            ("Key figures", glossary.KPIS),
            ("Pairing status", glossary.STATUSES),
            ("Other terms", glossary.TERMS),
        ],
    )


REPORT_RULE = "<any('engagement', 'inclusivity', 'annual-review'):report>"


def _as_job(program_ids) -> bool:
    """True if this workbook is built by a background job: Redis is there and the scope is large."""
    config = current_app.config
    return bool(config.get("REDIS_URL")) and export_jobs.is_large(
        program_ids, config["LARGE_EXPORT_PAIRINGS"]
    )


@bp.route(f"/export/{REPORT_RULE}")
@roles_required("staff")
def export(report: str):
    try:
        year, program_ids, _allowed = report_filters()
    except BadFilter as exc:
        abort(400, description=str(exc))
    if _as_job(program_ids):
        # A GET writes nothing: the page's button (a POST with its CSRF token) starts the job.
        return render_template(
            "dashboard/export_start.html", form=FlaskForm(), report=report, name=REPORTS[report], year=year
        )
    req = exports.request_for(
        current_app.config, year, _scope_ids(program_ids), current_user.email, exports.now(), dt.date.today()
    )
    content = exports.export(current_user, report, req, via="web")
    db.session.commit()
    return send_file(
        io.BytesIO(content),
        mimetype=exports.XLSX,
        as_attachment=True,
        download_name=exports.filename(report, year, req.program_ids),
    )


@bp.route(f"/export/{REPORT_RULE}/job", methods=["POST"])
@roles_required("staff")
def export_start(report: str):
    try:
        year, program_ids, _allowed = report_filters()
    except BadFilter as exc:
        abort(400, description=str(exc))
    if not FlaskForm().validate_on_submit() or not _as_job(program_ids):
        return redirect(url_for("dashboard.export", report=report, **request.args))
    record = export_jobs.start(
        current_user, report, year, _scope_ids(program_ids), now=utcnow(), today=dt.date.today()
    )
    db.session.commit()
    return redirect(url_for("dashboard.export_job", job_id=record.id))


def _own_job(job_id: int):
    """The caller's own workbook request, still within their scope; 404 for anyone else's."""
    record = export_jobs.find(job_id, current_user.id, utcnow())
    if record is None:
        abort(404)
    if not export_jobs.in_scope(record, scope_of(current_user)):
        abort(403)
    return record


@bp.route("/exports/<int:job_id>")
@roles_required("staff")
def export_job(job_id: int):
    record = _own_job(job_id)
    return render_template(
        "dashboard/export_job.html",
        record=record,
        name=REPORTS[record.report],
        progress=export_jobs.progress(record),
        refresh_seconds=3,
    )


@bp.route("/exports/<int:job_id>/file")
@roles_required("staff")
def export_file(job_id: int):
    record = _own_job(job_id)
    if record.content is None or record.filename is None:
        return redirect(url_for("dashboard.export_job", job_id=record.id))
    return send_file(
        io.BytesIO(record.content), mimetype=exports.XLSX, as_attachment=True, download_name=record.filename
    )
