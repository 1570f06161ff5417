"""A coordinator's journeys at a desk: import a roster, run matching, download the workbooks, end a pairing,
and the limits of a program coordinator's scope."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
from playwright.sync_api import expect
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import MentorProfile, Pairing

TODAY = dt.date.today()


def _fill(sheet, rows: list[dict]) -> None:
    """Replace the template's example rows by `rows`, written under their headers as a person would."""
    headers = [cell.value for cell in sheet[1]]
    if sheet.max_row > 1:
        sheet.delete_rows(2, sheet.max_row - 1)
    for row in rows:
        sheet.append([row.get(h) for h in headers])


def _reload() -> None:
    """Forget what the test's session holds, so the next query sees what the server wrote."""
    db.session.rollback()
    db.session.expire_all()


def _workbook(download) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))


def test_coordinator_imports_matches_and_downloads_reports(page, sign_in, f, tmp_path):
    program = f.program("Family Medicine")
    coordinator = f.user(f.person("coord@example.org", "Casey", "Coord"), programs=[program])
    sign_in(coordinator)

    # The template, from the Import page.
    page.get_by_role("link", name="Import", exact=True).click()
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Download the template")).click()
    book = _workbook(info.value)
    assert {"Instructions", "Mentors", "Mentees", "Pairings", "Meetings"} <= set(book.sheetnames)

    # Filled in by hand: three faculty mentors, four residents, one running pairing with a meeting today.
    started = TODAY - dt.timedelta(days=60)
    enrolled = TODAY - dt.timedelta(days=120)
    _fill(
        book["Mentors"],
        [
            {"email": "ana.ruiz@example.edu", "first_name": "Ana", "last_name": "Ruiz",
             "department": "Family Medicine", "interests": "research; teaching", "enrolled_on": enrolled,
             "program": "Family Medicine"},
            {"email": "ben.cole@example.edu", "first_name": "Ben", "last_name": "Cole",
             "department": "Family Medicine", "interests": "wellness", "enrolled_on": enrolled,
             "program": "Family Medicine"},
            {"email": "cy.park@example.edu", "first_name": "Cy", "last_name": "Park",
             "department": "Surgery", "interests": "global health", "enrolled_on": enrolled,
             "program": "Family Medicine"},
        ],
    )  # fmt: skip
    residents = [
        ("dee.diaz@example.edu", "Dee", "Diaz", "research"),
        ("eli.ito@example.edu", "Eli", "Ito", "wellness"),
        ("fay.fox@example.edu", "Fay", "Fox", "global health"),
        ("gus.gil@example.edu", "Gus", "Gil", "teaching"),
    ]
    _fill(
        book["Mentees"],
        [
            {"email": email, "first_name": first, "last_name": last, "program": "Family Medicine",
             "pgy": 1, "interests": interests, "enrolled_on": enrolled}
            for email, first, last, interests in residents
        ],
    )  # fmt: skip
    _fill(book["Programs"], [])
    _fill(
        book["Pairings"],
        [{"mentor_email": "ana.ruiz@example.edu", "mentee_email": "gus.gil@example.edu",
          "start_date": started, "kind": "career"}],
    )  # fmt: skip
    _fill(
        book["Meetings"],
        [{"mentor_email": "ana.ruiz@example.edu", "mentee_email": "gus.gil@example.edu", "date": TODAY,
          "duration_minutes": 45, "modality": "in person", "status": "held", "topics": "research"}],
    )  # fmt: skip
    roster = tmp_path / "family-medicine-roster.xlsx"
    book.save(roster)

    # Upload, preview, confirm, result.
    page.get_by_label("Roster file").set_input_files(str(roster))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name=re.compile("Check the roster"))).to_be_visible()
    expect(page.get_by_text("No problems found")).to_be_visible()
    mentees_row = page.get_by_role("row", name=re.compile("^Mentees"))
    expect(mentees_row.get_by_role("cell")).to_have_text(["4", "0", "0"])
    page.get_by_role("button", name="Import now").click()
    expect(page.get_by_role("heading", name=re.compile("Roster imported"))).to_be_visible()
    expect(page.get_by_text("The import is complete.")).to_be_visible()
    expect(page.get_by_text("Mentees: 4 created, 0 updated, 0 unchanged")).to_be_visible()

    # Matching for the program: three residents without a career mentor.
    page.get_by_role("link", name="Matching", exact=True).click()
    page.get_by_label("Program").select_option(label="Family Medicine")
    page.get_by_label("Kind of pairing").select_option(label="Career")
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", name=re.compile("Matching draft: Family Medicine"))).to_be_visible()
    expect(page.get_by_text("3 mentees without an active career pairing")).to_be_visible()
    choice = page.get_by_label("Mentor for Dee Diaz")
    suggested = choice.locator("option:checked").inner_text()
    assert "(suggested)" in suggested
    others = [
        text
        for text in choice.locator("option").all_inner_texts()
        if text not in (suggested, "No mentor") and not text.startswith(suggested.split(" (")[0])
    ]
    new_mentor = others[0].split(" (")[0]
    choice.select_option(label=others[0])
    page.get_by_role("button", name="Apply: create these pairings").click()
    expect(page.get_by_text("Created 3 pairings.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Dee Diaz"))).to_contain_text(new_mentor)

    _reload()
    pairs = {
        (p.mentee.person.email, p.mentor.person.email)
        for p in db.session.execute(select(Pairing).where(Pairing.end_date.is_(None))).scalars()
    }
    assert len(pairs) == 4
    dee = [mentor for mentee, mentor in pairs if mentee == "dee.diaz@example.edu"]
    mentor_names = {
        m.person.email: m.person.full_name for m in db.session.execute(select(MentorProfile)).scalars()
    }
    assert [mentor_names[e] for e in dee] == [new_mentor]
    db.session.commit()

    # Each workbook from the dashboard, opened again and checked against what was imported.
    page.get_by_role("link", name="Dashboard", exact=True).click()
    workbooks = {}
    for name in ("Engagement", "Inclusivity", "Annual program review"):
        with page.expect_download() as info:
            page.get_by_role("button", name=f"{name} (.xlsx)").click()
        assert info.value.suggested_filename.endswith(".xlsx")
        workbooks[name] = _workbook(info.value)
    summary = list(workbooks["Engagement"]["Summary"].iter_rows(values_only=True))
    total = dict(zip(summary[0], summary[-1], strict=True))
    assert total["Program"] == "All programs"
    assert (total["Mentees enrolled"], total["Mentees with a mentor"], total["Active pairings"]) == (4, 4, 4)
    assert (total["Meetings"], total["Hours"]) == (1, 0.75)
    pairing_rows = list(workbooks["Engagement"]["Pairings"].iter_rows(values_only=True))
    assert len(pairing_rows) == 5 and pairing_rows[0][0] == "Program"
    groups = {
        (r[0], r[1], r[2]): r[3]
        for r in workbooks["Inclusivity"]["Mentee groups"].iter_rows(values_only=True)
    }
    # Four residents of the coordinator's one program: too few to show, and a 0 hides with them.
    assert groups[("Family Medicine", "Gender", "Not disclosed")] == "<5"
    assert groups[("Family Medicine", "Gender", "Woman")] == "*"
    review = workbooks["Annual program review"]
    assert "Family Medicine" in review.sheetnames
    trend = list(review["Family Medicine"].iter_rows(values_only=True))
    assert trend[0][0] == "Family Medicine: key figures by academic year"
    assert trend[1][:3] == ("Academic year", "Mentees enrolled", "Mentees with a mentor")
    this_year = trend[2:7][-1]  # the trend ends with the year asked for
    assert this_year[1:3] == (4, 4)


def test_coordinator_ends_a_pairing_with_reason_and_rating(page, sign_in, f):
    program = f.program("Pediatrics")
    mentor = f.mentor(f.person("mo@example.org", "Mo", "Reyes"))
    mentee = f.mentee(f.person("ria@example.org", "Ria", "Sato"), program)
    pairing = f.pairing(mentor, mentee, start_date=TODAY - dt.timedelta(days=200))
    met = TODAY - dt.timedelta(days=12)
    f.meeting(pairing, met, notes="She worries about the boards")
    coordinator = f.user(programs=[program])
    sign_in(coordinator)
    # The coordinator sees the pair's meetings, never their private notes.
    page.goto(f"/meetings/pairing/{pairing.id}")
    expect(page.get_by_text(met.isoformat())).to_be_visible()
    expect(page.get_by_text("worries about the boards")).to_have_count(0)
    page.get_by_role("link", name="Pairings", exact=True).click()
    page.get_by_role("link", name=re.compile("Ria Sato")).first.click()
    expect(page.get_by_role("heading", name="Ria Sato and Mo Reyes")).to_be_visible()
    page.get_by_label("Reason").select_option(label="Completed")
    page.get_by_label("How well did it go?").select_option(label="4 of 5")
    page.get_by_label("Comment (optional)").fill("A good year; Ria found her research home.")
    page.get_by_role("button", name="End pairing").click()
    expect(page.get_by_text("The pairing is ended. It stays in the history.")).to_be_visible()
    expect(page.get_by_text("4 of 5")).to_be_visible()
    expect(page.get_by_role("button", name="End pairing")).to_have_count(0)
    _reload()
    ended = db.session.get(Pairing, pairing.id)
    assert (ended.end_date, ended.end_reason, ended.end_rating) == (TODAY, "completed", 4)
    assert ended.end_comment == "A good year; Ria found her research home."


def test_program_coordinator_cannot_reach_another_programs_pairing_or_meetings(page, sign_in, f):
    mine, theirs = f.program("Pediatrics"), f.program("Surgery")
    pairing = f.pairing(
        f.mentor(f.person("sam@example.org", "Sam", "Stone")),
        f.mentee(f.person("oz@example.org", "Oz", "Other"), theirs),
        start_date=TODAY - dt.timedelta(days=50),
    )
    meeting = f.meeting(pairing, TODAY - dt.timedelta(days=5), notes="Private")
    coordinator = f.user(programs=[mine])
    sign_in(coordinator)
    for url in (
        f"/pairings/{pairing.id}",
        f"/meetings/pairing/{pairing.id}",
        f"/meetings/pairing/{pairing.id}/new",
        f"/meetings/{meeting.id}/edit",
    ):
        response = page.goto(url)
        assert response.status in (403, 404), f"{url} answered {response.status}"
        expect(page.get_by_text("Oz Other")).to_have_count(0)
        expect(page.get_by_text("Private")).to_have_count(0)
    # Ending it by a forged form is refused too, and the pairing is untouched.
    page.goto("/pairings/")
    expect(page.get_by_text("Oz Other")).to_have_count(0)
    token = page.evaluate("document.querySelector('input[name=csrf_token]').value")
    response = page.request.post(
        f"/pairings/{pairing.id}/end",
        form={"csrf_token": token, "end_date": TODAY.isoformat(), "reason": "completed"},
    )
    assert response.status in (403, 404)
    _reload()
    assert db.session.get(Pairing, pairing.id).end_date is None
