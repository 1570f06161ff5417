"""The roster import template (docs/import.md): instructions, five sheets, example rows and drop-downs."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from reports.xlsx import neutralise, print_setup

# openpyxl is imported when a template is built, not when the roster pages and commands are loaded.
if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation


class TemplateColumn(Protocol):
    """A column as the importer defines it (mentorship/services/roster/columns.py): the template shows it."""

    @property
    def name(self) -> str: ...
    @property
    def meaning(self) -> str: ...
    @property
    def allowed(self) -> str: ...
    @property
    def required(self) -> bool: ...
    @property
    def choices(self) -> tuple[str, ...] | None: ...
    @property
    def whole(self) -> tuple[int, int] | None: ...
    @property
    def is_date(self) -> bool: ...


# The `allowed` text the Instructions replace with the configured meeting topics.
TOPICS = "TOPICS"
VALIDATION_ROWS = 5000  # drop-downs reach this far down each sheet
HEADER_COLOR = "DDE7F3"
EXAMPLE_COLOR = "555555"

# Example rows by column; a column left out is blank.
EXAMPLES: dict[str, list[dict[str, object]]] = {
    "Programs": [
        {"name": "Internal Medicine Residency", "specialty": "Internal Medicine", "kind": "residency"},
    ],
    "Mentors": [
        {
            "email": "a.okafor@example.edu",
            "first_name": "Adaeze",
            "last_name": "Okafor",
            "mentor_type": "faculty",
            "department": "Medicine",
            "specialty": "Cardiology",
            "rank": "Associate Professor",
            "capacity": 3,
            "interests": "research; global health",
            "enrolled_on": dt.date(2025, 7, 1),
        },
        {
            "email": "j.obrien@example.edu",
            "first_name": "Jamie",
            "last_name": "O'Brien",
            "mentor_type": "near_peer",
            "program": "Internal Medicine Residency",
            "pgy": 3,
            "capacity": 2,
            "interests": "wellness; teaching",
            "enrolled_on": dt.date(2025, 7, 1),
        },
    ],
    "Mentees": [
        {
            "email": "r.nunez@example.edu",
            "first_name": "Renée",
            "last_name": "Núñez",
            "program": "Internal Medicine Residency",
            "pgy": 1,
            "interests": "research; QI",
            "preferred_mentors": "a.okafor@example.edu",
            "enrolled_on": dt.date(2025, 7, 1),
        },
    ],
    "Pairings": [
        {
            "mentor_email": "a.okafor@example.edu",
            "mentee_email": "r.nunez@example.edu",
            "start_date": dt.date(2025, 7, 15),
            "kind": "career",
        },
    ],
    "Meetings": [
        {
            "mentor_email": "a.okafor@example.edu",
            "mentee_email": "r.nunez@example.edu",
            "date": dt.date(2025, 8, 5),
            "duration_minutes": 45,
            "modality": "in person",
            "status": "held",
            "topics": "career planning; research",
        },
    ],
    "Goals": [
        {
            "mentee_email": "r.nunez@example.edu",
            "year": 2025,
            "title": "Submit an abstract to the spring meeting",
            "category": "Research",
            "target_date": dt.date(2026, 3, 1),
            "status": "in progress",
        },
    ],
}

INTRO = [
    "How to fill in this roster template",
    "",
    "Fill in the sheets you need (Programs, Mentors, Mentees, Pairings, Meetings, Goals); leave the others "
    "empty or delete them. Keep the header row (row 1). Sheet names and headers may use any case, spaces or "
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


def build_template(sheets: Mapping[str, Sequence[TemplateColumn]], topics: Iterable[str]) -> bytes:
    """The import template workbook as .xlsx bytes, from the importer's `sheets` and the meeting `topics`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_fill = PatternFill("solid", fgColor=HEADER_COLOR)
    example_font = Font(italic=True, color=EXAMPLE_COLOR)
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
        cell.fill = header_fill
    for sheet, columns in sheets.items():
        for column in columns:
            allowed = column.allowed
            if allowed == TOPICS:
                allowed = "; ".join(topics) + " (several separated by ;)"
            info.append(
                [sheet, column.name, "*" if column.required else "", column.meaning, neutralise(allowed)]
            )
    widths = (14, 22, 10, 60, 70)
    for letter, width in zip("ABCDE", widths, strict=True):
        info.column_dimensions[letter].width = width
    print_setup(info, sum(widths), header_row)
    for row in info.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    for sheet, columns in sheets.items():
        ws = book.create_sheet(sheet)
        ws.append([column.name for column in columns])
        examples = EXAMPLES.get(sheet, [])
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=index)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = max(14, len(column.name) + 4)
            dv = _validation(column)
            if dv is not None:
                dv.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
                ws.add_data_validation(dv)
        for example in examples:
            ws.append([neutralise(example.get(column.name)) for column in columns])
            for cell in ws[ws.max_row]:
                cell.font = example_font
            for index, column in enumerate(columns, start=1):
                if column.is_date:
                    ws.cell(row=ws.max_row, column=index).number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        print_setup(ws, sum(max(14, len(column.name) + 4) for column in columns), 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _validation(column: TemplateColumn) -> DataValidation | None:
    """The column's drop-down list or whole-number range, if it has one."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.choices:
        return DataValidation(
            type="list",
            formula1='"' + ",".join(column.choices) + '"',
            allow_blank=True,
            showErrorMessage=False,  # a drop-down helps; any value the importer accepts is fine
            promptTitle=column.name[:32],
            prompt=column.meaning[:255],
            showInputMessage=True,
        )
    if column.whole is not None:
        low, high = column.whole
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=column.name,
            error=f"A whole number from {low} to {high}.",
        )
    return None
