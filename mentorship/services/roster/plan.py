"""What an import would do: the preview shown to the user and the explicit list of writes behind it.

A plan is data, not code: each step is a typed create or update that the writer applies in order. Records
the plan creates are named by references whose `obj` the writer fills in, so later steps (a mentee's
preferred mentors, a meeting's pairing) can point at records that do not exist yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from mentorship.models import Goal, Program
from mentorship.services.roster.rows import Answers, GoalRow, MeetingRow, PairingRow
from mentorship.services.roster.stored import (
    StoredMeeting,
    StoredMentee,
    StoredMentor,
    StoredPairing,
    StoredPerson,
)

CATEGORIES = ("programs", "people", "mentors", "mentees", "pairings", "meetings", "goals")
ACTIONS = ("create", "update", "unchanged")

T = TypeVar("T")


@dataclass(eq=False)
class Ref(Generic[T]):
    """A record that is stored (`obj` set) or that the plan creates: the writer inserts those in bulk, with
    no ORM object, and sets `id` to the primary key it gave the row (a new program gets an `obj`)."""

    obj: T | None = None
    label: str = ""
    row: int = 0
    id: int | None = None

    @property
    def key(self) -> int:
        """The record's primary key, once it is stored or written."""
        key = getattr(self.obj, "id", None) if self.obj is not None else self.id
        if key is None:
            raise LookupError(f"{self.label or 'a record'} was planned but not written")
        return key


@dataclass(eq=False)
class PersonRef(Ref[StoredPerson]):
    # Where the file first gave this person's self-identification, and the answers (one set per person).
    selfid: tuple[str, Answers] | None = None


@dataclass(eq=False)
class MenteeRef(Ref[StoredMentee]):
    program: Ref[Program] | None = None


@dataclass(eq=False)
class PairingRef(Ref[StoredPairing]):
    start: dt.date = dt.date.min
    end: dt.date | None = None
    kind: str = "career"

    def open_on(self, day: dt.date) -> bool:
        """Whether the pairing runs on `day` (both ends included)."""
        return self.start <= day and (self.end is None or self.end >= day)


@dataclass
class CreateProgram:
    ref: Ref[Program]
    name: str
    specialty: str | None
    kind: str | None


@dataclass
class SetFields:
    """Set attributes of a stored program, person or pairing."""

    record: Program | StoredPerson | StoredPairing
    changes: dict[str, Any]


@dataclass
class CreatePerson:
    ref: PersonRef
    email: str
    first_name: str
    last_name: str


@dataclass
class SetSelfIdentification:
    person: PersonRef
    answers: Answers
    # The stored free-text gender description, kept as it is (the template has no column for it).
    description: str | None


@dataclass
class CreateMentor:
    ref: Ref[StoredMentor]
    person: PersonRef
    fields: dict[str, Any]
    program: Ref[Program] | None
    interests: list[str]


@dataclass
class CreateMentee:
    ref: MenteeRef
    person: PersonRef
    fields: dict[str, Any]
    program: Ref[Program]
    interests: list[str]
    preferred: list[Ref[StoredMentor]] | None
    excluded: list[Ref[StoredMentor]] | None


@dataclass
class UpdateProfile:
    """Change a stored mentor or mentee profile; None leaves that part as it is."""

    profile: StoredMentor | StoredMentee
    fields: dict[str, Any]
    program: Ref[Program] | None = None
    interests: list[str] | None = None
    preferred: list[Ref[StoredMentor]] | None = None
    excluded: list[Ref[StoredMentor]] | None = None


@dataclass
class UpdateMeeting:
    meeting: StoredMeeting
    changes: dict[str, Any]
    topics: list[str] | None


Step = (
    CreateProgram
    | SetFields
    | CreatePerson
    | SetSelfIdentification
    | CreateMentor
    | CreateMentee
    | UpdateProfile
    | UpdateMeeting
)


@dataclass
class NewPairing:
    """A pairing to insert in bulk once every person and profile exists."""

    ref: PairingRef
    mentor: Ref[StoredMentor]
    mentee: Ref[StoredMentee]
    row: PairingRow


@dataclass
class NewMeeting:
    """A meeting to insert in bulk after the new pairings."""

    pairing: PairingRef
    row: MeetingRow


@dataclass
class NewGoal:
    """A goal to add to the mentee's plan of its year (the plan is made if the mentee has none)."""

    mentee: Ref[StoredMentee]
    row: GoalRow


@dataclass
class UpdateGoal:
    goal: Goal
    changes: dict[str, Any]


@dataclass
class Preview:
    """What an import does: for each category and action, a label per record."""

    items: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: {c: {a: [] for a in ACTIONS} for c in CATEGORIES}
    )
    # People whose rows give self-identification answers (from the file alone, never from what is stored).
    selfid_given: int = 0

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """How many records of each category each action touches."""
        return {c: {a: len(self.items[c][a]) for a in ACTIONS} for c in CATEGORIES}

    @property
    def changed(self) -> bool:
        """Whether anything would be created or updated."""
        return any(self.items[c]["create"] or self.items[c]["update"] for c in CATEGORIES)


@dataclass
class Plan:
    """The preview and the writes: steps in order, then the bulk inserts."""

    preview: Preview = field(default_factory=Preview)
    steps: list[Step] = field(default_factory=list)
    new_pairings: list[NewPairing] = field(default_factory=list)
    new_meetings: list[NewMeeting] = field(default_factory=list)
    # Goals last: a new mentee's plan needs the mentee's id.
    new_goals: list[NewGoal] = field(default_factory=list)
    goal_updates: list[UpdateGoal] = field(default_factory=list)

    def note(self, category: str, action: str, label: str) -> None:
        """Add a record's label to the preview."""
        self.preview.items[category][action].append(label)
