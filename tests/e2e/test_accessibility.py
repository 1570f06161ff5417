"""axe-core on the main pages of every role: no serious or critical violations, and no sideways scrolling on
the pages mentors and mentees use on their phones."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import no_horizontal_scroll

AXE = Axe()
BLOCKING = {"serious", "critical"}


@pytest.fixture
def institution(f):
    program = f.program("Internal Medicine")
    mentor = f.mentor(
        f.person("mentor@example.org", "Mo", "Reyes"), department="Medicine", interests=["research"]
    )
    mentee = f.mentee(f.person("res@example.org", "Ria", "Sato"), program, pgy=2, interests=["research"])
    pairing = f.pairing(mentor, mentee, start_date=dt.date.today() - dt.timedelta(days=90))
    f.meeting(pairing, dt.date.today() - dt.timedelta(days=10), topics=["research"], notes="Private note")
    return {
        "admin": f.user(is_admin=True),
        "coordinator": f.user(programs=[program]),
        "mentor": f.user(mentor.person),
        "mentee": f.user(mentee.person),
        "mentee_person": mentee.person_id,
        "pairing": pairing.id,
    }


def _pages(institution) -> dict[str, list[str]]:
    pid, pairing = institution["mentee_person"], institution["pairing"]
    return {
        "admin": [
            "/dashboard/",
            "/people/mentees",
            "/people/mentors",
            f"/people/{pid}",
            "/people/mentees/new",
            "/people/mentors/new",
            "/pairings/",
            f"/pairings/{pairing}",
            "/matching/",
            "/roster/",
            "/reminders/attention",
            "/programs/",
            "/admin/users",
            "/admin/audit",
        ],
        "coordinator": ["/dashboard/", "/people/mentees", f"/people/{pid}/mentee/edit"],
        "mentor": [
            "/",
            "/profile/mentor",
            "/profile/self-identification",
            f"/meetings/pairing/{pairing}/new",
            f"/meetings/pairing/{pairing}",
        ],
        "mentee": ["/", "/profile/", "/profile/mentee", "/profile/self-identification"],
    }


PHONE_ROLES = {"mentor", "mentee"}


@pytest.mark.parametrize("role", ["admin", "coordinator", "mentor", "mentee"])
def test_main_pages_have_no_serious_violations(role, institution, browser, base_url, sign_in):
    width = 390 if role in PHONE_ROLES else 1280
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(institution[role], target=page)
    problems = []
    try:
        for url in _pages(institution)[role]:
            response = page.goto(url)
            assert response.status == 200, f"{url} answered {response.status}"
            results = AXE.run(page)
            for violation in results.response["violations"]:
                if violation["impact"] in BLOCKING:
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    problems.append(f"{url}: {violation['id']} ({violation['impact']}) {targets}")
            if role in PHONE_ROLES and not no_horizontal_scroll(page):
                problems.append(f"{url}: scrolls sideways at {width}px")
        assert problems == []
    finally:
        context.close()
