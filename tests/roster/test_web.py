"""The browser flow: upload → preview (or problems) → confirm → result."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Person, RosterUpload
from tests.roster.helpers import messy_sheets, snapshot, xlsx


def pending() -> int:
    """Uploads waiting for confirmation, in the database."""
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(RosterUpload)).scalar_one()


def upload(browser, data: bytes, name: str = "roster.xlsx"):
    return browser.post("/roster/", data={"files": (io.BytesIO(data), name)})


def test_upload_preview_confirm(login, f):
    admin = f.user(is_admin=True)
    browser = login(admin)
    page = browser.get("/roster/").get_data(as_text=True)
    assert "Download the template (.xlsx)" in page and 'type="file"' in page

    response = upload(browser, xlsx(messy_sheets(), blank_formatted_rows=20))
    assert response.status_code == 302 and response.headers["Location"].endswith("/roster/preview")
    assert pending() == 1

    before = snapshot()
    preview = browser.get("/roster/preview").get_data(as_text=True)
    assert "No problems found. Review what will change, then import." in preview
    assert '<th scope="row">People</th><td>4</td><td>0</td><td>0</td>' in preview
    assert "Surgery (named in Mentees row 3)" in preview
    assert "Import now" in preview
    db.session.expire_all()
    assert snapshot() == {**before, "audit_events": 1}  # the preview is audited, nothing else written
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "roster.preview")).scalar_one()
    assert event.actor_id == admin.id and event.details["file"] == "roster.xlsx"
    assert event.details["counts"]["people"] == {"create": 4, "update": 0, "unchanged": 0}

    done = browser.post("/roster/confirm")
    assert done.status_code == 302 and done.headers["Location"].endswith("/roster/result")
    assert pending() == 0  # the kept file is deleted after the import
    result = browser.get("/roster/result").get_data(as_text=True)
    assert "The import is complete." in result and "Meetings: 3 created, 0 updated, 0 unchanged" in result
    db.session.expire_all()
    assert db.session.execute(
        select(Person).where(Person.email == "amy@hospital.org")
    ).scalar_one().last_name == ("N'Diaye")
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "roster.import")).scalar_one()
    assert event.actor_id == admin.id

    # The same file again: the preview says nothing would change, and offers no import button.
    upload(browser, xlsx(messy_sheets()))
    again = browser.get("/roster/preview").get_data(as_text=True)
    assert "importing it would change nothing" in again and "Import now" not in again


def test_problems_are_shown_in_a_table_and_nothing_is_written(login, f):
    browser = login(f.user(is_admin=True))
    sheets = messy_sheets()
    sheets["MENTEES"][1][4] = "twelve"
    upload(browser, xlsx(sheets))
    before = snapshot()
    page = browser.get("/roster/preview").get_data(as_text=True)
    assert "1 problem found. Nothing was imported" in page
    assert (
        "<td>Mentees</td><td>2</td><td>pgy</td><td>&#34;twelve&#34; is not a whole number from 1 to 10</td>"
        in page
    )
    assert "Import now" not in page
    assert browser.post("/roster/confirm").status_code == 302
    db.session.expire_all()
    assert snapshot() == {**before, "audit_events": 1}  # only the preview's audit event
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "roster.preview")).scalar_one()
    assert event.details == {"file": "roster.xlsx", "problems": 1}


def test_a_file_that_is_not_a_workbook_is_refused_on_the_upload_page(login, f):
    browser = login(f.user(is_admin=True))
    response = upload(browser, b"name,email\n", "roster.xlsx")
    assert response.status_code == 200
    assert (
        "roster.xlsx is not an Excel workbook (it may be a renamed text or other file)."
        in response.get_data(as_text=True)
    )
    assert pending() == 0


def test_no_file_chosen(login, f):
    browser = login(f.user(is_admin=True))
    response = browser.post("/roster/", data={})
    assert response.status_code == 200 and "Choose a file to import." in response.get_data(as_text=True)


def test_coordinator_rows_for_other_programs_are_refused(login, f):
    medicine = f.program("Internal Medicine")
    f.program("Surgery")
    coordinator = f.user(programs=[medicine])
    browser = login(coordinator)
    sheets = {
        "Mentees": [
            ["email", "first_name", "last_name", "program", "pgy"],
            ["a@x.org", "Ana", "Ávila", "Internal Medicine", 1],
            ["b@x.org", "Ben", "O'Neil", "Surgery", 2],
        ]
    }
    upload(browser, xlsx(sheets))
    page = browser.get("/roster/preview").get_data(as_text=True)
    assert (
        "<td>Mentees</td><td>3</td><td>program</td><td>&#34;Surgery&#34; is not one of your programs</td>"
        in page
    )
    del sheets["Mentees"][2]
    upload(browser, xlsx(sheets))
    assert "Import now" in browser.get("/roster/preview").get_data(as_text=True)
    assert browser.post("/roster/confirm").status_code == 302
    db.session.expire_all()
    assert db.session.execute(select(Person.email)).scalars().all().count("a@x.org") == 1


def test_cancel_discards_the_upload(login, f):
    browser = login(f.user(is_admin=True))
    upload(browser, xlsx(messy_sheets()))
    assert pending() == 1
    assert browser.post("/roster/cancel").status_code == 302
    assert pending() == 0
    assert browser.get("/roster/preview").status_code == 302


def test_template_download(login, f):
    browser = login(f.user(is_admin=True, view_plans=True))
    response = browser.get("/roster/template.xlsx")
    assert response.status_code == 200
    assert "roster-template.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[1:] == ["Programs", "Mentors", "Mentees", "Pairings", "Meetings", "Goals"]


def test_only_staff_may_import(login, f, client):
    mentor = f.mentor()
    browser = login(f.user(mentor.person))
    assert browser.get("/roster/").status_code == 403
    assert browser.get("/roster/template.xlsx").status_code == 403
    assert client.get("/roster/").status_code == 302  # to the sign-in page


def test_confirm_rechecks_the_file_against_the_database(login, f):
    browser = login(f.user(is_admin=True))
    mentor = f.mentor(f.person("old@x.org"))
    sheets = messy_sheets()
    sheets["Pairings"].append(["old@x.org", "amy@hospital.org", "2024-09-01", None, None, None])
    upload(browser, xlsx(sheets))
    assert "Import now" in browser.get("/roster/preview").get_data(as_text=True)
    db.session.delete(mentor)  # someone removes the mentor between the preview and the confirmation
    before = snapshot()
    response = browser.post("/roster/confirm")
    assert response.headers["Location"].endswith("/roster/preview")
    db.session.expire_all()
    assert snapshot() == before
    page = browser.get("/roster/preview").get_data(as_text=True)
    assert "<td>Pairings</td><td>5</td><td>mentor_email</td>" in page
