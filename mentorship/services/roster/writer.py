"""Applying a plan in the caller's session: its updates, then what it creates in bulk, then goals.

What a roster creates is many and simple (people, profiles, answers, pairings, meetings), so it is inserted
with SQLAlchemy Core in batches, with keys taken up front (bulk.py); new programs, every update and the
goals go through the ORM and the people service's own setters.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mentorship.extensions import db
from mentorship.models import (
    Goal,
    Meeting,
    MeetingTopic,
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
    Program,
    SelfIdentification,
)
from mentorship.models import Plan as PlanRecord
from mentorship.services import meetings as meeting_rules
from mentorship.services import people as people_service
from mentorship.services.roster.bulk import allocate_ids, insert_rows, is_bulk, table, write_people
from mentorship.services.roster.plan import (
    CreateProgram,
    PersonRef,
    Plan,
    Ref,
    SetFields,
    SetSelfIdentification,
    Step,
    UpdateMeeting,
    UpdateProfile,
)
from mentorship.services.roster.stored import StoredPairing, StoredPerson, chunks


def write(plan: Plan, *, today: dt.date, now: dt.datetime) -> None:
    """Apply `plan`: a new profile without a date is enrolled `today`; records are stamped `now`."""
    with db.session.no_autoflush:
        records = _records_updated(plan)
        for step in plan.steps:
            if not is_bulk(step):
                _apply(step, records, now)
        _prepare_bulk_insert(now)
    db.session.flush()  # new programs have their keys; stored records are updated
    write_people(plan, today, now)
    ids = iter(allocate_ids("pairings", len(plan.new_pairings)))
    rows: list[dict[str, Any]] = []
    for new in plan.new_pairings:
        new.ref.id = next(ids)
        rows.append(
            {
                "id": new.ref.id,
                "mentor_id": new.mentor.key,
                "mentee_id": new.mentee.key,
                "kind": new.row.kind,
                "start_date": new.row.start_date,
                "end_date": new.row.end_date,
                "end_reason": new.row.end_reason,
                "capacity_override": False,
                "created_at": now,
            }
        )
    insert_rows(table(Pairing), rows)
    ids = iter(allocate_ids("meetings", len(plan.new_meetings)))
    rows, topics = [], []
    for meeting in plan.new_meetings:
        meeting_id = next(ids)
        pairing = meeting.pairing
        row = meeting.row
        rows.append(
            {
                "id": meeting_id,
                "pairing_id": pairing.key,
                "date": row.date,
                "duration_minutes": row.duration_minutes,
                "modality": row.modality,
                "status": row.status or meeting_rules.DEFAULT_STATUS,
                "notes": row.notes,
                "logged_by_id": None,
                "logged_as": "import",
                "created_at": now,
            }
        )
        topics += [{"meeting_id": meeting_id, "topic": topic} for topic in row.topics or ()]
    insert_rows(table(Meeting), rows)
    insert_rows(table(MeetingTopic), topics)
    _write_goals(plan, now)


def _write_goals(plan: Plan, now: dt.datetime) -> None:
    """The Goals sheet: changed goals, then new goals in their mentee's plan of the year (made if needed)."""
    for update in plan.goal_updates:
        for name, value in update.changes.items():
            setattr(update.goal, name, value)
        update.goal.updated_at = now
    plans: dict[tuple[int, int], PlanRecord] = {}
    for new in plan.new_goals:
        mentee_id, year = new.mentee.key, new.row.year
        if (mentee_id, year) not in plans:
            plans[(mentee_id, year)] = db.session.execute(
                select(PlanRecord).where(PlanRecord.mentee_id == mentee_id, PlanRecord.year == year)
            ).scalar_one_or_none() or PlanRecord(mentee_id=mentee_id, year=year, created_at=now)
            db.session.add(plans[(mentee_id, year)])
        row = new.row
        plans[(mentee_id, year)].goals.append(
            Goal(
                title=row.title,
                category=row.category,
                target_date=row.target_date,
                status=row.status or "not_started",
                created_at=now,
                updated_at=now,
            )
        )
    db.session.flush()


def _obj(ref: Ref[Any]) -> Any:
    """The program behind `ref`: stored, or created by an earlier step."""
    if ref.obj is None:
        raise LookupError(f"{ref.label or 'a record'} was planned but not created")
    return ref.obj


# What an update of each stored record changes, loaded with it.
LOADS: dict[type[Any], list[Any]] = {
    Person: [selectinload(Person.self_identification).selectinload(SelfIdentification.races)],
    MentorProfile: [selectinload(MentorProfile.interest_rows)],
    MenteeProfile: [selectinload(MenteeProfile.interest_rows)],
    Pairing: [],
    Meeting: [selectinload(Meeting.topic_rows)],
}
Records = dict[tuple[type[Any], int], Any]


def _records_updated(plan: Plan) -> Records:
    """The ORM records of the stored people, profiles, pairings and meetings the plan updates, by model
    and key: the plan compared plain rows (stored.py); only what changes goes through the ORM."""
    wanted: dict[type[Any], set[int]] = defaultdict(set)
    for step in plan.steps:
        match step:
            case SetFields(record=StoredPerson() | StoredPairing() as record):
                wanted[record.model].add(record.id)
            case SetSelfIdentification(person=PersonRef(obj=StoredPerson() as person)):
                wanted[Person].add(person.id)
            case UpdateProfile(profile=profile):
                wanted[profile.model].add(profile.id)
            case UpdateMeeting(meeting=meeting):
                wanted[Meeting].add(meeting.id)
    records: Records = {}
    for model, ids in wanted.items():
        for chunk in chunks(sorted(ids)):
            query = select(model).where(model.id.in_(chunk)).options(*LOADS[model])
            records.update(((model, obj.id), obj) for obj in db.session.execute(query).scalars())
    return records


def _apply(step: Step, records: Records, now: dt.datetime) -> None:
    match step:
        case CreateProgram(ref=ref, name=name, specialty=specialty, kind=kind):
            ref.obj = Program(name=name, specialty=specialty, kind=kind or "residency")
            db.session.add(ref.obj)
        case SetFields(record=Program() as program, changes=changes):
            for name, value in changes.items():
                setattr(program, name, value)
        case SetFields(record=StoredPerson() | StoredPairing() as record, changes=changes):
            for name, value in changes.items():
                setattr(records[(record.model, record.id)], name, value)
        case SetSelfIdentification(person=PersonRef(obj=StoredPerson() as person)):
            people_service.set_self_identification(
                records[(Person, person.id)], gender_description=step.description, **step.answers
            )
        case UpdateProfile(profile=stored):
            profile = records[(stored.model, stored.id)]
            # Its mentor lists are written with the new mentors they may name (bulk.write_people).
            for name, value in step.fields.items():
                setattr(profile, name, value)
            if step.program is not None:
                profile.program = _obj(step.program)
            if step.interests is not None:
                if isinstance(profile, MenteeProfile):
                    people_service.set_mentee_interests(profile, step.interests)
                else:
                    people_service.set_mentor_interests(profile, step.interests)
        case UpdateMeeting(meeting=stored, changes=changes, topics=topics):
            meeting = records[(Meeting, stored.id)]
            for name, value in changes.items():
                setattr(meeting, name, value)
            if topics is not None:
                meeting.topic_rows = [MeetingTopic(topic=t) for t in topics]
            meeting.updated_at = now


def _prepare_bulk_insert(now: dt.datetime) -> None:
    """Give new rows their keys and timestamps up front so the ORM inserts them in batches.

    Without this, every row whose key or server-side default must be read back is inserted on its own
    (SQLite cannot batch those), which makes a 10,000-row roster take half a minute instead of seconds.
    """
    if db.engine.dialect.name not in {"sqlite", "postgresql"}:
        return
    by_class: dict[type[Any], list[Any]] = defaultdict(list)
    for obj in db.session.new:
        by_class[type(obj)].append(obj)
    for cls, objects in by_class.items():
        if hasattr(cls, "created_at"):
            for obj in objects:
                if obj.created_at is None:
                    obj.created_at = now
        table = cls.__table__
        if "id" in table.c and table.c.id.primary_key:
            missing = [obj for obj in objects if obj.id is None]
            if missing:
                for obj, new_id in zip(missing, allocate_ids(cls.__tablename__, len(missing)), strict=True):
                    obj.id = new_id
