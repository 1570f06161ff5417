"""Helpers shared by every workbook builder: the cover sheet, styled tables, charts and saving."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

# openpyxl is imported inside the functions that write a workbook: it takes half a second to load, and the
# app and every command but the exports import this module for its plain definitions.
if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

# OWASP CWE-1236: text starting with these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The control characters a cell cannot hold: openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE (a test compares them).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def neutralise(value: Any) -> Any:
    """Return `value` safe for a cell: text that could start a formula gets a leading apostrophe, and
    control characters that a workbook cannot hold (openpyxl would refuse the cell) are dropped."""
    if isinstance(value, str):
        if not value.isprintable():  # every control character is unprintable: most text skips the search
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


# Number formats by column kind; text, int and date columns need none (dates get one from openpyxl).
FORMATS = {
    "pct": "0.0%",
    "hours": "0.0",
    "number": "0.0",
    "int": "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "month": "mmm yyyy",
}
_UNSTYLED = frozenset({"text", "int", "date"})


@dataclass(frozen=True)
class Styles:
    """The fonts, fill and alignment of headers, titles and wrapped text."""

    header_font: Font
    header_fill: PatternFill
    title_font: Font
    wrap: Alignment


@cache
def styles() -> Styles:
    """The shared styles, made once (on first use, with openpyxl)."""
    from openpyxl.styles import Alignment, Font, PatternFill

    return Styles(
        header_font=Font(bold=True),
        header_fill=PatternFill("solid", fgColor="DDEBF7"),
        title_font=Font(bold=True, size=13),
        wrap=Alignment(wrap_text=True, vertical="top"),
    )


# Printing. Every sheet prints one page wide (taller sheets go on to more pages), on US Letter, landscape when
# its columns are wider than a portrait page holds; the header row repeats on every page and the footer names
# the sheet and page. Widths are in the column-width unit (about one character of the default font).
PORTRAIT_WIDTH = 100
ROW_HEIGHT = 15.0  # points, the default row height
# Rows a landscape Letter page holds at 100 % with these margins and the repeated header row, less a margin
# for error: a chart placed within this many rows of a page's start is never cut by an automatic break.
ROWS_PER_PAGE = 28
CHART_HEIGHT_CM, CHART_WIDTH_CM = 7.5, 16.0
CHART_ROWS = 16  # rows a chart covers (7.5 cm over 15-point rows), plus a blank row under it


@dataclass(frozen=True)
class Column:
    """One column of a table: header, kind (text, int, number, hours, pct, date, datetime), width, and the
    attribute of a typed row it shows (`field`, see `cells`)."""

    header: str
    kind: str = "text"
    width: float | None = None
    field: str | None = None


def cells(rows: Iterable[Any], columns: Sequence[Column]) -> list[tuple[Any, ...]]:
    """The cells of typed rows in the order of `columns`: each column reads the attribute it names."""
    fields = [c.field for c in columns if c.field is not None]
    if len(fields) != len(columns):
        raise ValueError("every column shown from typed rows names its field")
    get = attrgetter(*fields)
    if len(fields) == 1:
        return [(get(row),) for row in rows]
    return [get(row) for row in rows]


def position(columns: Sequence[Column], field: str) -> int:
    """The 1-based sheet column of the column showing `field` (for chart references)."""
    return next(n for n, c in enumerate(columns, start=1) if c.field == field)


@dataclass
class Table:
    """A block of rows under one header row, optionally with a title line above it."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    title: str | None = None


@dataclass
class Placed:
    """Where a table landed on its sheet (1-based rows), for chart references."""

    header_row: int
    first_row: int
    last_row: int
    columns: int


@dataclass(frozen=True)
class Cover:
    """What the first sheet of every workbook says: report, year, scope, who, when, settings, notes."""

    report: str
    academic_year: str
    report_date: dt.date
    programs: str
    generated_at: dt.datetime
    generated_by: str
    settings: Sequence[tuple[str, Any]] = ()
    notes: Sequence[str] = ()


def new_workbook() -> Workbook:
    """A write-only workbook (fast, streamed)."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, no []:*?/\\), recorded in `taken`."""
    base = _BAD_SHEET_CHARS.sub(" ", name).strip().strip("'") or "Sheet"
    base = base[:31]
    title, n = base, 2
    while title.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _number_format(kind: str) -> str | None:
    """The number format of a column kind's numbers and dates, if they need one."""
    # Plain ints need no format and openpyxl gives plain dates yyyy-mm-dd itself: only the rest are styled.
    return None if kind in _UNSTYLED else FORMATS.get(kind)


def _is_number(value: Any) -> bool:
    """Whether a number format applies to `value` (a number or a date, not a truth value)."""
    return isinstance(value, int | float | dt.date) and not isinstance(value, bool)


def _cell(ws, value: Any, kind: str = "text", font: Font | None = None, fill=None, wrap: bool = False):
    value = neutralise(value)
    fmt = _number_format(kind) if _is_number(value) else None
    if fmt is None and font is None and fill is None and not wrap:
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    if fmt is not None:
        cell.number_format = fmt
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if wrap:
        cell.alignment = styles().wrap
    return cell


def _formatted(ws, value: Any, number_format: str | None):
    """A body cell: numbers and dates in `number_format` (if any), everything else as plain values."""
    if number_format is None or not _is_number(value):
        return neutralise(value)
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    cell.number_format = number_format
    return cell


def _width(column: Column, rows: Sequence[Sequence[Any]], index: int) -> float:
    if column.width:
        return column.width
    longest = len(column.header)
    for row in rows[:200]:
        value = row[index] if index < len(row) else None
        if isinstance(value, dt.date):
            longest = max(longest, 10)
        elif isinstance(value, float):
            longest = max(longest, 8)
        elif value is not None:
            longest = max(longest, len(str(value)))
    return min(max(longest + 2, 8), 50)


def write_sheet(wb: Workbook, title: str, tables: Sequence[Table], *, autofilter: bool = True):
    """Write `tables` one under another on a new sheet; the first header row is frozen and filtered.

    Returns the sheet and where each table landed.
    """
    from openpyxl.utils import get_column_letter

    style = styles()
    ws = wb.create_sheet(title)
    widest: dict[int, float] = {}
    for table in tables:
        for i, column in enumerate(table.columns):
            widest[i] = max(widest.get(i, 0), _width(column, table.rows, i))
    for i, width in widest.items():
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    first_header = 2 if tables and tables[0].title else 1
    ws.freeze_panes = f"A{first_header + 1}"
    # The header repeats on each page only where it heads everything below it (one table on the sheet).
    print_setup(ws, sum(widest.values()), first_header if len(tables) == 1 else None)
    placed, row_no = [], 0
    for n, table in enumerate(tables):
        if n:
            ws.append([])
            row_no += 1
        if table.title:
            ws.append([_cell(ws, table.title, font=style.title_font)])
            row_no += 1
        head, fill = style.header_font, style.header_fill
        ws.append([_cell(ws, c.header, font=head, fill=fill) for c in table.columns])
        row_no += 1
        header = row_no
        # The body is most of a workbook's cells: each column's format is looked up once, not per cell.
        formats = [_number_format(c.kind) for c in table.columns]
        for row in table.rows:
            ws.append([_formatted(ws, value, fmt) for value, fmt in zip(row, formats, strict=False)])
        row_no += len(table.rows)
        placed.append(Placed(header, header + 1, row_no, len(table.columns)))
    if autofilter and placed:
        first = placed[0]
        ws.auto_filter.ref = (
            f"A{first.header_row}:{get_column_letter(first.columns)}{max(first.last_row, first.header_row)}"
        )
    return ws, placed


def write_cover(wb: Workbook, cover: Cover, sheets: Sequence[tuple[str, str]]) -> None:
    """The first sheet: what the workbook is, for whom, when, with which settings; then its `sheets`
    (name, what it holds) and the notes."""
    style = styles()
    ws = wb.create_sheet("About")
    ws.column_dimensions["A"].width = COVER_WIDTHS[0]
    ws.column_dimensions["B"].width = COVER_WIDTHS[1]
    ws.freeze_panes = "A2"
    print_setup(ws, PORTRAIT_WIDTH, 1)
    ws.append(
        [
            _cell(ws, "About this workbook", font=style.header_font, fill=style.header_fill),
            _cell(ws, "", font=style.header_font, fill=style.header_fill),
        ]
    )
    rows: list[tuple[str, Any, str]] = [
        ("Report", cover.report, "text"),
        ("Academic year", cover.academic_year, "text"),
        ("Report date", cover.report_date, "date"),
        ("Programs", cover.programs, "text"),
        ("Generated at (UTC)", cover.generated_at, "datetime"),
        ("Generated by", cover.generated_by, "text"),
    ]
    rows += [(name, value, "text") for name, value in cover.settings]
    lines: list[list[Any]] = []
    for name, value, kind in rows:
        lines.append([_cell(ws, name, font=style.header_font, wrap=True), _cell(ws, value, kind, wrap=True)])
    if sheets:
        lines += [[], [_cell(ws, "Sheets", font=style.title_font)]]
        for name, text in sheets:
            lines.append([_cell(ws, name, font=style.header_font, wrap=True), _cell(ws, text, wrap=True)])
    if cover.notes:
        lines += [[], [_cell(ws, "Notes", font=style.title_font)]]
        lines += [["", _cell(ws, note, wrap=True)] for note in cover.notes]
    for n, line in enumerate(lines, start=2):
        # A wrapped cell gets the height of its lines: neither Excel nor LibreOffice grows a row written
        # without one, so long notes would be cut or run into the row below.
        height = max((_text_lines(cell.value, COVER_WIDTHS[i]) for i, cell in _wrapped(line)), default=1)
        if height > 1:
            ws.row_dimensions[n].height = ROW_HEIGHT * height
        ws.append(line)


COVER_WIDTHS = (34, 64)


def _wrapped(line: Sequence[Any]):
    return [
        (i, cell) for i, cell in enumerate(line) if hasattr(cell, "alignment") and cell.alignment.wrap_text
    ]


def _text_lines(value: Any, width: float) -> int:
    """Lines `value` takes in a wrapped cell `width` characters wide (words are not split)."""
    if value is None:
        return 1
    total = 0
    per_line = max(int(width * 0.95) - 1, 1)  # bold and wide letters: a little under one per width unit
    for paragraph in str(value).split("\n"):
        count, used = 1, 0
        for word in paragraph.split():
            if used and used + 1 + len(word) > per_line:
                count, used = count + 1, 0
            used += (1 if used else 0) + len(word)
            while used > per_line:  # a word longer than the cell breaks at its edge
                count, used = count + 1, used - per_line
        total += count
    return total


def print_setup(ws, width: float, header_row: int | None) -> None:
    """Print `ws` one page wide, landscape if its columns (`width` units) are wider than portrait holds,
    repeating `header_row` (1-based) on every page. Call before the first row is appended."""
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_LETTER
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "&A, page &P of &N"
    ws.print_options.gridLines = False
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"


def place_charts(ws, charts: Sequence[Any], below: int) -> None:
    """Put `charts` under row `below` of `ws`, one above the other at column A, each where no automatic page
    break can cut it: the first on the table's last page if it is short enough, every other chart (and the
    first after a long table) at the top of a page of its own, by a manual break."""
    from openpyxl.worksheet.pagebreak import Break

    row = below + 2
    for n, made in enumerate(charts):
        if n or below + 1 + CHART_ROWS > ROWS_PER_PAGE:
            ws.row_breaks.append(Break(id=row - 1))
        ws.add_chart(made, f"A{row}")
        row += CHART_ROWS + 1


def chart(
    ws,
    kind: str,
    title: str,
    categories: tuple[int, int, int],
    series: list[tuple[str, int]],
    *,
    percent: bool = False,
    axis_title: str | None = None,
    horizontal: bool = False,
):
    """A native bar or line chart of columns of `ws`.

    `categories` is (column, first row, last row); `series` lists (name, column) over the same rows.
    """
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.chart.legend import Legend
    from openpyxl.chart.series import SeriesLabel

    col, first, last = categories
    made = LineChart() if kind == "line" else BarChart()
    if kind != "line" and horizontal:
        made.type = "bar"
    made.title = title
    for name, column in series:
        made.add_data(Reference(ws, min_col=column, min_row=first, max_row=last), titles_from_data=False)
        made.series[-1].tx = SeriesLabel(v=name)
    made.set_categories(Reference(ws, min_col=col, min_row=first, max_row=last))
    if percent:
        made.y_axis.number_format = "0%"
        made.y_axis.scaling.min = 0
        made.y_axis.scaling.max = 1
    if axis_title:
        made.y_axis.title = axis_title
    if len(series) == 1:
        made.legend = None
    else:
        made.legend = Legend()
        made.legend.position = "b"  # under the plot: a legend at the side is cut when the names are long
    if kind == "line":
        for line in made.series:
            line.smooth = False  # a smoothed curve overshoots its points (and a 100 % line is clipped)
        if percent:
            made.y_axis.scaling.max = 1.05  # room above a 100 % line for its full stroke and markers
            made.y_axis.majorUnit = 0.25
    made.height, made.width = CHART_HEIGHT_CM, CHART_WIDTH_CM
    return made


class _FixedTimeZip(ZipFile):
    """A zip whose entries all carry one timestamp, so the same inputs give the same bytes."""

    def __init__(self, file, when: dt.datetime):
        super().__init__(file, "w", ZIP_DEFLATED, allowZip64=True)
        self._when = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo = ZipInfo(zinfo_or_arcname, date_time=self._when)
            zinfo.compress_type = ZIP_DEFLATED
            zinfo.external_attr = 0o600 << 16
            zinfo_or_arcname = zinfo
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as fh:
            self.writestr(arcname or filename, fh.read())


def save(wb: Workbook, generated_at: dt.datetime, creator: str = "Mentorship Program Manager") -> bytes:
    """The workbook as .xlsx bytes; timestamps come from `generated_at` so output is reproducible."""
    from openpyxl.writer.excel import ExcelWriter

    when = generated_at.replace(microsecond=0, tzinfo=None)
    wb.properties.creator = creator
    wb.properties.lastModifiedBy = creator
    wb.properties.created = when
    wb.properties.modified = when
    out = io.BytesIO()
    ExcelWriter(wb, _FixedTimeZip(out, when)).save()
    return out.getvalue()
