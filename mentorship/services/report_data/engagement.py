"""The rows of the engagement workbook: Summary, Pairings, Mentors, Meetings, Topics, Meetings per month,
Plans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import replace

from sqlalchemy import and_, select

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import MenteeProfile, Person, Program
from mentorship.services.metrics import network, versions
from mentorship.services.metrics.definitions import PairingMetrics, YearMetrics, share
from mentorship.services.metrics.network import NetworkFigures
from mentorship.services.metrics.plans import NO_PLAN, plan_figures
from mentorship.services.metrics.queries import mentee_scope, mentors_with_open_pairings, year_metrics
from mentorship.services.report_data.listings import (
    meeting_rows,
    meetings_per_month,
    pairing_people,
    topic_counts,
    topic_order,
)
from mentorship.services.report_data.networking import event_rows, networking_rows
from mentorship.services.report_data.request import ReportRequest, cover
from mentorship.services.report_data.years import STATUS_LABELS, kpi_row, network_of
from reports.engagement import EngagementData, MeetingRow, MentorRow, PairingRow, PlanRow, TopicRow
from reports.kpis import KpiRow

NOTES = [
    "Mentors: load = pairings active at the report date in any program, against capacity; "
    "pairings, meetings and hours are those of this report's programs.",
    "Meetings: every meeting dated in the year up to the report date, any status; notes are never "
    "exported. Counted = held.",
    "Topics: a meeting with several topics counts once for each; share = of counted meetings.",
]


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def pairing_rows(year: YearMetrics, program_ids: Collection[int] | None) -> list[PairingRow]:
    """The Pairings sheet: one row per pairing active in Y, by program, mentee, mentor and start."""
    return [row for _id, row in pairing_rows_of(year, year.pairings.values(), program_ids)]


def pairing_rows_of(
    year: YearMetrics, pairings: Iterable[PairingMetrics], program_ids: Collection[int] | None
) -> list[tuple[int, PairingRow]]:
    """(pairing id, Pairings sheet row) of some of the year's pairings, in the sheet's order; one query."""
    people = pairing_people(year.ay, program_ids)
    rows = []
    for p in pairings:
        who = people[p.pairing_id]
        row = PairingRow(
            program=who.program,
            mentee=who.mentee,
            mentee_email=who.mentee_email,
            pgy=who.pgy,
            mentor=who.mentor,
            mentor_email=who.mentor_email,
            kind=vocab.label(vocab.PAIRING_KINDS, p.kind),
            start_date=p.start_date,
            end_date=p.end_date,
            meetings=p.meetings,
            hours=p.hours,
            first_meeting=p.first_meeting,
            days_to_first_meeting=p.days_to_first_meeting,
            last_meeting=p.last_meeting,
            days_since_last_meeting=p.days_since_last_meeting,
            status=STATUS_LABELS[p.status],
        )
        rows.append(((who.program, who.mentee_sort, who.mentor_sort, p.start_date, p.pairing_id), row))
    return [(key[-1], row) for key, row in sorted(rows, key=lambda r: r[0])]


def mentor_rows(year: YearMetrics, program_ids: Collection[int] | None) -> list[MentorRow]:
    """The Mentors sheet: load at the report date against capacity, and this report's pairings."""
    by_mentor: dict[int, list[PairingMetrics]] = defaultdict(list)
    for p in year.pairings.values():
        by_mentor[p.mentor_id].append(p)
    return [
        MentorRow(
            mentor=m.name,
            mentor_email=m.email,
            mentor_type=vocab.label(vocab.MENTOR_TYPES, m.mentor_type),
            department=m.department,
            program=m.program,
            capacity=m.capacity,
            active_pairings=m.active_pairings,
            load_share=m.load_share,
            pairings=len(by_mentor[m.mentor_id]),
            meetings=sum(p.meetings for p in by_mentor[m.mentor_id]),
            hours=sum(p.minutes for p in by_mentor[m.mentor_id]) / 60,
            enrolled=_yes(m.enrolled),
        )
        for m in mentors_with_open_pairings(year.ay, year.as_of, program_ids)
    ]


def summary_rows(year: YearMetrics, figures: dict[int, NetworkFigures] | None = None) -> list[KpiRow]:
    """The Summary sheet's rows: one per program of the scope, then "All programs" (the API's too).

    `figures` are the year's network figures when the caller has them already."""
    if figures is None:
        figures = network.network_figures(year.ay, year.as_of, list(year.programs))
    return [kpi_row(r.program, r, network_of(year, r.program_id, figures)) for r in year.summary()]


def summary_of(req: ReportRequest) -> list[KpiRow]:
    """The Summary rows of a report request."""
    return summary_rows(year_metrics(req.ay, req.as_of, req.settings.metrics, req.program_ids))


def plan_rows(year: YearMetrics, program_ids: Collection[int] | None) -> list[PlanRow]:
    """The Plans sheet: one row per mentee enrolled in Y, by program and name; two plus one queries."""
    scope = and_(MenteeProfile.enrolled_in(year.ay), mentee_scope(program_ids))
    figures = plan_figures(year.ay, year.as_of, scope)
    people = db.session.execute(
        select(MenteeProfile.id, Program.name, Person.first_name, Person.last_name, Person.email)
        .add_columns(MenteeProfile.pgy)
        .join(Person, Person.id == MenteeProfile.person_id)
        .join(Program, Program.id == MenteeProfile.program_id)
        .where(scope)
        .order_by(Program.name, Person.last_name, Person.first_name, MenteeProfile.id)
    )
    rows = []
    for mentee_id, program, first, last, email, pgy in people:
        plan = figures.get(mentee_id, NO_PLAN)
        rows.append(
            PlanRow(
                program=program,
                mentee=f"{first} {last}".strip(),
                mentee_email=email,
                pgy=pgy,
                plan=_yes(plan.has_plan),
                goals=plan.goals,
                goals_done=plan.goals_done,
                reviews=plan.reviews,
                last_review=plan.last_review,
            )
        )
    return rows


def engagement_data(req: ReportRequest) -> EngagementData:
    """Everything the engagement workbook shows; its sheets computed again only when the data, the day, the
    scope or a setting differ (a year's meetings and figures cost about as much as writing them)."""
    key = (req.year, req.program_ids, req.today, req.settings)
    programs, data = versions.kept("engagement", key, lambda: _computed(req))
    # The cover says who asked and when: made for each request, over the kept sheets.
    return replace(data, cover=cover(req, "engagement", programs, NOTES))


def _computed(req: ReportRequest) -> tuple[dict[int, str], EngagementData]:
    ay, as_of = req.ay, req.as_of
    year = year_metrics(ay, as_of, req.settings.metrics, req.program_ids)
    figures = network.network_figures(ay, as_of, req.program_ids)
    meetings = [
        MeetingRow(
            date=m.date,
            program=m.program,
            mentee=m.mentee,
            mentor=m.mentor,
            minutes=m.minutes,
            modality=vocab.label(vocab.MODALITIES, m.modality),
            status=vocab.label(vocab.MEETING_STATUSES, m.status),
            counted=_yes(m.status == "held"),
            logged_by=m.logged_as.capitalize(),
            confirmed=_yes(m.confirmed),
            topics="; ".join(m.topics),
        )
        for m in meeting_rows(ay, as_of, req.program_ids)
    ]
    counts: dict[str, int] = defaultdict(int)
    for (_program, topic), n in topic_counts(ay, as_of, req.program_ids).items():
        counts[topic] += n
    total = year.total()
    topics = [
        TopicRow(topic, counts.get(topic, 0), share(counts.get(topic, 0), total.meetings))
        for topic in topic_order(req.settings.topics, counts)
    ]
    return dict(year.programs), EngagementData(
        cover=cover(req, "engagement", year.programs, NOTES),
        summary=summary_rows(year, figures),
        pairings=pairing_rows(year, req.program_ids),
        mentors=mentor_rows(year, req.program_ids),
        meetings=meetings,
        topics=topics,
        months=meetings_per_month(ay, as_of, req.program_ids),
        plans=plan_rows(year, req.program_ids),
        events=event_rows(ay, as_of, req.program_ids),
        networking=networking_rows(year, figures),
    )
