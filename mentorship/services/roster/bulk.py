"""Inserting the people, profiles and self-identification a plan creates with SQLAlchemy Core, in batches.

A 10,000-row roster creates about 5,000 people and profiles, 10,000 interests and 5,000 answers: built one
ORM object at a time they took most of the import's time. The rows hold the values the people service's
setters give (`people.parse_interests`, `people.self_identification_columns`), with keys taken up front so
that later rows (pairings, meetings, goals) can point at them. The ORM never sees these records; the
caller's commit expires what it holds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, insert, text

from mentorship.extensions import db
from mentorship.models import (
    MenteeInterest,
    MenteeProfile,
    MentorInterest,
    MentorProfile,
    Person,
    RaceEthnicity,
    SelfIdentification,
    do_not_match,
    preferred_mentors,
)
from mentorship.services import people as people_service
from mentorship.services.roster.plan import (
    CreateMentee,
    CreateMentor,
    CreatePerson,
    Plan,
    Ref,
    SetSelfIdentification,
    Step,
    UpdateProfile,
)
from mentorship.services.roster.stored import StoredMentee, StoredMentor, chunks

INSERT_BATCH = 1000
# Mentees (by key) with one of their mentor lists, None where the row leaves it blank.
MentorLists = list[tuple[int, list[Ref[StoredMentor]] | None]]


def table(model: type[Any]) -> Table:
    """The Core table of a model, for bulk inserts that skip the ORM."""
    return cast(Table, model.__table__)


def allocate_ids(table_name: str, count: int) -> list[int]:
    """`count` fresh primary keys for `table_name`, taken from its sequence on PostgreSQL."""
    if not count:
        return []
    # S608 below: `table_name` is one of this module's own table names (__tablename__), never user input.
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(
            text(f"SELECT nextval(pg_get_serial_sequence('{table_name}', 'id')) FROM generate_series(1, :n)"),  # noqa: S608
            {"n": count},
        )
        return [row[0] for row in rows]
    start = db.session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table_name}")).scalar_one()  # noqa: S608
    return list(range(start + 1, start + 1 + count))


def insert_rows(target: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` in batches; rows that leave out a column (a blank cell) get its default, as with the ORM.

    One executemany takes the columns of its first row, so rows are grouped by the columns they give.
    """
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_columns[tuple(row)].append(row)
    for group in by_columns.values():
        for chunk in chunks(group, INSERT_BATCH):
            db.session.execute(insert(target), chunk)


def is_bulk(step: Step) -> bool:
    """Whether `step` is written here rather than through the ORM: what creates a person, a profile, or a
    new person's answers (a stored person's answers replace their stored record, through the ORM)."""
    if isinstance(step, SetSelfIdentification):
        return step.person.obj is None
    return isinstance(step, CreatePerson | CreateMentor | CreateMentee)


def write_people(plan: Plan, today: dt.date, now: dt.datetime) -> None:
    """Insert the plan's new people, profiles, interests and answers, and set every mentee's mentor lists.

    Runs after the ORM steps are flushed: new programs have their keys, and stored answers are replaced.
    """
    steps = [step for step in plan.steps if is_bulk(step)]
    new_people = [step for step in steps if isinstance(step, CreatePerson)]
    _take_ids(new_people, "people")
    insert_rows(
        table(Person),
        [
            {
                "id": s.ref.id,
                "email": s.email,
                "first_name": s.first_name,
                "last_name": s.last_name,
                "created_at": now,
            }
            for s in new_people
        ],
    )
    mentors = [s for s in steps if isinstance(s, CreateMentor)]
    _write_profiles(mentors, MentorProfile, MentorInterest, "mentor_id", today)
    mentees = [s for s in steps if isinstance(s, CreateMentee)]
    _write_profiles(mentees, MenteeProfile, MenteeInterest, "mentee_id", today)
    _write_answers([s for s in steps if isinstance(s, SetSelfIdentification)])
    updated = [s for s in plan.steps if isinstance(s, UpdateProfile) and isinstance(s.profile, StoredMentee)]
    for association, new, stored in (
        (
            preferred_mentors,
            [(s.ref.key, s.preferred) for s in mentees],
            [(s.profile.id, s.preferred) for s in updated],
        ),
        (
            do_not_match,
            [(s.ref.key, s.excluded) for s in mentees],
            [(s.profile.id, s.excluded) for s in updated],
        ),
    ):
        _write_list(association, new, stored)


def _take_ids(steps: Sequence[CreatePerson | CreateMentor | CreateMentee], table_name: str) -> None:
    """Give each new record its key up front, so that later rows can point at it."""
    for step, key in zip(steps, allocate_ids(table_name, len(steps)), strict=True):
        step.ref.id = key


def _write_profiles(
    steps: Sequence[CreateMentor | CreateMentee],
    profile: type[MentorProfile | MenteeProfile],
    interest: type[MentorInterest | MenteeInterest],
    owner: str,
    today: dt.date,
) -> None:
    """New mentor or mentee profiles and their interests (`owner`: the interest rows' profile column)."""
    _take_ids(steps, profile.__tablename__)
    insert_rows(
        table(profile),
        [
            {
                "id": s.ref.id,
                "person_id": s.person.key,
                "program_id": s.program.key if s.program is not None else None,
                **{"enrolled_on": today, **s.fields},
            }
            for s in steps
        ],
    )
    _write_interests(table(interest), owner, [(s.ref.key, s.interests) for s in steps])


def _write_interests(target: Table, column: str, profiles: list[tuple[int, list[str]]]) -> None:
    insert_rows(
        target,
        [
            {column: profile_id, "interest": name}
            for profile_id, interests in profiles
            for name in people_service.parse_interests(list(interests))
        ],
    )


def _write_answers(steps: list[SetSelfIdentification]) -> None:
    """New people's answers (they have no stored description to keep: the template has no column for it)."""
    rows, races = [], []
    for step, selfid_id in zip(steps, allocate_ids("self_identifications", len(steps)), strict=True):
        fields, codes = people_service.self_identification_columns(
            gender_description=step.description, **step.answers
        )
        rows.append({"id": selfid_id, "person_id": step.person.key, **fields})
        races += [{"self_identification_id": selfid_id, "category": code} for code in codes]
    insert_rows(table(SelfIdentification), rows)
    insert_rows(table(RaceEthnicity), races)


def _write_list(association: Table, new: MentorLists, stored: MentorLists) -> None:
    """One of the mentor lists of new and of stored mentees, as the rows give them (None: left as it is).

    A stored mentee's list is replaced in SQL, not through its loaded ORM collection: a new mentor in it has
    no ORM object.
    """
    stored = [(mentee_id, mentors) for mentee_id, mentors in stored if mentors is not None]
    for some in chunks([mentee_id for mentee_id, _mentors in stored]):
        db.session.execute(delete(association).where(association.c.mentee_id.in_(some)))
    insert_rows(
        association,
        [
            {"mentee_id": mentee_id, "mentor_id": mentor.key}
            for mentee_id, mentors in (*new, *stored)
            for mentor in mentors or ()
        ],
    )
