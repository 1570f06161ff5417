"""The workbooks open in LibreOffice headless (converted to PDF without error) and print well."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from mentorship.extensions import db
from mentorship.services import exports
from mentorship.services.academic_year import year_of
from mentorship.services.demo import institution as demo
from tests.reports import institution, printing
from tests.reports.helpers import GENERATED_AT, request

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
)
def test_workbooks_open_in_libreoffice(app, f, tmp_path):
    institution.build(f)
    files = []
    for report in ("engagement", "inclusivity", "annual-review"):
        path = tmp_path / f"{report}.xlsx"
        path.write_bytes(exports.build_report(report, request(app)))
        files.append(str(path))
    output = printing.to_pdf(SOFFICE, files, tmp_path, timeout=300)
    for report in ("engagement", "inclusivity", "annual-review"):
        pdf = tmp_path / "pdf" / f"{report}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 1000, output
        assert pdf.read_bytes().startswith(b"%PDF")


DEMO_TODAY = dt.date(2026, 12, 1)
# Sheets holding several tables one under another: no single header row heads every page.
MULTI_TABLE = {"Concordance"}


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
)
def test_the_small_demo_workbooks_print_one_page_wide_with_no_chart_cut(app, tmp_path):
    """Each sheet printed on its own by LibreOffice: the Summary on one page, and on every sheet with charts
    each chart inside one stretch between manual page breaks and each stretch on exactly one page, so no
    automatic break falls inside a chart."""
    demo.seed("small", DEMO_TODAY)
    db.session.commit()
    year = year_of(DEMO_TODAY, app.config["ACADEMIC_YEAR_START_MONTH"])
    req = exports.request_for(app.config, year, None, "tester@example.org", GENERATED_AT, DEMO_TODAY)
    books = {r: exports.build_report(r, req) for r in ("engagement", "inclusivity", "annual-review")}
    counts = printing.page_counts(SOFFICE, books, tmp_path)
    print(counts)  # the figures the issue asks for (pytest -s)
    assert counts["engagement"]["Summary"] == 1
    problems = []
    for name, content in books.items():
        annual = name == "annual-review"
        for sheet in printing.layouts(content):
            pages = counts[name][sheet.name]
            where = f"{name} / {sheet.name}"
            if not sheet.fit_width:
                problems.append(f"{where}: not fitted to one page wide")
            if (
                sheet.title_rows is None
                and sheet.name not in MULTI_TABLE
                and not (annual and sheet.name != "About")
            ):
                problems.append(f"{where}: no header row repeats")
            if sheet.charts:
                starts = [0, *sheet.row_breaks]
                for first, last in sheet.charts:
                    segment = [s for s in starts if s <= first][-1]
                    following = [s for s in starts if s > segment]
                    if following and last >= following[0]:
                        problems.append(f"{where}: the chart at row {first + 1} crosses a manual break")
                if pages != len(starts):
                    problems.append(f"{where}: {pages} pages for {len(starts)} stretches: a chart may be cut")
    assert counts["engagement"]["Summary"] == 1
    assert not any(
        b for b in printing.layouts(books["engagement"]) if b.name == "Summary" and not b.landscape
    )
    assert problems == []
    # The whole workbook prints as the sum of its sheets (hiding the other sheets changed nothing else).
    for name, sheets in counts.items():
        assert sheets["(whole)"] == sum(n for s, n in sheets.items() if s != "(whole)"), name
