"""Comparing the parsed rows with what is stored, and planning programs and people (docs/import.md).

Two rules hold here. **Scope**: a program coordinator's import never brings into their scope, moves or
updates a person outside their programs; each such row is an error naming it. **No oracle**: the preview
never reveals stored self-identification to a user without view_demographics; their counts and labels
depend only on what the file gives (see docs/privacy.md, "No oracle").
Pairings and meetings are planned by `links.py`, on the references made here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mentorship.access import Scope
from mentorship.models import MenteeProfile, MentorProfile, Program, SelfIdentification
from mentorship.services import people as people_service
from mentorship.services.roster.cells import At, RowCheck, quote
from mentorship.services.roster.plan import (
    CreateMentee,
    CreateMentor,
    CreatePerson,
    CreateProgram,
    MenteeRef,
    PersonRef,
    Plan,
    Ref,
    SetFields,
    SetSelfIdentification,
    UpdateProfile,
)
from mentorship.services.roster.rows import Answers, MenteeRow, MentorRow, ParsedRoster, PersonRow
from mentorship.services.roster.stored import Stored


def stored_answers(selfid: SelfIdentification | None) -> Answers:
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
    """Plans every sheet in order, keeping the references later sheets join to."""

    def __init__(
        self, parsed: ParsedRoster, stored: Stored, *, scope: Scope | None, demographics: bool, today: dt.date
    ):
        self.parsed = parsed
        self.stored = stored
        self.scope = scope
        self.demographics = demographics
        self.today = today
        self.errors = parsed.errors
        self.plan = Plan()
        self.programs: dict[str, Ref[Program]] = {}
        self.people: dict[str, PersonRef] = {}
        self.mentors: dict[str, Ref[MentorProfile]] = {}
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
        """Plan programs, then people, then mentor and mentee profiles."""
        for program in self.parsed.programs:
            self.plan_program(program.at, program.name, program.specialty, program.kind)
        self.plan_people()
        for mentor in self.parsed.mentors:
            self.plan_mentor(mentor)
        for mentee in self.parsed.mentees:
            self.plan_mentee(mentee)

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

    def enrolment_dates_ok(
        self, row: RowCheck, person: PersonRow, existing: MentorProfile | MenteeProfile | None
    ) -> None:
        """The row's (or the stored) dates: left on or after enrolled (a new profile enrols today)."""
        enrolled_on = person.enrolled_on or (existing.enrolled_on if existing else self.today)
        left_on = person.left_on or (existing.left_on if existing else None)
        if left_on and left_on < enrolled_on:
            row.error("left_on", "is before the date enrolled")

    def plan_mentor(self, mentor: MentorRow) -> None:
        """A Mentors row: enrol the person as a mentor, or update the profile with what the row gives."""
        email = mentor.email
        if email in self.mentors or email not in self.people:
            return  # a duplicate row, already reported
        row = self.check(mentor.at)
        person = self.people[email]
        existing = person.obj.mentor if person.obj is not None else None
        program = self.program_ref(row, mentor.program) if mentor.program else None
        if mentor.program and program is None:
            return
        if self.scope is not None:
            visible = existing is not None and existing.id in (self.stored.visible_mentor_ids or set())
            if program is None and not visible:
                row.error("program", "name one of your programs, so that you can see this mentor")
                return
        mentor_type = mentor.mentor_type or (existing.mentor_type if existing else "faculty")
        pgy = mentor.pgy if mentor.pgy is not None else (existing.pgy if existing else None)
        if mentor_type == "near_peer" and pgy is None:
            row.error("pgy", "is required for a near-peer mentor")
        elif mentor_type == "faculty" and mentor.pgy is not None:
            row.error("pgy", "is only for near-peer mentors (set mentor_type to near_peer)")
        self.enrolment_dates_ok(row, mentor, existing)
        if not row.ok:
            return
        ref: Ref[MentorProfile] = Ref(obj=existing, label=person.label, row=mentor.at.number)
        self.mentors[email] = ref
        fields = {
            "mentor_type": mentor_type,
            "department": mentor.department,
            "specialty": mentor.specialty,
            "rank": mentor.rank,
            "pgy": pgy if mentor_type == "near_peer" else None,
            "capacity": mentor.capacity,
            "enrolled_on": mentor.enrolled_on,
            "left_on": mentor.left_on,
        }
        if existing is None:
            self.plan.note("mentors", "create", self.labelled(ref.label, mentor))
            values = {k: v for k, v in fields.items() if v is not None}
            self.plan.steps.append(CreateMentor(ref, person, values, program, mentor.interests or []))
            self.plan_selfid(row, person, mentor.selfid, [])
            return
        self.plan_update(row, "mentors", person, ref, existing, fields, program, mentor)

    def plan_update(
        self,
        row: RowCheck,
        category: str,
        person: PersonRef,
        ref: Ref[Any],
        existing: MentorProfile | MenteeProfile,
        fields: dict[str, Any],
        program: Ref[Program] | None,
        data: PersonRow,
    ) -> None:
        """Shared by mentors and mentees: update the fields the row gives (blank = unchanged)."""
        given = {k: v for k, v in fields.items() if v is not None and getattr(existing, k) != v}
        changes = list(given)
        moves = program is not None and (program.obj is None or existing.program_id != program.obj.id)
        if moves:
            changes.append("program")
        interests = data.interests is not None and sorted(data.interests) != sorted(existing.interests)
        if interests:
            changes.append("interests")
        lists: list[str] = []
        if isinstance(existing, MenteeProfile) and isinstance(data, MenteeRow):
            lists = self.changed_lists(existing, data)
        changes += lists
        self.plan_selfid(row, person, data.selfid, changes)
        if changes:
            self.plan.note(category, "update", self.labelled(f"{ref.label}: {', '.join(changes)}", data))
        else:
            self.plan.note(category, "unchanged", self.labelled(ref.label, data))
        if set(changes) - {"self-identification"}:
            self.plan.steps.append(
                UpdateProfile(
                    existing,
                    given,
                    program=program if moves else None,
                    interests=data.interests if interests else None,
                    **(self.mentor_lists(data) if lists and isinstance(data, MenteeRow) else {}),
                )
            )

    def plan_mentee(self, mentee: MenteeRow) -> None:
        """A Mentees row: enrol the person as a mentee, or update the profile with what the row gives."""
        email = mentee.email
        if email in self.mentees or email not in self.people:
            return
        row = self.check(mentee.at)
        person = self.people[email]
        existing = person.obj.mentee if person.obj is not None else None
        if (
            self.scope is not None
            and existing is not None
            and not self.scope.covers_program(existing.program_id)
        ):
            row.error("email", f"{email} is a mentee of a program that is not one of yours")
            return
        program = self.program_ref(row, mentee.program) if mentee.program else None
        for column, others in (
            ("preferred_mentors", mentee.preferred_mentors),
            ("do_not_match", mentee.do_not_match),
        ):
            for other in others or ():
                if other == email:
                    row.error(column, "lists the mentee themself")
                elif other in self.parsed.listed["Mentors"] and other not in self.mentors:
                    row.ok = False  # that mentor's own row has a problem, already reported
                elif other not in self.mentors and not (
                    (p := self.stored.people.get(other)) is not None and p.mentor is not None
                ):
                    row.error(column, f"{other} is not a mentor (not in the Mentors sheet or the database)")
        both = set(mentee.preferred_mentors or ()) & set(mentee.do_not_match or ())
        if both:
            row.error("do_not_match", f"{', '.join(sorted(both))} is also a preferred mentor")
        self.enrolment_dates_ok(row, mentee, existing)
        if program is None or not row.ok:
            return
        ref = MenteeRef(obj=existing, label=person.label, row=mentee.at.number, program=program)
        self.mentees[email] = ref
        fields: dict[str, Any] = {
            "pgy": mentee.pgy,
            "enrolled_on": mentee.enrolled_on,
            "left_on": mentee.left_on,
        }
        if mentee.concordance is not None:
            fields["concordance_gender"], fields["concordance_urim"] = mentee.concordance
        if existing is None:
            self.plan.note("mentees", "create", self.labelled(ref.label, mentee))
            values = {k: v for k, v in fields.items() if v is not None}
            lists = self.mentor_lists(mentee)
            self.plan.steps.append(
                CreateMentee(
                    ref,
                    person,
                    values,
                    program,
                    mentee.interests or [],
                    lists["preferred"],
                    lists["excluded"],
                )
            )
            self.plan_selfid(row, person, mentee.selfid, [])
            return
        self.plan_update(row, "mentees", person, ref, existing, fields, program, mentee)

    def mentor_ref(self, email: str) -> Ref[MentorProfile]:
        """The mentor `email` names: from the Mentors sheet, else the stored one."""
        return self.mentors.get(email) or Ref(obj=self.stored.people[email].mentor)

    def mentor_lists(self, mentee: MenteeRow) -> dict[str, list[Ref[MentorProfile]] | None]:
        """A mentee row's preferred and do-not-match mentors (None where the row leaves them blank)."""
        return {
            "preferred": None
            if mentee.preferred_mentors is None
            else [self.mentor_ref(e) for e in mentee.preferred_mentors],
            "excluded": None
            if mentee.do_not_match is None
            else [self.mentor_ref(e) for e in mentee.do_not_match],
        }

    def changed_lists(self, existing: MenteeProfile, mentee: MenteeRow) -> list[str]:
        """The columns of the mentee's mentor lists that the row changes."""
        changed = []
        for column, wanted, current in (
            ("preferred_mentors", mentee.preferred_mentors, existing.preferred),
            ("do_not_match", mentee.do_not_match, existing.excluded),
        ):
            if wanted is None:
                continue
            targets = [self.mentor_ref(e) for e in wanted]
            if any(t.obj is None for t in targets) or {id(t.obj) for t in targets} != {
                id(m) for m in current
            }:
                changed.append(column)
        return changed
