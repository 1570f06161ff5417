"""Loading what is stored about the people, programs, pairings and meetings a roster names.

A fixed number of queries per 500 records (never one per row), so that a 10,000-row file plans in seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import (
    Goal,
    Meeting,
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
    Plan,
    Program,
    SelfIdentification,
)
from mentorship.services.roster.rows import MeetingRow, PairingRow, ParsedRoster

CHUNK = 500
T = TypeVar("T")
# A meeting is the same meeting when its pairing, date, minutes and modality are.
MeetingKey = tuple[int, dt.date, int, str]


@dataclass
class Stored:
    """The stored records an import compares its rows with, keyed as the rows name them."""

    people: dict[str, Person] = field(default_factory=dict)  # by lower-case email
    programs: dict[str, Program] = field(default_factory=dict)  # by trimmed lower-case name
    # Emails of known people a program coordinator may not touch (empty without a scope).
    outside: set[str] = field(default_factory=set)
    # Mentors a program coordinator can see (None without a scope).
    visible_mentor_ids: set[int] | None = None
    pairings: dict[tuple[int, int], list[Pairing]] = field(default_factory=lambda: defaultdict(list))
    meetings: dict[MeetingKey, Meeting] = field(default_factory=dict)
    # Goals of the plans the Goals sheet names, by (mentee id, year, lower-case title).
    goals: dict[tuple[int, int, str], Goal] = field(default_factory=dict)


def chunks(items: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    """`items` in consecutive slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load(parsed: ParsedRoster, scope: Scope | None) -> Stored:
    """What is stored about everyone and everything `parsed` names; `scope` None means everything."""
    stored = Stored()
    emails: set[str] = set()
    for row in (*parsed.mentors, *parsed.mentees):
        emails.add(row.email)
    for mentee in parsed.mentees:
        emails.update(mentee.preferred_mentors or ())
        emails.update(mentee.do_not_match or ())
    links: list[PairingRow | MeetingRow] = [*parsed.pairings, *parsed.meetings]
    for link in links:
        emails.update((link.mentor_email, link.mentee_email))
    emails.update(goal.mentee_email for goal in parsed.goals)
    for some_emails in chunks(sorted(emails)):
        people = (
            select(Person)
            .where(Person.email.in_(some_emails))
            .options(
                selectinload(Person.mentor).selectinload(MentorProfile.interest_rows),
                selectinload(Person.mentee).selectinload(MenteeProfile.interest_rows),
                selectinload(Person.mentee).selectinload(MenteeProfile.preferred),
                selectinload(Person.mentee).selectinload(MenteeProfile.excluded),
                selectinload(Person.self_identification).selectinload(SelfIdentification.races),
            )
        )
        for person in db.session.execute(people).scalars():
            stored.people[person.email.lower()] = person
    stored.programs = {p.name.strip().lower(): p for p in db.session.execute(select(Program)).scalars()}
    if scope is not None:
        stored.outside = _outside(stored.people, scope)
        stored.visible_mentor_ids = set(
            db.session.execute(select(MentorProfile.id).where(scope.mentors())).scalars()
        )
    # Pairings (and their meetings) of the mentees the Pairings and Meetings sheets name.
    mentee_ids = sorted(
        {
            known.mentee.id
            for link in links
            if (known := stored.people.get(link.mentee_email)) is not None and known.mentee
        }
    )
    pairing_ids: list[int] = []
    for chunk in chunks(mentee_ids):
        for pairing in db.session.execute(select(Pairing).where(Pairing.mentee_id.in_(chunk))).scalars():
            stored.pairings[(pairing.mentor_id, pairing.mentee_id)].append(pairing)
            pairing_ids.append(pairing.id)
    if parsed.meetings:
        for some_ids in chunks(sorted(pairing_ids)):
            meetings = (
                select(Meeting)
                .where(Meeting.pairing_id.in_(some_ids), Meeting.deleted_at.is_(None))
                .options(selectinload(Meeting.topic_rows))
                .order_by(Meeting.id)
            )
            for meeting in db.session.execute(meetings).scalars():
                key = (meeting.pairing_id, meeting.date, meeting.duration_minutes, meeting.modality)
                stored.meetings.setdefault(key, meeting)
    goal_mentees = sorted(
        {
            known.mentee.id
            for goal in parsed.goals
            if (known := stored.people.get(goal.mentee_email)) is not None and known.mentee
        }
    )
    for chunk in chunks(goal_mentees):
        query = (
            select(Goal, Plan.mentee_id, Plan.year)
            .join(Plan)
            .where(Plan.mentee_id.in_(chunk))
            .order_by(Goal.id)
        )
        for goal, mentee_id, year in db.session.execute(query):
            stored.goals.setdefault((mentee_id, year, goal.title.strip().lower()), goal)
    return stored


def _outside(people: dict[str, Person], scope: Scope) -> set[str]:
    """Emails of the file's known people whom a program coordinator may not touch: not in their scope.

    Enrolling, moving or updating such a person (even an admin with no profile) would bring them into
    the coordinator's scope, and with it their login (see docs/privacy.md, "Accounts").
    """
    inside: set[int] = set()
    ids = sorted(person.id for person in people.values())
    for chunk in chunks(ids):
        for profile, condition in (
            (MenteeProfile, scope.mentees()),
            (MentorProfile, scope.mentors()),
        ):
            query = select(profile.person_id).where(profile.person_id.in_(chunk), condition)
            inside.update(db.session.execute(query).scalars())
    return {email for email, person in people.items() if person.id not in inside}
