"""Report exports: the request, the workbook bytes, the download name and the audit event.

One path for the dashboard downloads and `flask report`, so the same request gives the same bytes from both,
and every export is audited the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from mentorship.models import User
from mentorship.services import ServiceError, audit
from mentorship.services.metrics.queries import programs_in_scope
from mentorship.services.report_data.annual_review import annual_review_data
from mentorship.services.report_data.engagement import engagement_data
from mentorship.services.report_data.inclusivity import inclusivity_data
from mentorship.services.report_data.request import ReportRequest, ReportSettings
from mentorship.services.suppression import check
from mentorship.services.suppression.tables import load_year, network_tables, year_tables
from reports import annual_review, engagement, inclusivity
from reports.xlsx import neutralise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEMOGRAPHIC_REPORTS = ("inclusivity", "annual-review")


def now() -> dt.datetime:
    """The "generated at" time of an export made now (UTC, whole seconds); the callers pass it in."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def request_for(
    config: Mapping[str, Any],
    year: int,
    program_ids: Collection[int] | None,
    generated_by: str,
    generated_at: dt.datetime,
    today: dt.date,
) -> ReportRequest:
    """A report request with the app's settings."""
    return ReportRequest(
        year=year,
        program_ids=None if program_ids is None else tuple(sorted(program_ids)),
        today=today,
        generated_at=generated_at,
        generated_by=generated_by,
        settings=ReportSettings.from_config(config),
    )


def build_report(report: str, req: ReportRequest) -> bytes:
    """The workbook bytes of `report` ("engagement", "inclusivity" or "annual-review")."""
    if report == "engagement":
        return engagement.build(engagement_data(req))
    if report == "inclusivity":
        return inclusivity.build(inclusivity_data(req))
    if report == "annual-review":
        return annual_review.build(annual_review_data(req))
    raise ServiceError(f"Unknown report {report!r}.")


def export(
    actor: User | None, report: str, req: ReportRequest, via: str, destination: str | None = None
) -> bytes:
    """The workbook bytes of `report`, its export audited (the caller commits once the bytes are out)."""
    content = build_report(report, req)
    record_export(actor, report, req, via, destination)
    return content


def published_demographics(
    config: Mapping[str, Any], year: int, today: dt.date
) -> tuple[ReportRequest, list[check.Observation]]:
    """Build every workbook with demographic counts of `year` for every scope and read their cells back."""
    # Never published: the cover's time only has to be the same for every scope.
    base = request_for(config, year, None, "check-suppression", dt.datetime.combine(today, dt.time()), today)
    observations = []
    for scope in check.scopes(programs_in_scope(None)):
        req = request_for(config, year, scope, base.generated_by, base.generated_at, base.today)
        for report in DEMOGRAPHIC_REPORTS:
            observations += check.read_workbook(build_report(report, req))
    return base, observations


def check_suppression(
    config: Mapping[str, Any], year: int, today: dt.date
) -> tuple[ReportRequest, check.CheckResult]:
    """Run the rebuilding test over everything the year's workbooks publish, for every scope together
    (docs/privacy.md)."""
    req, observations = published_demographics(config, year, today)
    s = req.settings
    people = load_year(req.ay, req.as_of, s.metrics, s.urim_categories)
    tables = [*year_tables(people), *network_tables(people)]
    observations += check.network_totals(tables)
    names = {neutralise(name): pid for pid, name in programs_in_scope(None).items()}
    return req, check.check([t.layout for t in tables], observations, s.min_cell_size, names)


def filename(report: str, year: int, program_ids: Collection[int] | None) -> str:
    """A download name such as engagement-AY2025-all-programs.xlsx."""
    if program_ids is None:
        scope = "all-programs"
    else:
        names = list(programs_in_scope(program_ids).values())
        scope = "-".join(_slug(n) for n in names)[:60] or "programs"
    return f"{report}-AY{year}-{scope}.xlsx"


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def record_export(
    actor: User | None, report: str, req: ReportRequest, via: str, destination: str | None = None
) -> None:
    """Audit one export: who, when (the event time), which report, which filters."""
    programs = None if req.program_ids is None else list(programs_in_scope(req.program_ids).values())
    details: dict[str, Any] = {
        "report": report,
        "year": req.year,
        "programs": programs if programs is not None else "all",
        "via": via,
    }
    if destination:
        details["file"] = destination
    audit.record(actor, "report.export", None, **details)
