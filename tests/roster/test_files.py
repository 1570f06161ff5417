"""Files that are not real workbooks, or too large, are refused with a clear message."""

from __future__ import annotations

import io
import zipfile

import pytest

from mentorship.services import roster as ri
from mentorship.services.roster.columns import COLUMNS
from tests.roster.helpers import clock, csv_bytes, messy_sheets, xlsx

MAX = 1024 * 1024


def refused(files, max_bytes=MAX) -> str:
    with pytest.raises(ri.ImportRefused) as caught:
        ri.read_files(files, max_bytes)
    return str(caught.value)


def test_renamed_text_file_is_not_a_workbook():
    assert refused([("roster.xlsx", b"email,first_name\nx@y.org,X\n")]) == (
        "roster.xlsx is not an Excel workbook (it may be a renamed text or other file)."
    )


def test_encrypted_workbook_is_refused():
    # Password-protected .xlsx files are OLE compound documents holding an EncryptedPackage stream.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    message = refused([("roster.xlsx", ole)])
    assert message.startswith("roster.xlsx is password-protected (encrypted)")


def test_corrupt_workbook_is_refused():
    good = xlsx(messy_sheets())
    assert refused([("roster.xlsx", good[: len(good) // 2])]) == (
        "roster.xlsx is damaged and cannot be opened as an Excel workbook."
    )


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert refused([("roster.xlsx", buffer.getvalue())]) == (
        "roster.xlsx is not an Excel workbook (it has no workbook inside)."
    )


def test_workbook_with_damaged_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml")
        archive.writestr("xl/workbook.xml", "<broken")
    assert refused([("roster.xlsx", buffer.getvalue())]) == (
        "roster.xlsx is damaged and cannot be read as an Excel workbook."
    )


def test_zip_bomb_is_refused_before_it_is_unpacked():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (30 * MAX))
    data = buffer.getvalue()
    assert len(data) < MAX
    assert "unpacks to 30 MB, more than this site accepts" in refused([("roster.xlsx", data)])


def test_oversized_file_is_refused():
    big = b"x" * (MAX + 1)
    assert refused([("mentors.csv", big)]) == "mentors.csv is 1.0 MB; the largest file accepted is 1.0 MB."


def test_other_file_types_are_refused():
    assert refused([("roster.pdf", b"%PDF")]) == "roster.pdf is not a .xlsx or .csv file."
    assert refused([("roster.xls", b"x")]).startswith("roster.xls is an old .xls workbook")
    assert refused([("a.xlsx", b"PK"), ("mentors.csv", b"")]).startswith("Import either one .xlsx")


def test_csv_must_be_named_after_its_sheet_and_be_text():
    assert refused([("people.csv", b"email\n")]).startswith("Cannot tell which sheet people.csv holds")
    assert refused([("mentors.csv", xlsx(messy_sheets()))]) == (
        "mentors.csv is not a text CSV file (it may be a renamed workbook)."
    )


def test_csv_names_are_lenient_and_excel_semicolons_work():
    rows = [["email", "first_name", "last_name"], ["a@x.org", "Ana", "Léon"]]
    roster = ri.read_files([("2025 Mentors.csv", csv_bytes(rows))], MAX)
    assert list(roster.sheets) == ["Mentors"]
    semicolons = "\ufeffemail;first_name;last_name\r\na@x.org;Ana;Léon\r\n".encode()
    roster = ri.read_files([("MENTORS.CSV", semicolons)], MAX)
    assert roster.sheets["Mentors"].rows == [
        (2, {"email": "a@x.org", "first_name": "Ana", "last_name": "Léon"})
    ]


def test_trailing_blank_formatted_rows_are_ignored_and_row_numbers_kept():
    sheets = {"Mentors": [["email", "first_name", "last_name"], ["a@x.org", "A", "B"], [None, None, None],
                          ["c@x.org", "C", "D"]]}  # fmt: skip
    roster = ri.read_files([("r.xlsx", xlsx(sheets, blank_formatted_rows=500))], MAX)
    assert [number for number, _ in roster.sheets["Mentors"].rows] == [2, 4]
    assert roster.errors == []


def test_unknown_sheets_are_listed_as_ignored():
    roster = ri.read_files([("r.xlsx", xlsx({"Notes": [["anything"]], "mentor": [["email"]]}))], MAX)
    assert roster.ignored_sheets == ["Notes"]
    assert [str(e) for e in roster.errors] == [
        "Mentors row 1, column first_name: this required column is missing",
        "Mentors row 1, column last_name: this required column is missing",
    ]


def test_a_workbook_with_none_of_the_template_sheets_is_refused():
    book = xlsx(
        {"Sheet1": [["email", "first_name", "last_name"], ["a@x.org", "Ana", "Lee"]], "Notes": [["x"]]}
    )
    assert refused([("roster.xlsx", book)]) == (
        "roster.xlsx has none of the sheets Programs, Mentors, Mentees, Pairings, Meetings or Goals; nothing "
        "was imported. Name each sheet after what it holds (see the template)."
    )
    # An empty template sheet is one of them: nothing to do, but not refused.
    empty = ri.read_files([("r.xlsx", xlsx({"Mentors": [list(COLUMNS["Mentors"])]}))], MAX)
    assert empty.sheets["Mentors"].rows == [] and empty.errors == []


ROWS = [["email", "first_name", "last_name"], ["a@x.org", "Zoë", "N'Diaye"], ["b@x.org", "José", "Muñoz"]]
EXPECTED = [
    (2, {"email": "a@x.org", "first_name": "Zoë", "last_name": "N'Diaye"}),
    (3, {"email": "b@x.org", "first_name": "José", "last_name": "Muñoz"}),
]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
@pytest.mark.parametrize("delimiter", ["\t", ","])
def test_utf16_text_with_a_byte_order_mark_is_read(encoding, delimiter):
    # Excel's "Unicode text" is UTF-16 (little-endian, with its mark) and tab-separated.
    text = "\r\n".join(delimiter.join(row) for row in ROWS) + "\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    roster = ri.read_files([("mentors.csv", data)], MAX)
    assert roster.errors == [] and roster.sheets["Mentors"].rows == EXPECTED


def test_tab_separated_utf8_is_read_too():
    data = "\n".join("\t".join(row) for row in ROWS).encode()
    assert ri.read_files([("mentors.csv", data)], MAX).sheets["Mentors"].rows == EXPECTED


def test_utf16_without_its_byte_order_mark_gets_a_message_that_says_so():
    data = "\n".join(",".join(row) for row in ROWS).encode("utf-16-le")
    assert refused([("mentors.csv", data)]) == (
        "mentors.csv is not a text CSV file (it may be a renamed workbook, or UTF-16 text without its "
        'byte-order mark: save it from Excel as "CSV UTF-8").'
    )


def test_line_breaks_and_control_characters_in_one_line_cells_are_errors_by_row_and_column():
    sheets = {
        "Mentees": [
            ["email", "first_name", "last_name", "program", "pgy", "interests"],
            ["a@x.org", "Ana\nMaría", "Lee", "IM", 1, None],
            ["b@x.org", "Ben", "O'Neil\r", "IM", 2, "research\u2029qi"],
            ["c@x.org", "Cy", "Tab\tName", "I\u2028M", 1, None],
            ["d@x.org", "  Dee  ", "Fine\n", "IM", 1, None],  # surrounding whitespace is only trimmed
        ],
    }
    roster = ri.read_files([("roster.xlsx", xlsx(sheets))], MAX)
    with pytest.raises(ri.ImportInvalid) as caught:
        ri.import_roster(roster, **clock(), topics=["research"])
    one_line = "contains a line break or control character: keep the cell on one line"
    assert [str(e) for e in caught.value.errors] == [
        f"Mentees row 2, column first_name: {one_line}",
        f"Mentees row 3, column interests: {one_line}",  # a trailing "\r" on last_name is only trimmed
        f"Mentees row 4, column last_name: {one_line}",
        f"Mentees row 4, column program: {one_line}",
    ]


def test_notes_keep_their_line_breaks_but_not_control_characters():
    # A workbook cannot hold raw control characters (XML forbids them), a CSV can.
    rows = [
        ["mentor_email", "mentee_email", "date", "duration_minutes", "notes"],
        ["m@x.org", "a@x.org", "2024-08-01", 30, "first line\nsecond line\x07"],
        ["m@x.org", "a@x.org", "2024-08-02", 30, "Esc\x1b[31m red"],
        ["m@x.org", "a\x1b@x.org", "2024-08-03", 30, "fine\r\nnotes"],
    ]
    roster = ri.read_files([("meetings.csv", csv_bytes(rows))], MAX)
    with pytest.raises(ri.ImportInvalid) as caught:
        ri.import_roster(roster, **clock(), topics=["research"])
    control = "contains a control character (an invisible code): remove it"
    assert [str(e) for e in caught.value.errors][:3] == [
        f"Meetings row 2, column notes: {control}",
        f"Meetings row 3, column notes: {control}",
        "Meetings row 4, column mentee_email: contains a line break or control character: keep the cell on "
        "one line",
    ]
