"""Applying a plan in the caller's session: its steps in order, then new pairings and meetings in bulk.

New pairings and meetings are many and simple, so they are inserted with SQLAlchemy Core in batches, with
keys taken up front; everything else goes through the ORM and the people service's own setters.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, cast

from sqlalchemy import Table, insert, select, text

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
)
from mentorship.models import Plan as PlanRecord
from mentorship.services import meetings as meeting_rules
from mentorship.services import people as people_service
from mentorship.services.roster.plan import (
    CreateMentee,
    CreateMentor,
    CreatePerson,
    CreateProgram,
    Plan,
    Ref,
    SetFields,
    SetSelfIdentification,
    Step,
    UpdateMeeting,
    UpdateProfile,
)
from mentorship.services.roster.stored import chunks

INSERT_BATCH = 1000


def write(plan: Plan, *, today: dt.date, now: dt.datetime) -> None:
    """Apply `plan`: a new profile without a date is enrolled `today`; records are stamped `now`."""
    with db.session.no_autoflush:
        for step in plan.steps:
            _apply(step, today, now)
        _prepare_bulk_insert(now)
    db.session.flush()  # every profile now has its id
    ids = iter(allocate_ids("pairings", len(plan.new_pairings)) if plan.new_pairings else [])
    rows: list[dict[str, Any]] = []
    for new in plan.new_pairings:
        new.ref.id = next(ids)
        rows.append(
            {
                "id": new.ref.id,
                "mentor_id": _obj(new.mentor).id,
                "mentee_id": _obj(new.mentee).id,
                "kind": new.row.kind,
                "start_date": new.row.start_date,
                "end_date": new.row.end_date,
                "end_reason": new.row.end_reason,
                "capacity_override": False,
                "created_at": now,
            }
        )
    for chunk in chunks(rows, INSERT_BATCH):
        db.session.execute(insert(_table(Pairing)), chunk)
    ids = iter(allocate_ids("meetings", len(plan.new_meetings)) if plan.new_meetings else [])
    rows, topics = [], []
    for meeting in plan.new_meetings:
        meeting_id = next(ids)
        pairing = meeting.pairing
        row = meeting.row
        rows.append(
            {
                "id": meeting_id,
                "pairing_id": pairing.obj.id if pairing.obj is not None else pairing.id,
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
    for chunk in chunks(rows, INSERT_BATCH):
        db.session.execute(insert(_table(Meeting)), chunk)
    for chunk in chunks(topics, INSERT_BATCH):
        db.session.execute(insert(_table(MeetingTopic)), chunk)
    _write_goals(plan, now)


def _write_goals(plan: Plan, now: dt.datetime) -> None:
    """The Goals sheet: changed goals, then new goals in their mentee's plan of the year (made if needed)."""
    for update in plan.goal_updates:
        for name, value in update.changes.items():
            setattr(update.goal, name, value)
        update.goal.updated_at = now
    plans: dict[tuple[int, int], PlanRecord] = {}
    for new in plan.new_goals:
        mentee_id, year = _obj(new.mentee).id, new.row.year
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


def _table(model: type[Any]) -> Table:
    """The Core table of a model, for bulk inserts that skip the ORM."""
    return cast(Table, model.__table__)


def _obj(ref: Ref[Any]) -> Any:
    """The record behind `ref`: every step that creates one has run by the time it is asked for."""
    if ref.obj is None:
        raise LookupError(f"{ref.label or 'a record'} was planned but not created")
    return ref.obj


def _mentors(refs: list[Ref[MentorProfile]]) -> list[MentorProfile]:
    return [_obj(ref) for ref in refs]


def _apply(step: Step, today: dt.date, now: dt.datetime) -> None:
    match step:
        case CreateProgram(ref=ref, name=name, specialty=specialty, kind=kind):
            ref.obj = Program(name=name, specialty=specialty, kind=kind or "residency")
            db.session.add(ref.obj)
        case SetFields(record=record, changes=changes):
            for name, value in changes.items():
                setattr(record, name, value)
        case CreatePerson(ref=ref, email=email, first_name=first, last_name=last):
            ref.obj = Person(email=email, first_name=first, last_name=last)
            db.session.add(ref.obj)
        case SetSelfIdentification(person=person, answers=answers, description=description):
            people_service.set_self_identification(_obj(person), gender_description=description, **answers)
        case CreateMentor():
            step.ref.obj = people_service.enroll_mentor(
                _obj(step.person),
                program=step.program.obj if step.program else None,
                interests=step.interests,
                **{"enrolled_on": today, **step.fields},
            )
        case CreateMentee():
            mentee = people_service.enroll_mentee(
                _obj(step.person),
                program=_obj(step.program),
                interests=step.interests,
                **{"enrolled_on": today, **step.fields},
            )
            step.ref.obj = mentee
            _set_lists(mentee, step.preferred, step.excluded)
        case UpdateProfile(profile=profile):
            for name, value in step.fields.items():
                setattr(profile, name, value)
            if step.program is not None:
                profile.program = _obj(step.program)
            if step.interests is not None:
                if isinstance(profile, MenteeProfile):
                    people_service.set_mentee_interests(profile, step.interests)
                else:
                    people_service.set_mentor_interests(profile, step.interests)
            if isinstance(profile, MenteeProfile):
                _set_lists(profile, step.preferred, step.excluded)
        case UpdateMeeting(meeting=meeting, changes=changes, topics=topics):
            for name, value in changes.items():
                setattr(meeting, name, value)
            if topics is not None:
                meeting.topic_rows = [MeetingTopic(topic=t) for t in topics]
            meeting.updated_at = now


def _set_lists(
    mentee: MenteeProfile,
    preferred: list[Ref[MentorProfile]] | None,
    excluded: list[Ref[MentorProfile]] | None,
) -> None:
    if preferred is not None:
        mentee.preferred = _mentors(preferred)
    if excluded is not None:
        mentee.excluded = _mentors(excluded)


def allocate_ids(table: str, count: int) -> list[int]:
    """`count` fresh primary keys for `table`, taken from its sequence on PostgreSQL."""
    # S608 below: `table` is one of this module's own table names (__tablename__), never user input.
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(
            text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"),  # noqa: S608
            {"n": count},
        )
        return [row[0] for row in rows]
    start = db.session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()  # noqa: S608
    return list(range(start + 1, start + 1 + count))


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
