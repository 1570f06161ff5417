"""Coordinator and admin screens at 390 px and 1280 px: every staff page is axe clean and never scrolls
sideways; the lists a coordinator works from on a phone (matching draft, pairings, Needs attention, people,
dashboard) become stacked cards with nothing scrolling inside them either; the admin menu fits one line at
desk width and opens without JavaScript; the dashboard's downloads carry the program picked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mentorship.extensions import db
from tests.e2e import test_accessibility as a11y
from tests.e2e.conftest import no_horizontal_scroll
from tests.factories import PASSWORD

DESK, _pages = a11y.DESK, a11y._pages
# The same people and pages as the accessibility test (its fixtures, shared).
institution, checker = a11y.institution, a11y.checker

# The pages a coordinator works from on a phone: no table may scroll sideways inside them either.
PHONE_LISTS = ("/dashboard/", "/people/mentees", "/people/mentors", "/pairings/", "/reminders/attention")

INNER_SCROLL = """() => [...document.querySelectorAll('body *')].filter(e => {
  const s = getComputedStyle(e);
  return ['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1;
}).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.'))"""


def _inner_scrollers(page) -> list[str]:
    return page.evaluate(INNER_SCROLL)


def _run_matching(page) -> None:
    page.goto("/matching/")
    page.get_by_label("Kind of pairing").select_option(label="Wellness")
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", name=re.compile("Matching draft"))).to_be_visible()


@pytest.mark.parametrize("width", ["390px", "1280px"])
@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_every_staff_page_fits_and_is_axe_clean(role, width, institution, checker, sign_in):
    check = checker(phone=True)  # the sideways check at both widths
    if width == "1280px":
        check.page.set_viewport_size(DESK)
    sign_in(institution[role], target=check.page)
    for url in _pages(institution)[role]:
        check.visit(url)
        if width == "390px" and url in PHONE_LISTS:
            check.problems += [f"{url}: {e} scrolls sideways" for e in _inner_scrollers(check.page)]
    _run_matching(check.page)
    check("matching draft")
    if width == "390px":
        check.problems += [f"matching draft: {e} scrolls sideways" for e in _inner_scrollers(check.page)]
    assert check.problems == [], "\n".join(check.problems)


def test_the_matching_draft_on_a_phone_is_cards_with_a_full_width_mentor_choice(
    institution, checker, sign_in
):
    check = checker(phone=True)
    page = check.page
    sign_in(institution["coordinator"], target=page)
    _run_matching(page)
    choice = page.locator("select[id^=mentor-]").first
    expect(choice).to_be_visible()
    row = page.locator("table.table-stack tbody tr").first
    choice_box, row_box = choice.bounding_box(), row.bounding_box()
    assert choice_box["width"] >= row_box["width"] - 24, (
        choice_box,
        row_box,
    )  # the card's width, less padding
    assert (
        page.locator("table.table-stack thead").bounding_box()["width"] <= 1
    )  # headers only for screen readers
    assert row.locator("td[data-label=Mentee]").is_visible()
    assert _inner_scrollers(page) == [] and no_horizontal_scroll(page)


def test_lists_are_stacked_cards_on_a_phone_and_tables_at_a_desk(institution, checker, sign_in):
    check = checker(phone=True)
    page = check.page
    sign_in(institution["coordinator"], target=page)
    page.goto("/pairings/")
    cell = page.locator("table.table-stack tbody tr").first.locator("td").first
    assert cell.evaluate("e => getComputedStyle(e).display") == "flow-root"
    assert cell.evaluate("e => getComputedStyle(e, '::before').content") == '"Mentee"'
    page.set_viewport_size(DESK)
    page.goto("/pairings/")
    assert cell.evaluate("e => getComputedStyle(e).display") == "table-cell"


def test_the_admin_menu_fits_one_line_at_1280px_and_opens_without_javascript(institution, browser, base_url):
    db.session.commit()
    context = browser.new_context(base_url=base_url, viewport=DESK, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/auth/login")
        page.get_by_label("Email").fill(institution["admin"].email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto("/dashboard/")
        tops = page.evaluate(
            "() => [...document.querySelectorAll('#nav > ul > li')]"
            ".map(li => Math.round(li.getBoundingClientRect().top))"
        )
        assert len(set(tops)) == 1, f"the menu wraps onto {len(set(tops))} lines: {tops}"
        assert page.locator("nav[aria-label=Main]").bounding_box()["height"] < 80
        audit_link = page.get_by_role("link", name="Audit log")
        expect(audit_link).to_be_hidden()
        page.get_by_text("Admin", exact=True).click()
        expect(audit_link).to_be_visible()
        assert no_horizontal_scroll(page)
        audit_link.click()
        expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
        assert page.locator("summary.nav-link.active").inner_text().strip() == "Admin"
    finally:
        context.close()


def test_a_coordinator_does_not_see_the_admin_menu(institution, page, sign_in):
    sign_in(institution["coordinator"])
    page.goto("/dashboard/")
    expect(page.get_by_text("Admin", exact=True)).to_have_count(0)


def test_downloads_carry_the_program_picked_before_show_is_pressed(institution, page, sign_in, f):
    sign_in(institution["admin"])
    page.goto("/dashboard/")
    program = page.get_by_label("Program", exact=True)
    program.select_option(label="Internal Medicine")
    chosen = program.input_value()
    year = page.get_by_label("Academic year", exact=True).input_value()
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"^Engagement")).click()
    url = download.value.url
    assert f"program={chosen}" in url and f"year={year}" in url, url
    assert download.value.suggested_filename.endswith(".xlsx")
