"""The rows of the annual program review: per program and for the scope, the five-year KPI trend, the topic
mix and an inclusivity summary."""

from __future__ import annotations

from collections import defaultdict

from mentorship.services import inclusivity
from mentorship.services.metrics import network, versions
from mentorship.services.metrics.definitions import share
from mentorship.services.report_data.inclusivity import demographic_year
from mentorship.services.report_data.listings import topic_counts, topic_order
from mentorship.services.report_data.request import ReportRequest, cover
from mentorship.services.report_data.years import kpi_row, network_of, trend
from mentorship.services.suppression import notes as suppression_notes
from mentorship.services.suppression import store
from reports.annual_review import AnnualReviewData, ReviewSheet, TopicMixRow
from reports.inclusivity import GroupRow


def annual_review_data(req: ReportRequest) -> AnnualReviewData:
    """Per program and for the whole scope: five-year KPI trend, topic mix and inclusivity summary.

    The sheets are computed again only when the data, the day, the scope or a setting differ: five years of
    figures cost far more than writing them. Only the published rows are kept, never anyone's answers; the
    suppression rules' version is in the key since the inclusivity rows are what those rules publish.
    """
    key = (req.year, req.program_ids, req.today, req.settings, store.RULES)
    programs, sheets, notes = versions.kept("annual-review", key, lambda: _sheets(req))
    return AnnualReviewData(cover=cover(req, "annual-review", programs, notes), sheets=sheets)


def _sheets(req: ReportRequest) -> tuple[dict[int, str], list[ReviewSheet], list[str]]:
    s = req.settings
    years = trend(req.year, req.program_ids, req.today, s)
    networks = [network.network_figures(y.ay, y.as_of, req.program_ids) for y in years]
    current = years[-1]
    topic_years = [topic_counts(y.ay, y.as_of, req.program_ids) for y in years]
    people, pattern = demographic_year(current.ay, current.as_of, s)
    labels = [y.ay.label for y in years]

    def groups(column: int | None) -> list[GroupRow]:
        """The inclusivity summary of one program (or the institution)."""
        return inclusivity.group_rows(people, pattern, column, inclusivity.POOL_DIMENSIONS)

    def sheet(name: str, program_id: int | None, groups_shown: list[GroupRow]) -> ReviewSheet:
        """The sheet of one program (or of the whole scope, `program_id` None)."""
        trend_rows = [
            kpi_row(
                y.ay.label,
                y.total() if program_id is None else y.for_program(program_id),
                network_of(y, program_id, figures),
            )
            for y, figures in zip(years, networks, strict=True)
        ]
        per_year = []
        for counts in topic_years:
            merged: dict[str, int] = defaultdict(int)
            for (pid, topic), n in counts.items():
                if program_id is None or pid == program_id:
                    merged[topic] += n
            per_year.append(merged)
        found_topics: set[str] = set().union(*per_year) if per_year else set()
        topic_rows = [
            TopicMixRow(
                topic,
                tuple(c.get(topic, 0) for c in per_year),
                share(per_year[-1].get(topic, 0), trend_rows[-1].meetings),
            )
            for topic in topic_order(s.topics, dict.fromkeys(found_topics, 1))
        ]
        return ReviewSheet(name, trend_rows, topic_rows, labels, groups_shown)

    if req.program_ids is None:
        institution, shown = "Institution", groups(None)
    else:
        # Demographic figures are never summed over a set of programs: with one program, its own rows.
        only = list(current.programs)
        institution, shown = "All selected programs", groups(only[0]) if len(only) == 1 else []
    sheets = [sheet(institution, None, shown)]
    sheets += [sheet(name, pid, groups(pid)) for pid, name in current.programs.items()]
    notes = [
        f"One sheet for {institution.lower()} and one per program: the Summary KPIs for {labels[0]} to "
        f"{labels[-1]} (each year as of its own report date), the topic mix (held meetings per topic) and an "
        f"inclusivity summary for {current.ay.label}.",
        *suppression_notes(s.min_cell_size),
    ]
    return dict(current.programs), sheets, notes
