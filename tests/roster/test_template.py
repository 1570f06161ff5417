"""The import template workbook (reports/roster_template.py)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from mentorship.extensions import db
from mentorship.services.roster.columns import COLUMNS, REQUIRED, SHEETS
from reports.roster_template import build_template
from tests.roster.helpers import TOPICS


def test_template_has_every_sheet_header_instructions_and_drop_downs():
    book = load_workbook(io.BytesIO(build_template(SHEETS, TOPICS)))
    assert book.sheetnames == [
        "Instructions",
        "Programs",
        "Mentors",
        "Mentees",
        "Pairings",
        "Meetings",
        "Goals",
    ]
    for sheet, columns in COLUMNS.items():
        ws = book[sheet]
        assert [c.value for c in ws[1]] == list(columns)
        assert ws.freeze_panes == "A2"
        assert ws.max_row >= 2, f"{sheet} has no example row"
    instructions = [tuple(c.value for c in row) for row in book["Instructions"].iter_rows()]
    described = {(row[0], row[1]) for row in instructions if row[0] in COLUMNS}
    assert described == {(sheet, column) for sheet, columns in COLUMNS.items() for column in columns}
    required = {(row[0], row[1]) for row in instructions if row[0] in COLUMNS and row[2] == "*"}
    assert required == {(sheet, column) for sheet, columns in REQUIRED.items() for column in columns}
    topics_row = next(row for row in instructions if row[:2] == ("Meetings", "topics"))
    assert "career planning; research" in topics_row[4]

    lists = {
        (sheet, str(dv.sqref)): dv.formula1
        for sheet in COLUMNS
        for dv in book[sheet].data_validations.dataValidation
        if dv.type == "list"
    }
    assert lists[("Meetings", "E2:E5000")] == '"in person,video,phone"'
    assert lists[("Pairings", "E2:E5000")] == '"career,research,wellness,peer"'
    assert lists[("Mentors", "D2:D5000")] == '"faculty,near_peer"'
    assert ("Mentees", "N2:N5000") in lists  # urim
    whole = [dv for dv in book["Mentees"].data_validations.dataValidation if dv.type == "whole"]
    assert [(str(dv.sqref), dv.formula1, dv.formula2) for dv in whole] == [("E2:E5000", "1", "10")]


def test_example_rows_follow_the_header_directly():
    book = load_workbook(io.BytesIO(build_template(SHEETS, TOPICS)))
    for sheet in COLUMNS:
        rows = list(book[sheet].iter_rows(min_row=2, values_only=True))
        assert rows and all(any(v is not None for v in row) for row in rows), f"{sheet} has a blank row"
    assert book["Meetings"]["C2"].number_format == "yyyy-mm-dd"


def test_the_goals_sheet_is_only_in_the_template_of_those_who_may_import_goals(app, f, login):
    """A coordinator without view_plans is refused a Goals sheet, so their template must not hold one."""
    coordinator = f.user(programs=[f.program()])
    client = login(coordinator)
    names = load_workbook(io.BytesIO(client.get("/roster/template.xlsx").data)).sheetnames
    assert "Goals" not in names and "Meetings" in names
    coordinator.view_plans = True
    db.session.commit()
    assert "Goals" in load_workbook(io.BytesIO(client.get("/roster/template.xlsx").data)).sheetnames
