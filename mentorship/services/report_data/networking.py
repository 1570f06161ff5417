"""The engagement workbook's Events and Networking rows (docs/metrics.md, network figures)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import ColumnElement, Integer, case, func, or_, select

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import Event, Invitation, MenteeProfile, Person, Program, event_programs
from mentorship.services.academic_year import AcademicYear
from mentorship.services.metrics import network
from mentorship.services.metrics.definitions import YearMetrics
from mentorship.services.metrics.network import NetworkFigures
from reports.engagement import EventRow, NetworkingRow


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)


def event_rows(ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None) -> list[EventRow]:
    """One row per event of the year up to the report date, not cancelled, of the scope's programs (or of
    every program); the counts are of the whole event. One query."""
    first, last = network.days(ay, as_of)
    query = (
        select(
            Event.starts_at,
            Event.title,
            Event.kind,
            _count(Invitation.invited.is_(True)),
            _count(Invitation.rsvp == "going"),
            _count(Invitation.attended.is_(True)),
        )
        .outerjoin(Invitation, Invitation.event_id == Event.id)
        .where(
            Event.cancelled_at.is_(None),
            Event.starts_at >= dt.datetime.combine(first, dt.time()),
            Event.starts_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time()),
        )
        .group_by(Event.id, Event.starts_at, Event.title, Event.kind)
        .order_by(Event.starts_at, Event.id)
    )
    if program_ids is not None:
        ids = sorted(program_ids)
        mine = select(event_programs.c.event_id).where(event_programs.c.program_id.in_(ids))
        anywhere = select(event_programs.c.event_id)
        query = query.where(or_(Event.id.in_(mine), Event.id.not_in(anywhere)))
    return [
        EventRow(starts.date(), title, vocab.label(vocab.EVENT_KINDS, kind), invited, going, attended)
        for starts, title, kind, invited, going, attended in db.session.execute(query)
    ]


def networking_rows(year: YearMetrics, figures: dict[int, NetworkFigures]) -> list[NetworkingRow]:
    """One row per mentee enrolled in the year, by program and name; one query."""
    ids = sorted(year.enrolled_mentees)
    if not ids:
        return []
    people = db.session.execute(
        select(
            MenteeProfile.id,
            Program.name,
            Person.first_name,
            Person.last_name,
            Person.email,
            MenteeProfile.pgy,
        )
        .join(Person, Person.id == MenteeProfile.person_id)
        .join(Program, Program.id == MenteeProfile.program_id)
        .where(MenteeProfile.id.in_(ids))
        .order_by(Program.name, Person.last_name, Person.first_name, MenteeProfile.id)
    )
    rows = []
    for mentee_id, program, first_name, last_name, email, pgy in people:
        f = figures.get(mentee_id, NetworkFigures())
        rows.append(
            NetworkingRow(
                program=program,
                mentee=f"{first_name} {last_name}".strip(),
                mentee_email=email,
                pgy=pgy,
                events_attended=f.events_attended,
                introductions=f.introductions,
                introductions_met=f.introductions_met,
                distinct_connections=f.distinct_connections,
            )
        )
    return rows
