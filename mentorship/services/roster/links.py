"""Planning the Pairings, Meetings and Goals sheets, which join the people the planner has placed.

A pairing is the same pairing when its mentor, mentee, kind and start date are; a meeting joins the pairing
of its two people that is active on its date (career first, then the latest start), whether that pairing is
in the file or only stored. The scope rule applies to both people of every row.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from mentorship import vocab
from mentorship.services.roster.plan import (
    MenteeRef,
    NewGoal,
    NewMeeting,
    NewPairing,
    PairingRef,
    Ref,
    SetFields,
    UpdateGoal,
    UpdateMeeting,
)
from mentorship.services.roster.planner import Planner, RowCheck
from mentorship.services.roster.rows import GoalRow, MeetingRow, PairingRow
from mentorship.services.roster.stored import StoredPairing

KIND_ORDER = {kind: i for i, kind in enumerate(vocab.PAIRING_KINDS)}
# (mentor email, mentee email), or (mentor id, mentee id) for stored pairings.
Pair = tuple[Any, Any]


def _ref_of(pairing: StoredPairing) -> PairingRef:
    return PairingRef(obj=pairing, start=pairing.start_date, end=pairing.end_date, kind=pairing.kind)


def _first(
    row: RowCheck, seen: dict[tuple[Any, ...], int], key: tuple[Any, ...], column: str, what: str
) -> bool:
    """Whether `key` is new in its sheet; an error naming the earlier row if not."""
    if key in seen:
        row.error(column, f"the same {what} is on row {seen[key]}")
        return False
    seen[key] = row.at.number
    return True


class LinkPlanner:
    """Plans pairings, then meetings, on top of a Planner that has planned programs and people."""

    def __init__(self, planner: Planner):
        self.planner = planner
        self.plan = planner.plan
        self.stored = planner.stored
        # Stored pairings by (mentor id, mentee id, kind, start); a file row that matches one takes it out.
        self.unmatched: dict[tuple[Any, ...], PairingRef] = {}
        for pairings in self.stored.pairings.values():
            for pairing in pairings:
                key = (pairing.mentor_id, pairing.mentee_id, pairing.kind, pairing.start_date)
                self.unmatched[key] = _ref_of(pairing)
        self.in_file: dict[Pair, list[PairingRef]] = defaultdict(list)
        self.leftover: dict[Pair, list[PairingRef]] | None = None

    def run(self) -> None:
        """Plan every Pairings row, then every Meetings row."""
        seen: dict[tuple[Any, ...], int] = {}
        for pairing in self.planner.parsed.pairings:
            self.plan_pairing(pairing, seen)
        seen = {}
        for meeting in self.planner.parsed.meetings:
            self.plan_meeting(meeting, seen)
        seen = {}
        for goal in self.planner.parsed.goals:
            self.plan_goal(goal, seen)

    def person_ref(self, row: RowCheck, column: str, email: str, role: str) -> Ref[Any] | None:
        """The mentor or mentee (`role`) a row names, from the file or the database; None (with errors)."""
        planner = self.planner
        refs: dict[str, Any] = planner.mentors if role == "mentor" else planner.mentees
        ref: Ref[Any] | None = refs.get(email)
        if planner.refuse_outside(row, column, email):
            return None
        if ref is None:
            person = self.stored.people.get(email)
            profile = getattr(person, role) if person is not None else None
            if email in planner.parsed.listed[f"{role.title()}s"] and (person is None or profile is None):
                row.ok = False  # that person's own row has a problem, already reported
            elif person is None and email not in planner.people:
                row.error(column, f"{email} is not in the {role.title()}s sheet or the database")
            elif person is None or profile is None:
                row.error(column, f"{email} is not a {role}")
            else:
                label = f"{person.full_name} <{email}>"
                ref = (
                    MenteeRef(obj=profile, label=label) if role == "mentee" else Ref(obj=profile, label=label)
                )
                refs[email] = ref
        return ref

    def in_scope(self, row: RowCheck, mentee: Ref[Any], mentee_email: str) -> bool:
        """Whether the mentee is of the coordinator's programs (always without a scope); an error if not."""
        planner = self.planner
        if planner.scope is None:
            return True
        program_id = mentee.obj.program_id if mentee.obj is not None else None
        program = mentee.program if isinstance(mentee, MenteeRef) else None
        if program is not None:
            program_id = program.obj.id if program.obj is not None else None
        if not planner.scope.covers_program(program_id):
            row.error("mentee_email", f"{mentee_email} is not a mentee of one of your programs")
            return False
        return True

    def people_of(
        self, row: RowCheck, mentor_email: str, mentee_email: str
    ) -> tuple[Ref[Any], Ref[Any]] | None:
        """The mentor and mentee a row names, from the file or the database; None (with errors) if not."""
        mentor = self.person_ref(row, "mentor_email", mentor_email, "mentor")
        mentee = self.person_ref(row, "mentee_email", mentee_email, "mentee")
        if mentor is None or mentee is None or not self.in_scope(row, mentee, mentee_email):
            return None
        return mentor, mentee

    def plan_goal(self, goal: GoalRow, seen: dict[tuple[Any, ...], int]) -> None:
        """A Goals row: add the goal to the mentee's plan of its year, or update its category, date, status.

        Labels name the row, never the goal: the preview must not tell an uploader what a plan holds.
        """
        row = self.planner.check(goal.at)
        if not self.planner.goals_allowed:
            row.error("title", "importing goals needs the right to read development plans (view_plans)")
            return
        mentee = self.person_ref(row, "mentee_email", goal.mentee_email, "mentee")
        if mentee is None or not self.in_scope(row, mentee, goal.mentee_email):
            return
        key = (goal.mentee_email, goal.year, goal.title.strip().lower())
        if not _first(row, seen, key, "title", "goal (mentee, year and title)"):
            return
        label = f"{goal.mentee_email}, AY {goal.year}: the goal of row {goal.at.number}"
        existing = (
            self.stored.goals.get((mentee.obj.id, goal.year, key[2])) if mentee.obj is not None else None
        )
        if existing is None:
            self.plan.note("goals", "create", label)
            self.plan.new_goals.append(NewGoal(mentee, goal))
            return
        given = {"category": goal.category, "target_date": goal.target_date, "status": goal.status}
        changes = {k: v for k, v in given.items() if v is not None and getattr(existing, k) != v}
        if changes:
            self.plan.note("goals", "update", f"{label}: {', '.join(changes)}")
            self.plan.goal_updates.append(UpdateGoal(existing, changes))
        else:
            self.plan.note("goals", "unchanged", label)

    def plan_pairing(self, pairing: PairingRow, seen: dict[tuple[Any, ...], int]) -> None:
        """A Pairings row: create the pairing, or set its end on the stored one."""
        row = self.planner.check(pairing.at)
        people = self.people_of(row, pairing.mentor_email, pairing.mentee_email)
        if people is None:
            return
        mentor, mentee = people
        pair = (pairing.mentor_email, pairing.mentee_email)
        key = (*pair, pairing.kind, pairing.start_date)
        if not _first(row, seen, key, "start_date", "pairing (people, kind and start date)"):
            return
        label = (
            f"{pairing.mentor_email} → {pairing.mentee_email} "
            f"({pairing.kind}, from {pairing.start_date.isoformat()})"
        )
        existing = None
        if mentor.obj is not None and mentee.obj is not None:
            found = self.unmatched.pop((mentor.obj.id, mentee.obj.id, pairing.kind, pairing.start_date), None)
            existing = found.obj if found is not None else None
        end_date = pairing.end_date or (existing.end_date if existing else None)
        if pairing.end_reason and end_date is None:
            row.error("end_reason", "needs an end_date")
            return
        ref = PairingRef(
            obj=existing,
            label=label,
            row=pairing.at.number,
            start=pairing.start_date,
            end=end_date,
            kind=pairing.kind,
        )
        self.in_file[pair].append(ref)
        if existing is None:
            self.plan.note("pairings", "create", label)
            # New pairings and meetings are many and simple: inserted in bulk after the people (see writer).
            self.plan.new_pairings.append(NewPairing(ref, mentor, mentee, pairing))
            return
        given = {"end_date": pairing.end_date, "end_reason": pairing.end_reason}
        changes = {k: v for k, v in given.items() if v is not None and getattr(existing, k) != v}
        if changes:
            self.plan.note("pairings", "update", f"{label}: {', '.join(changes)}")
            self.plan.steps.append(SetFields(existing, changes))
        else:
            self.plan.note("pairings", "unchanged", label)

    def pairing_on(self, mentor: Ref[Any], mentee: Ref[Any], meeting: MeetingRow) -> PairingRef | None:
        """The two people's pairing active on the meeting's date (career first, then the latest start)."""
        candidates = list(self.in_file.get((meeting.mentor_email, meeting.mentee_email), []))
        if mentor.obj is not None and mentee.obj is not None:
            if self.leftover is None:
                # Stored pairings no Pairings row named, once every Pairings row is planned.
                self.leftover = defaultdict(list)
                for (mentor_id, mentee_id, _kind, _start), ref in self.unmatched.items():
                    self.leftover[(mentor_id, mentee_id)].append(ref)
            candidates += self.leftover.get((mentor.obj.id, mentee.obj.id), [])
        active = [ref for ref in candidates if ref.open_on(meeting.date)]
        if not active:
            return None
        return min(active, key=lambda r: (KIND_ORDER.get(r.kind, 9), -r.start.toordinal()))

    def plan_meeting(self, meeting: MeetingRow, seen: dict[tuple[Any, ...], int]) -> None:
        """A Meetings row: create the meeting, or update its status, notes or topics."""
        row = self.planner.check(meeting.at)
        people = self.people_of(row, meeting.mentor_email, meeting.mentee_email)
        if people is None:
            return
        pairing = self.pairing_on(*people, meeting)
        if pairing is None:
            row.error(
                "date",
                f"{meeting.mentor_email} and {meeting.mentee_email} have no pairing active on "
                f"{meeting.date.isoformat()} (add it to the Pairings sheet)",
            )
            return
        key = (id(pairing), meeting.date, meeting.duration_minutes, meeting.modality)
        if not _first(row, seen, key, "date", "meeting (people, date, duration and modality)"):
            return
        label = (
            f"{meeting.mentor_email} → {meeting.mentee_email} on {meeting.date.isoformat()}, "
            f"{meeting.duration_minutes} min {meeting.modality.replace('_', ' ')}"
        )
        existing = None
        if pairing.obj is not None:
            existing = self.stored.meetings.get(
                (pairing.obj.id, meeting.date, meeting.duration_minutes, meeting.modality)
            )
        if existing is None:
            self.plan.note("meetings", "create", label)
            self.plan.new_meetings.append(NewMeeting(pairing, meeting))
            return
        given = {"status": meeting.status, "notes": meeting.notes}
        changes = {k: v for k, v in given.items() if v is not None and getattr(existing, k) != v}
        topics_changed = meeting.topics is not None and sorted(existing.topics) != meeting.topics
        if changes or topics_changed:
            names = list(changes) + (["topics"] if topics_changed else [])
            self.plan.note("meetings", "update", f"{label}: {', '.join(names)}")
            self.plan.steps.append(
                UpdateMeeting(existing, changes, meeting.topics if topics_changed else None)
            )
        else:
            self.plan.note("meetings", "unchanged", label)
