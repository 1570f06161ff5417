"""Hostile input: spreadsheets and form fields built to break the app. Each is refused with a clear
message or stored safely; never a 500, never a partial write."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import io
import os
import re
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorship.extensions import db
from mentorship.models import Meeting, MenteeProfile, Person, Program, User
from mentorship.services import roster as roster_service
from mentorship.services.meetings import MAX_NOTES
from mentorship.services.roster.columns import COLUMNS
from mentorship.services.roster.reader import OLE_MAGIC
from reports.xlsx import FORMULA_PREFIXES
from tests import factories as F
from tests.roster.helpers import clock
from tests.security import hostile_files as H
from tests.security import world as W

MENTEE_HEADER = ["email", "first_name", "last_name", "program", "pgy"]
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "=1+1"]


@functools.cache
def _million_rows() -> bytes:
    return H.workbook("Mentees", [MENTEE_HEADER, ["a@example.org", "A", "B", "Program A", 1]], 1_000_000)


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


HOSTILE_FILES = {
    "renamed text file": (lambda: ("roster.xlsx", b"email,first_name\nx@y.org,X\n"), "not an Excel workbook"),
    "encrypted workbook": (
        lambda: ("roster.xlsx", OLE_MAGIC + os.urandom(4096)),
        "password-protected",
    ),
    "truncated zip": (lambda: ("roster.xlsx", b"PK\x03\x04" + os.urandom(2000)), "damaged"),
    "zip that is not a workbook": (lambda: ("roster.xlsx", _zip_without_workbook()), "no workbook inside"),
    "zip bomb (600 MB of zeros)": (lambda: ("roster.xlsx", H.zip_bomb(600)), "unpacks to 600 MB"),
    "zip bomb lying about its sizes": (lambda: ("roster.xlsx", H.zip_bomb_lying_sizes()), "damaged"),
    "billion laughs entities": (lambda: ("roster.xlsx", H.with_sheet_xml(H.BILLION_LAUGHS)), "damaged"),
    "external entity (XXE)": (lambda: ("roster.xlsx", H.with_sheet_xml(H.EXTERNAL_ENTITY)), "damaged"),
    "a million empty formatted rows": (lambda: ("roster.xlsx", _million_rows()), "more than 200,000 rows"),
    "old .xls": (lambda: ("roster.xls", OLE_MAGIC + b"\0" * 512), "old .xls"),
    "CSV with a NUL byte late in the file": (
        lambda: ("mentees.csv", b"email,first_name\n" + b"a@b.org,A\n" * 8000 + b"x\x00y,Z\n"),
        "not a text CSV",
    ),
    "executable renamed .csv": (lambda: ("mentees.csv", b"MZ\x90\x00" + os.urandom(1000)), "not a text CSV"),
    "unknown file type": (lambda: ("roster.pdf", b"%PDF-1.4"), "not a .xlsx or .csv"),
}


# Werkzeug's test client spools a request body over 500 KB to a temporary file it never closes; the
# warning is about the test tool, not the app (the app's own upload files are closed with the request).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_hostile_spreadsheets_are_refused_with_a_message(app, login, name):
    w = W.build_world()
    browser = login(w.users["admin"])
    make, message = HOSTILE_FILES[name]
    filename, data = make()
    before = W.snapshot()
    response = browser.post("/roster/", data={"files": (io.BytesIO(data), filename)})
    assert response.status_code == 200, name
    page = response.get_data(as_text=True)
    assert message in page.replace("&#39;", "'"), (name, re.findall(r"invalid-feedback[^<]*<?[^<]*", page))
    assert W.snapshot() == before  # nothing kept either (roster_uploads)
    gc.collect()  # let the test client's spooled body go here, where its warning is ignored


def test_a_file_over_the_size_limit_is_refused(app, login, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 50_000)
    w = W.build_world()
    browser = login(w.users["admin"])
    data = H.workbook(
        "Mentees", [MENTEE_HEADER] + [[f"p{i}@x.org", "A" * 50, "B", "Program A", 1] for i in range(3000)]
    )
    response = browser.post("/roster/", data={"files": (io.BytesIO(data), "big.xlsx")})
    assert response.status_code == 200 and "the largest file accepted is" in response.get_data(as_text=True)


def test_request_larger_than_max_content_length_is_413(app, login, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    w = W.build_world()
    browser = login(w.users["admin"])
    response = browser.post("/roster/", data={"files": (io.BytesIO(b"x" * 20_000), "big.csv")})
    assert response.status_code == 413


def _upload_and_confirm(browser, data: bytes, name: str = "roster.xlsx"):
    response = browser.post("/roster/", data={"files": (io.BytesIO(data), name)})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    preview = browser.get("/roster/preview").get_data(as_text=True)
    return preview, browser.post("/roster/confirm")


def test_one_bad_row_among_good_ones_writes_nothing(app, login):
    w = W.build_world()
    browser = login(w.users["admin"])
    rows = [MENTEE_HEADER] + [[f"good{i}@example.org", "Good", f"Row{i}", "Program A", 1] for i in range(50)]
    rows.append(["bad@example.org", "X" * 5000, "Long", "Program A", 1])
    rows.append(["worse@example.org", "Y", "Z", "Program A", "PGY one"])
    before = W.snapshot(skip_audit=True)
    preview, confirm = _upload_and_confirm(browser, H.workbook("Mentees", rows))
    assert "first_name" in preview and "Mentees" in preview and "pgy" in preview
    assert confirm.status_code == 302
    browser.post("/roster/cancel")  # the refused upload itself is kept until cancelled
    db.session.expire_all()
    assert W.snapshot(skip_audit=True) == before  # all or nothing


def test_formula_text_in_a_roster_is_stored_as_typed_and_neutralised_in_exports(app, login):
    w = W.build_world()
    browser = login(w.users["admin"])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(MENTEE_HEADER + ["interests"])
    for i, text in enumerate(FORMULAS):
        writer.writerow([f"formula{i}@example.org", text, "Last Name", "Program A", 1, "research; " + text])
    preview, confirm = _upload_and_confirm(browser, buffer.getvalue().encode(), "mentees.csv")
    assert "No problems found" in preview, preview[:3000]
    assert confirm.status_code == 302
    db.session.expire_all()
    people = db.session.query(Person).filter(Person.email.like("formula%")).order_by(Person.email).all()
    assert [p.first_name for p in people] == FORMULAS  # stored as typed ...
    _assert_exports_neutralised(browser)  # ... and never a formula in a workbook


def test_control_characters_and_line_breaks_in_a_roster_are_refused_by_row_and_column(app, login):
    w = W.build_world()
    browser = login(w.users["admin"])
    # A workbook cannot hold raw control characters (XML forbids them), a CSV can: use a CSV.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(MENTEE_HEADER)
    writer.writerow(["one@example.org", "One", "Last\x1bName\x07", "Program A", 1])
    writer.writerow(["two@example.org", "Two\r\nLines", "Last", "Program A", 1])
    before = W.snapshot(skip_audit=True)
    preview, confirm = _upload_and_confirm(browser, buffer.getvalue().encode(), "mentees.csv")
    cell = "<td>Mentees</td><td>{}</td><td>{}</td><td>contains a line break or control character"
    assert cell.format(2, "last_name") in preview and cell.format(3, "first_name") in preview
    assert "2 problems found" in preview
    browser.post("/roster/cancel")
    db.session.expire_all()
    assert W.snapshot(skip_audit=True) == before


def _assert_exports_neutralised(browser):
    """Every text cell of every report the admin can download is safe to open in a spreadsheet."""
    for report in ("engagement", "annual-review", "inclusivity"):
        response = browser.get(f"/dashboard/export/{report}")
        assert response.status_code == 200, report
        wb = openpyxl.load_workbook(io.BytesIO(response.get_data()))
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, str):
                        assert not value.startswith(FORMULA_PREFIXES), (report, ws.title, value)


HOSTILE_TEXT = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% raw %}",
    '=HYPERLINK("http://evil.example","x")',
    "+1-1",
    "'; DROP TABLE people; --",
    "\u202eevil\u202c",
    "😀 Ünïcødé",
]


def test_hostile_names_from_forms_are_escaped_on_pages_and_neutralised_in_exports(app, login):
    w = W.build_world()
    browser = login(w.users["admin"])
    ids = []
    for i, text in enumerate(HOSTILE_TEXT):
        response = browser.post(
            "/people/mentees/new",
            data={
                "email": f"hostile{i}@example.org",
                "first_name": text,
                "last_name": text,
                "program_id": w.prog_a.id,
                "pgy": "2",
            },
        )
        assert response.status_code == 302, (text, response.get_data(as_text=True)[:2000])
        ids.append(int(response.headers["Location"].rsplit("/", 1)[1]))
        db.session.expire_all()
        assert db.session.get(Person, ids[-1]).first_name == text.strip()
    listing = browser.get("/people/mentees?status=all").get_data(as_text=True)
    for page in [listing] + [browser.get(f"/people/{i}").get_data(as_text=True) for i in ids]:
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "{{ 7*7 }}" not in page or "49" not in page
    assert "&lt;script&gt;alert(" in listing
    # Pair one of them so the engagement report has a row with the hostile names.
    db.session.expire_all()
    person = db.session.get(Person, ids[3])
    F.pairing(w.mentor_a, person.mentee, start_date=dt.date.today() - dt.timedelta(days=10))
    db.session.commit()
    _assert_exports_neutralised(browser)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"first_name": "Nul\x00byte"}, "control character"),
        ({"last_name": "Esc\x1b[31m"}, "control character"),
        ({"first_name": "x" * 101}, "Field cannot be longer than 100 characters"),
        ({"last_name": "y" * 100_000}, "Field cannot be longer than 100 characters"),
        ({"email": "not an email"}, "email"),
        ({"email": "a@" + "b" * 300 + ".org"}, "email"),
        ({"pgy": "99"}, "between 1 and 10"),
        ({"pgy": "1e9"}, "Enter the PGY level, 1 to 10."),
        ({"program_id": "999999"}, "Not a valid choice"),
        ({"program_id": "abc"}, "Choose a program."),
        ({"enrolled_on": "2025-02-30"}, "Not a valid date"),
    ],
)
def test_hostile_people_form_fields_are_refused_and_change_nothing(app, login, fields, message):
    w = W.build_world()
    browser = login(w.users["coordA"])
    data = {
        "email": "new@example.org",
        "first_name": "New",
        "last_name": "Person",
        "program_id": w.prog_a.id,
        "pgy": "1",
    }
    data.update(fields)
    before = W.snapshot()
    response = browser.post("/people/mentees/new", data=data)
    assert response.status_code in (200, 400)
    assert message.lower() in response.get_data(as_text=True).lower(), _feedback(response)
    assert W.snapshot() == before


def _meeting_form(browser, pairing_id):
    page = browser.get(f"/meetings/pairing/{pairing_id}/new").get_data(as_text=True)
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    return {
        "nonce": nonce,
        "date": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        "duration_minutes": "30",
        "modality": "video",
        "status": "held",
    }


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"notes": "a\x00b"}, "control character"),
        ({"notes": "n" * (MAX_NOTES + 1)}, f"longer than {MAX_NOTES}"),
        ({"duration_minutes": "1e99"}, "Not a valid integer"),
        ({"duration_minutes": "-5"}, "minutes"),
        ({"duration_minutes": "100000000000000000000"}, "minutes"),
        ({"date": "9999-99-99"}, "Enter the date of the meeting."),
        ({"date": "2999-01-01"}, "future"),
        ({"modality": "telepathy"}, "Not a valid choice"),
        ({"status": "'; --"}, "Not a valid choice"),
        ({"topics": ["<b>hax</b>"]}, "not a valid choice"),
        ({"nonce": "z" * 500}, 'name="nonce"'),  # a fresh form, nothing logged,
    ],
)
def test_hostile_meeting_form_fields_are_refused_and_change_nothing(app, login, fields, message):
    w = W.build_world()
    browser = login(w.users["mentor"])
    data = _meeting_form(browser, w.pairing_a.id)
    data.update(fields)
    before = W.snapshot()
    response = browser.post(f"/meetings/pairing/{w.pairing_a.id}/new", data=data)
    assert response.status_code in (200, 400)
    assert message.lower() in response.get_data(as_text=True).lower(), _feedback(response)
    assert W.snapshot() == before


def test_formula_notes_are_stored_as_typed_and_never_exported(app, login):
    w = W.build_world()
    browser = login(w.users["mentor"])
    data = _meeting_form(browser, w.pairing_a.id)
    data["notes"] = "=cmd|' /C calc'!A0 <script>alert(1)</script>"
    assert browser.post(f"/meetings/pairing/{w.pairing_a.id}/new", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.query(Meeting).filter(Meeting.notes == data["notes"]).count() == 1
    page = browser.get(f"/meetings/pairing/{w.pairing_a.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    admin = login(w.users["admin"])
    response = admin.get("/dashboard/export/engagement")
    assert b"calc" not in response.get_data()  # notes never leave the app in a report
    wb = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert not any(
        "calc" in str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"gender": "self_described", "gender_description": "a\x00b"}, "control character"),
        ({"gender": "self_described", "gender_description": "d" * 101}, "longer than 100"),
        ({"gender": "attack helicopter"}, "Not a valid choice"),
        ({"races": ["klingon"]}, "not a valid choice"),
        ({"urim": "maybe"}, "Not a valid choice"),
        ({"img": "<script>"}, "Not a valid choice"),
    ],
)
def test_hostile_self_identification_is_refused_and_changes_nothing(app, login, fields, message):
    w = W.build_world()
    browser = login(w.users["mentee"])
    before = W.snapshot()
    response = browser.post("/profile/self-identification", data=fields)
    assert response.status_code in (200, 400)
    assert message.lower() in response.get_data(as_text=True).lower(), _feedback(response)
    assert W.snapshot() == before


# Property-based tests ----------------------------------------------------------------------------------

CELL = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "yes", "n", "2025-02-30", "13/45/2025", "=1+1", "a;b;;c", "in-person", "PGY1"]),
)
SHEETS = st.sampled_from(["Mentors", "Mentees", "Pairings", "Meetings", "Programs"])
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(data=st.binary(max_size=3000), name=st.sampled_from(["mentees.csv", "roster.xlsx", "Meetings.CSV"]))
def test_reading_any_bytes_gives_a_roster_or_a_refusal(app, data, name):
    try:
        roster = roster_service.read_files([(name, data)], 10_000_000)
    except roster_service.ImportRefused as exc:
        assert str(exc)
    else:
        assert roster.row_count >= 0


@PROPERTY
@given(sheet=SHEETS, rows=st.lists(st.lists(CELL, max_size=8), max_size=8), header=st.data())
def test_checking_any_rows_gives_a_preview_or_row_errors_and_writes_nothing(app, sheet, rows, header):
    columns = list(COLUMNS[sheet])
    chosen = header.draw(st.lists(st.sampled_from(columns + ["bogus", ""]), min_size=1, max_size=9))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(chosen)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = buffer.getvalue().encode()
    before = W.row_counts()
    try:
        roster = roster_service.read_files([(f"{sheet}.csv", data)], 10_000_000)
        result = roster_service.import_roster(roster, **clock(), topics=["research"], dry_run=True)
    except roster_service.ImportRefused as exc:
        assert str(exc)
    except roster_service.ImportInvalid as exc:
        assert exc.errors and all(e.sheet and e.row >= 1 and str(e) for e in exc.errors)
    else:
        assert result.dry_run
    db.session.rollback()
    assert W.row_counts() == before


@PROPERTY
@given(
    first=st.text(max_size=120),
    last=st.text(min_size=1, max_size=30),
    email=st.one_of(st.emails(), st.text(max_size=30)),
    pgy=st.one_of(st.integers(-5, 15).map(str), st.text(max_size=5)),
)
def test_people_form_never_fails_on_any_text(app, login, first, last, email, pgy):
    prog = db.session.query(Program).filter_by(name="Hypothesis").one_or_none() or F.program("Hypothesis")
    admin = db.session.query(User).filter_by(is_admin=True).first() or F.user(is_admin=True)
    db.session.commit()
    browser = login(admin)
    before = W.row_counts()
    data = {"email": email, "first_name": first, "last_name": last, "program_id": prog.id, "pgy": pgy}
    response = browser.post("/people/mentees/new", data=data)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        db.session.expire_all()
        person = db.session.get(Person, int(response.headers["Location"].rsplit("/", 1)[1]))
        assert person.first_name == first.strip() and person.last_name == last.strip()
        assert person.email == email.strip().lower()
    else:
        assert W.row_counts() == before
        if response.status_code == 400:
            assert "control character" in response.get_data(as_text=True)


@PROPERTY
@given(
    gender=st.one_of(
        st.sampled_from(["", "woman", "man", "nonbinary", "self_described", "prefer_not"]),
        st.text(max_size=10),
    ),
    description=st.text(max_size=110),
    races=st.lists(
        st.one_of(st.sampled_from(["asian", "white", "black_african_american"]), st.text(max_size=8)),
        max_size=3,
    ),
    urim=st.one_of(st.sampled_from(["", "yes", "no", "prefer_not"]), st.text(max_size=4)),
)
def test_self_identification_form_never_fails(app, login, gender, description, races, urim):
    mentee = db.session.query(MenteeProfile).first() or F.mentee()
    user = mentee.person.user or F.user(mentee.person)
    db.session.commit()
    browser = login(user)
    data = {"gender": gender, "gender_description": description, "races": races, "urim": urim}
    response = browser.post("/profile/self-identification", data=data)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        db.session.expire_all()
        selfid = mentee.person.self_identification
        assert selfid.gender == (gender or None)
        assert set(selfid.race_codes) <= {"asian", "white", "black_african_american"}


def _feedback(response) -> list[str]:
    """The error messages on a page, for assertion failures."""
    return re.findall(
        r"invalid-feedback[^>]*>([^<]*)<|alert-[a-z]+[^>]*>\s*([^<]*)<", response.get_data(as_text=True)
    )
