"""Loading the faculty mentoring record: a fixed number of queries for one mentor or for every mentor.

Meetings and hours come from services.metrics (pairing_metrics_of_years), so the record, the engagement
workbook and the dashboard count the same meetings. The other figures are dated rows (group meetings,
plan reviews, introductions, events) placed in the academic year they fall in, up to the report date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, or_, select, true

from mentorship.extensions import db
from mentorship.models import (
    Event,
    Introduction,
    Invitation,
    Meeting,
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
    PlanReview,
    Program,
)
from mentorship.services import NotFound, ServiceError
from mentorship.services.academic_year import AcademicYear, academic_year, report_date, year_of
from mentorship.services.metrics.definitions import MetricSettings
from mentorship.services.metrics.plans import counted_review
from mentorship.services.metrics.queries import counted_meeting, pairing_metrics_of_years
from mentorship.services.records.credit import CreditRule
from mentorship.services.records.figures import (
    Activity,
    MenteeLine,
    MentorRecord,
    Totals,
    credits_of,
    totals,
)

Period = tuple[AcademicYear, dt.date]


@dataclass(frozen=True)
class RecordSettings:
    """What the record depends on: the metric settings, the year's start month and the credit rule."""

    metrics: MetricSettings
    start_month: int
    credit_rule: CreditRule | None


@dataclass(frozen=True)
class MentorInfo:
    """Who a record is for (never their self-identification)."""

    mentor_id: int
    person_id: int
    name: str
    sort_name: str
    email: str
    department: str | None
    rank: str | None


@dataclass(frozen=True)
class MentorYear:
    """One mentor's totals for one year: a row of the faculty-affairs workbook."""

    mentor: MentorInfo
    totals: Totals
    credits: float | None


@dataclass
class _Found:
    """Rows loaded for some mentors over consecutive periods, each placed in its period (index)."""

    lines: list[dict[int, list[MenteeLine]]]  # per period: mentor id -> lines
    groups: list[dict[int, set[str]]]  # per period: mentor id -> group-session ids
    dated: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)  # kind -> (period, person, id)


def period_of(periods: Sequence[Period], day: dt.date) -> int | None:
    """The index of the period holding `day` (each runs from its year's start to its report date)."""
    for k, (ay, as_of) in enumerate(periods):
        if ay.start <= day <= min(ay.end, as_of):
            return k
    return None


def year_period(year: int, today: dt.date, start_month: int) -> Period:
    """Academic year `year` and its report date; ServiceError for a year that has not started."""
    ay = academic_year(year, start_month)
    if ay.start > today:
        raise ServiceError(f"{ay.label} has not started yet: there is no record for it.")
    return ay, report_date(ay, today)


def _mentors(where: ColumnElement[bool]) -> list[MentorInfo]:
    rows = db.session.execute(
        select(
            MentorProfile.id,
            MentorProfile.person_id,
            Person.first_name,
            Person.last_name,
            Person.email,
            MentorProfile.department,
            MentorProfile.rank,
        )
        .join(Person, Person.id == MentorProfile.person_id)
        .where(where)
        .order_by(Person.last_name, Person.first_name, MentorProfile.id)
    )
    return [
        MentorInfo(mid, pid, f"{first} {last}".strip(), f"{last}, {first}", email, dept, rank)
        for mid, pid, first, last, email, dept, rank in rows
    ]


def _load(periods: Sequence[Period], settings: MetricSettings, mentors: ColumnElement[bool]) -> _Found:
    """The pairings' lines, group sessions and dated activity of the mentors matching `mentors` (a
    condition on MentorProfile); six queries whatever the number of mentors and years."""
    mentor_ids = select(MentorProfile.id).where(mentors)
    person_ids = select(MentorProfile.person_id).where(mentors)
    of_mentors = Pairing.mentor_id.in_(mentor_ids)
    per_year = pairing_metrics_of_years(periods, settings, of_mentors)
    first, last = periods[0][0].start, periods[-1][1]
    people = {
        pid: (name, program, pgy)
        for pid, name, program, pgy in db.session.execute(
            select(
                Pairing.id,
                func.trim(Person.first_name + " " + Person.last_name),
                Program.name,
                MenteeProfile.pgy,
            )
            .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
            .join(Person, Person.id == MenteeProfile.person_id)
            .join(Program, Program.id == MenteeProfile.program_id)
            .where(
                of_mentors,
                Pairing.start_date <= last,
                or_(Pairing.end_date.is_(None), Pairing.end_date >= first),
            )
        )
    }
    group_rows = db.session.execute(
        select(Meeting.pairing_id, Meeting.group_id, Meeting.date)
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .where(
            counted_meeting(), Meeting.group_id.is_not(None), of_mentors, Meeting.date.between(first, last)
        )
    ).all()
    found = _Found([defaultdict(list) for _ in periods], [defaultdict(set) for _ in periods])
    group_counts: dict[tuple[int, int], int] = defaultdict(int)
    for pairing_id, group_id, day in group_rows:
        k = period_of(periods, day)
        if k is not None and group_id is not None and pairing_id in per_year[k]:
            group_counts[(k, pairing_id)] += 1
            found.groups[k][per_year[k][pairing_id].mentor_id].add(group_id)
    for k, figures in enumerate(per_year):
        for pairing_id in sorted(figures, key=lambda i: (figures[i].start_date, i)):
            m = figures[pairing_id]
            name, program, pgy = people[pairing_id]
            found.lines[k][m.mentor_id].append(
                MenteeLine(
                    mentee_id=m.mentee_id,
                    mentee=name,
                    program=program,
                    pgy=pgy,
                    kind=m.kind,
                    start_date=m.start_date,
                    end_date=m.end_date,
                    meetings=m.meetings,
                    minutes=m.minutes,
                    group_sessions=group_counts[(k, pairing_id)],
                )
            )
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    since = dt.datetime.combine(first, dt.time())
    queries = {
        "introductions": select(
            Introduction.introduced_by_id, Introduction.id, Introduction.created_at
        ).where(
            Introduction.introduced_by_id.in_(person_ids),
            Introduction.created_at >= since,
            Introduction.created_at < until,
        ),
        "organized": select(Event.organizer_id, Event.id, Event.starts_at).where(
            Event.organizer_id.in_(person_ids),
            Event.cancelled_at.is_(None),
            Event.starts_at >= since,
            Event.starts_at < until,
        ),
        "plan_reviews": select(PlanReview.mentor_id, PlanReview.id, PlanReview.reviewed_on).where(
            PlanReview.mentor_id.in_(person_ids),
            counted_review(),
            PlanReview.reviewed_on.between(first, last),
        ),
        "attended": select(Invitation.person_id, Event.id, Event.starts_at)
        .join(Event, Event.id == Invitation.event_id)
        .where(
            Invitation.person_id.in_(person_ids),
            Invitation.attended.is_(True),
            Event.cancelled_at.is_(None),
            Event.starts_at >= since,
            Event.starts_at < until,
        ),
    }
    for kind, query in queries.items():
        rows = []
        for person_id, row_id, when in db.session.execute(query):
            k = period_of(periods, when.date() if isinstance(when, dt.datetime) else when)
            if k is not None and person_id is not None:
                rows.append((k, person_id, row_id))
        found.dated[kind] = rows
    return found


def _activity(found: _Found, mentor: MentorInfo, ks: set[int]) -> Activity:
    """The activity of `mentor` in the periods `ks`."""

    def ids(kind: str) -> frozenset[int]:
        return frozenset(i for k, p, i in found.dated[kind] if k in ks and p == mentor.person_id)

    groups: set[str] = set()
    for k in ks:
        groups |= found.groups[k].get(mentor.mentor_id, set())
    return Activity(
        group_sessions=len(groups),
        plan_reviews=len(ids("plan_reviews")),
        introductions=len(ids("introductions")),
        events_organized=ids("organized"),
        events_attended=ids("attended"),
    )


def mentor_record(mentor_id: int, year: int, today: dt.date, settings: RecordSettings) -> MentorRecord:
    """The record of mentor `mentor_id` (a MentorProfile id) for academic year `year`, with the career
    figures of every academic year from their first pairing to `year`; NotFound for an unknown mentor."""
    found_mentors = _mentors(MentorProfile.id == mentor_id)
    if not found_mentors:
        raise NotFound("No such mentor.")
    mentor = found_mentors[0]
    ay, as_of = year_period(year, today, settings.start_month)
    first_start = db.session.execute(
        select(func.min(Pairing.start_date)).where(Pairing.mentor_id == mentor_id)
    ).scalar_one()
    first_year = min(year, year_of(first_start, settings.start_month)) if first_start else year
    periods: list[Period] = [
        (academic_year(y, settings.start_month), academic_year(y, settings.start_month).end)
        for y in range(first_year, year)
    ] + [(ay, as_of)]
    found = _load(periods, settings.metrics, MentorProfile.id == mentor_id)
    lines = found.lines[-1].get(mentor_id, [])
    career_lines = [line for k in range(len(periods)) for line in found.lines[k].get(mentor_id, [])]
    return MentorRecord(
        mentor_id=mentor.mentor_id,
        person_id=mentor.person_id,
        name=mentor.name,
        email=mentor.email,
        department=mentor.department,
        rank=mentor.rank,
        ay=ay,
        as_of=as_of,
        lines=lines,
        year=totals(lines, _activity(found, mentor, {len(periods) - 1})),
        career=totals(career_lines, _activity(found, mentor, set(range(len(periods))))),
        career_since=first_year,
        credit_rule=settings.credit_rule,
        credits=credits_of(settings.credit_rule, lines),
    )


def year_rows(
    year: int, today: dt.date, settings: RecordSettings, scope: ColumnElement[bool] | None = None
) -> list[MentorYear]:
    """Every mentor (of `scope`, a condition on MentorProfile) enrolled in `year` or with a pairing active
    in it, with the year's totals and credits, in name order; a fixed number of queries."""
    ay, as_of = year_period(year, today, settings.start_month)
    active = select(Pairing.mentor_id).where(Pairing.active_in(ay))
    mentors = and_(
        scope if scope is not None else true(),
        or_(MentorProfile.enrolled_in(ay), MentorProfile.id.in_(active)),
    )
    found = _load([(ay, as_of)], settings.metrics, mentors)
    rows = []
    for mentor in _mentors(mentors):
        lines = found.lines[0].get(mentor.mentor_id, [])
        rows.append(
            MentorYear(
                mentor, totals(lines, _activity(found, mentor, {0})), credits_of(settings.credit_rule, lines)
            )
        )
    return rows
