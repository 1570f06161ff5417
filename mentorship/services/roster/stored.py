"""Loading what is stored about the people, programs, pairings and meetings a roster names.

A fixed number of queries per 500 records (never one per row), so that a 10,000-row file plans in seconds.
People, profiles, answers, pairings and meetings are loaded as plain rows of the columns the import
compares, not as ORM objects (building those, and their collections, took most of a re-import's time);
the writer loads the ORM records of the few the plan updates. Programs and goals are few: ORM objects.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar, TypeVar

from sqlalchemy import select

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import (
    Goal,
    Meeting,
    MeetingTopic,
    MenteeInterest,
    MenteeProfile,
    MentorInterest,
    MentorProfile,
    Pairing,
    Person,
    Plan,
    Program,
    RaceEthnicity,
    SelfIdentification,
    do_not_match,
    preferred_mentors,
)
from mentorship.services.roster.rows import MeetingRow, PairingRow, ParsedRoster

CHUNK = 500
T = TypeVar("T")
# A meeting is the same meeting when its pairing, date, minutes and modality are.
MeetingKey = tuple[int, dt.date, int, str]


@dataclass(eq=False)
class StoredAnswers:
    """A stored self-identification, with the attributes `planner.stored_answers` reads."""

    id: int
    gender: str | None
    gender_description: str | None
    race_prefer_not: bool
    urim: str | None
    img: str | None
    first_generation: str | None
    race_codes: list[str] = field(default_factory=list)


@dataclass(eq=False)
class StoredMentor:
    model: ClassVar[type[Any]] = MentorProfile
    id: int
    person_id: int
    mentor_type: str
    department: str | None
    specialty: str | None
    rank: str | None
    program_id: int | None
    pgy: int | None
    capacity: int
    enrolled_on: dt.date
    left_on: dt.date | None
    interests: list[str] = field(default_factory=list)


@dataclass(eq=False)
class StoredMentee:
    model: ClassVar[type[Any]] = MenteeProfile
    id: int
    person_id: int
    program_id: int
    pgy: int
    concordance_gender: bool
    concordance_urim: bool
    enrolled_on: dt.date
    left_on: dt.date | None
    interests: list[str] = field(default_factory=list)
    # Mentor profile ids of the preferred and do-not-match lists.
    preferred: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)


@dataclass(eq=False)
class StoredPerson:
    model: ClassVar[type[Any]] = Person
    id: int
    email: str
    first_name: str
    last_name: str
    mentor: StoredMentor | None = None
    mentee: StoredMentee | None = None
    self_identification: StoredAnswers | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(eq=False)
class StoredPairing:
    model: ClassVar[type[Any]] = Pairing
    id: int
    mentor_id: int
    mentee_id: int
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str | None


@dataclass(eq=False)
class StoredMeeting:
    model: ClassVar[type[Any]] = Meeting
    id: int
    pairing_id: int
    date: dt.date
    duration_minutes: int
    modality: str
    status: str
    notes: str | None
    topics: list[str] = field(default_factory=list)


@dataclass
class Stored:
    """The stored records an import compares its rows with, keyed as the rows name them."""

    people: dict[str, StoredPerson] = field(default_factory=dict)  # by lower-case email
    programs: dict[str, Program] = field(default_factory=dict)  # by trimmed lower-case name
    # Emails of known people a program coordinator may not touch (empty without a scope).
    outside: set[str] = field(default_factory=set)
    # Mentors a program coordinator can see (None without a scope).
    visible_mentor_ids: set[int] | None = None
    pairings: dict[tuple[int, int], list[StoredPairing]] = field(default_factory=lambda: defaultdict(list))
    meetings: dict[MeetingKey, StoredMeeting] = field(default_factory=dict)
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
    for person in (*parsed.mentors, *parsed.mentees):
        emails.add(person.email)
    for mentee in parsed.mentees:
        emails.update(mentee.preferred_mentors or ())
        emails.update(mentee.do_not_match or ())
    links: list[PairingRow | MeetingRow] = [*parsed.pairings, *parsed.meetings]
    for link in links:
        emails.update((link.mentor_email, link.mentee_email))
    emails.update(goal.mentee_email for goal in parsed.goals)
    people = select(Person.id, Person.email, Person.first_name, Person.last_name)
    for row in _rows(people, Person.email, sorted(emails)):
        stored.people[row.email.lower()] = StoredPerson(**row._asdict())
    _load_profiles_and_answers(stored)
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
    for row in _rows(_columns(Pairing, StoredPairing), Pairing.mentee_id, mentee_ids):
        stored.pairings[(row.mentor_id, row.mentee_id)].append(StoredPairing(**row._asdict()))
        pairing_ids.append(row.id)
    if parsed.meetings:
        meetings: dict[int, StoredMeeting] = {}
        query = _columns(Meeting, StoredMeeting).where(Meeting.deleted_at.is_(None)).order_by(Meeting.id)
        for row in _rows(query, Meeting.pairing_id, sorted(pairing_ids)):
            meeting = meetings[row.id] = StoredMeeting(**row._asdict())
            stored.meetings.setdefault(
                (meeting.pairing_id, meeting.date, meeting.duration_minutes, meeting.modality), meeting
            )
        topics = select(MeetingTopic.meeting_id, MeetingTopic.topic).order_by(MeetingTopic.topic)
        for meeting_id, topic in _rows(topics, MeetingTopic.meeting_id, sorted(meetings)):
            meetings[meeting_id].topics.append(topic)
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


def _columns(model: type[Any], shape: type[Any]) -> Any:
    """A query of the columns of `model` that the stored row `shape` holds (its fields with no default)."""
    names = [f.name for f in fields(shape) if f.default is MISSING and f.default_factory is MISSING]
    return select(*(getattr(model, name) for name in names))


def _rows(query: Any, column: Any, values: list[Any]) -> Iterator[Any]:
    """The rows of `query` whose `column` is one of `values`, a chunk of values at a time."""
    for chunk in chunks(values):
        yield from db.session.execute(query.where(column.in_(chunk)))


def _load_profiles_and_answers(stored: Stored) -> None:
    """The mentor and mentee profiles (with interests and mentor lists) and answers of the people loaded."""
    by_id = {person.id: person for person in stored.people.values()}
    ids = sorted(by_id)
    mentors: dict[int, StoredMentor] = {}
    for row in _rows(_columns(MentorProfile, StoredMentor), MentorProfile.person_id, ids):
        mentors[row.id] = by_id[row.person_id].mentor = StoredMentor(**row._asdict())
    mentees: dict[int, StoredMentee] = {}
    for row in _rows(_columns(MenteeProfile, StoredMentee), MenteeProfile.person_id, ids):
        mentees[row.id] = by_id[row.person_id].mentee = StoredMentee(**row._asdict())
    answers: dict[int, StoredAnswers] = {}
    query = _columns(SelfIdentification, StoredAnswers).add_columns(SelfIdentification.person_id)
    for row in _rows(query, SelfIdentification.person_id, ids):
        values = row._asdict()
        person_id = values.pop("person_id")
        answers[row.id] = by_id[person_id].self_identification = StoredAnswers(**values)
    # Each list in the order the ORM relationships give it (by interest, by category).
    lists: Iterable[tuple[Any, Any, dict[int, Any], str]] = (
        (
            select(MentorInterest.mentor_id, MentorInterest.interest).order_by(MentorInterest.interest),
            MentorInterest.mentor_id,
            mentors,
            "interests",
        ),
        (
            select(MenteeInterest.mentee_id, MenteeInterest.interest).order_by(MenteeInterest.interest),
            MenteeInterest.mentee_id,
            mentees,
            "interests",
        ),
        (
            select(preferred_mentors.c.mentee_id, preferred_mentors.c.mentor_id),
            preferred_mentors.c.mentee_id,
            mentees,
            "preferred",
        ),
        (
            select(do_not_match.c.mentee_id, do_not_match.c.mentor_id),
            do_not_match.c.mentee_id,
            mentees,
            "excluded",
        ),
        (
            select(RaceEthnicity.self_identification_id, RaceEthnicity.category).order_by(
                RaceEthnicity.category
            ),
            RaceEthnicity.self_identification_id,
            answers,
            "race_codes",
        ),
    )
    for query, column, owners, attribute in lists:
        for owner_id, value in _rows(query, column, sorted(owners)):
            getattr(owners[owner_id], attribute).append(value)


def _outside(people: dict[str, StoredPerson], scope: Scope) -> set[str]:
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
