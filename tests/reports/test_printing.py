"""Print settings of every workbook (one place, reports/xlsx.py): fitted, oriented, titled; charts drawn
unsmoothed with their legend under the plot; cover notes in rows tall enough for their wrapped lines."""

from __future__ import annotations

import io
import re
import zipfile

from mentorship.services import exports
from reports import xlsx
from tests.reports import institution, printing
from tests.reports.helpers import load, request

REPORTS = ("engagement", "inclusivity", "annual-review")


def test_every_sheet_of_every_workbook_prints_one_page_wide(app, f):
    institution.build(f)
    for report in REPORTS:
        for sheet in printing.layouts(exports.build_report(report, request(app))):
            assert sheet.fit_width, (report, sheet.name)
        about = load(exports.build_report(report, request(app)))["About"]
        for row in about.iter_rows(min_row=2):
            text = str(row[1].value or "")
            if len(text) > 70:  # more than a line of the cover's text column: its row is taller
                assert (about.row_dimensions[row[0].row].height or 15) >= 30, (report, text)


def test_line_charts_are_not_smoothed_and_legends_sit_under_the_plot(app, f):
    institution.build(f)
    content = exports.build_report("annual-review", request(app))
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    lines = [c for c in charts if "<lineChart>" in c]
    assert lines, "the annual review has line charts"
    for text in lines:
        assert re.findall(r'<smooth val="(\w+)"', text) and set(re.findall(r'<smooth val="(\w+)"', text)) == {
            "0"
        }
        assert '<legendPos val="b"' in text
        assert '<max val="1.05"' in text  # room above 100 %


def test_long_cover_notes_get_rows_tall_enough():
    assert xlsx._text_lines("short", 64) == 1
    assert xlsx._text_lines(" ".join(["word"] * 40), 64) == 4  # 199 characters, about 60 a line
    assert xlsx._text_lines("first\nsecond", 64) == 2
    assert xlsx._text_lines("x" * 130, 64) == 3  # an unbroken string wraps at the cell's edge


def test_the_import_template_prints_one_page_wide_with_its_header_repeated():
    from mentorship.services.roster.columns import SHEETS
    from reports.roster_template import build_template

    for sheet in printing.layouts(build_template(SHEETS, ["research"])):
        assert sheet.fit_width and sheet.title_rows, sheet
