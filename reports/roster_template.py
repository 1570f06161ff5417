"""The roster import template (docs/import.md): instructions, five sheets, example rows and drop-downs."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reports.xlsx import neutralise

VALIDATION_ROWS = 5000  # drop-downs reach this far down each sheet
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
EXAMPLE_FONT = Font(italic=True, color="555555")

YES_NO = "yes, no, prefer not to say (or y/n, true/false, 1/0); blank = not disclosed"
RACES = (
    "American Indian or Alaska Native; Asian; Black or African American; Hispanic or Latino; "
    "Middle Eastern or North African; Native Hawaiian or Pacific Islander; White; Prefer not to say"
)
DATE = "a date: an Excel date, YYYY-MM-DD or M/D/YYYY"

# The optional self-identification columns, the same on the Mentors and Mentees sheets.
SELF_IDENTIFICATION = [
    (
        "gender",
        False,
        "Self-identified gender (optional)",
        "woman, man, nonbinary, self-described, prefer not to say; blank = not disclosed",
        ["woman", "man", "nonbinary", "self-described", "prefer not to say"],
    ),
    ("race_ethnicity", False, "Self-identified race/ethnicity, all that apply", RACES, None),
    (
        "urim",
        False,
        "Underrepresented in medicine (self-identified)",
        YES_NO,
        ["yes", "no", "prefer not to say"],
    ),
    ("img", False, "International medical graduate", YES_NO, ["yes", "no", "prefer not to say"]),
    (
        "first_generation",
        False,
        "First-generation college or medical student",
        YES_NO,
        ["yes", "no", "prefer not to say"],
    ),
]

# sheet -> [(column, required, meaning, allowed values, drop-down list or None)]
SHEETS: dict[str, list[tuple[str, bool, str, str, list[str] | None]]] = {
    "Programs": [
        ("name", True, "Program name, e.g. Internal Medicine Residency", "text", None),
        ("specialty", False, "The program's specialty", "text", None),
        (
            "kind",
            False,
            "Residency or fellowship",
            "residency (default), fellowship",
            ["residency", "fellowship"],
        ),
    ],
    "Mentors": [
        ("email", True, "The mentor's email: it identifies the person", "an email address", None),
        ("first_name", True, "First name", "text", None),
        ("last_name", True, "Last name", "text", None),
        (
            "mentor_type",
            False,
            "Faculty, or a senior resident mentoring near-peers",
            "faculty (default), near_peer",
            ["faculty", "near_peer"],
        ),
        ("department", False, "Department (faculty)", "text", None),
        ("specialty", False, "Specialty", "text", None),
        ("rank", False, "Academic rank, e.g. Associate Professor", "text", None),
        ("program", False, "Program (required for near-peer mentors' own program)", "a program name", None),
        (
            "pgy",
            False,
            "PGY level; near-peer mentors only, and required for them",
            "a whole number 1-10",
            None,
        ),
        ("capacity", False, "Most mentees at once", "a whole number 0-30 (default 3)", None),
        ("interests", False, "Interests used for matching", "a list separated by ;", None),
        ("enrolled_on", False, "Date the mentor joined the program", f"{DATE}; default today", None),
        ("left_on", False, "Date the mentor left the program", DATE, None),
        *SELF_IDENTIFICATION,
    ],
    "Mentees": [
        (
            "email",
            True,
            "The resident's or fellow's email: it identifies the person",
            "an email address",
            None,
        ),
        ("first_name", True, "First name", "text", None),
        ("last_name", True, "Last name", "text", None),
        (
            "program",
            True,
            "Program; a program not in the Programs sheet or the site is created",
            "a program name",
            None,
        ),
        ("pgy", True, "PGY level", "a whole number 1-10", None),
        ("interests", False, "Interests used for matching", "a list separated by ;", None),
        ("preferred_mentors", False, "Mentors the mentee would like", "mentor emails separated by ;", None),
        (
            "do_not_match",
            False,
            "Mentors the mentee must not be matched with",
            "mentor emails separated by ;",
            None,
        ),
        (
            "concordance_request",
            False,
            "Wish for a mentor sharing their gender and/or URiM identity",
            "gender, urim, or gender; urim",
            ["gender", "urim", "gender; urim"],
        ),
        (
            "enrolled_on",
            False,
            "Date the mentee joined the mentorship program",
            f"{DATE}; default today",
            None,
        ),
        ("left_on", False, "Date the mentee left", DATE, None),
        *SELF_IDENTIFICATION,
    ],
    "Pairings": [
        (
            "mentor_email",
            True,
            "The mentor (in the Mentors sheet or already on the site)",
            "an email address",
            None,
        ),
        (
            "mentee_email",
            True,
            "The mentee (in the Mentees sheet or already on the site)",
            "an email address",
            None,
        ),
        ("start_date", True, "First day of the pairing", DATE, None),
        ("end_date", False, "Last day, if it has ended", DATE, None),
        (
            "kind",
            False,
            "Kind of mentoring",
            "career (default), research, wellness, peer",
            ["career", "research", "wellness", "peer"],
        ),
        (
            "end_reason",
            False,
            "Why it ended (needs end_date)",
            "completed, rematched, mentee_left, mentor_left, other",
            ["completed", "rematched", "mentee_left", "mentor_left", "other"],
        ),
    ],
    "Meetings": [
        ("mentor_email", True, "The mentor", "an email address", None),
        (
            "mentee_email",
            True,
            "The mentee; the meeting joins their pairing active on its date",
            "an email address",
            None,
        ),
        ("date", True, "Meeting date (not in the future)", DATE, None),
        ("duration_minutes", True, "Length in minutes", "a whole number 1-600", None),
        (
            "modality",
            False,
            "How they met",
            "in person (default), video, phone",
            ["in person", "video", "phone"],
        ),
        (
            "status",
            False,
            "What happened",
            "held (default), cancelled, no-show",
            ["held", "cancelled", "no-show"],
        ),
        ("topics", False, "Topics discussed", "TOPICS", None),
        ("notes", False, "Private notes, visible only to the two people", "text", None),
    ],
}

EXAMPLES: dict[str, list[list]] = {
    "Programs": [["Internal Medicine Residency", "Internal Medicine", "residency"]],
    "Mentors": [
        [
            "a.okafor@example.edu",
            "Adaeze",
            "Okafor",
            "faculty",
            "Medicine",
            "Cardiology",
            "Associate Professor",
            "",
            "",
            3,
            "research; global health",
            dt.date(2025, 7, 1),
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "j.obrien@example.edu",
            "Jamie",
            "O'Brien",
            "near_peer",
            "",
            "",
            "",
            "Internal Medicine Residency",
            3,
            2,
            "wellness; teaching",
            dt.date(2025, 7, 1),
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ],
    "Mentees": [
        [
            "r.nunez@example.edu",
            "Renée",
            "Núñez",
            "Internal Medicine Residency",
            1,
            "research; QI",
            "a.okafor@example.edu",
            "",
            "",
            dt.date(2025, 7, 1),
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ],
    "Pairings": [
        ["a.okafor@example.edu", "r.nunez@example.edu", dt.date(2025, 7, 15), "", "career", ""],
    ],
    "Meetings": [
        [
            "a.okafor@example.edu",
            "r.nunez@example.edu",
            dt.date(2025, 8, 5),
            45,
            "in person",
            "held",
            "career planning; research",
            "",
        ],
    ],
}

INTRO = [
    "How to fill in this roster template",
    "",
    "Fill in the sheets you need (Programs, Mentors, Mentees, Pairings, Meetings); leave the others empty or "
    "delete them. Keep the header row (row 1). Sheet names and headers may use any case, spaces or "
    "underscores.",
    "The grey italic rows are examples: replace or delete them before importing.",
    "Required columns are marked * below. Lists are separated by ; (semicolons).",
    "Emails identify people: a person already on the site is updated, not duplicated. A blank cell leaves an "
    "existing value unchanged.",
    "Self-identification columns (gender, race_ethnicity, urim, img, first_generation) are optional; a blank "
    "cell means not disclosed. When any of them is filled in for a person, the row replaces all their "
    "answers.",
    "The import is all-or-nothing: if any row has a problem, nothing is imported and every problem is listed "
    "with its sheet, row and column. Importing the same file twice changes nothing the second time.",
    "A meeting is attached to the pairing of its mentor and mentee that is active on the meeting's date.",
]


def build_template(topics: Iterable[str]) -> bytes:
    """The import template workbook as .xlsx bytes; `topics` are the configured meeting topics."""
    topics = list(topics)
    book = Workbook()
    info = book.active
    info.title = "Instructions"
    for line in INTRO:
        info.append([neutralise(line)])
    info["A1"].font = Font(bold=True, size=14)
    info.append([])
    header_row = info.max_row + 1
    info.append(["Sheet", "Column", "Required", "What it is", "Allowed values"])
    for cell in info[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for sheet, columns in SHEETS.items():
        for name, required, meaning, allowed, _choices in columns:
            if allowed == "TOPICS":
                allowed = "; ".join(topics) + " (several separated by ;)"
            info.append([sheet, name, "*" if required else "", meaning, neutralise(allowed)])
    for letter, width in zip("ABCDE", (14, 22, 10, 60, 70), strict=True):
        info.column_dimensions[letter].width = width
    for row in info.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    for sheet, columns in SHEETS.items():
        ws = book.create_sheet(sheet)
        ws.append([name for name, *_ in columns])
        for index, (name, required, meaning, _allowed, choices) in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=index)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = max(14, len(name) + 4)
            cells = f"{letter}2:{letter}{VALIDATION_ROWS}"
            if choices:
                dv = DataValidation(
                    type="list",
                    formula1='"' + ",".join(choices) + '"',
                    allow_blank=True,
                    showErrorMessage=False,  # a drop-down helps; any value the importer accepts is fine
                    promptTitle=name[:32],
                    prompt=meaning[:255],
                    showInputMessage=True,
                )
            elif name in {"pgy", "capacity", "duration_minutes"}:
                low, high = {"pgy": (1, 10), "capacity": (0, 30), "duration_minutes": (1, 600)}[name]
                dv = DataValidation(
                    type="whole",
                    operator="between",
                    formula1=str(low),
                    formula2=str(high),
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=name,
                    error=f"A whole number from {low} to {high}.",
                )
            else:
                dv = None
            if dv is not None:
                dv.add(cells)
                ws.add_data_validation(dv)
            if name.endswith(("_on", "_date")) or name == "date":
                for row in range(2, 2 + len(EXAMPLES.get(sheet, []))):
                    ws.cell(row=row, column=index).number_format = "yyyy-mm-dd"
            if required:
                cell.value = name  # headers stay plain names so the file re-imports; * is in Instructions
        for example in EXAMPLES.get(sheet, []):
            ws.append([neutralise(v) if v != "" else None for v in example])
            for cell in ws[ws.max_row]:
                cell.font = EXAMPLE_FONT
            for index, (name, *_rest) in enumerate(columns, start=1):
                if name.endswith(("_on", "_date")) or name == "date":
                    ws.cell(row=ws.max_row, column=index).number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
