"""The record's pages: a mentor's own record and PDF, staff's mentors, the workbook, verification and
revocation; every download audited; never a note."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from itsdangerous import URLSafeSerializer
from openpyxl import load_workbook
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, IssuedRecord
from mentorship.services.academic_year import year_of
from mentorship.services.records import issue
from tests.records import institution

NOTE = "PRIVATE-NOTE-never-on-a-record"
YEAR = year_of(dt.date.today())


@pytest.fixture
def world(f):
    w = institution.build()
    # A meeting this academic year, with a note, so the current year's record has something to show.
    this_year = f.pairing(w.mentor, w.cy, start_date=dt.date(YEAR, 7, 1), kind="wellness")
    f.meeting(this_year, dt.date(YEAR, 7, 2), 50, notes=NOTE)
    w.mentor_user = f.user(w.me)
    w.senior_user = f.user(w.senior.person)
    w.coord_im = f.user(f.person("coord.im@example.org", "Ivy", "Coord"), programs=[w.im])
    w.coord_other = f.user(
        f.person("coord.x@example.org", "Xan", "Coord"), programs=[f.program("Pediatrics")]
    )
    w.admin = f.user(f.person("admin@example.org", "Ada", "Admin"), is_admin=True)
    return w


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_mentor_sees_and_downloads_their_own_record(world, login):
    me = login(world.mentor_user)
    page = me.get("/records/")
    assert page.status_code == 302 and page.headers["Location"].endswith(f"/records/mentor/{world.mentor.id}")
    html = me.get(f"/records/mentor/{world.mentor.id}").get_data(as_text=True)
    assert "Your mentoring record" in html and "Cy Older" in html and NOTE not in html
    home = me.get("/").get_data(as_text=True)
    assert f"/records/mentor/{world.mentor.id}" in home
    response = me.post(f"/records/mentor/{world.mentor.id}/pdf", data={"year": "2025"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and NOTE.encode() not in response.data
    assert "mentoring-record-AY2025-tess-roles.pdf" in response.headers["Content-Disposition"]
    # The same figures again: the same issued record (and code), one more audited download.
    me.post(f"/records/mentor/{world.mentor.id}/pdf", data={"year": "2025"})
    assert db.session.scalar(select(func.count(IssuedRecord.id))) == 1
    events = _audit("record.download")
    assert len(events) == 2 and events[0].details["mentor"] == "two.roles@example.org"
    assert events[0].details["year"] == 2025 and events[0].actor_email == "two.roles@example.org"


def test_a_mentor_cannot_see_another_mentors_record(world, login):
    other = login(world.senior_user)
    assert other.get(f"/records/mentor/{world.mentor.id}").status_code == 404
    assert other.post(f"/records/mentor/{world.mentor.id}/pdf", data={"year": "2025"}).status_code == 404
    assert other.get("/records/mentors").status_code == 403
    assert other.get("/records/workbook.xlsx").status_code == 403


def test_coordinators_see_the_mentors_of_their_programs(world, login):
    coord = login(world.coord_im)
    html = coord.get("/records/mentors?year=2025").get_data(as_text=True)
    assert "Roles, Tess" in html  # mentors residents of Internal Medicine
    assert "Senior, Sam" not in html  # mentors only a General Surgery fellow
    assert "faculty-affairs workbook" not in html
    assert coord.get(f"/records/mentor/{world.mentor.id}?year=2025").status_code == 200
    assert coord.get(f"/records/mentor/{world.senior.id}?year=2025").status_code == 404
    assert coord.get("/records/workbook.xlsx?year=2025").status_code == 403
    outsider = login(world.coord_other)
    assert outsider.get(f"/records/mentor/{world.mentor.id}").status_code == 404
    assert "Roles, Tess" not in outsider.get("/records/mentors").get_data(as_text=True)


def test_the_admin_workbook_has_the_exact_headers_and_is_audited(world, login):
    admin = login(world.admin)
    assert "faculty-affairs workbook" in admin.get("/records/mentors?year=2025").get_data(as_text=True)
    response = admin.get("/records/workbook.xlsx?year=2025")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["About", "Mentors"]
    rows = list(wb["Mentors"].iter_rows(values_only=True))
    assert rows[0] == (
        "Mentor",
        "Mentor email",
        "Department",
        "Mentees",
        "Meetings",
        "Hours",
        "Plan reviews",
        "Introductions",
        "Events",
        "Credits",
    )
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["two.roles@example.org"][:6] == (
        "Tess Roles",
        "two.roles@example.org",
        "Medicine",
        2,
        4,
        5.5,
    )
    assert by_email["two.roles@example.org"][6:9] == (1, 1, 2)  # plan reviews, introductions, events
    (event,) = _audit("report.export")
    assert event.details == {"report": "mentor-records", "year": 2025, "programs": "all", "via": "web"}


def test_a_bad_year_is_refused_with_a_message(world, login):
    me = login(world.mentor_user)
    response = me.get(f"/records/mentor/{world.mentor.id}?year=19x5")
    assert response.status_code == 400 and "is not an academic year" in response.get_data(as_text=True)
    assert me.post(f"/records/mentor/{world.mentor.id}/pdf", data={"year": "1800"}).status_code == 400
    assert db.session.scalar(select(func.count(IssuedRecord.id))) == 0


def _issue(browser, world) -> str:
    browser.post(f"/records/mentor/{world.mentor.id}/pdf", data={"year": "2025"})
    record = db.session.scalars(select(IssuedRecord)).one()
    return issue.code_of(record, browser.client.application.config["SECRET_KEY"])


def test_verification_of_a_good_an_altered_and_a_revoked_code(world, login, client, app):
    code = _issue(login(world.mentor_user), world)
    good = client.get(f"/records/verify/{code}").get_data(as_text=True)  # no sign-in
    assert "Valid." in good and "Tess Roles" in good and "AY 2025–26" in good
    assert "Meetings held" in good and ">4<" in good and "5.5" in good
    value, signature = code.split(".")
    # Change the first character: the last one's low bits are base64 padding, which decode to nothing.
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    for altered in (f"{value}.{flipped}", f"Mg.{signature}"):
        page = client.get(f"/records/verify/{altered}").get_data(as_text=True)
        assert "this code was altered" in page and "Tess Roles" not in page
    unknown = client.get("/records/verify/not-a-code").get_data(as_text=True)
    assert "Unknown code" in unknown
    never_issued = URLSafeSerializer(app.config["SECRET_KEY"], salt="mentorship.faculty-record").dumps(99)
    assert "Unknown code" in client.get(f"/records/verify/{never_issued}").get_data(as_text=True)
    # Another signed token of the app (another salt) is not a record's code.
    other = URLSafeSerializer(app.config["SECRET_KEY"], salt="something-else").dumps(1)
    assert "Valid." not in client.get(f"/records/verify/{other}").get_data(as_text=True)

    admin = login(world.admin)
    record = db.session.scalars(select(IssuedRecord)).one()
    assert code in admin.get(f"/records/mentor/{world.mentor.id}?year=2025").get_data(as_text=True)
    response = admin.post(f"/records/issued/{record.id}/revoke")
    assert response.status_code == 302
    revoked = client.get(f"/records/verify/{code}").get_data(as_text=True)
    assert "Revoked." in revoked and "Meetings held" not in revoked
    (event,) = _audit("record.revoke")
    assert event.target_id == record.id and event.actor_email == "admin@example.org"
    again = admin.post(f"/records/issued/{record.id}/revoke", follow_redirects=True)
    assert "already revoked" in again.get_data(as_text=True)
    # A new download after revocation issues a new record with a new code.
    login(world.mentor_user).post(f"/records/mentor/{world.mentor.id}/pdf", data={"year": "2025"})
    assert db.session.scalar(select(func.count(IssuedRecord.id))) == 2


def test_only_admins_revoke(world, login):
    code_holder = login(world.mentor_user)
    _issue(code_holder, world)
    record = db.session.scalars(select(IssuedRecord)).one()
    assert code_holder.post(f"/records/issued/{record.id}/revoke").status_code == 403
    assert login(world.coord_im).post(f"/records/issued/{record.id}/revoke").status_code == 403
    db.session.refresh(record)
    assert record.revoked_at is None
