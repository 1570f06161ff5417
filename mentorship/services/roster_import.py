"""Importing a roster workbook or CSV files (docs/import.md): validate everything, then write all or nothing.

Reading (`read_files`, `read_paths`) turns an upload into sheets of rows and refuses anything that is not a
real, reasonably sized workbook. `import_roster` checks every row against the file and the database, builds
a preview of what would be created, updated or left unchanged, and (unless it is a dry run) writes it all in
the caller's transaction. Both the CLI and the web page use these two steps.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import selectinload

from mentorship import vocab
from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import (
    Meeting,
    MeetingTopic,
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
    Program,
    SelfIdentification,
    User,
)
from mentorship.services import ServiceError, audit
from mentorship.services import people as people_service
from mentorship.services.meetings import MAX_MINUTES, MIN_MINUTES

# ---------------------------------------------------------------------------------------------------------
# The template's shape (docs/import.md)
# ---------------------------------------------------------------------------------------------------------

SELF_ID_COLUMNS = ("gender", "race_ethnicity", "urim", "img", "first_generation")
COLUMNS: dict[str, tuple[str, ...]] = {
    "Programs": ("name", "specialty", "kind"),
    "Mentors": (
        "email",
        "first_name",
        "last_name",
        "mentor_type",
        "department",
        "specialty",
        "rank",
        "program",
        "pgy",
        "capacity",
        "interests",
        "enrolled_on",
        "left_on",
        *SELF_ID_COLUMNS,
    ),
    "Mentees": (
        "email",
        "first_name",
        "last_name",
        "program",
        "pgy",
        "interests",
        "preferred_mentors",
        "do_not_match",
        "concordance_request",
        "enrolled_on",
        "left_on",
        *SELF_ID_COLUMNS,
    ),
    "Pairings": ("mentor_email", "mentee_email", "start_date", "end_date", "kind", "end_reason"),
    "Meetings": (
        "mentor_email",
        "mentee_email",
        "date",
        "duration_minutes",
        "modality",
        "status",
        "topics",
        "notes",
    ),
}
REQUIRED: dict[str, frozenset[str]] = {
    "Programs": frozenset({"name"}),
    "Mentors": frozenset({"email", "first_name", "last_name"}),
    "Mentees": frozenset({"email", "first_name", "last_name", "program", "pgy"}),
    "Pairings": frozenset({"mentor_email", "mentee_email", "start_date"}),
    "Meetings": frozenset({"mentor_email", "mentee_email", "date", "duration_minutes"}),
}
SHEET_ORDER = tuple(COLUMNS)
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
}
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
KIND_ORDER = {kind: i for i, kind in enumerate(vocab.PAIRING_KINDS)}
CATEGORIES = ("programs", "people", "mentors", "mentees", "pairings", "meetings")
ACTIONS = ("create", "update", "unchanged")
_CHUNK = 500


def canonical(text: str) -> str:
    """Header or sheet name folded for matching: case, spaces, hyphens and underscores alike."""
    return vocab.slug(re.sub(r"\(.*?\)", "", str(text)).replace("*", "").replace("/", " "))


def sheet_for(name: str) -> str | None:
    """The template sheet a worksheet (or CSV file stem) holds, or None."""
    wanted = canonical(name)
    for sheet in SHEET_ORDER:
        key = sheet.lower()
        if wanted in (key, key.rstrip("s")) or wanted.endswith("_" + key):
            return sheet
    return None


def column_for(header: str) -> str:
    """The template column a header names (it may be unknown)."""
    key = canonical(header)
    return HEADER_ALIASES.get(key, key)


# ---------------------------------------------------------------------------------------------------------
# Errors and results
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem, located as a person would find it in the spreadsheet (header = row 1)."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}"
        return f"{where}, column {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ImportRefused(ServiceError):
    """The file itself cannot be imported (too large, not a workbook, damaged, encrypted)."""


class ImportInvalid(ServiceError):
    """Some rows are invalid; nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found; nothing was imported."
        )
        self.errors = errors


@dataclass
class Sheet:
    """The rows of one template sheet, keyed by canonical column name, with spreadsheet row numbers."""

    name: str
    source: str
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]


@dataclass
class Roster:
    """What was read from the upload, before any checking against the database."""

    filename: str
    sheets: dict[str, Sheet] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(sheet.rows) for sheet in self.sheets.values())


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
        return {c: {a: len(self.items[c][a]) for a in ACTIONS} for c in CATEGORIES}

    @property
    def changed(self) -> bool:
        return any(self.items[c]["create"] or self.items[c]["update"] for c in CATEGORIES)


@dataclass
class ImportResult:
    filename: str
    dry_run: bool
    preview: Preview
    ignored_sheets: list[str]
    demographics: bool = False

    @property
    def may_write(self) -> bool:
        """Whether confirming can change anything: for a user who may not see individual demographics,
        any self-identification answers count, whether or not they equal what is stored."""
        return self.preview.changed or (not self.demographics and self.preview.selfid_given > 0)


# ---------------------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The most rows (blank ones included) read from one sheet: far above any roster, far below Excel's 1,048,576.
MAX_SHEET_ROWS = 200_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every cell but a meeting's notes is one line: a line break, tab or other control character in a name or
# an email was pasted from elsewhere, and would break the one-line places it is shown (lists, CSV, mail).
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
MULTI_LINE_COLUMNS = frozenset({"notes"})


def read_paths(paths: Iterable[str | Path], max_bytes: int) -> Roster:
    """Read one .xlsx workbook or one or more .csv files from disk (sizes are checked before reading)."""
    files = []
    for raw in paths:
        path = Path(raw)
        size = path.stat().st_size
        if size > max_bytes:
            raise ImportRefused(_too_large(path.name, size, max_bytes))
        files.append((path.name, path.read_bytes()))
    return read_files(files, max_bytes)


def read_files(files: list[tuple[str, bytes]], max_bytes: int) -> Roster:
    """Read one .xlsx workbook or one or more .csv files given as (file name, content) pairs."""
    if not files:
        raise ImportRefused("Choose a file to import.")
    for name, data in files:
        if len(data) > max_bytes:
            raise ImportRefused(_too_large(name, len(data), max_bytes))
    kinds = {_kind_of(name) for name, _ in files}
    if kinds == {"xlsx"}:
        if len(files) > 1:
            raise ImportRefused("Import one workbook at a time (it can hold every sheet).")
        name, data = files[0]
        return _read_xlsx(name, data, max_bytes)
    if kinds == {"csv"}:
        roster = Roster(filename=", ".join(name for name, _ in files))
        for name, data in files:
            _read_csv(roster, name, data)
        return roster
    raise ImportRefused("Import either one .xlsx workbook or one or more .csv files, not a mix.")


def _too_large(name: str, size: int, max_bytes: int) -> str:
    return (
        f"{name} is {size / 1_048_576:.1f} MB; the largest file accepted is {max_bytes / 1_048_576:.1f} MB."
    )


def _kind_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix == ".csv":
        return "csv"
    if suffix == ".xls":
        raise ImportRefused(f"{name} is an old .xls workbook: open it in Excel and save it as .xlsx.")
    raise ImportRefused(f"{name} is not a .xlsx or .csv file.")


def _read_xlsx(name: str, data: bytes, max_bytes: int) -> Roster:
    import openpyxl

    if data.startswith(OLE_MAGIC):
        raise ImportRefused(
            f"{name} is password-protected (encrypted) or in the old .xls format: "
            "remove the password and save it as a normal .xlsx workbook."
        )
    if not data.startswith(b"PK"):
        raise ImportRefused(f"{name} is not an Excel workbook (it may be a renamed text or other file).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused(f"{name} is damaged and cannot be opened as an Excel workbook.") from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise ImportRefused(f"{name} is not an Excel workbook (it has no workbook inside).")
    # A "zip bomb" is tiny on disk and enormous once unpacked: check before anything unpacks it.
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max_bytes * 25:
        raise ImportRefused(
            f"{name} unpacks to {unpacked / 1_048_576:.0f} MB, more than this site accepts "
            f"({max_bytes * 25 / 1_048_576:.0f} MB). Remove unused rows and formatting, or split it."
        )
    roster = Roster(filename=name)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it does not read (extensions, print setup): harmless.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                found = False
                for worksheet in book.worksheets:
                    sheet = sheet_for(worksheet.title)
                    if sheet is None:
                        if canonical(worksheet.title) != "instructions":
                            roster.ignored_sheets.append(worksheet.title)
                        continue
                    found = True
                    if sheet in roster.sheets:
                        roster.errors.append(
                            RowError(
                                sheet, 1, "", f'the workbook has two {sheet} sheets ("{worksheet.title}")'
                            )
                        )
                        continue
                    worksheet.reset_dimensions()  # some programs write a wrong size; read every row
                    _add_sheet(roster, sheet, worksheet.title, worksheet.iter_rows(values_only=True))
            finally:
                book.close()
    except ImportRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds of error on damaged files
        raise ImportRefused(f"{name} is damaged and cannot be read as an Excel workbook.") from exc
    if not found:
        raise ImportRefused(
            f"{name} has none of the sheets {', '.join(SHEET_ORDER[:-1])} or {SHEET_ORDER[-1]}; "
            "nothing was imported. Name each sheet after what it holds (see the template)."
        )
    return roster


def _read_csv(roster: Roster, name: str, data: bytes) -> None:
    sheet = sheet_for(Path(name).stem)
    if sheet is None:
        raise ImportRefused(
            f"Cannot tell which sheet {name} holds: name it after its sheet "
            f"({', '.join(s.lower() + '.csv' for s in SHEET_ORDER)})."
        )
    if sheet in roster.sheets:
        raise ImportRefused(f"Two files hold the {sheet} sheet ({roster.sheets[sheet].source} and {name}).")
    if data.startswith((b"PK", OLE_MAGIC)):
        raise ImportRefused(f"{name} is not a text CSV file (it may be a renamed workbook).")
    text = _decode_csv(name, data)
    first_line = text.split("\n", 1)[0]
    # Excel writes "," (or ";" where the decimal mark is a comma); its "Unicode text" is tab-separated.
    # The most frequent in the header wins; "," on a tie (a one-column file).
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportRefused(f"{name} is not a valid CSV file ({exc}).") from exc
    _add_sheet(roster, sheet, name, iter(rows))


def _decode_csv(name: str, data: bytes) -> str:
    """The text of a CSV file: UTF-16 when it starts with a byte-order mark (Excel's "Unicode text"),
    else UTF-8 (with or without a mark), else Windows-1252 (Excel's plain "CSV" on Windows)."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportRefused(f"{name} says it is UTF-16 text but is damaged; save it again.") from exc
    elif b"\x00" in data:
        # NUL bytes without a byte-order mark: UTF-16 whose mark was lost, or not text at all.
        raise ImportRefused(
            f"{name} is not a text CSV file (it may be a renamed workbook, or UTF-16 text without its "
            'byte-order mark: save it from Excel as "CSV UTF-8").'
        )
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ImportRefused(f"{name} is not a text CSV file (it contains NUL characters).")
    return text


def _add_sheet(roster: Roster, sheet: str, source: str, rows: Iterator[tuple | list]) -> None:
    header = next(rows, None)
    allowed = COLUMNS[sheet]
    positions: dict[str, int] = {}
    for index, cell in enumerate(header or ()):
        text = _text(cell)
        if not text:
            continue
        column = column_for(text)
        if column not in allowed:
            roster.errors.append(
                RowError(sheet, 1, text, f"unknown column (the columns are: {', '.join(allowed)})")
            )
        elif column in positions:
            roster.errors.append(RowError(sheet, 1, text, f"the column {column} appears twice"))
        else:
            positions[column] = index
    data_rows = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS:
            # Reading a million empty but formatted rows ties up a web worker for half a minute.
            raise ImportRefused(
                f"The {source} sheet has more than {MAX_SHEET_ROWS:,} rows, counting empty rows that only "
                "carry formatting. Delete the unused rows below your data (or copy the data to a new "
                "sheet) and upload it again."
            )
        if not any(_text(v) for v in values):
            continue  # blank (perhaps formatted) rows are ignored
        data_rows.append(
            (number, {column: values[i] if i < len(values) else None for column, i in positions.items()})
        )
    if not data_rows and not positions:
        return  # an empty sheet: nothing to import
    for column in allowed:
        if column in REQUIRED[sheet] and column not in positions:
            roster.errors.append(RowError(sheet, 1, column, "this required column is missing"))
    roster.sheets[sheet] = Sheet(sheet, source, list(positions), data_rows)


# ---------------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as trimmed text ('' for blank); whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    # Control characters (a NUL that PostgreSQL refuses, an escape code) become spaces, like line breaks.
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def _quote(text: str, limit: int = 60) -> str:
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


class _Row:
    """One spreadsheet row with typed accessors that record errors against its sheet, row and column."""

    def __init__(self, sheet: Sheet, number: int, values: dict[str, Any], errors: list[RowError]):
        self.sheet = sheet.name
        self.number = number
        self.values = values
        self.errors = errors
        self.ok = True

    def error(self, column: str, message: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.sheet, self.number, column, message))

    def check_characters(self) -> None:
        """Refuse line breaks and control characters inside cells (notes may hold line breaks)."""
        for column, value in self.values.items():
            if not isinstance(value, str):
                continue
            if column in MULTI_LINE_COLUMNS:
                if _CONTROL.search(value):
                    self.error(column, "contains a control character (an invisible code): remove it")
            elif _NOT_ONE_LINE.search(value.strip()):
                self.error(column, "contains a line break or control character: keep the cell on one line")

    def has(self, column: str) -> bool:
        return bool(_text(self.values.get(column)))

    def text(self, column: str, required: bool = False, max_len: int = 200) -> str | None:
        text = _text(self.values.get(column))
        if not text:
            if required:
                self.error(column, "is required")
            return None
        if len(text) > max_len:
            self.error(column, f"is longer than {max_len} characters")
            return None
        return text

    def email(self, column: str, required: bool = False) -> str | None:
        text = self.text(column, required, max_len=254)
        if text is None:
            return None
        email = people_service.normalise_email(text)
        if not EMAIL_RE.match(email):
            self.error(column, f"{_quote(text)} is not an email address")
            return None
        return email

    def emails(self, column: str) -> list[str] | None:
        text = _text(self.values.get(column))
        if not text:
            return None
        found = []
        for part in _list(text.replace(",", ";")):
            email = people_service.normalise_email(part)
            if EMAIL_RE.match(email):
                found.append(email)
            else:
                self.error(column, f"{_quote(part)} is not an email address (separate emails with ;)")
        return list(dict.fromkeys(found))

    def date(self, column: str, required: bool = False) -> dt.date | None:
        value = self.values.get(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _text(value)
        if not text:
            if required:
                self.error(column, "is required")
            return None
        try:
            if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
                from openpyxl.utils.datetime import from_excel

                day = from_excel(value)
                day = day.date() if isinstance(day, dt.datetime) else day
            elif match := ISO_DATE_RE.match(text):
                day = dt.date(int(match[1]), int(match[2]), int(match[3]))
            elif match := US_DATE_RE.match(text):
                day = dt.date(int(match[3]), int(match[1]), int(match[2]))
            else:
                raise ValueError(text)
        except (ValueError, OverflowError, TypeError):
            self.error(column, f"{_quote(text)} is not a date (use YYYY-MM-DD or M/D/YYYY)")
            return None
        if not 1900 <= day.year <= 2100:
            self.error(column, f"{_quote(text)} is not a plausible date")
            return None
        return day

    def whole(self, column: str, low: int, high: int, required: bool = False) -> int | None:
        value = self.values.get(column)
        text = _text(value)
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
            self.error(column, f"{_quote(text)} is not a whole number from {low} to {high}")
            return None
        return number

    def choice(self, column: str, choices: dict[str, str], what: str, private: bool = False) -> str | None:
        text = _text(self.values.get(column))
        if not text:
            return None
        code = vocab.match_choice(text, choices)
        if code is None:
            allowed = ", ".join(choices)
            shown = "this answer" if private else _quote(text)
            self.error(column, f"{shown} is not {what} (allowed: {allowed})")
        return code

    def yes_no(self, column: str) -> str | None:
        """A self-identification yes/no answer; its value is never repeated in a message."""
        text = _text(self.values.get(column))
        if not text:
            return None
        key = vocab.slug(text)
        if key in YES_NO_TEXT:
            return YES_NO_TEXT[key]
        if key in PREFER_NOT:
            return "prefer_not"
        self.error(column, "this answer is not one of yes, no, y, n, true, false, 1, 0, prefer not to say")
        return None


# ---------------------------------------------------------------------------------------------------------
# Planning: check every row, compare with the database, and queue the writes
# ---------------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Ref:
    """A record that exists (obj set) or will exist once the writes run."""

    obj: Any = None
    label: str = ""
    row: int = 0
    data: dict[str, Any] = field(default_factory=dict)


def _stored_answers(selfid: SelfIdentification | None) -> dict[str, Any]:
    """A stored self-identification in the shape of parse_self_identification's answers."""
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


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Planner:
    def __init__(
        self,
        roster: Roster,
        scope: Scope | None,
        topics: Iterable[str],
        progress: Callable[[int], None] | None,
        demographics: bool = False,
    ):
        self.roster = roster
        self.demographics = demographics
        self.scope = scope if scope is not None and not scope.everything else None
        self.topics = {vocab.slug(t): t for t in topics}
        self.progress = progress or (lambda _n: None)
        self.errors: list[RowError] = list(roster.errors)
        self.preview = Preview()
        self.ops: list[Callable[[], None]] = []
        self.programs: dict[str, _Ref] = {}
        self.people: dict[str, _Ref] = {}
        self.mentors: dict[str, _Ref] = {}
        self.mentees: dict[str, _Ref] = {}
        self.pairs: dict[tuple[str, str], list[_Ref]] = defaultdict(list)
        self.listed: dict[str, set[str]] = {"Mentors": set(), "Mentees": set()}
        self.new_pairings: list[tuple[_Ref, _Ref, _Ref, dict]] = []
        self.new_meetings: list[tuple[_Ref, dict]] = []

    # -- helpers -------------------------------------------------------------------------------------------

    def rows(self, sheet_name: str) -> Iterator[_Row]:
        sheet = self.roster.sheets.get(sheet_name)
        if sheet is None:
            return
        for number, values in sheet.rows:
            row = _Row(sheet, number, values, self.errors)
            row.check_characters()
            yield row
            self.progress(1)

    def note(self, category: str, action: str, label: str) -> None:
        self.preview.items[category][action].append(label)

    def covers(self, program: _Ref | None) -> bool:
        if self.scope is None:
            return True
        return program is not None and program.obj is not None and self.scope.covers_program(program.obj.id)

    # -- loading -------------------------------------------------------------------------------------------

    def load(self, parsed: dict[str, list[tuple[_Row, dict]]]) -> None:
        emails: set[str] = set()
        for sheet, rows in parsed.items():
            for _row, data in rows:
                if sheet in ("Mentors", "Mentees"):
                    emails.add(data["email"])
                    emails.update(data.get("preferred_mentors") or ())
                    emails.update(data.get("do_not_match") or ())
                elif sheet in ("Pairings", "Meetings"):
                    emails.update((data["mentor_email"], data["mentee_email"]))
        self.db_people: dict[str, Person] = {}
        for chunk in _chunks(sorted(emails)):
            query = (
                select(Person)
                .where(Person.email.in_(chunk))
                .options(
                    selectinload(Person.mentor).selectinload(MentorProfile.interest_rows),
                    selectinload(Person.mentee).selectinload(MenteeProfile.interest_rows),
                    selectinload(Person.mentee).selectinload(MenteeProfile.preferred),
                    selectinload(Person.mentee).selectinload(MenteeProfile.excluded),
                    selectinload(Person.self_identification).selectinload(SelfIdentification.races),
                )
            )
            for person in db.session.execute(query).scalars():
                self.db_people[person.email.lower()] = person
        self.db_programs = {p.name.strip().lower(): p for p in db.session.execute(select(Program)).scalars()}
        self.outside: set[str] = self.outside_scope()
        self.visible_mentor_ids: set[int] | None = None
        if self.scope is not None:
            self.visible_mentor_ids = set(
                db.session.execute(select(MentorProfile.id).where(self.scope.mentors())).scalars()
            )
        # Pairings (and their meetings) of the mentees the Pairings and Meetings sheets name.
        mentee_ids = sorted(
            {
                person.mentee.id
                for sheet in ("Pairings", "Meetings")
                for _row, data in parsed.get(sheet, [])
                if (person := self.db_people.get(data["mentee_email"])) is not None and person.mentee
            }
        )
        self.db_pairings: dict[tuple[int, int], list[Pairing]] = defaultdict(list)
        pairing_ids: list[int] = []
        for chunk in _chunks(mentee_ids):
            for pairing in db.session.execute(select(Pairing).where(Pairing.mentee_id.in_(chunk))).scalars():
                self.db_pairings[(pairing.mentor_id, pairing.mentee_id)].append(pairing)
                pairing_ids.append(pairing.id)
        self.db_meetings: dict[tuple, Meeting] = {}
        if parsed.get("Meetings"):
            for chunk in _chunks(sorted(pairing_ids)):
                query = (
                    select(Meeting)
                    .where(Meeting.pairing_id.in_(chunk), Meeting.deleted_at.is_(None))
                    .options(selectinload(Meeting.topic_rows))
                    .order_by(Meeting.id)
                )
                for meeting in db.session.execute(query).scalars():
                    key = (meeting.pairing_id, meeting.date, meeting.duration_minutes, meeting.modality)
                    self.db_meetings.setdefault(key, meeting)

    def outside_scope(self) -> set[str]:
        """Emails of the file's known people whom a program coordinator may not touch: not in their scope.

        Enrolling, moving or updating such a person (even an admin with no profile) would bring them into
        the coordinator's scope, and with it their login (see docs/privacy.md, "Accounts").
        """
        if self.scope is None:
            return set()
        inside: set[int] = set()
        ids = sorted(person.id for person in self.db_people.values())
        for chunk in _chunks(ids):
            for profile, condition in (
                (MenteeProfile, self.scope.mentees()),
                (MentorProfile, self.scope.mentors()),
            ):
                query = select(profile.person_id).where(profile.person_id.in_(chunk), condition)
                inside.update(db.session.execute(query).scalars())
        return {email for email, person in self.db_people.items() if person.id not in inside}

    def refuse_outside(self, row: _Row, column: str, email: str) -> bool:
        """Record an error if `email` is someone outside the coordinator's scope; True if so."""
        if email not in self.outside:
            return False
        row.error(column, people_service.OutsideScope(email).args[0])
        return True

    # -- the whole plan ------------------------------------------------------------------------------------

    def run(self) -> None:
        parsed = {
            "Programs": [(r, d) for r in self.rows("Programs") if (d := self.parse_program(r)) is not None],
            "Mentors": [(r, d) for r in self.rows("Mentors") if (d := self.parse_person(r, "Mentors"))],
            "Mentees": [(r, d) for r in self.rows("Mentees") if (d := self.parse_person(r, "Mentees"))],
            "Pairings": [(r, d) for r in self.rows("Pairings") if (d := self.parse_pairing(r)) is not None],
            "Meetings": [(r, d) for r in self.rows("Meetings") if (d := self.parse_meeting(r)) is not None],
        }
        self.load(parsed)
        for row, data in parsed["Programs"]:
            self.plan_program(row, data)
        self.plan_people(parsed["Mentors"], parsed["Mentees"])
        for row, data in parsed["Mentors"]:
            self.plan_mentor(row, data)
        for row, data in parsed["Mentees"]:
            self.plan_mentee(row, data)
        self.index_db_pairings()
        seen: dict[tuple, int] = {}
        for row, data in parsed["Pairings"]:
            self.plan_pairing(row, data, seen)
        seen = {}
        for row, data in parsed["Meetings"]:
            self.plan_meeting(row, data, seen)

    # -- parsing rows (no database) ------------------------------------------------------------------------

    def parse_program(self, row: _Row) -> dict | None:
        data = {
            "name": row.text("name", required=True),
            "specialty": row.text("specialty"),
            "kind": row.choice("kind", vocab.PROGRAM_KINDS, "a program kind"),
        }
        return data if row.ok else None

    def parse_person(self, row: _Row, sheet: str) -> dict | None:
        self.listed[sheet].add(people_service.normalise_email(_text(row.values.get("email"))))
        data: dict[str, Any] = {
            "email": row.email("email", required=True),
            "first_name": row.text("first_name", required=True, max_len=100),
            "last_name": row.text("last_name", required=True, max_len=100),
            "interests": people_service.parse_interests(_text(row.values.get("interests")))
            if row.has("interests")
            else None,
            "enrolled_on": row.date("enrolled_on"),
            "left_on": row.date("left_on"),
            "program": row.text("program", required=sheet == "Mentees"),
        }
        if sheet == "Mentors":
            data["mentor_type"] = row.choice("mentor_type", vocab.MENTOR_TYPES, "a mentor type")
            data["department"] = row.text("department")
            data["specialty"] = row.text("specialty")
            data["rank"] = row.text("rank", max_len=100)
            data["pgy"] = row.whole("pgy", 1, 10)
            data["capacity"] = row.whole("capacity", 0, 30)
        else:
            data["pgy"] = row.whole("pgy", 1, 10, required=True)
            data["preferred_mentors"] = row.emails("preferred_mentors")
            data["do_not_match"] = row.emails("do_not_match")
            data["concordance"] = self.parse_concordance(row)
        if data["enrolled_on"] and data["left_on"] and data["left_on"] < data["enrolled_on"]:
            row.error("left_on", "is before enrolled_on")
        data["selfid"] = self.parse_self_identification(row)
        return data if row.ok else None

    def parse_concordance(self, row: _Row) -> tuple[bool, bool] | None:
        text = _text(row.values.get("concordance_request"))
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
                row.error("concordance_request", f"{_quote(part)} is not gender, urim or both")
        return ("gender" in wanted, "urim" in wanted)

    def parse_self_identification(self, row: _Row) -> dict | None:
        """The answers the row gives, by column; a blank column is left out (it changes nothing)."""
        if not any(row.has(column) for column in SELF_ID_COLUMNS):
            return None
        answers: dict[str, Any] = {}
        if row.has("gender"):
            answers["gender"] = row.choice("gender", vocab.GENDERS, "an allowed answer", private=True)
        if row.has("race_ethnicity"):
            races: list[str] = []
            race_prefer_not = False
            for part in _list(_text(row.values.get("race_ethnicity"))):
                if vocab.slug(part) in PREFER_NOT:
                    race_prefer_not = True
                elif (code := vocab.match_choice(part, vocab.RACE_CATEGORIES)) is not None:
                    races.append(code)
                else:
                    row.error(
                        "race_ethnicity",
                        "an entry is not one of the categories (see the Instructions sheet; separate with ;)",
                    )
            answers["races"] = sorted(set(races))
            answers["race_prefer_not"] = race_prefer_not
        for column in ("urim", "img", "first_generation"):
            if row.has(column):
                answers[column] = row.yes_no(column)
        return answers

    def parse_pairing(self, row: _Row) -> dict | None:
        data = {
            "mentor_email": row.email("mentor_email", required=True),
            "mentee_email": row.email("mentee_email", required=True),
            "start_date": row.date("start_date", required=True),
            "end_date": row.date("end_date"),
            "kind": row.choice("kind", vocab.PAIRING_KINDS, "a pairing kind") or "career",
            "end_reason": row.choice("end_reason", vocab.END_REASONS, "an end reason"),
        }
        if data["start_date"] and data["end_date"] and data["end_date"] < data["start_date"]:
            row.error("end_date", "is before start_date")
        if row.ok and data["mentor_email"] == data["mentee_email"]:
            row.error("mentee_email", "the mentor and the mentee are the same person")
        return data if row.ok else None

    def parse_meeting(self, row: _Row) -> dict | None:
        topics: list[str] | None = None
        if row.has("topics"):
            topics = []
            for part in _list(_text(row.values.get("topics"))):
                topic = self.topics.get(vocab.slug(part))
                if topic is None:
                    row.error(
                        "topics",
                        f"{_quote(part)} is not a topic (allowed: {'; '.join(self.topics.values())})",
                    )
                else:
                    topics.append(topic)
            topics = sorted(set(topics))
        notes = _text(row.values.get("notes")) if row.has("notes") else None
        if isinstance(row.values.get("notes"), str) and row.values["notes"].strip():
            notes = row.values["notes"].strip()  # keep the writer's line breaks
        if notes and len(notes) > 10_000:
            row.error("notes", "is longer than 10,000 characters")
        data = {
            "mentor_email": row.email("mentor_email", required=True),
            "mentee_email": row.email("mentee_email", required=True),
            "date": row.date("date", required=True),
            "duration_minutes": row.whole("duration_minutes", MIN_MINUTES, MAX_MINUTES, required=True),
            "modality": row.choice("modality", vocab.MODALITIES, "a modality") or "in_person",
            "status": row.choice("status", vocab.MEETING_STATUSES, "a meeting status"),
            "topics": topics,
            "notes": notes,
        }
        if data["date"] is not None and data["date"] > dt.date.today():
            row.error("date", f"{data['date'].isoformat()} is in the future")
        return data if row.ok else None

    # -- programs ------------------------------------------------------------------------------------------

    def plan_program(self, row: _Row, data: dict) -> None:
        key = data["name"].lower()
        if key in self.programs:
            row.error("name", f"{_quote(data['name'])} is already on row {self.programs[key].row}")
            return
        existing = self.db_programs.get(key)
        ref = _Ref(obj=existing, label=data["name"], row=row.number)
        if self.scope is not None and (existing is None or not self.scope.covers_program(existing.id)):
            row.error("name", f"{_quote(data['name'])} is not one of your programs")
            return
        self.programs[key] = ref
        if existing is None:
            self.note("programs", "create", data["name"])
            self.ops.append(
                lambda ref=ref, d=data: self._create_program(ref, d["name"], d["specialty"], d["kind"])
            )
            return
        changes = {
            name: data[name]
            for name in ("specialty", "kind")
            if data[name] and data[name] != getattr(existing, name)
        }
        if changes:
            self.note("programs", "update", f"{existing.name}: {', '.join(changes)}")
            self.ops.append(lambda p=existing, c=changes: [setattr(p, k, v) for k, v in c.items()])
        else:
            self.note("programs", "unchanged", existing.name)

    def _create_program(self, ref: _Ref, name: str, specialty: str | None, kind: str | None) -> None:
        ref.obj = Program(name=name, specialty=specialty, kind=kind or "residency")
        db.session.add(ref.obj)

    def program_ref(self, row: _Row, name: str) -> _Ref | None:
        """The program `name` from the Programs sheet or the database; created if named nowhere else."""
        key = name.lower()
        ref = self.programs.get(key)
        if ref is None:
            existing = self.db_programs.get(key)
            ref = _Ref(obj=existing, label=existing.name if existing else name, row=row.number)
            self.programs[key] = ref
            if existing is None and self.scope is None:
                self.note("programs", "create", f"{name} (named in {row.sheet} row {row.number})")
                self.ops.append(lambda ref=ref, n=name: self._create_program(ref, n, None, None))
            elif existing is not None:
                self.note("programs", "unchanged", existing.name)
        if self.scope is not None and not self.covers(ref):
            row.error("program", f"{_quote(name)} is not one of your programs")
            return None
        return ref

    # -- people --------------------------------------------------------------------------------------------

    def plan_people(self, mentors: list, mentees: list) -> None:
        names: dict[str, tuple[str, int, str, str]] = {}
        for sheet_rows in (mentors, mentees):
            seen: dict[str, int] = {}
            for row, data in sheet_rows:
                email = data["email"]
                if email in seen:
                    row.error("email", f"{email} is already on row {seen[email]}")
                    continue
                seen[email] = row.number
                if self.refuse_outside(row, "email", email):
                    continue
                first, last = data["first_name"], data["last_name"]
                if email in names and names[email][2:] != (first, last):
                    sheet, number = names[email][:2]
                    row.error("first_name", f"the name differs from {sheet} row {number} for {email}")
                    continue
                names.setdefault(email, (row.sheet, row.number, first, last))
        for email, (_sheet, number, first, last) in names.items():
            existing = self.db_people.get(email)
            ref = _Ref(obj=existing, label=f"{first} {last} <{email}>", row=number)
            self.people[email] = ref
            if existing is None:
                self.note("people", "create", ref.label)
                self.ops.append(lambda ref=ref, e=email, f=first, la=last: self._create_person(ref, e, f, la))
                continue
            changes = {
                k: v for k, v in (("first_name", first), ("last_name", last)) if getattr(existing, k) != v
            }
            if changes:
                self.note("people", "update", f"{ref.label}: {', '.join(changes)}")
                self.ops.append(lambda p=existing, c=changes: [setattr(p, k, v) for k, v in c.items()])
            else:
                self.note("people", "unchanged", ref.label)

    def _create_person(self, ref: _Ref, email: str, first: str, last: str) -> None:
        ref.obj = Person(email=email, first_name=first, last_name=last)
        db.session.add(ref.obj)

    def plan_selfid(self, row: _Row, person: _Ref, given: dict | None, changes: list[str]) -> None:
        """Queue the self-identification answers the row gives; its blank columns keep what is stored.

        Only a user who may see individual demographics learns whether the answers differ from the
        stored ones (a "self-identification" change); for anyone else the row's counts and labels never
        depend on them (see docs/privacy.md, "No oracle").
        """
        if given is None:
            return
        done = person.data.get("selfid")
        if done is not None:
            if done[1] != given:
                row.error(
                    "",
                    f"the self-identification differs from {done[0]} for the same person "
                    "(give the same answers on both rows, or leave one row's blank)",
                )
            return
        person.data["selfid"] = (f"{row.sheet} row {row.number}", given)
        self.preview.selfid_given += 1
        current = person.obj.self_identification if person.obj is not None else None
        stored = _stored_answers(current)
        answers = {**stored, **given}
        if current is not None and answers == stored:
            return
        if self.demographics:
            changes.append("self-identification")

        def write(person=person, answers=answers, current=current):
            description = current.gender_description if current is not None else None
            people_service.set_self_identification(person.obj, gender_description=description, **answers)

        self.ops.append(write)

    def labelled(self, label: str, data: dict) -> str:
        """A person's preview label; for users without view_demographics, whether the row gives answers."""
        if data["selfid"] is None or self.demographics:
            return label
        return f"{label} (self-identification: given)"

    def plan_mentor(self, row: _Row, data: dict) -> None:
        email = data["email"]
        if email in self.mentors or email not in self.people:
            return  # a duplicate row, already reported
        person = self.people[email]
        existing: MentorProfile | None = person.obj.mentor if person.obj is not None else None
        program = self.program_ref(row, data["program"]) if data["program"] else None
        if data["program"] and program is None:
            return
        if self.scope is not None:
            visible = existing is not None and existing.id in (self.visible_mentor_ids or set())
            if program is None and not visible:
                row.error("program", "name one of your programs, so that you can see this mentor")
                return
        mentor_type = data["mentor_type"] or (existing.mentor_type if existing else "faculty")
        pgy = data["pgy"] if data["pgy"] is not None else (existing.pgy if existing else None)
        if mentor_type == "near_peer" and pgy is None:
            row.error("pgy", "is required for a near-peer mentor")
        elif mentor_type == "faculty" and data["pgy"] is not None:
            row.error("pgy", "is only for near-peer mentors (set mentor_type to near_peer)")
        enrolled_on = data["enrolled_on"] or (existing.enrolled_on if existing else dt.date.today())
        left_on = data["left_on"] or (existing.left_on if existing else None)
        if left_on and left_on < enrolled_on:
            row.error("left_on", "is before the date enrolled")
        if not row.ok:
            return
        ref = _Ref(obj=existing, label=person.label, row=row.number, data={"person": person})
        self.mentors[email] = ref
        fields = {
            "mentor_type": mentor_type,
            "department": data["department"],
            "specialty": data["specialty"],
            "rank": data["rank"],
            "pgy": pgy if mentor_type == "near_peer" else None,
            "capacity": data["capacity"],
            "enrolled_on": data["enrolled_on"],
            "left_on": data["left_on"],
        }
        self._plan_profile(row, "mentors", person, ref, existing, fields, program, data, self._create_mentor)

    def _plan_profile(self, row, category, person, ref, existing, fields, program, data, create) -> None:
        """Shared by mentors and mentees: create, or update the fields the row gives (blank = unchanged)."""
        if existing is None:
            self.note(category, "create", self.labelled(ref.label, data))
            self.ops.append(lambda: create(ref, person, fields, program, data))
            self.plan_selfid(row, person, data["selfid"], [])
            return
        given = {k: v for k, v in fields.items() if v is not None and getattr(existing, k) != v}
        changes = list(given)
        if program is not None and (program.obj is None or existing.program_id != program.obj.id):
            changes.append("program")
        if data["interests"] is not None and sorted(data["interests"]) != sorted(existing.interests):
            changes.append("interests")
        extra: list[str] = []
        if category == "mentees":
            extra = self._mentee_extras(row, existing, data)
        changes += extra
        self.plan_selfid(row, person, data["selfid"], changes)
        if changes:
            self.note(category, "update", self.labelled(f"{ref.label}: {', '.join(changes)}", data))
        else:
            self.note(category, "unchanged", self.labelled(ref.label, data))

        def write():
            for name, value in given.items():
                setattr(existing, name, value)
            if "program" in changes:
                existing.program = program.obj
            if "interests" in changes:
                setter = people_service.set_mentor_interests
                if category == "mentees":
                    setter = people_service.set_mentee_interests
                setter(existing, data["interests"])
            if extra:
                self._write_mentee_lists(existing, data)

        if set(changes) - {"self-identification"}:
            self.ops.append(write)

    def _create_mentor(self, ref, person, fields, program, data) -> None:
        values = {k: v for k, v in fields.items() if v is not None}
        ref.obj = people_service.enroll_mentor(
            person.obj,
            program=program.obj if program else None,
            interests=data["interests"] or [],
            **values,
        )

    def plan_mentee(self, row: _Row, data: dict) -> None:
        email = data["email"]
        if email in self.mentees or email not in self.people:
            return
        person = self.people[email]
        existing: MenteeProfile | None = person.obj.mentee if person.obj is not None else None
        if (
            self.scope is not None
            and existing is not None
            and not self.scope.covers_program(existing.program_id)
        ):
            row.error("email", f"{email} is a mentee of a program that is not one of yours")
            return
        program = self.program_ref(row, data["program"])
        for column in ("preferred_mentors", "do_not_match"):
            for other in data[column] or ():
                if other == email:
                    row.error(column, "lists the mentee themself")
                elif other in self.listed["Mentors"] and other not in self.mentors:
                    row.ok = False  # that mentor's own row has a problem, already reported
                elif other not in self.mentors and not (
                    (p := self.db_people.get(other)) is not None and p.mentor is not None
                ):
                    row.error(column, f"{other} is not a mentor (not in the Mentors sheet or the database)")
        both = set(data["preferred_mentors"] or ()) & set(data["do_not_match"] or ())
        if both:
            row.error("do_not_match", f"{', '.join(sorted(both))} is also a preferred mentor")
        enrolled_on = data["enrolled_on"] or (existing.enrolled_on if existing else dt.date.today())
        left_on = data["left_on"] or (existing.left_on if existing else None)
        if left_on and left_on < enrolled_on:
            row.error("left_on", "is before the date enrolled")
        if program is None or not row.ok:
            return
        ref = _Ref(
            obj=existing, label=person.label, row=row.number, data={"person": person, "program": program}
        )
        self.mentees[email] = ref
        fields = {"pgy": data["pgy"], "enrolled_on": data["enrolled_on"], "left_on": data["left_on"]}
        if data["concordance"] is not None:
            fields["concordance_gender"], fields["concordance_urim"] = data["concordance"]
        self._plan_profile(row, "mentees", person, ref, existing, fields, program, data, self._create_mentee)

    def _mentor_obj(self, email: str) -> MentorProfile:
        ref = self.mentors.get(email)
        return ref.obj if ref is not None else self.db_people[email].mentor

    def _mentee_extras(self, row: _Row, existing: MenteeProfile, data: dict) -> list[str]:
        changes = []
        for column, attr in (("preferred_mentors", "preferred"), ("do_not_match", "excluded")):
            wanted = data[column]
            if wanted is None:
                continue
            current = {id(m) for m in getattr(existing, attr)}
            targets = [self.mentors[e].obj if e in self.mentors else self.db_people[e].mentor for e in wanted]
            if any(t is None for t in targets) or {id(t) for t in targets} != current:
                changes.append(column)
        return changes

    def _write_mentee_lists(self, mentee: MenteeProfile, data: dict) -> None:
        if data["preferred_mentors"] is not None:
            mentee.preferred = [self._mentor_obj(e) for e in data["preferred_mentors"]]
        if data["do_not_match"] is not None:
            mentee.excluded = [self._mentor_obj(e) for e in data["do_not_match"]]

    def _create_mentee(self, ref, person, fields, program, data) -> None:
        values = {k: v for k, v in fields.items() if v is not None}
        ref.obj = people_service.enroll_mentee(
            person.obj, program=program.obj, interests=data["interests"] or [], **values
        )
        self._write_mentee_lists(ref.obj, data)

    # -- writing ------------------------------------------------------------------------------------------

    def write(self) -> None:
        """Run the queued changes, then insert new pairings and meetings in bulk."""
        with db.session.no_autoflush:
            for op in self.ops:
                op()
            _prepare_bulk_insert()
        db.session.flush()  # every profile now has its id
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        ids = iter(_allocate_ids("pairings", len(self.new_pairings)) if self.new_pairings else [])
        rows = []
        for ref, mentor, mentee, data in self.new_pairings:
            ref.data["id"] = next(ids)
            rows.append(
                {
                    "id": ref.data["id"],
                    "mentor_id": mentor.obj.id,
                    "mentee_id": mentee.obj.id,
                    "kind": data["kind"],
                    "start_date": data["start_date"],
                    "end_date": data["end_date"],
                    "end_reason": data["end_reason"],
                    "capacity_override": False,
                    "created_at": now,
                }
            )
        for chunk in _chunks(rows, 1000):
            db.session.execute(insert(Pairing.__table__), chunk)
        ids = iter(_allocate_ids("meetings", len(self.new_meetings)) if self.new_meetings else [])
        rows, topics = [], []
        for pairing, data in self.new_meetings:
            meeting_id = next(ids)
            rows.append(
                {
                    "id": meeting_id,
                    "pairing_id": pairing.obj.id if pairing.obj is not None else pairing.data["id"],
                    "date": data["date"],
                    "duration_minutes": data["duration_minutes"],
                    "modality": data["modality"],
                    "status": data["status"] or "held",
                    "notes": data["notes"],
                    "logged_by_id": None,
                    "logged_as": "import",
                    "created_at": now,
                }
            )
            topics += [{"meeting_id": meeting_id, "topic": topic} for topic in data["topics"] or ()]
        for chunk in _chunks(rows, 1000):
            db.session.execute(insert(Meeting.__table__), chunk)
        for chunk in _chunks(topics, 1000):
            db.session.execute(insert(MeetingTopic.__table__), chunk)

    # -- pairings and meetings -----------------------------------------------------------------------------

    def index_db_pairings(self) -> None:
        """File pairings and database pairings of each (mentor email, mentee email), for meetings."""
        self.pairing_by_key: dict[tuple, _Ref] = {}
        for (_mentor_id, _mentee_id), pairings in self.db_pairings.items():
            for pairing in pairings:
                self.pairing_by_key[
                    (pairing.mentor_id, pairing.mentee_id, pairing.kind, pairing.start_date)
                ] = _Ref(
                    obj=pairing,
                    data={"start": pairing.start_date, "end": pairing.end_date, "kind": pairing.kind},
                )

    def person_roles(self, row: _Row, data: dict) -> tuple[_Ref, _Ref] | None:
        found = []
        for column, role, refs in (
            ("mentor_email", "mentor", self.mentors),
            ("mentee_email", "mentee", self.mentees),
        ):
            email = data[column]
            ref = refs.get(email)
            if self.refuse_outside(row, column, email):
                ref = None
            elif ref is None:
                person = self.db_people.get(email)
                profile = getattr(person, role) if person is not None else None
                if email in self.listed[f"{role.title()}s"] and (person is None or profile is None):
                    row.ok = False  # that person's own row has a problem, already reported
                elif person is None and email not in self.people:
                    row.error(column, f"{email} is not in the {role.title()}s sheet or the database")
                elif profile is None:
                    row.error(column, f"{email} is not a {role}")
                else:
                    ref = _Ref(obj=profile, label=f"{person.full_name} <{email}>")
                    refs[email] = ref
            found.append(ref)
        mentor, mentee = found
        if mentor is None or mentee is None:
            return None
        if self.scope is not None:
            program_id = mentee.obj.program_id if mentee.obj is not None else None
            program = mentee.data.get("program")
            if program is not None:
                program_id = program.obj.id if program.obj is not None else None
            if not self.scope.covers_program(program_id):
                row.error("mentee_email", f"{data['mentee_email']} is not a mentee of one of your programs")
                return None
        return mentor, mentee

    def plan_pairing(self, row: _Row, data: dict, seen: dict[tuple, int]) -> None:
        people = self.person_roles(row, data)
        if people is None:
            return
        mentor, mentee = people
        pair = (data["mentor_email"], data["mentee_email"])
        key = (*pair, data["kind"], data["start_date"])
        if key in seen:
            row.error("start_date", f"the same pairing (people, kind and start date) is on row {seen[key]}")
            return
        seen[key] = row.number
        start = data["start_date"].isoformat()
        label = f"{data['mentor_email']} → {data['mentee_email']} ({data['kind']}, from {start})"
        existing = None
        if mentor.obj is not None and mentee.obj is not None:
            db_key = (mentor.obj.id, mentee.obj.id, data["kind"], data["start_date"])
            found = self.pairing_by_key.pop(db_key, None)
            existing = found.obj if found is not None else None
        end_date = data["end_date"] or (existing.end_date if existing else None)
        if data["end_reason"] and end_date is None:
            row.error("end_reason", "needs an end_date")
            return
        ref = _Ref(
            obj=existing,
            label=label,
            row=row.number,
            data={"start": data["start_date"], "end": end_date, "kind": data["kind"]},
        )
        self.pairs[pair].append(ref)
        if existing is None:
            self.note("pairings", "create", label)

            # New pairings and meetings are many and simple: inserted in bulk after the people (see write).
            self.new_pairings.append((ref, mentor, mentee, data))
            return
        changes = {
            k: data[k]
            for k in ("end_date", "end_reason")
            if data[k] is not None and getattr(existing, k) != data[k]
        }
        if changes:
            self.note("pairings", "update", f"{label}: {', '.join(changes)}")
            self.ops.append(lambda p=existing, c=changes: [setattr(p, k, v) for k, v in c.items()])
        else:
            self.note("pairings", "unchanged", label)

    def pairing_on(self, mentor: _Ref, mentee: _Ref, pair: tuple[str, str], day: dt.date) -> _Ref | None:
        """The pairing of these two people active on `day` (career first, then the latest start)."""
        candidates = list(self.pairs.get(pair, []))
        if mentor.obj is not None and mentee.obj is not None:
            if not hasattr(self, "_leftover"):
                self._leftover: dict[tuple[int, int], list[_Ref]] = defaultdict(list)
                for (mentor_id, mentee_id, _k, _s), ref in self.pairing_by_key.items():
                    self._leftover[(mentor_id, mentee_id)].append(ref)
            candidates += self._leftover.get((mentor.obj.id, mentee.obj.id), [])
        active = [
            ref
            for ref in candidates
            if ref.data["start"] <= day and (ref.data["end"] is None or ref.data["end"] >= day)
        ]
        if not active:
            return None
        return min(active, key=lambda r: (KIND_ORDER.get(r.data["kind"], 9), -r.data["start"].toordinal()))

    def plan_meeting(self, row: _Row, data: dict, seen: dict[tuple, int]) -> None:
        people = self.person_roles(row, data)
        if people is None:
            return
        mentor, mentee = people
        pairing = self.pairing_on(mentor, mentee, (data["mentor_email"], data["mentee_email"]), data["date"])
        if pairing is None:
            row.error(
                "date",
                f"{data['mentor_email']} and {data['mentee_email']} have no pairing active on "
                f"{data['date'].isoformat()} (add it to the Pairings sheet)",
            )
            return
        key = (id(pairing), data["date"], data["duration_minutes"], data["modality"])
        if key in seen:
            row.error("date", f"the same meeting (people, date, duration and modality) is on row {seen[key]}")
            return
        seen[key] = row.number
        label = (
            f"{data['mentor_email']} → {data['mentee_email']} on {data['date'].isoformat()}, "
            f"{data['duration_minutes']} min {data['modality'].replace('_', ' ')}"
        )
        existing = None
        if pairing.obj is not None:
            existing = self.db_meetings.get(
                (pairing.obj.id, data["date"], data["duration_minutes"], data["modality"])
            )
        if existing is None:
            self.note("meetings", "create", label)

            self.new_meetings.append((pairing, data))
            return
        changes: dict[str, Any] = {
            k: data[k] for k in ("status", "notes") if data[k] is not None and getattr(existing, k) != data[k]
        }
        topics_changed = data["topics"] is not None and sorted(existing.topics) != data["topics"]
        if changes or topics_changed:
            names = list(changes) + (["topics"] if topics_changed else [])
            self.note("meetings", "update", f"{label}: {', '.join(names)}")

            def update(meeting=existing, changes=changes, topics=data["topics"] if topics_changed else None):
                for name, value in changes.items():
                    setattr(meeting, name, value)
                if topics is not None:
                    meeting.topic_rows = [MeetingTopic(topic=t) for t in topics]
                meeting.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)

            self.ops.append(update)
        else:
            self.note("meetings", "unchanged", label)


# ---------------------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------------------


def _allocate_ids(table: str, count: int) -> list[int]:
    """`count` fresh primary keys for `table`, taken from its sequence on PostgreSQL."""
    # S608 below: `table` is one of this module's own table names (__tablename__), never user input.
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(
            text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"),  # noqa: S608
            {"n": count},
        )
        return [row[0] for row in rows]
    start = db.session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()  # noqa: S608
    return list(range(start + 1, start + 1 + count))


def _prepare_bulk_insert() -> None:
    """Give new rows their keys and timestamps up front so the ORM inserts them in batches.

    Without this, every row whose key or server-side default must be read back is inserted on its own
    (SQLite cannot batch those), which makes a 10,000-row roster take half a minute instead of seconds.
    """
    if db.engine.dialect.name not in {"sqlite", "postgresql"}:
        return
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    by_class: dict[type, list] = defaultdict(list)
    for obj in db.session.new:
        by_class[type(obj)].append(obj)
    for cls, objects in by_class.items():
        if hasattr(cls, "created_at"):
            for obj in objects:
                if obj.created_at is None:
                    obj.created_at = now
        if "id" in cls.__table__.c and cls.__table__.c.id.primary_key:
            missing = [obj for obj in objects if obj.id is None]
            if missing:
                for obj, new_id in zip(missing, _allocate_ids(cls.__tablename__, len(missing)), strict=True):
                    obj.id = new_id


def import_roster(
    roster: Roster,
    *,
    actor: User | None = None,
    scope: Scope | None = None,
    topics: Iterable[str] = (),
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    demographics: bool = False,
) -> ImportResult:
    """Check every row of `roster`; unless `dry_run`, write it all in the session (the caller commits).

    `scope` limits a program coordinator to their programs (None = everything): a known person outside it
    is an error wherever the file names them. `topics` are the meeting topics allowed (config
    MEETING_TOPICS). `demographics`: the reader may see individual self-identification (the preview then
    says whether answers differ from the stored ones). `progress(n)` is called as rows are checked and
    written. Raises ImportInvalid (with every problem) and writes nothing if any row is invalid. A dry run
    is audited (`roster.preview`) like an import: the caller commits that event.
    """
    planner = _Planner(roster, scope, topics, progress, demographics)
    with db.session.no_autoflush:
        planner.run()
    if planner.errors:
        order = {name: i for i, name in enumerate(SHEET_ORDER)}
        errors = sorted(planner.errors, key=lambda e: (order.get(e.sheet, 9), e.row))
        if dry_run:
            audit.record(actor, "roster.preview", None, file=roster.filename, problems=len(errors))
        raise ImportInvalid(errors)
    result = ImportResult(roster.filename, dry_run, planner.preview, roster.ignored_sheets, demographics)
    if dry_run:
        audit.record(actor, "roster.preview", None, file=roster.filename, counts=planner.preview.counts)
        return result
    planner.write()
    audit.record(actor, "roster.import", None, file=roster.filename, counts=planner.preview.counts)
    return result


def summary_lines(result: ImportResult) -> list[str]:
    """Counts per category, worded for a dry run or a finished import."""
    verbs = ("to create", "to update", "unchanged") if result.dry_run else ("created", "updated", "unchanged")
    counts = result.preview.counts
    lines = []
    for category in CATEGORIES:
        c = counts[category]
        if sum(c.values()):
            parts = ", ".join(f"{c[a]} {verb}" for a, verb in zip(ACTIONS, verbs, strict=True))
            lines.append(f"{category.title()}: {parts}")
    given = result.preview.selfid_given
    if given:
        lines.append(f"Self-identification: given for {given} {'person' if given == 1 else 'people'}")
    return lines
