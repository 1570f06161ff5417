"""What the engagement workbook and the annual review list: meetings, topics, months, the people of pairings.

Each listing is one or two queries over the meetings dated in the year and not after the report date
(docs/metrics.md, "Meetings, topics and months"); counted meetings are those of metrics' counted_meeting.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, and_, extract, func, select

from mentorship.extensions import db
from mentorship.models import Meeting, MeetingTopic, MenteeProfile, MentorProfile, Pairing, Person, Program
from mentorship.services.academic_year import AcademicYear
from mentorship.services.metrics.queries import counted_meeting, mentee_scope
from reports.engagement import MonthRow

MENTEE_PERSON = Person.__table__.alias("mentee_person")
MENTOR_PERSON = Person.__table__.alias("mentor_person")


def _with_people(query: Select) -> Select:
    """`query`, over Pairing, joined to the mentee's program and to both people (MENTEE_/MENTOR_PERSON)."""
    return (
        query.join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .join(Program, Program.id == MenteeProfile.program_id)
        .join(MENTEE_PERSON, MENTEE_PERSON.c.id == MenteeProfile.person_id)
        .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
        .join(MENTOR_PERSON, MENTOR_PERSON.c.id == MentorProfile.person_id)
    )


def _dated_in_report(ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None):
    """Meetings dated in Y and not after D, of the scope's mentees' pairings (any status)."""
    return and_(Meeting.date >= ay.start, Meeting.date <= min(ay.end, as_of), mentee_scope(program_ids))


def _listed(ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None) -> ColumnElement[bool]:
    """Meetings the Meetings sheet lists: not deleted, any status."""
    return and_(Meeting.deleted_at.is_(None), _dated_in_report(ay, as_of, program_ids))


def _counted(ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None) -> ColumnElement[bool]:
    """Meetings the topic and month figures count."""
    return and_(counted_meeting(), _dated_in_report(ay, as_of, program_ids))


class MeetingRecord(NamedTuple):
    """A meeting as listed, before the workbook labels it; never its notes."""

    meeting_id: int
    pairing_id: int
    program: str
    mentee: str
    mentor: str
    date: dt.date
    minutes: int
    modality: str
    status: str
    logged_as: str
    confirmed: bool
    topics: tuple[str, ...]


def meeting_rows(
    ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None = None
) -> list[MeetingRecord]:
    """Every meeting of Y up to D in the scope, any status (notes are never read); two queries."""
    query = (
        _with_people(
            select(
                Meeting.id,
                Meeting.pairing_id,
                Program.name,
                MENTEE_PERSON.c.first_name,
                MENTEE_PERSON.c.last_name,
                MENTOR_PERSON.c.first_name,
                MENTOR_PERSON.c.last_name,
                Meeting.date,
                Meeting.duration_minutes,
                Meeting.modality,
                Meeting.status,
                Meeting.logged_as,
                Meeting.confirmed_at.is_not(None),
            ).join(Pairing, Pairing.id == Meeting.pairing_id)
        )
        .where(_listed(ay, as_of, program_ids))
        .order_by(Meeting.date, Meeting.id)
    )
    topics: dict[int, list[str]] = defaultdict(list)
    topic_query = (
        select(MeetingTopic.meeting_id, MeetingTopic.topic)
        .join(Meeting, Meeting.id == MeetingTopic.meeting_id)
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(_listed(ay, as_of, program_ids))
        .order_by(MeetingTopic.meeting_id, MeetingTopic.topic)
    )
    for meeting_id, topic in db.session.execute(topic_query):
        topics[meeting_id].append(topic)
    return [
        MeetingRecord(
            meeting_id=mid,
            pairing_id=pid,
            program=program,
            mentee=f"{mf} {ml}".strip(),
            mentor=f"{tf} {tl}".strip(),
            date=date,
            minutes=minutes,
            modality=modality,
            status=status,
            logged_as=logged_as,
            confirmed=bool(confirmed),
            topics=tuple(topics.get(mid, ())),
        )
        for (mid, pid, program, mf, ml, tf, tl, date, minutes, modality, status, logged_as, confirmed) in (
            db.session.execute(query)
        )
    ]


def topic_counts(
    ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None = None
) -> dict[tuple[int, str], int]:
    """Counted meetings (held, in Y, up to D) per (program id, topic); one aggregate query."""
    query = (
        select(MenteeProfile.program_id, MeetingTopic.topic, func.count(Meeting.id))
        .join(Meeting, Meeting.id == MeetingTopic.meeting_id)
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(_counted(ay, as_of, program_ids))
        .group_by(MenteeProfile.program_id, MeetingTopic.topic)
    )
    return {(pid, topic): int(n) for pid, topic, n in db.session.execute(query)}


def topic_order(configured: Collection[str], counts: Mapping[str, int]) -> list[str]:
    """Configured topics first (in their order), then any others found, alphabetically."""
    extra = sorted(t for t in counts if t not in configured)
    return [*configured, *extra]


def meetings_per_month(
    ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None = None
) -> list[MonthRow]:
    """Counted meetings and hours per calendar month of Y (every month of Y listed); one aggregate query."""
    year, month = extract("year", Meeting.date), extract("month", Meeting.date)
    query = (
        select(year, month, func.count(Meeting.id), func.coalesce(func.sum(Meeting.duration_minutes), 0))
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(_counted(ay, as_of, program_ids))
        .group_by(year, month)
    )
    found = {(int(y), int(m)): (int(n), int(minutes) / 60) for y, m, n, minutes in db.session.execute(query)}
    rows, day = [], ay.start.replace(day=1)
    while day <= ay.end:
        n, hours = found.get((day.year, day.month), (0, 0.0))
        rows.append(MonthRow(day, n, hours))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return rows


class PairingPeople(NamedTuple):
    """Who a pairing is between, as the Pairings sheet names and sorts them."""

    program: str
    mentee: str
    mentee_sort: tuple[str, str]
    mentee_email: str
    pgy: int
    mentor: str
    mentor_sort: tuple[str, str]
    mentor_email: str


def pairing_people(ay: AcademicYear, program_ids: Collection[int] | None) -> dict[int, PairingPeople]:
    """Names and emails of the pairings active in Y of the scope, by pairing id; one query."""
    query = _with_people(
        select(
            Pairing.id,
            Program.name,
            MENTEE_PERSON.c.first_name,
            MENTEE_PERSON.c.last_name,
            MENTEE_PERSON.c.email,
            MenteeProfile.pgy,
            MENTOR_PERSON.c.first_name,
            MENTOR_PERSON.c.last_name,
            MENTOR_PERSON.c.email,
        )
    ).where(Pairing.active_in(ay), mentee_scope(program_ids))
    return {
        pid: PairingPeople(
            program, f"{mf} {ml}".strip(), (ml, mf), memail, pgy, f"{tf} {tl}".strip(), (tl, tf), temail
        )
        for pid, program, mf, ml, memail, pgy, tf, tl, temail in db.session.execute(query)
    }
