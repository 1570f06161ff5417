"""The Summary KPIs as workbook rows, the five-year trend the dashboard and the annual review show, and the
dashboard's figures, computed once per version of the data (services.metrics.versions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from mentorship.services.academic_year import AcademicYear, academic_year, report_date
from mentorship.services.metrics import network, versions
from mentorship.services.metrics.definitions import STATUS_LABELS, SummaryRow, YearMetrics
from mentorship.services.metrics.network import NetworkFigures, NetworkSummary
from mentorship.services.metrics.queries import years_metrics
from mentorship.services.report_data.request import ReportSettings
from reports.kpis import KpiRow

TREND_YEARS = 5
__all__ = ["STATUS_LABELS", "TREND_YEARS", "Dashboard", "dashboard", "kpi_row", "network_of", "trend"]


def kpi_row(label: str, row: SummaryRow, network: NetworkSummary) -> KpiRow:
    """The KPIs of `row` and the network summary of the same mentees as the workbooks show them, under
    `label` (its program, or an academic year)."""
    return KpiRow(
        label=label,
        mentees_enrolled=row.mentees_enrolled,
        mentees_with_mentor=row.mentees_with_mentor,
        coverage=row.coverage,
        active_pairings=row.active_pairings,
        meetings=row.meetings,
        hours=row.hours,
        engaged_pairings=row.engaged_pairings,
        engaged_share=row.engaged_share,
        overdue_pairings=row.overdue_pairings,
        overdue_share=row.overdue_share,
        median_days_to_first_meeting=row.median_days_to_first_meeting,
        plans_reviewed_twice=row.plans_reviewed_twice,
        mentees_at_event=network.mentees_at_event_share,
        events_per_mentee=network.events_per_mentee,
    )


def network_of(
    year: YearMetrics, program_id: int | None, figures: dict[int, NetworkFigures]
) -> NetworkSummary:
    """The network summary of the year's enrolled mentees of one program (None: every program of it)."""
    mentees = [m for m, p in year.enrolled_mentees.items() if program_id is None or p == program_id]
    return network.summarize(mentees, figures)


def trend(
    year: int, program_ids: Collection[int] | None, today: dt.date, settings: ReportSettings
) -> list[YearMetrics]:
    """Year metrics of `year` and up to four earlier years that have started, oldest first.

    The years before today's are kept while the data of closed years stands (services.metrics.versions):
    logging a meeting in the open year computes only the open year again. Four queries for each part.
    """
    spans = []
    for y in range(year - TREND_YEARS + 1, year + 1):
        ay = academic_year(y, settings.start_month)
        if ay.start > today:
            continue
        spans.append((ay, report_date(ay, today)))
    opened = versions.open_year_start(today)
    closed = tuple(span for span in spans if span[0].end < opened)
    scope = None if program_ids is None else tuple(sorted(program_ids))
    earlier = (
        versions.kept(
            "closed years",
            (closed, scope, settings.metrics),
            lambda: years_metrics(closed, settings.metrics, scope),
            row=versions.CLOSED_ROW_ID,
        )
        if closed
        else []
    )
    return [*earlier, *years_metrics(spans[len(closed) :], settings.metrics, program_ids)]


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard shows for one year and scope: the year's Summary rows (programs, then the total),
    their network summaries by program id, the pairings by status, and each year of the trend's total row."""

    ay: AcademicYear
    as_of: dt.date
    summary: list[SummaryRow]
    networks: dict[int | None, NetworkSummary]
    statuses: dict[str, int]
    trend: list[tuple[AcademicYear, SummaryRow]]


def dashboard(
    year: int, program_ids: Collection[int] | None, today: dt.date, settings: ReportSettings
) -> Dashboard:
    """The dashboard's figures, computed again only when the data, the day, the scope or a setting differ."""
    scope = None if program_ids is None else tuple(sorted(program_ids))
    return versions.kept(
        "dashboard", (year, scope, today, settings), lambda: _dashboard(year, scope, today, settings)
    )


def _dashboard(
    year: int, program_ids: Collection[int] | None, today: dt.date, settings: ReportSettings
) -> Dashboard:
    years = trend(year, program_ids, today, settings)
    now = years[-1]
    summary = now.summary()
    figures = network.network_figures(now.ay, now.as_of, program_ids)
    networks = {row.program_id: network_of(now, row.program_id, figures) for row in summary}
    return Dashboard(
        now.ay, now.as_of, summary, networks, now.status_counts(), [(y.ay, y.total()) for y in years]
    )
