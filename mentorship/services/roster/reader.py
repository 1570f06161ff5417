"""Reading an upload into sheets of rows (docs/import.md): one .xlsx workbook or .csv files, no database.

Anything that is not a real, reasonably sized workbook or text file is refused (ImportRefused) before a
row is read; header problems are recorded as row errors of row 1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentorship.services.roster.columns import ROSTER, Layout, canonical
from mentorship.services.roster.errors import ImportRefused, RowError


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
        """Data rows across every sheet (blank rows are not counted)."""
        return sum(len(sheet.rows) for sheet in self.sheets.values())


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The most rows (blank ones included) read from one sheet: far above any roster, far below Excel's 1,048,576.
MAX_SHEET_ROWS = 200_000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_paths(paths: Iterable[str | Path], max_bytes: int, layout: Layout = ROSTER) -> Roster:
    """Read one .xlsx workbook or one or more .csv files from disk (sizes are checked before reading);
    `layout` names the sheets and columns (the roster template's unless another import's is given)."""
    files = []
    for raw in paths:
        path = Path(raw)
        size = path.stat().st_size
        if size > max_bytes:
            raise ImportRefused(_too_large(path.name, size, max_bytes))
        files.append((path.name, path.read_bytes()))
    return read_files(files, max_bytes, layout)


def read_files(files: list[tuple[str, bytes]], max_bytes: int, layout: Layout = ROSTER) -> Roster:
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
        return _read_xlsx(name, data, max_bytes, layout)
    if kinds == {"csv"}:
        roster = Roster(filename=", ".join(name for name, _ in files))
        for name, data in files:
            _read_csv(roster, name, data, layout)
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


def _read_xlsx(name: str, data: bytes, max_bytes: int, layout: Layout) -> Roster:
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
                    sheet = layout.sheet_for(worksheet.title)
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
                    _add_sheet(roster, sheet, worksheet.title, worksheet.iter_rows(values_only=True), layout)
            finally:
                book.close()
    except ImportRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds of error on damaged files
        raise ImportRefused(f"{name} is damaged and cannot be read as an Excel workbook.") from exc
    if not found:
        raise ImportRefused(
            f"{name} has none of the sheets {', '.join(layout.sheets[:-1])} or {layout.sheets[-1]}; "
            "nothing was imported. Name each sheet after what it holds (see the template)."
        )
    return roster


def _read_csv(roster: Roster, name: str, data: bytes, layout: Layout) -> None:
    sheet = layout.sheet_for(Path(name).stem)
    if sheet is None:
        raise ImportRefused(
            f"Cannot tell which sheet {name} holds: name it after its sheet "
            f"({', '.join(s.lower() + '.csv' for s in layout.sheets)})."
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
    _add_sheet(roster, sheet, name, iter(rows), layout)


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


def _add_sheet(
    roster: Roster, sheet: str, source: str, rows: Iterator[Sequence[Any]], layout: Layout
) -> None:
    header = next(rows, None)
    allowed = layout.columns[sheet]
    positions: dict[str, int] = {}
    for index, cell in enumerate(header or ()):
        text = cell_text(cell)
        if not text:
            continue
        column = layout.column_for(text)
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
        if not any(cell_text(v) for v in values):
            continue  # blank (perhaps formatted) rows are ignored
        data_rows.append(
            (number, {column: values[i] if i < len(values) else None for column, i in positions.items()})
        )
    if not data_rows and not positions:
        return  # an empty sheet: nothing to import
    for column in allowed:
        if column in layout.required[sheet] and column not in positions:
            roster.errors.append(RowError(sheet, 1, column, "this required column is missing"))
    roster.sheets[sheet] = Sheet(sheet, source, list(positions), data_rows)


def cell_text(value: Any) -> str:
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
    return " ".join(CONTROL.sub(" ", str(value)).split())
