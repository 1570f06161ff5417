"""Parsing and checking each row on its own (docs/import.md): typed rows out, no database.

A cell that cannot be read records a RowError naming its sheet, row and column; a row with any problem
gives no typed row, so the planner only sees rows that are complete and well-formed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mentorship import vocab
from mentorship.services import meetings as meeting_rules
from mentorship.services import people as people_service
from mentorship.services.plans.rules import MAX_TITLE
from mentorship.services.roster.cells import PREFER_NOT, At, Cells, quote, split_list
from mentorship.services.roster.columns import (
    CAPACITY_RANGE,
    MINUTES_RANGE,
    PGY_RANGE,
    SELF_ID_COLUMNS,
    YEAR_RANGE,
)
from mentorship.services.roster.errors import RowError
from mentorship.services.roster.reader import Roster

# Self-identification answers by column, in the shape of people.set_self_identification's arguments.
Answers = dict[str, Any]


@dataclass
class ProgramRow:
    at: At
    name: str
    specialty: str | None
    kind: str | None


@dataclass
class PersonRow:
    at: At
    email: str
    first_name: str
    last_name: str
    interests: list[str] | None
    enrolled_on: dt.date | None
    left_on: dt.date | None
    program: str | None
    selfid: Answers | None


@dataclass
class MentorRow(PersonRow):
    mentor_type: str | None
    department: str | None
    specialty: str | None
    rank: str | None
    pgy: int | None
    capacity: int | None


@dataclass
class MenteeRow(PersonRow):
    pgy: int
    preferred_mentors: list[str] | None
    do_not_match: list[str] | None
    concordance: tuple[bool, bool] | None


@dataclass
class PairingRow:
    at: At
    mentor_email: str
    mentee_email: str
    start_date: dt.date
    end_date: dt.date | None
    kind: str
    end_reason: str | None


@dataclass
class MeetingRow:
    at: At
    mentor_email: str
    mentee_email: str
    date: dt.date
    duration_minutes: int
    modality: str
    status: str | None
    topics: list[str] | None
    notes: str | None


@dataclass
class GoalRow:
    at: At
    mentee_email: str
    year: int
    title: str
    category: str | None
    target_date: dt.date | None
    status: str | None


@dataclass
class ParsedRoster:
    """The well-formed rows of every sheet, the problems found so far, and who each people sheet lists."""

    errors: list[RowError]
    programs: list[ProgramRow] = field(default_factory=list)
    mentors: list[MentorRow] = field(default_factory=list)
    mentees: list[MenteeRow] = field(default_factory=list)
    pairings: list[PairingRow] = field(default_factory=list)
    meetings: list[MeetingRow] = field(default_factory=list)
    goals: list[GoalRow] = field(default_factory=list)
    # Every email of the Mentors and Mentees sheets, valid rows or not (to tell "already reported" apart).
    listed: dict[str, set[str]] = field(default_factory=lambda: {"Mentors": set(), "Mentees": set()})


def parse_roster(
    roster: Roster,
    *,
    topics: Iterable[str],
    today: dt.date,
    progress: Callable[[int], None] | None = None,
) -> ParsedRoster:
    """Check every row of `roster` on its own; `topics` are the meeting topics allowed."""
    parsed = ParsedRoster(errors=list(roster.errors))
    allowed_topics = {vocab.slug(t): t for t in topics}
    tick = progress or (lambda _n: None)

    def cells_of(sheet_name: str) -> Iterator[Cells]:
        sheet = roster.sheets.get(sheet_name)
        if sheet is None:
            return
        for number, values in sheet.rows:
            cells = Cells(At(sheet.name, number), values, parsed.errors)
            cells.check_characters()
            yield cells
            tick(1)

    for cells in cells_of("Programs"):
        if (program := _program(cells)) is not None:
            parsed.programs.append(program)
    for cells in cells_of("Mentors"):
        parsed.listed["Mentors"].add(people_service.normalise_email(cells.raw("email")))
        if (mentor := _mentor(cells)) is not None:
            parsed.mentors.append(mentor)
    for cells in cells_of("Mentees"):
        parsed.listed["Mentees"].add(people_service.normalise_email(cells.raw("email")))
        if (mentee := _mentee(cells)) is not None:
            parsed.mentees.append(mentee)
    for cells in cells_of("Pairings"):
        if (pairing := _pairing(cells)) is not None:
            parsed.pairings.append(pairing)
    for cells in cells_of("Meetings"):
        if (meeting := _meeting(cells, allowed_topics, today)) is not None:
            parsed.meetings.append(meeting)
    for cells in cells_of("Goals"):
        if (goal := _goal(cells)) is not None:
            parsed.goals.append(goal)
    return parsed


def _program(cells: Cells) -> ProgramRow | None:
    name = cells.text("name", required=True)
    specialty = cells.text("specialty")
    kind = cells.choice("kind", vocab.PROGRAM_KINDS, "a program kind")
    if not cells.ok or name is None:
        return None
    return ProgramRow(cells.at, name, specialty, kind)


def _person(cells: Cells, program_required: bool) -> dict[str, Any]:
    """The columns the Mentors and Mentees sheets share, in the order they are checked."""
    return {
        "email": cells.email("email", required=True),
        "first_name": cells.text("first_name", required=True, max_len=100),
        "last_name": cells.text("last_name", required=True, max_len=100),
        "interests": people_service.parse_interests(cells.raw("interests"))
        if cells.has("interests")
        else None,
        "enrolled_on": cells.date("enrolled_on"),
        "left_on": cells.date("left_on"),
        "program": cells.text("program", required=program_required),
    }


def _dates_in_order(cells: Cells, shared: dict[str, Any]) -> None:
    if shared["enrolled_on"] and shared["left_on"] and shared["left_on"] < shared["enrolled_on"]:
        cells.error("left_on", "is before enrolled_on")


def _mentor(cells: Cells) -> MentorRow | None:
    shared = _person(cells, program_required=False)
    own: dict[str, Any] = {
        "mentor_type": cells.choice("mentor_type", vocab.MENTOR_TYPES, "a mentor type"),
        "department": cells.text("department"),
        "specialty": cells.text("specialty"),
        "rank": cells.text("rank", max_len=100),
        "pgy": cells.whole("pgy", PGY_RANGE),
        "capacity": cells.whole("capacity", CAPACITY_RANGE),
    }
    _dates_in_order(cells, shared)
    selfid = _self_identification(cells)
    if not cells.ok:
        return None
    return MentorRow(at=cells.at, **shared, selfid=selfid, **own)


def _mentee(cells: Cells) -> MenteeRow | None:
    shared = _person(cells, program_required=True)
    own: dict[str, Any] = {
        "pgy": cells.whole("pgy", PGY_RANGE, required=True),
        "preferred_mentors": cells.emails("preferred_mentors"),
        "do_not_match": cells.emails("do_not_match"),
        "concordance": _concordance(cells),
    }
    _dates_in_order(cells, shared)
    selfid = _self_identification(cells)
    if not cells.ok:
        return None
    return MenteeRow(at=cells.at, **shared, selfid=selfid, **own)


def _concordance(cells: Cells) -> tuple[bool, bool] | None:
    text = cells.raw("concordance_request")
    if not text:
        return None
    wanted = set()
    for part in split_list(text):
        key = vocab.slug(part)
        if key in {"both", "gender_and_urim", "gender_urim"}:
            wanted |= {"gender", "urim"}
        elif key in {"none", "no"}:
            continue
        elif (code := vocab.match_choice(part, vocab.CONCORDANCE)) is not None:
            wanted.add(code)
        else:
            cells.error("concordance_request", f"{quote(part)} is not gender, urim or both")
    return ("gender" in wanted, "urim" in wanted)


def _self_identification(cells: Cells) -> Answers | None:
    """The answers the row gives, by column; a blank column is left out (it changes nothing)."""
    if not any(cells.has(column) for column in SELF_ID_COLUMNS):
        return None
    answers: Answers = {}
    if cells.has("gender"):
        answers["gender"] = cells.choice("gender", vocab.GENDERS, "an allowed answer", private=True)
    if cells.has("race_ethnicity"):
        races: list[str] = []
        race_prefer_not = False
        for part in split_list(cells.raw("race_ethnicity")):
            if vocab.slug(part) in PREFER_NOT:
                race_prefer_not = True
            elif (code := vocab.match_choice(part, vocab.RACE_CATEGORIES)) is not None:
                races.append(code)
            else:
                cells.error(
                    "race_ethnicity",
                    "an entry is not one of the categories (see the Instructions sheet; separate with ;)",
                )
        answers["races"] = sorted(set(races))
        answers["race_prefer_not"] = race_prefer_not
    for column in ("urim", "img", "first_generation"):
        if cells.has(column):
            answers[column] = cells.yes_no(column)
    return answers


def _pairing(cells: Cells) -> PairingRow | None:
    mentor_email = cells.email("mentor_email", required=True)
    mentee_email = cells.email("mentee_email", required=True)
    start_date = cells.date("start_date", required=True)
    end_date = cells.date("end_date")
    kind = cells.choice("kind", vocab.PAIRING_KINDS, "a pairing kind") or "career"
    end_reason = cells.choice("end_reason", vocab.END_REASONS, "an end reason")
    if start_date and end_date and end_date < start_date:
        cells.error("end_date", "is before start_date")
    if cells.ok and mentor_email == mentee_email:
        cells.error("mentee_email", "the mentor and the mentee are the same person")
    if not cells.ok or mentor_email is None or mentee_email is None or start_date is None:
        return None
    return PairingRow(cells.at, mentor_email, mentee_email, start_date, end_date, kind, end_reason)


def _meeting(cells: Cells, allowed_topics: dict[str, str], today: dt.date) -> MeetingRow | None:
    """A Meetings row, held to the meeting service's field rules (minutes, date, kinds, notes)."""
    topics: list[str] | None = None
    if cells.has("topics"):
        topics = []
        for part in split_list(cells.raw("topics")):
            topic = allowed_topics.get(vocab.slug(part))
            if topic is None:
                cells.error(
                    "topics",
                    f"{quote(part)} is not a topic (allowed: {'; '.join(allowed_topics.values())})",
                )
            else:
                topics.append(topic)
        topics = sorted(set(topics))
    notes = cells.raw("notes") if cells.has("notes") else None
    written = cells.values.get("notes")
    if isinstance(written, str) and written.strip():
        notes = written.strip()  # keep the writer's line breaks
    if meeting_rules.notes_too_long(notes):
        cells.error("notes", f"is longer than {meeting_rules.MAX_NOTES:,} characters")
    mentor_email = cells.email("mentor_email", required=True)
    mentee_email = cells.email("mentee_email", required=True)
    day = cells.date("date", required=True)
    minutes = cells.whole("duration_minutes", MINUTES_RANGE, required=True)
    modality = cells.choice("modality", vocab.MODALITIES, "a modality") or meeting_rules.DEFAULT_MODALITY
    status = cells.choice("status", vocab.MEETING_STATUSES, "a meeting status")
    if day is not None and meeting_rules.in_future(day, today):
        cells.error("date", f"{day.isoformat()} is in the future")
    if not cells.ok or mentor_email is None or mentee_email is None or day is None or minutes is None:
        return None
    return MeetingRow(cells.at, mentor_email, mentee_email, day, minutes, modality, status, topics, notes)


def _goal(cells: Cells) -> GoalRow | None:
    """A Goals row, held to the plan service's goal rules (title length, category and status lists)."""
    mentee_email = cells.email("mentee_email", required=True)
    year = cells.whole("year", YEAR_RANGE, required=True)
    title = cells.text("title", required=True, max_len=MAX_TITLE)
    category = cells.choice("category", vocab.GOAL_CATEGORIES, "a goal category")
    target_date = cells.date("target_date")
    status = cells.choice("status", vocab.GOAL_STATUSES, "a goal status")
    if not cells.ok or mentee_email is None or year is None or title is None:
        return None
    return GoalRow(cells.at, mentee_email, year, title, category, target_date, status)
