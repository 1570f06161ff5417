"""The faculty mentoring record as a PDF (ReportLab): data in, bytes out; no Flask, no database.

One or two US Letter pages: the institution, the mentor, the year, a table of mentees, the totals beside
the career to date, the teaching-credit line and the verification code. The fonts are Bitstream Vera,
shipped with ReportLab and embedded (subset) in the file, so every viewer draws the same glyphs; the
output is invariant (no random ids, the given issue time), so the same record gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONTS = Path(reportlab.__file__).resolve().parent / "fonts"
REGULAR, BOLD = "RecordVera", "RecordVeraBold"
MARGIN = 0.7 * inch
LINE = colors.HexColor("#9ca3af")
SHADE = colors.HexColor("#e5edf7")


@dataclass(frozen=True)
class PdfLine:
    """One row of the mentee table."""

    mentee: str
    program: str
    pgy: int
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    meetings: int
    hours: float
    group_sessions: int


@dataclass(frozen=True)
class RecordPdf:
    """Everything the PDF prints."""

    institution: str
    mentor: str
    mentor_details: str  # department, rank, email: what identifies the mentor to a committee
    year_label: str  # "AY 2025–26 (2025-07-01 to 2026-06-30)"
    period_note: str | None  # "Year to date, as of 2026-03-01" while the year is not over
    lines: Sequence[PdfLine]
    totals: Sequence[tuple[str, str, str]]  # label, the year, career to date
    career_label: str
    credit_line: str | None
    code: str
    verify_url: str
    issued_at: dt.datetime


def _fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "VeraBd.ttf")))


def _style(size: float, bold: bool = False, leading: float | None = None, space: float = 0) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}{bold}",
        fontName=BOLD if bold else REGULAR,
        fontSize=size,
        leading=leading or size * 1.25,
        spaceAfter=space,
    )


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _hours(value: float) -> str:
    return f"{value:.1f}"


def build(data: RecordPdf) -> bytes:
    """The PDF bytes of one mentor's record."""
    _fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"Faculty mentoring record: {data.mentor}, {data.year_label}",
        author=data.institution,
        subject="Faculty mentoring record",
        creator="Mentorship Program Manager",
        invariant=1,
        initialFontName=REGULAR,
        initialFontSize=9,
    )
    cell = _style(8.5)
    head = _style(8, bold=True)
    story: list = [
        _p(data.institution, _style(15, bold=True, space=2)),
        _p("Faculty mentoring record", _style(12.5, space=8)),
        _p(data.mentor, _style(12, bold=True, space=1)),
        _p(data.mentor_details, _style(9.5, space=6)),
        _p(f"Academic year: {data.year_label}", _style(10, bold=True, space=1)),
    ]
    if data.period_note:
        story.append(_p(data.period_note, _style(9, space=1)))
    story.append(Spacer(1, 8))
    story.append(_p("Mentees in the year", _style(10.5, bold=True, space=4)))
    headers = ["Mentee", "Program", "PGY", "Kind", "Start", "End", "Meetings", "Hours", "Group sessions"]
    rows: list[list] = [[Paragraph(h, head) for h in headers]]
    for line in data.lines:
        rows.append(
            [
                _p(line.mentee, cell),
                _p(line.program, cell),
                str(line.pgy),
                line.kind.replace("_", " "),
                line.start_date.isoformat(),
                line.end_date.isoformat() if line.end_date else "",
                str(line.meetings),
                _hours(line.hours),
                str(line.group_sessions),
            ]
        )
    if not data.lines:
        rows.append([_p("No pairing in this academic year.", cell)] + [""] * (len(headers) - 1))
    widths = [1.3, 1.25, 0.45, 0.65, 0.72, 0.72, 0.75, 0.55, 0.71]  # inches: 7.1, the text width
    mentees = Table(rows, colWidths=[w * inch for w in widths], repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (6, 1), (-1, -1), "RIGHT"),
    ]
    if not data.lines:
        style.append(("SPAN", (0, 1), (-1, 1)))
    mentees.setStyle(TableStyle(style))
    story += [mentees, Spacer(1, 12)]
    total_rows = [
        [Paragraph("", head), Paragraph("This year", head), Paragraph(escape(data.career_label), head)]
    ]
    total_rows += [[_p(label, cell), year, career] for label, year, career in data.totals]
    summary = Table(total_rows, colWidths=[2.2 * inch, 1.3 * inch, 2.3 * inch])
    summary.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    closing: list = [_p("Totals", _style(10.5, bold=True, space=4)), summary, Spacer(1, 10)]
    if data.credit_line:
        closing.append(_p(data.credit_line, _style(10, bold=True, space=8)))
    closing += [
        _p(
            "Meetings are the held meetings of each mentorship dated in the academic year; hours are their "
            "minutes over 60. A group session is a meeting of each mentorship it included, and is also "
            "counted once under group sessions. Meeting notes and personal details are never included.",
            _style(8, space=8),
        ),
        _p(f"Verification code: {data.code}", _style(10, bold=True, space=2)),
        _p(f"Anyone can check this record at {data.verify_url}", _style(9, space=2)),
    ]
    story.append(KeepTogether(closing))
    footer = f"Issued by {data.institution} on {data.issued_at:%Y-%m-%d %H:%M} UTC"

    def on_page(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(colors.HexColor("#4b5563"))
        canvas.drawString(MARGIN, 0.45 * inch, footer)
        canvas.drawRightString(LETTER[0] - MARGIN, 0.45 * inch, f"Page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()
