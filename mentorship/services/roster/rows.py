"""Parsing and checking each row on its own (docs/import.md): typed rows out, no database.

A cell that cannot be read records a RowError naming its sheet, row and column; a row with any problem
gives no typed row, so the planner only sees rows that are complete and well-formed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils.datetime import from_excel

from mentorship import vocab
from mentorship.services import meetings as meeting_rules
from mentorship.services import people as people_service
from mentorship.services.roster.columns import (
    CAPACITY_RANGE,
    MINUTES_RANGE,
    MULTI_LINE_COLUMNS,
    PGY_RANGE,
    SELF_ID_COLUMNS,
)
from mentorship.services.roster.errors import RowError
from mentorship.services.roster.reader import CONTROL, Roster, cell_text

YES_NO_TEXT = {
    "yes": "yes",
    "y": "yes",
    "true": "yes",
    "1": "yes",
    "no": "no",
    "n": "no",
    "false": "no",
    "0": "no",
}
PREFER_NOT = {"prefer_not", "prefer_not_to_say", "prefer_not_to_answer", "declined", "decline_to_answer"}
EMAIL_RE = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
US_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# A line break, tab or other control character in a name or an email was pasted from elsewhere, and would
# break the one-line places it is shown (lists, CSV, mail).
NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")

# Self-identification answers by column, in the shape of people.set_self_identification's arguments.
Answers = dict[str, Any]


@dataclass(frozen=True)
class At:
    """Where a row is: its sheet and spreadsheet row number."""

    sheet: str
    number: int


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
class ParsedRoster:
    """The well-formed rows of every sheet, the problems found so far, and who each people sheet lists."""

    errors: list[RowError]
    programs: list[ProgramRow] = field(default_factory=list)
    mentors: list[MentorRow] = field(default_factory=list)
    mentees: list[MenteeRow] = field(default_factory=list)
    pairings: list[PairingRow] = field(default_factory=list)
    meetings: list[MeetingRow] = field(default_factory=list)
    # Every email of the Mentors and Mentees sheets, valid rows or not (to tell "already reported" apart).
    listed: dict[str, set[str]] = field(default_factory=lambda: {"Mentors": set(), "Mentees": set()})


def quote(text: str, limit: int = 60) -> str:
    """`text` in quotes for a message, cut to `limit` characters."""
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


class Cells:
    """One spreadsheet row with typed accessors that record errors against its sheet, row and column."""

    def __init__(self, at: At, values: dict[str, Any], errors: list[RowError]):
        self.at = at
        self.values = values
        self.errors = errors
        self.ok = True

    def error(self, column: str, message: str) -> None:
        """Record a problem in `column` of this row."""
        self.ok = False
        self.errors.append(RowError(self.at.sheet, self.at.number, column, message))

    def check_characters(self) -> None:
        """Refuse line breaks and control characters inside cells (notes may hold line breaks)."""
        for column, value in self.values.items():
            if not isinstance(value, str):
                continue
            if column in MULTI_LINE_COLUMNS:
                if CONTROL.search(value):
                    self.error(column, "contains a control character (an invisible code): remove it")
            elif NOT_ONE_LINE.search(value.strip()):
                self.error(column, "contains a line break or control character: keep the cell on one line")

    def raw(self, column: str) -> str:
        """The cell as trimmed text ('' when blank)."""
        return cell_text(self.values.get(column))

    def has(self, column: str) -> bool:
        """Whether the cell is filled in."""
        return bool(self.raw(column))

    def text(self, column: str, required: bool = False, max_len: int = 200) -> str | None:
        """The cell's text, at most `max_len` characters."""
        text = self.raw(column)
        if not text:
            if required:
                self.error(column, "is required")
            return None
        if len(text) > max_len:
            self.error(column, f"is longer than {max_len} characters")
            return None
        return text

    def email(self, column: str, required: bool = False) -> str | None:
        """The cell as a normalised email address."""
        text = self.text(column, required, max_len=254)
        if text is None:
            return None
        email = people_service.normalise_email(text)
        if not EMAIL_RE.match(email):
            self.error(column, f"{quote(text)} is not an email address")
            return None
        return email

    def emails(self, column: str) -> list[str] | None:
        """The cell as a list of distinct email addresses (None when blank)."""
        text = self.raw(column)
        if not text:
            return None
        found = []
        for part in _list(text.replace(",", ";")):
            email = people_service.normalise_email(part)
            if EMAIL_RE.match(email):
                found.append(email)
            else:
                self.error(column, f"{quote(part)} is not an email address (separate emails with ;)")
        return list(dict.fromkeys(found))

    def date(self, column: str, required: bool = False) -> dt.date | None:
        """The cell as a date: an Excel date or serial number, YYYY-MM-DD or M/D/YYYY."""
        value = self.values.get(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            if required:
                self.error(column, "is required")
            return None
        try:
            if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
                serial = from_excel(value)
                day = serial.date() if isinstance(serial, dt.datetime) else serial
            elif match := ISO_DATE_RE.match(text):
                day = dt.date(int(match[1]), int(match[2]), int(match[3]))
            elif match := US_DATE_RE.match(text):
                day = dt.date(int(match[3]), int(match[1]), int(match[2]))
            else:
                raise ValueError(text)
        except (ValueError, OverflowError, TypeError):
            self.error(column, f"{quote(text)} is not a date (use YYYY-MM-DD or M/D/YYYY)")
            return None
        if not 1900 <= day.year <= 2100:
            self.error(column, f"{quote(text)} is not a plausible date")
            return None
        return day

    def whole(self, column: str, bounds: tuple[int, int], required: bool = False) -> int | None:
        """The cell as a whole number within `bounds` (inclusive)."""
        low, high = bounds
        value = self.values.get(column)
        text = cell_text(value)
        if not text:
            if required:
                self.error(column, "is required")
            return None
        number = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = int(value) if float(value).is_integer() else None
        elif re.fullmatch(r"[+]?\d+(\.0*)?", text):
            number = int(text.split(".")[0])
        if number is None or not low <= number <= high:
            self.error(column, f"{quote(text)} is not a whole number from {low} to {high}")
            return None
        return number

    def choice(self, column: str, choices: dict[str, str], what: str, private: bool = False) -> str | None:
        """The code of `choices` the cell names; a `private` answer is never repeated in a message."""
        text = self.raw(column)
        if not text:
            return None
        code = vocab.match_choice(text, choices)
        if code is None:
            allowed = ", ".join(choices)
            shown = "this answer" if private else quote(text)
            self.error(column, f"{shown} is not {what} (allowed: {allowed})")
        return code

    def yes_no(self, column: str) -> str | None:
        """A self-identification yes/no answer; its value is never repeated in a message."""
        text = self.raw(column)
        if not text:
            return None
        key = vocab.slug(text)
        if key in YES_NO_TEXT:
            return YES_NO_TEXT[key]
        if key in PREFER_NOT:
            return "prefer_not"
        self.error(column, "this answer is not one of yes, no, y, n, true, false, 1, 0, prefer not to say")
        return None


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
    for part in _list(text):
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
        for part in _list(cells.raw("race_ethnicity")):
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
        for part in _list(cells.raw("topics")):
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
