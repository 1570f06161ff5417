"""The template's sheets and columns (docs/import.md), defined once for the template builder and the reader.

Each column says whether it is required, what it means, what it accepts and, for the template, its drop-down
list or whole-number range. Header spellings people commonly use are folded onto these names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mentorship import vocab
from mentorship.services.meetings import MAX_MINUTES, MAX_NOTES, MIN_MINUTES

PGY_RANGE = (1, 10)
CAPACITY_RANGE = (0, 30)
MINUTES_RANGE = (MIN_MINUTES, MAX_MINUTES)
YEAR_RANGE = (2000, 2100)


@dataclass(frozen=True)
class Column:
    """One column of a template sheet; `choices` is the template's drop-down, `whole` its number range."""

    name: str
    meaning: str
    allowed: str
    required: bool = False
    choices: tuple[str, ...] | None = None
    whole: tuple[int, int] | None = None

    @property
    def is_date(self) -> bool:
        """Whether the column holds a date (the template formats its example cells as dates)."""
        return self.name.endswith(("_on", "_date")) or self.name == "date"


def _whole(low_high: tuple[int, int], extra: str = "") -> str:
    return f"a whole number {low_high[0]}-{low_high[1]}{extra}"


YES_NO = "yes, no, prefer not to say (or y/n, true/false, 1/0); blank = not disclosed"
YES_NO_CHOICES = ("yes", "no", "prefer not to say")
RACES = (
    "American Indian or Alaska Native; Asian; Black or African American; Hispanic or Latino; "
    "Middle Eastern or North African; Native Hawaiian or Pacific Islander; White; Prefer not to say"
)
DATE = "a date: an Excel date, YYYY-MM-DD or M/D/YYYY"
# The template's Instructions replace this with the configured meeting topics.
TOPICS = "TOPICS"

# The optional self-identification columns, the same on the Mentors and Mentees sheets.
SELF_IDENTIFICATION = (
    Column(
        "gender",
        "Self-identified gender (optional)",
        "woman, man, nonbinary, self-described, prefer not to say; blank = not disclosed",
        choices=("woman", "man", "nonbinary", "self-described", "prefer not to say"),
    ),
    Column("race_ethnicity", "Self-identified race/ethnicity, all that apply", RACES),
    Column("urim", "Underrepresented in medicine (self-identified)", YES_NO, choices=YES_NO_CHOICES),
    Column("img", "International medical graduate", YES_NO, choices=YES_NO_CHOICES),
    Column("first_generation", "First-generation college or medical student", YES_NO, choices=YES_NO_CHOICES),
)
SELF_ID_COLUMNS = tuple(column.name for column in SELF_IDENTIFICATION)


def _person(whose: str) -> tuple[Column, ...]:
    """The columns that identify a person on the Mentors and Mentees sheets."""
    return (
        Column("email", f"The {whose} email: it identifies the person", "an email address", required=True),
        Column("first_name", "First name", "text", required=True),
        Column("last_name", "Last name", "text", required=True),
    )


SHEETS: dict[str, tuple[Column, ...]] = {
    "Programs": (
        Column("name", "Program name, e.g. Internal Medicine Residency", "text", required=True),
        Column("specialty", "The program's specialty", "text"),
        Column(
            "kind",
            "Residency or fellowship",
            "residency (default), fellowship",
            choices=tuple(vocab.PROGRAM_KINDS),
        ),
    ),
    "Mentors": (
        *_person("mentor's"),
        Column(
            "mentor_type",
            "Faculty, or a senior resident mentoring near-peers",
            "faculty (default), near_peer",
            choices=tuple(vocab.MENTOR_TYPES),
        ),
        Column("department", "Department (faculty)", "text"),
        Column("specialty", "Specialty", "text"),
        Column("rank", "Academic rank, e.g. Associate Professor", "text"),
        Column("program", "Program (required for near-peer mentors' own program)", "a program name"),
        Column(
            "pgy",
            "PGY level; near-peer mentors only, and required for them",
            _whole(PGY_RANGE),
            whole=PGY_RANGE,
        ),
        Column(
            "capacity", "Most mentees at once", _whole(CAPACITY_RANGE, " (default 3)"), whole=CAPACITY_RANGE
        ),
        Column("interests", "Interests used for matching", "a list separated by ;"),
        Column("enrolled_on", "Date the mentor joined the program", f"{DATE}; default today"),
        Column("left_on", "Date the mentor left the program", DATE),
        *SELF_IDENTIFICATION,
    ),
    "Mentees": (
        *_person("resident's or fellow's"),
        Column(
            "program",
            "Program; a program not in the Programs sheet or the site is created",
            "a program name",
            required=True,
        ),
        Column("pgy", "PGY level", _whole(PGY_RANGE), required=True, whole=PGY_RANGE),
        Column("interests", "Interests used for matching", "a list separated by ;"),
        Column("preferred_mentors", "Mentors the mentee would like", "mentor emails separated by ;"),
        Column("do_not_match", "Mentors the mentee must not be matched with", "mentor emails separated by ;"),
        Column(
            "concordance_request",
            "Wish for a mentor sharing their gender and/or URiM identity",
            "gender, urim, or gender; urim",
            choices=("gender", "urim", "gender; urim"),
        ),
        Column("enrolled_on", "Date the mentee joined the mentorship program", f"{DATE}; default today"),
        Column("left_on", "Date the mentee left", DATE),
        *SELF_IDENTIFICATION,
    ),
    "Pairings": (
        Column(
            "mentor_email",
            "The mentor (in the Mentors sheet or already on the site)",
            "an email address",
            required=True,
        ),
        Column(
            "mentee_email",
            "The mentee (in the Mentees sheet or already on the site)",
            "an email address",
            required=True,
        ),
        Column("start_date", "First day of the pairing", DATE, required=True),
        Column("end_date", "Last day, if it has ended", DATE),
        Column(
            "kind",
            "Kind of mentoring",
            "career (default), research, wellness, peer",
            choices=tuple(vocab.PAIRING_KINDS),
        ),
        Column(
            "end_reason",
            "Why it ended (needs end_date)",
            "completed, rematched, mentee_left, mentor_left, other",
            choices=tuple(vocab.END_REASONS),
        ),
    ),
    "Meetings": (
        Column("mentor_email", "The mentor", "an email address", required=True),
        Column(
            "mentee_email",
            "The mentee; the meeting joins their pairing active on its date",
            "an email address",
            required=True,
        ),
        Column("date", "Meeting date (not in the future)", DATE, required=True),
        Column(
            "duration_minutes", "Length in minutes", _whole(MINUTES_RANGE), required=True, whole=MINUTES_RANGE
        ),
        Column(
            "modality",
            "How they met",
            "in person (default), video, phone",
            choices=("in person", "video", "phone"),
        ),
        Column(
            "status",
            "What happened",
            "held (default), cancelled, no-show",
            choices=("held", "cancelled", "no-show"),
        ),
        Column("topics", "Topics discussed", TOPICS),
        Column(
            "notes", "Private notes, visible only to the two people", f"text, up to {MAX_NOTES:,} characters"
        ),
    ),
}
SHEETS["Goals"] = (
    Column(
        "mentee_email", "The mentee whose development plan holds the goal", "an email address", required=True
    ),
    Column(
        "year",
        "The plan's academic year (2025 = AY 2025–26); the plan is made if needed",
        "a year, e.g. 2025",
        required=True,
        whole=YEAR_RANGE,
    ),
    Column(
        "title",
        "The goal; the same title in the same plan is the same goal",
        "text, up to 200 characters",
        required=True,
    ),
    Column(
        "category",
        "An ACGME core competency, or career, research, wellness",
        "; ".join(vocab.GOAL_CATEGORIES.values()),
        choices=tuple(vocab.GOAL_CATEGORIES.values()),
    ),
    Column("target_date", "When the mentee means to reach it", DATE),
    Column(
        "status",
        "Where it stands",
        "not started (default), in progress, done, dropped",
        choices=tuple(label.lower() for label in vocab.GOAL_STATUSES.values()),
    ),
)
SHEET_ORDER = tuple(SHEETS)
COLUMNS: dict[str, tuple[str, ...]] = {
    sheet: tuple(c.name for c in columns) for sheet, columns in SHEETS.items()
}
REQUIRED: dict[str, frozenset[str]] = {
    sheet: frozenset(c.name for c in columns if c.required) for sheet, columns in SHEETS.items()
}
# Every cell but a meeting's notes is one line.
MULTI_LINE_COLUMNS = frozenset({"notes"})

# Header spellings people commonly use for the template's columns.
HEADER_ALIASES = {
    "e_mail": "email",
    "email_address": "email",
    "e_mail_address": "email",
    "firstname": "first_name",
    "first": "first_name",
    "given_name": "first_name",
    "lastname": "last_name",
    "last": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "type": "mentor_type",
    "pgy_level": "pgy",
    "race": "race_ethnicity",
    "race_and_ethnicity": "race_ethnicity",
    "race_or_ethnicity": "race_ethnicity",
    "first_gen": "first_generation",
    "international_medical_graduate": "img",
    "duration": "duration_minutes",
    "minutes": "duration_minutes",
    "duration_mins": "duration_minutes",
    "meeting_date": "date",
    "start": "start_date",
    "end": "end_date",
    "mentor": "mentor_email",
    "mentee": "mentee_email",
    "topic": "topics",
    "program_name": "name",
    "academic_year": "year",
    "goal": "title",
}


def canonical(text: str) -> str:
    """Header or sheet name folded for matching: case, spaces, hyphens and underscores alike."""
    return vocab.slug(re.sub(r"\(.*?\)", "", str(text)).replace("*", "").replace("/", " "))


@dataclass(frozen=True)
class Layout:
    """The sheets an import's workbook holds and their columns: the roster template's (ROSTER), or
    another import's (events), read by the same reader."""

    sheets: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    required: dict[str, frozenset[str]]
    aliases: dict[str, str]

    def sheet_for(self, name: str) -> str | None:
        """The sheet a worksheet (or CSV file stem) holds, or None."""
        wanted = canonical(name)
        for sheet in self.sheets:
            key = sheet.lower()
            if wanted in (key, key.rstrip("s")) or wanted.endswith("_" + key):
                return sheet
        return None

    def column_for(self, header: str) -> str:
        """The column a header names (it may be unknown)."""
        key = canonical(header)
        return self.aliases.get(key, key)


ROSTER = Layout(SHEET_ORDER, COLUMNS, REQUIRED, HEADER_ALIASES)


def template_sheets(goals: bool) -> dict[str, tuple[Column, ...]]:
    """The sheets of the template a person is given: the Goals sheet only to those who may import goals (on
    the web, staff granted view_plans), so an unchanged template always imports."""
    return {name: columns for name, columns in SHEETS.items() if goals or name != "Goals"}
