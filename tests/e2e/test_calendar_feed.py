"""A mentee turns on the calendar feed on My profile, a calendar app reads it, a new address revokes the
old, and turning it off ends it: at desk width and on a phone, with axe on each state of the page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from mentorship.extensions import db
from tests.e2e.test_accessibility import Checker, checker  # noqa: F401  (the fixture)
from tests.factories import PASSWORD
from tests.security import world as W

TODAY = dt.date.today()


@pytest.mark.parametrize("narrow", [False, True], ids=["1280px", "390px"])
def test_turn_on_replace_and_turn_off_the_feed(narrow, checker, f, client):  # noqa: F811
    mentor = f.mentor(f.person("mentor@example.org", "Morgan", "Mentor"))
    mentee = f.mentee(
        f.person("feed@example.org", "Fay", "Feed-Reader-With-A-Long-Name"), f.program("Surgery")
    )
    pairing = f.pairing(mentor, mentee, start_date=TODAY - dt.timedelta(days=40))
    plan = W.planned(pairing, days=4)
    user = f.user(mentee.person)
    db.session.commit()
    check: Checker = checker(narrow)
    page = check.page
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    check.visit("/profile/")
    page.get_by_role("button", name="Turn on my calendar feed").click()
    first = page.get_by_label("Your calendar address (shown once)").input_value()
    check("feed on")
    path = "/profile/feed/" + first.rsplit("/profile/feed/", 1)[1]
    assert plan.uid.encode() in client.get(path).data
    page.goto("/profile/")
    page.get_by_role("button", name="Make a new address (the old one stops working)").click()
    second = page.get_by_label("Your calendar address (shown once)").input_value()
    assert second != first and client.get(path).status_code == 404
    page.goto("/profile/")
    page.get_by_role("button", name="Turn off my calendar feed").click()
    expect(page.get_by_text("Your feed is off.")).to_be_visible()
    check("feed off")
    assert client.get("/profile/feed/" + second.rsplit("/profile/feed/", 1)[1]).status_code == 404
    assert not check.problems, "\n".join(check.problems)
