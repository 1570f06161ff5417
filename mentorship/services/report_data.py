"""Plain rows for each workbook and for the dashboard, built on services.metrics (PRODUCT.md §3–§5).

Nothing here computes a metric: it loads them from services.metrics, applies §4 suppression where the
report is about groups of people, and lays the figures out as rows for the builders in reports/.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import MenteeProfile, MentorProfile, Pairing, Person, Program
from mentorship.services import ServiceError, metrics
from mentorship.services.academic_year import AcademicYear, academic_year, report_date
from mentorship.services.metrics import (
    MetricSettings,
    PairingMetrics,
    SummaryRow,
    YearMetrics,
)
from mentorship.services.suppression import notes as suppression_notes
from mentorship.services.suppression import suppress

REPORTS = {
    "engagement": "Engagement",
    "inclusivity": "Inclusivity",
    "annual-review": "Annual program review",
}
TREND_YEARS = 5
STATUS_LABELS = {"on_track": "On track", "behind": "Behind", "overdue": "Overdue"}
DIMENSION_LABELS = {
    "gender": "Gender",
    "urim": "URiM",
    "img": "International medical graduate",
    "first_generation": "First-generation",
    "pgy": "PGY",
    "mentor_type": "Mentor type",
}
GROUP_LABELS = {
    "gender": {k: v for k, v in vocab.GENDERS.items() if k != "prefer_not"},
    "urim": {"yes": "Yes", "no": "No"},
    "img": {"yes": "Yes", "no": "No"},
    "first_generation": {"yes": "Yes", "no": "No"},
    "mentor_type": {"faculty": "Faculty", "near_peer": "Near-peer"},
}
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
    groups: list[tuple]  # (dimension, group, enrolled, coverage, median meetings, engaged, median days)
    pools: list[tuple]  # (dimension, group, mentors, share, mentees, share)
    mentor_load: list[tuple]  # (dimension, group, mentors, mentees per mentor, share of capacity)
    concordance: list[tuple]  # (request, made, with a mentor, met, share met)
    concordance_text: list[str]
    sections: list[tuple[str, int, int]] = field(default_factory=list)  # (dimension, first, last) of groups


@dataclass
class ReviewSheet:
    name: str
    trend: list[tuple]  # one row per AY, oldest first
    topics: list[tuple]  # (topic, count per AY..., share in Y)
    year_labels: list[str]
    inclusivity: list[tuple]  # (dimension, group, enrolled, coverage, engaged share)


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
            "Figures follow PRODUCT.md §3 as of the report date: today, or the last day of the year "
            "if it is over.",
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
    """A Summary row in the column order of PRODUCT.md §5."""
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
        .where(metrics.active_in_year(ay), metrics.mentee_scope(program_ids))
    )
    return {
        pid: (program, f"{mf} {ml}".strip(), (ml, mf), memail, pgy, f"{tf} {tl}".strip(), (tl, tf), temail)
        for pid, program, mf, ml, memail, pgy, tf, tl, temail in db.session.execute(query)
    }


def pairing_rows(year: YearMetrics, program_ids: Collection[int] | None) -> list[tuple]:
    """The Pairings sheet: one row per pairing active in Y, in the §5 column order."""
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


def _groups_of(dimension: str, present: Collection[str | None]) -> list[str | None]:
    """The groups of a dimension in display order, "Not disclosed" (None) last."""
    if dimension == "pgy":
        levels = sorted({int(g) for g in present if g is not None})
        return [str(level) for level in levels]
    return [*GROUP_LABELS[dimension], None]


def _label(dimension: str, group: str | None) -> str:
    if group is None:
        return vocab.NOT_DISCLOSED
    if dimension == "pgy":
        return f"PGY-{group}"
    return GROUP_LABELS[dimension].get(group, group)


def group_rows(
    mentees: list[metrics.MenteeIdentity],
    pairings: Collection[PairingMetrics],
    min_cell: int,
    dimensions: Collection[str] = metrics.DIMENSIONS,
    full: bool = True,
) -> tuple[list[tuple], list[tuple[str, int, int]], list[str]]:
    """Per dimension and group: suppressed counts and figures; also each dimension's row span and notes."""
    rows, sections, found = [], [], []
    for dimension in dimensions:
        members: dict[str | None, list[int]] = defaultdict(list)
        for m in mentees:
            members[m.groups[dimension]].append(m.mentee_id)
        groups = _groups_of(dimension, members)
        stats = [metrics.group_stats(members.get(g, []), pairings) for g in groups]
        figures = [
            [
                (s.coverage, s.mentees),
                (s.median_meetings, s.pairing_people),
                (s.engaged_share, s.pairing_people),
                (s.median_days_to_first_meeting, s.first_meeting_people),
            ]
            for s in stats
        ]
        shown = suppress([s.mentees for s in stats], min_cell, figures)
        found += shown.notes
        first = len(rows)
        for g, count, values in zip(groups, shown.counts, shown.stats, strict=True):
            label = DIMENSION_LABELS[dimension]
            if full:
                rows.append((label, _label(dimension, g), count, *values))
            else:
                rows.append((label, _label(dimension, g), count, values[0], values[2]))
        sections.append((DIMENSION_LABELS[dimension], first, len(rows) - 1))
    return rows, sections, found


def inclusivity_data(req: ReportRequest) -> InclusivityData:
    """Everything the inclusivity workbook shows, suppressed per §4."""
    ay, as_of, s = req.ay, req.as_of, req.settings
    year = metrics.year_metrics(ay, as_of, s.metrics, req.program_ids)
    mentees = metrics.mentee_identities(ay, req.program_ids, s.urim_categories)
    enrolled = {m.mentee_id for m in mentees}
    pairings = [p for p in year.pairings.values() if p.mentee_id in enrolled]
    groups, sections, found = group_rows(mentees, pairings, s.min_cell_size)

    loads = metrics.mentor_loads(ay, as_of, req.program_ids, with_identity=True)
    mentor_groups = {
        m.mentor_id: {**metrics.identity_groups(m.selfid, s.urim_categories), "mentor_type": m.mentor_type}
        for m in loads
    }
    pool = [m for m in loads if m.enrolled]

    pools = []
    for dimension in ("gender", "urim", "img", "first_generation"):
        groups_ = _groups_of(dimension, ())
        mentor_counts = [sum(mentor_groups[m.mentor_id][dimension] == g for m in pool) for g in groups_]
        mentee_counts = [sum(m.groups[dimension] == g for m in mentees) for g in groups_]
        a = suppress(
            mentor_counts,
            s.min_cell_size,
            [[(metrics.share(n, len(pool)), len(pool))] for n in mentor_counts],
        )
        b = suppress(
            mentee_counts,
            s.min_cell_size,
            [[(metrics.share(n, len(mentees)), len(mentees))] for n in mentee_counts],
        )
        found += a.notes + b.notes
        for i, g in enumerate(groups_):
            # A share would reveal a suppressed count, so it goes with it.
            mentor_share = a.stats[i][0] if isinstance(a.counts[i], int) else None
            mentee_share = b.stats[i][0] if isinstance(b.counts[i], int) else None
            pools.append(
                (
                    DIMENSION_LABELS[dimension],
                    _label(dimension, g),
                    a.counts[i],
                    mentor_share,
                    b.counts[i],
                    mentee_share,
                )
            )

    mentor_load = []
    for dimension in ("mentor_type", "gender", "urim", "img", "first_generation"):
        groups_ = (
            list(GROUP_LABELS["mentor_type"]) if dimension == "mentor_type" else _groups_of(dimension, ())
        )
        members = [[m for m in pool if mentor_groups[m.mentor_id][dimension] == g] for g in groups_]
        figures = [
            [
                (metrics.share(sum(m.active_pairings for m in ms), len(ms)), len(ms)),
                (metrics.share(sum(m.active_pairings for m in ms), sum(m.capacity for m in ms)), len(ms)),
            ]
            for ms in members
        ]
        shown = suppress([len(ms) for ms in members], s.min_cell_size, figures)
        found += shown.notes
        for g, count, values in zip(groups_, shown.counts, shown.stats, strict=True):
            label = vocab.MENTOR_TYPES[g] if dimension == "mentor_type" else _label(dimension, g)
            mentor_load.append((DIMENSION_LABELS[dimension], label, count, *values))

    concordance_rows = []
    for c in metrics.concordance(mentees, pairings, mentor_groups):
        counts = [suppress([n], s.min_cell_size).counts[0] for n in (c.requested, c.paired, c.met)]
        # Blank when over too few people, or when it would reveal a suppressed number of requests met.
        small_met = 0 < c.met < s.min_cell_size
        met_share = metrics.share(c.met, c.paired) if c.paired >= s.min_cell_size and not small_met else None
        concordance_rows.append((vocab.CONCORDANCE[c.kind], *counts, met_share))
        if any(0 < n < s.min_cell_size for n in (c.requested, c.paired, c.met)):
            found.append(f"Counts under {s.min_cell_size} are shown as <{s.min_cell_size}.")
    text = [
        "Concordance requests are described, not targets: a request is met when at least one pairing active "
        "in the year is with a mentor of the same disclosed gender (gender) or when both are URiM (URiM).",
        "Mentor pool = mentors enrolled in the year in these programs; mentee pool = mentees enrolled in the "
        "year. Mentor load = pairings active at the report date per mentor and over total capacity.",
        "URiM: an explicit yes/no answer wins; otherwise derived from race/ethnicity using the categories "
        f"{', '.join(vocab.RACE_CATEGORIES.get(c, c) for c in s.urim_categories)}.",
    ]
    notes = [
        "Aggregate report: no names, no emails, no row per person.",
        *suppression_notes(s.min_cell_size),
        *text,
        *sorted(set(found)),
    ]
    return InclusivityData(
        cover=_cover(req, "inclusivity", year.programs, notes),
        groups=groups,
        pools=pools,
        mentor_load=mentor_load,
        concordance=concordance_rows,
        concordance_text=text[:1],
        sections=sections,
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


def annual_review_data(req: ReportRequest) -> AnnualReviewData:
    """Per program and for the whole scope: five-year KPI trend, topic mix and inclusivity summary."""
    s = req.settings
    years = trend(req.year, req.program_ids, req.today, s)
    current = years[-1]
    topic_years = [metrics.topic_counts(y.ay, y.as_of, req.program_ids) for y in years]
    mentees = metrics.mentee_identities(current.ay, req.program_ids, s.urim_categories)
    enrolled = {m.mentee_id for m in mentees}
    dims = ("gender", "urim", "img", "first_generation")
    labels = [y.ay.label for y in years]
    found: list[str] = []

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
        mine = [m for m in mentees if program_id is None or m.program_id == program_id]
        pairings = [
            p
            for p in current.pairings.values()
            if p.mentee_id in enrolled and (program_id is None or p.program_id == program_id)
        ]
        incl, _sections, notes_ = group_rows(mine, pairings, s.min_cell_size, dims, full=False)
        found.extend(notes_)
        return ReviewSheet(name, trend_rows, topic_rows, labels, incl)

    institution = "Institution" if req.program_ids is None else "All selected programs"
    sheets = [sheet(institution, None)] + [sheet(name, pid) for pid, name in current.programs.items()]
    notes = [
        f"One sheet for {institution.lower()} and one per program: the Summary KPIs for {labels[0]} to "
        f"{labels[-1]} (each year as of its own report date), the topic mix (held meetings per topic) and an "
        f"inclusivity summary for {current.ay.label}.",
        *suppression_notes(s.min_cell_size),
        *sorted(set(found)),
    ]
    return AnnualReviewData(cover=_cover(req, "annual-review", current.programs, notes), sheets=sheets)
