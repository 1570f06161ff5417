"""Planning the Mentors and Mentees sheets: enrol each person as a mentor or mentee, or update the profile.

A blank cell leaves the stored value as it is; a coordinator may only place a profile in their programs.
"""

from __future__ import annotations

from typing import Any

from mentorship.models import Program
from mentorship.services.roster.cells import RowCheck
from mentorship.services.roster.plan import (
    CreateMentee,
    CreateMentor,
    MenteeRef,
    PersonRef,
    Ref,
    UpdateProfile,
)
from mentorship.services.roster.planner import Planner
from mentorship.services.roster.rows import MenteeRow, MentorRow, PersonRow
from mentorship.services.roster.stored import StoredMentee, StoredMentor


class ProfilePlanner:
    """Plans mentor and mentee profiles on the people a Planner has placed."""

    def __init__(self, planner: Planner):
        self.planner = planner
        self.plan = planner.plan
        self.stored = planner.stored

    def run(self) -> None:
        """Plan every Mentors row, then every Mentees row."""
        for mentor in self.planner.parsed.mentors:
            self.plan_mentor(mentor)
        for mentee in self.planner.parsed.mentees:
            self.plan_mentee(mentee)

    def enrolment_dates_ok(
        self, row: RowCheck, person: PersonRow, existing: StoredMentor | StoredMentee | None
    ) -> None:
        """The row's (or the stored) dates: left on or after enrolled (a new profile enrols today)."""
        enrolled_on = person.enrolled_on or (existing.enrolled_on if existing else self.planner.today)
        left_on = person.left_on or (existing.left_on if existing else None)
        if left_on and left_on < enrolled_on:
            row.error("left_on", "is before the date enrolled")

    def plan_mentor(self, mentor: MentorRow) -> None:
        """A Mentors row: enrol the person as a mentor, or update the profile with what the row gives."""
        email = mentor.email
        if email in self.planner.mentors or email not in self.planner.people:
            return  # a duplicate row, already reported
        row = self.planner.check(mentor.at)
        person = self.planner.people[email]
        existing = person.obj.mentor if person.obj is not None else None
        program = self.planner.program_ref(row, mentor.program) if mentor.program else None
        if mentor.program and program is None:
            return
        if self.planner.scope is not None:
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
        ref: Ref[StoredMentor] = Ref(obj=existing, label=person.label, row=mentor.at.number)
        self.planner.mentors[email] = ref
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
            self.plan.note("mentors", "create", self.planner.labelled(ref.label, mentor))
            values = {k: v for k, v in fields.items() if v is not None}
            self.plan.steps.append(CreateMentor(ref, person, values, program, mentor.interests or []))
            self.planner.plan_selfid(row, person, mentor.selfid, [])
            return
        self.plan_update(row, "mentors", person, ref, existing, fields, program, mentor)

    def plan_update(
        self,
        row: RowCheck,
        category: str,
        person: PersonRef,
        ref: Ref[Any],
        existing: StoredMentor | StoredMentee,
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
        if isinstance(existing, StoredMentee) and isinstance(data, MenteeRow):
            lists = self.changed_lists(existing, data)
        changes += lists
        self.planner.plan_selfid(row, person, data.selfid, changes)
        if changes:
            self.plan.note(
                category, "update", self.planner.labelled(f"{ref.label}: {', '.join(changes)}", data)
            )
        else:
            self.plan.note(category, "unchanged", self.planner.labelled(ref.label, data))
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
        if email in self.planner.mentees or email not in self.planner.people:
            return
        row = self.planner.check(mentee.at)
        person = self.planner.people[email]
        existing = person.obj.mentee if person.obj is not None else None
        if (
            self.planner.scope is not None
            and existing is not None
            and not self.planner.scope.covers_program(existing.program_id)
        ):
            row.error("email", f"{email} is a mentee of a program that is not one of yours")
            return
        program = self.planner.program_ref(row, mentee.program) if mentee.program else None
        for column, others in (
            ("preferred_mentors", mentee.preferred_mentors),
            ("do_not_match", mentee.do_not_match),
        ):
            for other in others or ():
                if other == email:
                    row.error(column, "lists the mentee themself")
                elif other in self.planner.parsed.listed["Mentors"] and other not in self.planner.mentors:
                    row.ok = False  # that mentor's own row has a problem, already reported
                elif other not in self.planner.mentors and not (
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
        self.planner.mentees[email] = ref
        fields: dict[str, Any] = {
            "pgy": mentee.pgy,
            "enrolled_on": mentee.enrolled_on,
            "left_on": mentee.left_on,
        }
        if mentee.concordance is not None:
            fields["concordance_gender"], fields["concordance_urim"] = mentee.concordance
        if existing is None:
            self.plan.note("mentees", "create", self.planner.labelled(ref.label, mentee))
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
            self.planner.plan_selfid(row, person, mentee.selfid, [])
            return
        self.plan_update(row, "mentees", person, ref, existing, fields, program, mentee)

    def mentor_ref(self, email: str) -> Ref[StoredMentor]:
        """The mentor `email` names: from the Mentors sheet, else the stored one."""
        return self.planner.mentors.get(email) or Ref(obj=self.stored.people[email].mentor)

    def mentor_lists(self, mentee: MenteeRow) -> dict[str, list[Ref[StoredMentor]] | None]:
        """A mentee row's preferred and do-not-match mentors (None where the row leaves them blank)."""
        return {
            "preferred": None
            if mentee.preferred_mentors is None
            else [self.mentor_ref(e) for e in mentee.preferred_mentors],
            "excluded": None
            if mentee.do_not_match is None
            else [self.mentor_ref(e) for e in mentee.do_not_match],
        }

    def changed_lists(self, existing: StoredMentee, mentee: MenteeRow) -> list[str]:
        """The columns of the mentee's mentor lists that the row changes."""
        changed = []
        for column, wanted, current in (
            ("preferred_mentors", mentee.preferred_mentors, existing.preferred),
            ("do_not_match", mentee.do_not_match, existing.excluded),
        ):
            if wanted is None:
                continue
            targets = [self.mentor_ref(e) for e in wanted]
            if any(t.obj is None for t in targets) or {t.obj.id for t in targets if t.obj} != set(current):
                changed.append(column)
        return changed
