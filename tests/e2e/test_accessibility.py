"""axe-core on every main page of every role: no serious or critical violations; no sideways scrolling at
390 px on the pages mentors and mentees use on their phones; a visible keyboard focus.

Pages that only exist after a form is sent (matching draft, roster preview and result, forms with errors,
the one-click form and its answers) are reached by sending the form, as a person would.
Set AXE_SHOW_ALL=1 (with pytest -s) to print the moderate and minor findings as well.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import current_app
from playwright.sync_api import expect

from mentorship.extensions import db
from mentorship.services import audit
from mentorship.services import meetings as meetings_service
from mentorship.services import pulse as pulse_service
from mentorship.services.roster.columns import template_sheets
from reports.roster_template import build_template
from tests import factories
from tests.e2e.conftest import no_horizontal_scroll

AXE = Axe()
BLOCKING = {"serious", "critical"}
TODAY = dt.date.today()
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@pytest.fixture
def institution(f):
    """Two programs; a pairing with a meeting waiting for the mentee's answer and a pulse check due; an
    ended pairing; an overdue pairing whose mentee said "not a good fit"; an admin and a coordinator."""
    program = f.program("Internal Medicine")
    f.program("Surgery")
    mentor = f.mentor(
        f.person("mentor@example.org", "Mo", "Reyes"), department="Medicine", interests=["research"]
    )
    mentee = f.mentee(f.person("res@example.org", "Ria", "Sato"), program, pgy=2, interests=["research"])
    pairing = f.pairing(mentor, mentee, start_date=TODAY - dt.timedelta(days=90))
    meeting = f.meeting(
        pairing,
        TODAY - dt.timedelta(days=10),
        topics=["research"],
        notes="Private note",
        logged_by_id=mentor.person_id,
    )
    ended = f.pairing(
        mentor,
        mentee,
        start_date=TODAY - dt.timedelta(days=400),
        end_date=TODAY - dt.timedelta(days=100),
        end_reason="completed",
        kind="research",
    )
    quiet = f.pairing(
        f.mentor(f.person("kim@example.org", "Kim", "Lee")),
        f.mentee(f.person("ned@example.org", "Ned", "Nash"), program),
        start_date=TODAY - dt.timedelta(days=100),
    )
    pulse_service.record_answer(quiet, quiet.mentee.person, 2, "no", meetings_service.utcnow())
    admin = f.user(f.person("admin@example.org", "Ada", "Admin"), is_admin=True)
    audit.record(admin, "reminders.send", None, via="cli", pairings=[quiet.id])
    factories.log_link_token(
        quiet, current_app.config["SECRET_KEY"]
    )  # its pairing page offers "Withdraw links"
    return {
        "admin": admin,
        "coordinator": f.user(f.person("coord@example.org", "Casey", "Coord"), programs=[program]),
        "mentor": f.user(mentor.person),
        "mentee": f.user(mentee.person),
        "mentee_person": mentee.person_id,
        "mentor_person": mentor.person_id,
        "pairing": pairing,
        "meeting": meeting.id,
        "ended": ended.id,
        "quiet": quiet.id,
    }


def _pages(institution) -> dict[str, list[str]]:
    pid, mid = institution["mentee_person"], institution["mentor_person"]
    pairing, meeting, ended = institution["pairing"].id, institution["meeting"], institution["ended"]
    return {
        "admin": [
            "/dashboard/",
            "/dashboard/definitions",
            "/dashboard/mentees?with_mentor=1",
            "/pairings/?year=2025&status=all",
            "/people/mentees",
            "/people/mentors",
            f"/people/{pid}",
            f"/people/{mid}",
            "/people/mentees/new",
            "/people/mentors/new",
            f"/people/{mid}/mentor/edit",
            "/pairings/",
            f"/pairings/{pairing}",
            f"/pairings/{ended}",
            f"/pairings/{institution['quiet']}",
            f"/pairings/new?mentee={pid}&kind=wellness",
            f"/meetings/pairing/{pairing}",
            f"/meetings/pairing/{pairing}/new",
            "/matching/",
            "/roster/",
            "/reminders/attention",
            "/programs/",
            "/programs/new",
            "/admin/users",
            "/admin/users/new",
            "/admin/audit",
            "/auth/password",
        ],
        "coordinator": [
            "/dashboard/",
            "/people/mentees",
            "/people/mentors",
            f"/people/{pid}",
            f"/people/{pid}/mentee/edit",
            "/pairings/",
            f"/pairings/{pairing}",
            "/matching/",
            "/roster/",
            "/reminders/attention",
        ],
        "mentor": [
            "/",
            "/profile/",
            "/profile/contact",
            "/profile/mentor",
            "/profile/self-identification",
            f"/meetings/pairing/{pairing}/new",
            f"/meetings/pairing/{pairing}",
            f"/meetings/{meeting}/edit",
            f"/meetings/pairing/{ended}",
            f"/pairings/{pairing}",
            f"/pairings/{ended}",
            f"/people/{pid}",
            "/auth/password",
        ],
        "mentee": [
            "/",
            "/profile/",
            "/profile/contact",
            "/profile/mentee",
            "/profile/self-identification",
            f"/meetings/pairing/{pairing}",
            f"/meetings/pairing/{pairing}/new",
            f"/planned/pairing/{pairing}/new",
            f"/pairings/{pairing}",
            "/auth/password",
        ],
    }


PHONE_ROLES = {"mentor", "mentee"}


class Checker:
    """Runs axe (and, on a phone, the sideways-scroll check) on the current page; collects the problems."""

    def __init__(self, page, phone: bool):
        self.page, self.phone, self.problems, self.checked = page, phone, [], []

    def __call__(self, name: str) -> None:
        self.checked.append(name)
        results = AXE.run(self.page)
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            if violation["impact"] in BLOCKING:
                self.problems.append(f"{name}: {violation['id']} ({violation['impact']}) {targets}")
            elif os.environ.get("AXE_SHOW_ALL"):
                print(f"axe {name}: {violation['id']} ({violation['impact']}) {targets}")
        if self.phone and not no_horizontal_scroll(self.page):
            self.problems.append(f"{name}: scrolls sideways at {self.page.viewport_size['width']}px")

    def visit(self, url: str, status: int = 200) -> None:
        db.session.commit()
        response = self.page.goto(url)
        assert response.status == status, f"{url} answered {response.status}"
        self(url)


@pytest.fixture
def checker(browser, base_url):
    contexts = []

    def _checker(phone: bool) -> Checker:
        context = browser.new_context(base_url=base_url, viewport=PHONE if phone else DESK)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return Checker(page, phone)

    yield _checker
    for context in contexts:
        context.close()


@pytest.mark.parametrize("role", ["admin", "coordinator", "mentor", "mentee"])
def test_main_pages_have_no_serious_violations(role, institution, checker, sign_in):
    check = checker(phone=role in PHONE_ROLES)
    sign_in(institution[role], target=check.page)
    for url in _pages(institution)[role]:
        check.visit(url)
    assert check.problems == []


def test_pages_after_a_form_have_no_serious_violations(institution, checker, sign_in, tmp_path):
    """Matching draft, roster preview (clean and with problems) and result, and forms showing errors."""
    check = checker(phone=False)
    page = check.page
    sign_in(institution["admin"], target=page)

    page.goto("/matching/")
    page.get_by_label("Kind of pairing").select_option(label="Wellness")
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", name=re.compile("Matching draft"))).to_be_visible()
    check("matching draft")

    template = tmp_path / "roster.xlsx"
    template.write_bytes(build_template(template_sheets(goals=False), current_app.config["MEETING_TOPICS"]))
    page.goto("/roster/")
    page.get_by_label("Roster file").set_input_files(str(template))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("button", name="Import now")).to_be_visible()
    check("roster preview")
    page.get_by_role("button", name="Import now").click()
    expect(page.get_by_role("heading", name=re.compile("Roster imported"))).to_be_visible()
    check("roster result")

    book = openpyxl.load_workbook(io.BytesIO(template.read_bytes()))
    book["Mentees"]["E2"] = "eleven"  # PGY
    book["Meetings"]["D2"] = 0  # minutes
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    page.goto("/roster/")
    page.get_by_label("Roster file").set_input_files(str(broken))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text(re.compile(r"\d+ problems? found"))).to_be_visible()
    check("roster preview with problems")

    page.goto("/roster/")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Choose a file to import.")).to_be_visible()
    check("roster upload with an error")

    page.goto("/people/mentees/new")
    page.get_by_role("button", name="Save").click()
    check("mentee form with errors")

    page.goto(f"/pairings/{institution['pairing'].id}")
    page.get_by_role("button", name="End pairing").click()
    expect(page.get_by_text("Choose a reason.")).to_be_visible()
    check("end pairing with an error")

    # A saved run after a change, applied, and the list of past runs.
    page.goto("/matching/")
    page.get_by_label("Kind of pairing").select_option(label="Wellness")
    page.get_by_role("button", name="Run matching").click()
    page.get_by_role("button", name="Save my changes and show their scores").click()
    expect(page.get_by_text("Your changes are saved in this run")).to_be_visible()
    check("saved run after a change")
    page.get_by_role("button", name="Apply: create these pairings").click()
    expect(page.get_by_text(re.compile("is applied; its page keeps"))).to_be_visible()
    check("applied run")
    page.goto("/matching/")
    expect(page.get_by_role("heading", name="Past runs")).to_be_visible()
    check("past runs")
    assert check.problems == []


@pytest.mark.parametrize("phone", [False, True], ids=["1280px", "390px"])
def test_a_sign_in_email_the_coordinator_may_not_change_is_read_only_and_says_why(
    institution, checker, sign_in, phone
):
    """The resident has signed in before: their email is the GME office's to change."""
    check = checker(phone=phone)
    page = check.page
    sign_in(institution["coordinator"], target=page)
    check.visit(f"/people/{institution['mentee_person']}/mentee/edit")
    email = page.get_by_label("Email")
    expect(email).to_have_attribute("readonly", "")
    expect(page.get_by_text(re.compile("Only the GME office can change this email"))).to_be_visible()
    email.fill("someone@else.example", force=True)  # a read-only field takes no typing
    expect(email).to_have_value("res@example.org")
    page.get_by_label("PGY").fill("3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert check.problems == []


def test_phone_forms_with_errors_and_the_one_click_pages(institution, checker, sign_in):
    """The meeting form with errors, the one-click form, its answer pages and the sign-in pages, at 390 px."""
    check = checker(phone=True)
    page = check.page
    check.visit("/auth/login")
    check.visit("/auth/forgot")
    token = factories.log_link_token(institution["pairing"], current_app.config["SECRET_KEY"])
    db.session.commit()
    check.visit(f"/meetings/quick/{token}")
    page.get_by_label("Minutes").fill("0")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text(re.compile("Enter 1 to 600 minutes"))).to_be_visible()
    check("one-click form with an error")
    page.get_by_label("Minutes").fill("20")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Meeting logged, thank you")).to_be_visible()
    check("one-click done")
    page.goto(f"/meetings/quick/{token}")  # the same link again in this browser: its form was sent
    expect(page.get_by_role("heading", name="Already logged")).to_be_visible()
    check("one-click already logged")
    check.visit(f"/meetings/quick/{token[:-4]}xxxx", status=400)
    check.visit("/no-such-page", status=404)

    sign_in(institution["mentor"], target=page)
    page.goto(f"/meetings/pairing/{institution['pairing'].id}/new")
    page.get_by_label("Date").fill((TODAY + dt.timedelta(days=3)).isoformat())
    page.get_by_label("Minutes").fill("")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("Enter how many minutes you met.")).to_be_visible()
    check("meeting form with errors")
    assert check.problems == []


FOCUS_OUTLINE = """(() => {
  let el = document.activeElement;
  if (el.classList.contains('btn-check')) el = el.nextElementSibling;  // the label is what shows
  const s = getComputedStyle(el);
  return [el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 30),
          s.outlineStyle, parseFloat(s.outlineWidth)];
})()"""


def test_keyboard_focus_is_visible(institution, checker, sign_in):
    """Tabbing reaches the skip link first, then every control draws a visible focus outline."""
    check = checker(phone=False)
    page = check.page
    sign_in(institution["mentor"], target=page)
    page.goto(f"/meetings/pairing/{institution['pairing'].id}/new")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    seen, faint = [], []
    for _ in range(20):
        page.keyboard.press("Tab")
        name, style, width = page.evaluate(FOCUS_OUTLINE)
        seen.append(name)
        if style in ("none", "hidden") or width < 2:
            faint.append(f"{name}: outline {style} {width}px")
    assert any(name.startswith("A ") for name in seen) and any(name.startswith("INPUT") for name in seen)
    assert faint == []
