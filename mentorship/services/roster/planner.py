"""Comparing the parsed rows with what is stored; planning programs and people (docs/import.md).

Two rules hold here. **Scope**: a program coordinator's import never brings into their scope, moves or
updates a person outside their programs; each such row is an error naming it. **No oracle**: the preview
never reveals stored self-identification to a user without view_demographics; their counts and labels
depend only on what the file gives (see docs/privacy.md, "No oracle").
Mentor and mentee profiles are planned by `profiles.py`, pairings and meetings by `links.py`, on the
references made here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mentorship.access import Scope
from mentorship.models import Program
from mentorship.services import people as people_service
from mentorship.services.roster.cells import At, RowCheck, quote
from mentorship.services.roster.plan import (
    CreatePerson,
    CreateProgram,
    MenteeRef,
    PersonRef,
    Plan,
    Ref,
    SetFields,
    SetSelfIdentification,
)
from mentorship.services.roster.rows import Answers, ParsedRoster, PersonRow
from mentorship.services.roster.stored import Stored, StoredAnswers, StoredMentor


def stored_answers(selfid: StoredAnswers | None) -> Answers:
    """A stored self-identification in the shape of a row's answers."""
    if selfid is None:
        return {
            "gender": None,
            "races": [],
            "race_prefer_not": False,
            "urim": None,
            "img": None,
            "first_generation": None,
        }
    return {
        "gender": selfid.gender,
        "races": sorted(selfid.race_codes),
        "race_prefer_not": selfid.race_prefer_not,
        "urim": selfid.urim,
        "img": selfid.img,
        "first_generation": selfid.first_generation,
    }


class Planner:
    """Plans programs and people, and keeps the references the later sheets join to."""

    def __init__(
        self,
        parsed: ParsedRoster,
        stored: Stored,
        *,
        scope: Scope | None,
        demographics: bool,
        today: dt.date,
        goals_allowed: bool = True,
    ):
        self.parsed = parsed
        # Matching a Goals row with a stored goal would tell the uploader what a plan holds.
        self.goals_allowed = goals_allowed
        self.stored = stored
        self.scope = scope
        self.demographics = demographics
        self.today = today
        self.errors = parsed.errors
        self.plan = Plan()
        self.programs: dict[str, Ref[Program]] = {}
        self.people: dict[str, PersonRef] = {}
        self.mentors: dict[str, Ref[StoredMentor]] = {}
        self.mentees: dict[str, MenteeRef] = {}

    def check(self, at: At) -> RowCheck:
        """A fresh check of the row at `at`."""
        return RowCheck(at, self.errors)

    def refuse_outside(self, row: RowCheck, column: str, email: str) -> bool:
        """Record an error if `email` is someone outside the coordinator's scope; True if so."""
        if email not in self.stored.outside:
            return False
        row.error(column, people_service.OutsideScope(email).args[0])
        return True

    def covers(self, program: Ref[Program] | None) -> bool:
        """Whether `program` (stored) is one of the coordinator's programs; always without a scope."""
        if self.scope is None:
            return True
        return program is not None and program.obj is not None and self.scope.covers_program(program.obj.id)

    def run(self) -> None:
        """Plan the Programs sheet, then each person of the Mentors and Mentees sheets."""
        for program in self.parsed.programs:
            self.plan_program(program.at, program.name, program.specialty, program.kind)
        self.plan_people()

    # -- programs ------------------------------------------------------------------------------------------

    def plan_program(self, at: At, name: str, specialty: str | None, kind: str | None) -> None:
        """A Programs row: create it, update its specialty or kind, or leave it."""
        row = self.check(at)
        key = name.lower()
        if key in self.programs:
            row.error("name", f"{quote(name)} is already on row {self.programs[key].row}")
            return
        existing = self.stored.programs.get(key)
        ref: Ref[Program] = Ref(obj=existing, label=name, row=at.number)
        if self.scope is not None and (existing is None or not self.scope.covers_program(existing.id)):
            row.error("name", f"{quote(name)} is not one of your programs")
            return
        self.programs[key] = ref
        if existing is None:
            self.plan.note("programs", "create", name)
            self.plan.steps.append(CreateProgram(ref, name, specialty, kind))
            return
        given = {"specialty": specialty, "kind": kind}
        changes = {k: v for k, v in given.items() if v and v != getattr(existing, k)}
        if changes:
            self.plan.note("programs", "update", f"{existing.name}: {', '.join(changes)}")
            self.plan.steps.append(SetFields(existing, changes))
        else:
            self.plan.note("programs", "unchanged", existing.name)

    def program_ref(self, row: RowCheck, name: str) -> Ref[Program] | None:
        """The program `name` from the Programs sheet or the database; created if named nowhere else."""
        key = name.lower()
        ref = self.programs.get(key)
        if ref is None:
            existing = self.stored.programs.get(key)
            ref = Ref(obj=existing, label=existing.name if existing else name, row=row.at.number)
            self.programs[key] = ref
            if existing is None and self.scope is None:
                self.plan.note("programs", "create", f"{name} (named in {row.at.sheet} row {row.at.number})")
                self.plan.steps.append(CreateProgram(ref, name, None, None))
            elif existing is not None:
                self.plan.note("programs", "unchanged", existing.name)
        if self.scope is not None and not self.covers(ref):
            row.error("program", f"{quote(name)} is not one of your programs")
            return None
        return ref

    # -- people --------------------------------------------------------------------------------------------

    def plan_people(self) -> None:
        """Each email of the Mentors and Mentees sheets once: create the person or update their name."""
        names: dict[str, tuple[str, int, str, str]] = {}
        sheets: tuple[list[Any], list[Any]] = (self.parsed.mentors, self.parsed.mentees)
        for sheet_rows in sheets:
            seen: dict[str, int] = {}
            for person in sheet_rows:
                row = self.check(person.at)
                email = person.email
                if email in seen:
                    row.error("email", f"{email} is already on row {seen[email]}")
                    continue
                seen[email] = person.at.number
                if self.refuse_outside(row, "email", email):
                    continue
                first, last = person.first_name, person.last_name
                if email in names and names[email][2:] != (first, last):
                    sheet, number = names[email][:2]
                    row.error("first_name", f"the name differs from {sheet} row {number} for {email}")
                    continue
                names.setdefault(email, (person.at.sheet, person.at.number, first, last))
        for email, (_sheet, number, first, last) in names.items():
            existing = self.stored.people.get(email)
            ref = PersonRef(obj=existing, label=f"{first} {last} <{email}>", row=number)
            self.people[email] = ref
            if existing is None:
                self.plan.note("people", "create", ref.label)
                self.plan.steps.append(CreatePerson(ref, email, first, last))
                continue
            changes = {
                k: v for k, v in (("first_name", first), ("last_name", last)) if getattr(existing, k) != v
            }
            if changes:
                self.plan.note("people", "update", f"{ref.label}: {', '.join(changes)}")
                self.plan.steps.append(SetFields(existing, changes))
            else:
                self.plan.note("people", "unchanged", ref.label)

    def plan_selfid(
        self, row: RowCheck, person: PersonRef, given: Answers | None, changes: list[str]
    ) -> None:
        """Plan the self-identification answers the row gives; its blank columns keep what is stored.

        Only a user who may see individual demographics learns whether the answers differ from the
        stored ones (a "self-identification" change); for anyone else the row's counts and labels never
        depend on them.
        """
        if given is None:
            return
        if person.selfid is not None:
            if person.selfid[1] != given:
                row.error(
                    "",
                    f"the self-identification differs from {person.selfid[0]} for the same person "
                    "(give the same answers on both rows, or leave one row's blank)",
                )
            return
        person.selfid = (f"{row.at.sheet} row {row.at.number}", given)
        self.plan.preview.selfid_given += 1
        current = person.obj.self_identification if person.obj is not None else None
        stored = stored_answers(current)
        answers = {**stored, **given}
        if current is not None and answers == stored:
            return
        if self.demographics:
            changes.append("self-identification")
        description = current.gender_description if current is not None else None
        self.plan.steps.append(SetSelfIdentification(person, answers, description))

    def labelled(self, label: str, person: PersonRow) -> str:
        """A person's preview label; for users without view_demographics, whether the row gives answers."""
        if person.selfid is None or self.demographics:
            return label
        return f"{label} (self-identification: given)"
