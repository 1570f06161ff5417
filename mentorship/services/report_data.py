"""Plain rows for each workbook and for the dashboard, built on services.metrics (docs/metrics.md).

Nothing here computes a metric: it loads them from services.metrics, takes demographic rows from
services.inclusivity (which reads the year's one suppression pattern, docs/privacy.md), and lays the
figures out as rows for the builders in reports/.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import astuple, dataclass
from typing import Any

from sqlalchemy import select

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import MenteeProfile, MentorProfile, Pairing, Person, Program
from mentorship.services import ServiceError, inclusivity, metrics
from mentorship.services.academic_year import AcademicYear, academic_year, report_date
from mentorship.services.metrics import (
    MetricSettings,
    PairingMetrics,
    SummaryRow,
    YearMetrics,
)
from mentorship.services.suppression import notes as suppression_notes
from mentorship.services.suppression.tables import YearPattern, YearPeople, load_year, year_pattern

REPORTS = {
    "engagement": "Engagement",
    "inclusivity": "Inclusivity",
    "annual-review": "Annual program review",
}
TREND_YEARS = 5
STATUS_LABELS = {"on_track": "On track", "behind": "Behind", "overdue": "Overdue"}
ACTIVE_PAIRINGS_NOTE = (
    "Active pairings = pairings active in the academic year: started on or before its last day and not ended "
    "before its first day (they may have ended during the year). A pairing belongs to its mentee's program."
)


@dataclass(frozen=True)
class ReportSettings:
    """The settings a report depends on, read once from the app config."""

    metrics: MetricSettings
    min_cell_size: int
    start_month: int
    urim_categories: tuple[str, ...]
    topics: tuple[str, ...]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ReportSettings:
        """The settings of a Flask config mapping."""
        return cls(
            MetricSettings.from_config(config),
            int(config["MIN_CELL_SIZE"]),
            int(config["ACADEMIC_YEAR_START_MONTH"]),
            tuple(config["URIM_CATEGORIES"]),
            tuple(config["MEETING_TOPICS"]),
        )


@dataclass(frozen=True)
class ReportRequest:
    """Which report, for which year and programs, for whom and when."""

    year: int
    program_ids: tuple[int, ...] | None  # None = every program
    today: dt.date
    generated_at: dt.datetime
    generated_by: str
    settings: ReportSettings

    @property
    def ay(self) -> AcademicYear:
        return academic_year(self.year, self.settings.start_month)

    @property
    def as_of(self) -> dt.date:
        return report_date(self.ay, self.today)


@dataclass
class CoverData:
    report: str
    academic_year: str
    report_date: dt.date
    programs: str
    generated_at: dt.datetime
    generated_by: str
    settings: list[tuple[str, Any]]
    notes: list[str]


@dataclass
class EngagementData:
    cover: CoverData
    summary: list[tuple]
    pairings: list[tuple]
    mentors: list[tuple]
    meetings: list[tuple]
    topics: list[tuple]
    months: list[tuple]


@dataclass
class InclusivityData:
    cover: CoverData
    # Rows of services.inclusivity as tuples, in the order of their fields (program first).
    groups: list[tuple]
    pools: list[tuple]
    mentor_load: list[tuple]
    concordance: list[tuple]
    concordance_text: list[str]


@dataclass
class ReviewSheet:
    name: str
    trend: list[tuple]  # one row per AY, oldest first
    topics: list[tuple]  # (topic, count per AY..., share in Y)
    year_labels: list[str]
    inclusivity: list[tuple]  # (program, dimension, group, enrolled, coverage, engaged share); none for a set


@dataclass
class AnnualReviewData:
    cover: CoverData
    sheets: list[ReviewSheet]


# ---------------------------------------------------------------------------------------------------------
# Scope and cover.


def resolve_programs(names: Collection[str] | None) -> tuple[int, ...] | None:
    """Program ids of `names` (any case); None for every program; ServiceError for an unknown name."""
    if not names:
        return None
    from mentorship.services.programs import find_program

    ids = []
    for name in names:
        program = find_program(name)
        if program is None:
            raise ServiceError(f"No program called {name.strip()!r}.")
        ids.append(program.id)
    return tuple(sorted(set(ids)))


def _programs_label(req: ReportRequest, programs: Mapping[int, str]) -> str:
    if req.program_ids is None:
        return f"All programs ({len(programs)})"
    return "; ".join(programs.values()) or "(none)"


def _cover(req: ReportRequest, report: str, programs: Mapping[int, str], notes: list[str]) -> CoverData:
    s = req.settings
    ay = req.ay
    return CoverData(
        report=REPORTS[report],
        academic_year=f"{ay.label} ({ay.start.isoformat()} to {ay.end.isoformat()})",
        report_date=req.as_of,
        programs=_programs_label(req, programs),
        generated_at=req.generated_at,
        generated_by=req.generated_by,
        settings=[
            ("Engagement target (held meetings in the year)", s.metrics.engagement_target),
            ("Overdue after (days without a meeting)", s.metrics.overdue_days),
            ("Suppression threshold (MIN_CELL_SIZE)", s.min_cell_size),
            ("Academic year starts in month", s.start_month),
        ],
        notes=[
            "Figures follow the metric definitions (docs/metrics.md) as of the report date: today, or the "
            "last day of the year if it is over.",
            ACTIVE_PAIRINGS_NOTE,
            "Meetings and hours count held meetings dated in the year and not after the report date; "
            "cancelled, no-show and deleted meetings are not counted.",
            "Coverage = mentees enrolled in the year with at least one pairing active in the year, "
            "over mentees enrolled in the year. Rates are fractions formatted as percentages.",
            f"Engaged = at least {s.metrics.engagement_target} held meetings in the year. "
            "Overdue = active at the report date, started 30 or more days before it, and more than "
            f"{s.metrics.overdue_days} days since the last held meeting (or the start).",
            "Medians ignore blanks; a group with no values is left blank.",
            *notes,
        ],
    )


def summary_tuple(row: SummaryRow) -> tuple:
    """A Summary row in the Summary sheet's column order."""
    return (
        row.program,
        row.mentees_enrolled,
        row.mentees_with_mentor,
        row.coverage,
        row.active_pairings,
        row.meetings,
        row.hours,
        row.engaged_pairings,
        row.overdue_pairings,
        row.median_days_to_first_meeting,
    )


def trend(
    year: int, program_ids: Collection[int] | None, today: dt.date, settings: ReportSettings
) -> list[YearMetrics]:
    """Year metrics of `year` and up to four earlier years, oldest first (three queries in all)."""
    spans = []
    for y in range(year - TREND_YEARS + 1, year + 1):
        ay = academic_year(y, settings.start_month)
        if ay.start > today:
            continue
        spans.append((ay, report_date(ay, today)))
    return metrics.years_metrics(spans, settings.metrics, program_ids)


# ---------------------------------------------------------------------------------------------------------
# Engagement.


def _pairing_people(ay: AcademicYear, program_ids: Collection[int] | None) -> dict[int, tuple]:
    """Names and emails of the pairings active in Y of the scope; one query."""
    mentee_person = Person.__table__.alias("mentee_person")
    mentor_person = Person.__table__.alias("mentor_person")
    query = (
        select(
            Pairing.id,
            Program.name,
            mentee_person.c.first_name,
            mentee_person.c.last_name,
            mentee_person.c.email,
            MenteeProfile.pgy,
            mentor_person.c.first_name,
            mentor_person.c.last_name,
            mentor_person.c.email,
        )
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .join(Program, Program.id == MenteeProfile.program_id)
        .join(mentee_person, mentee_person.c.id == MenteeProfile.person_id)
        .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
        .join(mentor_person, mentor_person.c.id == MentorProfile.person_id)
        .where(Pairing.active_in(ay), metrics.mentee_scope(program_ids))
    )
    return {
        pid: (program, f"{mf} {ml}".strip(), (ml, mf), memail, pgy, f"{tf} {tl}".strip(), (tl, tf), temail)
        for pid, program, mf, ml, memail, pgy, tf, tl, temail in db.session.execute(query)
    }


def pairing_rows(year: YearMetrics, program_ids: Collection[int] | None) -> list[tuple]:
    """The Pairings sheet: one row per pairing active in Y, in the Pairings sheet's column order."""
    people = _pairing_people(year.ay, program_ids)
    rows = []
    for p in year.pairings.values():
        program, mentee, mentee_sort, mentee_email, pgy, mentor, mentor_sort, mentor_email = people[
            p.pairing_id
        ]
        rows.append(
            (
                (program, mentee_sort, mentor_sort, p.start_date, p.pairing_id),
                (
                    program,
                    mentee,
                    mentee_email,
                    pgy,
                    mentor,
                    mentor_email,
                    vocab.label(vocab.PAIRING_KINDS, p.kind),
                    p.start_date,
                    p.end_date,
                    p.meetings,
                    p.hours,
                    p.first_meeting,
                    p.days_to_first_meeting,
                    p.last_meeting,
                    p.days_since_last_meeting,
                    STATUS_LABELS[p.status],
                ),
            )
        )
    return [row for _key, row in sorted(rows, key=lambda r: r[0])]


def engagement_data(req: ReportRequest) -> EngagementData:
    """Everything the engagement workbook shows."""
    ay, as_of = req.ay, req.as_of
    year = metrics.year_metrics(ay, as_of, req.settings.metrics, req.program_ids)
    by_mentor: dict[int, list[PairingMetrics]] = defaultdict(list)
    for p in year.pairings.values():
        by_mentor[p.mentor_id].append(p)
    mentors = [
        (
            m.name,
            m.email,
            vocab.label(vocab.MENTOR_TYPES, m.mentor_type),
            m.department,
            m.program,
            m.capacity,
            m.active_pairings,
            m.load_share,
            len(by_mentor[m.mentor_id]),
            sum(p.meetings for p in by_mentor[m.mentor_id]),
            sum(p.minutes for p in by_mentor[m.mentor_id]) / 60,
            "Yes" if m.enrolled else "No",
        )
        for m in metrics.mentor_loads(ay, as_of, req.program_ids)
    ]
    meetings = [
        (
            m.date,
            m.program,
            m.mentee,
            m.mentor,
            m.minutes,
            vocab.label(vocab.MODALITIES, m.modality),
            vocab.label(vocab.MEETING_STATUSES, m.status),
            "Yes" if m.status == "held" else "No",
            m.logged_as.capitalize(),
            "Yes" if m.confirmed else "No",
            "; ".join(m.topics),
        )
        for m in metrics.meeting_rows(ay, as_of, req.program_ids)
    ]
    counts: dict[str, int] = defaultdict(int)
    for (_program, topic), n in metrics.topic_counts(ay, as_of, req.program_ids).items():
        counts[topic] += n
    total = year.total()
    topics = [
        (topic, counts.get(topic, 0), metrics.share(counts.get(topic, 0), total.meetings))
        for topic in _topic_order(req.settings.topics, counts)
    ]
    months = metrics.meetings_per_month(ay, as_of, req.program_ids)
    cover = _cover(
        req,
        "engagement",
        year.programs,
        [
            "Mentors: load = pairings active at the report date in any program, against capacity; "
            "pairings, meetings and hours are those of this report's programs.",
            "Meetings: every meeting dated in the year up to the report date, any status; notes are never "
            "exported. Counted = held.",
            "Topics: a meeting with several topics counts once for each; share = of counted meetings.",
        ],
    )
    return EngagementData(
        cover=cover,
        summary=[summary_tuple(r) for r in year.summary()],
        pairings=pairing_rows(year, req.program_ids),
        mentors=mentors,
        meetings=meetings,
        topics=topics,
        months=[(month, n, hours) for month, n, hours in months],
    )


def _topic_order(configured: Collection[str], counts: Mapping[str, int]) -> list[str]:
    """Configured topics first (in their order), then any others found, alphabetically."""
    extra = sorted(t for t in counts if t not in configured)
    return [*configured, *extra]


# ---------------------------------------------------------------------------------------------------------
# Inclusivity (aggregate only: no names, no emails, no row per person).


def _demographic_year(req: ReportRequest) -> tuple[YearPeople, YearPattern]:
    """The institution's people of the year and the year's one suppression pattern."""
    s = req.settings
    year = load_year(req.ay, req.as_of, s.metrics, s.urim_categories)
    return year, year_pattern(year, s.min_cell_size)


def inclusivity_data(req: ReportRequest) -> InclusivityData:
    """Everything the inclusivity workbook shows, from the year's suppression pattern."""
    s = req.settings
    year, pattern = _demographic_year(req)
    rows = inclusivity.demographics(year, pattern, inclusivity.columns_of(req.program_ids, year))
    text = [
        "Concordance requests are described, not targets: a request is met when at least one pairing active "
        "in the year is with a mentor of the same disclosed gender (gender) or when both are URiM (URiM).",
        "Mentor pool = mentors enrolled in the year, each in one program: their own program if they have "
        "one, else the program of most of their pairings in the year (then ever); mentee pool = mentees "
        "enrolled in the year. Mentor load = pairings active at the report date (any program) per mentor "
        "and over total capacity.",
        "URiM: an explicit yes/no answer wins; otherwise derived from race/ethnicity using the categories "
        f"{', '.join(vocab.RACE_CATEGORIES.get(c, c) for c in s.urim_categories)}.",
    ]
    notes = [
        "Aggregate report: no names, no emails, no row per person.",
        *suppression_notes(s.min_cell_size),
        *text,
    ]
    programs = metrics.programs_in_scope(req.program_ids)
    return InclusivityData(
        cover=_cover(req, "inclusivity", programs, notes),
        groups=[astuple(r) for r in rows.groups],
        pools=[astuple(r) for r in rows.pools],
        mentor_load=[astuple(r) for r in rows.loads],
        concordance=[astuple(r) for r in rows.concordance],
        concordance_text=text[:1],
    )


# ---------------------------------------------------------------------------------------------------------
# Annual program review.


def trend_tuple(year: YearMetrics, row: SummaryRow) -> tuple:
    """One AY of the Summary KPIs, for trend tables and charts."""
    return (
        year.ay.label,
        row.mentees_enrolled,
        row.mentees_with_mentor,
        row.coverage,
        row.active_pairings,
        row.meetings,
        row.hours,
        row.engaged_pairings,
        row.engaged_share,
        row.overdue_pairings,
        row.overdue_share,
        row.median_days_to_first_meeting,
    )


def _review_inclusivity(people: YearPeople, pattern: YearPattern, column: int | None) -> list[tuple]:
    """The inclusivity summary of one program (or the institution): mentees, % with a mentor, % engaged."""
    rows = inclusivity.group_rows(people, pattern, column, inclusivity.POOL_DIMENSIONS)
    return [(r.program, r.dimension, r.group, r.mentees, r.coverage, r.engaged_share) for r in rows]


def annual_review_data(req: ReportRequest) -> AnnualReviewData:
    """Per program and for the whole scope: five-year KPI trend, topic mix and inclusivity summary."""
    s = req.settings
    years = trend(req.year, req.program_ids, req.today, s)
    current = years[-1]
    topic_years = [metrics.topic_counts(y.ay, y.as_of, req.program_ids) for y in years]
    people = load_year(current.ay, current.as_of, s.metrics, s.urim_categories)
    pattern = year_pattern(people, s.min_cell_size)
    labels = [y.ay.label for y in years]

    def sheet(name: str, program_id: int | None) -> ReviewSheet:
        trend_rows = [
            trend_tuple(y, y.total() if program_id is None else y.for_program(program_id)) for y in years
        ]
        per_year = []
        for counts in topic_years:
            merged: dict[str, int] = defaultdict(int)
            for (pid, topic), n in counts.items():
                if program_id is None or pid == program_id:
                    merged[topic] += n
            per_year.append(merged)
        found_topics: set[str] = set().union(*per_year) if per_year else set()
        total_now = trend_rows[-1][5]
        topic_rows = [
            (
                topic,
                *[c.get(topic, 0) for c in per_year],
                metrics.share(per_year[-1].get(topic, 0), total_now),
            )
            for topic in _topic_order(s.topics, dict.fromkeys(found_topics, 1))
        ]
        return ReviewSheet(
            name, trend_rows, topic_rows, labels, _review_inclusivity(people, pattern, program_id)
        )

    institution = "Institution" if req.program_ids is None else "All selected programs"
    first = sheet(institution, None)
    if req.program_ids is not None:
        # Demographic figures are never summed over a set of programs: with one program, its own rows.
        only = list(current.programs)
        first.inclusivity = _review_inclusivity(people, pattern, only[0]) if len(only) == 1 else []
    sheets = [first] + [sheet(name, pid) for pid, name in current.programs.items()]
    notes = [
        f"One sheet for {institution.lower()} and one per program: the Summary KPIs for {labels[0]} to "
        f"{labels[-1]} (each year as of its own report date), the topic mix (held meetings per topic) and an "
        f"inclusivity summary for {current.ay.label}.",
        *suppression_notes(s.min_cell_size),
    ]
    return AnnualReviewData(cover=_cover(req, "annual-review", current.programs, notes), sheets=sheets)
