"""Mentor and mentee pages at 390 px with long names, long unbroken text and many topics: the page itself
never scrolls sideways (a table inside .table-responsive may)."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app

from mentorship.extensions import db
from tests import factories
from tests.e2e.conftest import no_horizontal_scroll

TODAY = dt.date.today()
LONG = "Wolfeschlegelsteinhausenbergerdorff"


@pytest.fixture
def crowded(f):
    program = f.program("Obstetrics and Gynecology Residency Program of the University Hospital")
    mentor = f.mentor(
        f.person(f"maximiliana.{LONG.lower()}@department-of-medicine.example.org", "Maximiliana", LONG),
        department="Department of Internal Medicine and Population Health",
        interests=["research", "global health", "quality improvement", "medical education"],
    )
    mentee = f.mentee(
        f.person(f"bartholomew.{LONG.lower()}@residents.example.org", "Bartholomew", LONG + "-Smythe"),
        program,
        interests=["research", "wellness"],
    )
    pairing = f.pairing(mentor, mentee, start_date=TODAY - dt.timedelta(days=120))
    topics = list(current_app.config["MEETING_TOPICS"])
    meeting = f.meeting(
        pairing,
        TODAY - dt.timedelta(days=3),
        topics=topics,
        notes="https://example.org/" + "a-very-long-link-without-spaces-" * 6,
        logged_by_id=mentor.person_id,
    )
    f.meeting(pairing, TODAY - dt.timedelta(days=40), topics=topics, status="cancelled")
    ended = f.pairing(
        mentor,
        mentee,
        kind="research",
        start_date=TODAY - dt.timedelta(days=500),
        end_date=TODAY - dt.timedelta(days=200),
        end_reason="completed",
    )
    return {
        "mentor": f.user(mentor.person),
        "mentee": f.user(mentee.person),
        "pairing": pairing,
        "ended": ended.id,
        "meeting": meeting.id,
    }


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_no_sideways_scrolling_at_390px(role, crowded, phone, sign_in):
    pid = crowded["pairing"].id
    pages = [
        "/",
        "/profile/",
        f"/profile/{role}",
        "/profile/self-identification",
        f"/meetings/pairing/{pid}",
        f"/meetings/pairing/{pid}/new",
        f"/meetings/pairing/{crowded['ended']}",
        "/auth/password",
    ]
    if role == "mentor":
        pages.append(f"/meetings/{crowded['meeting']}/edit")
    sign_in(crowded[role], target=phone)
    wide = []
    for url in pages:
        response = phone.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        if not no_horizontal_scroll(phone):
            wide.append(url)
    # The menu open does not widen the page either.
    phone.goto("/")
    phone.get_by_role("button", name="Menu").tap()
    phone.get_by_role("link", name="My profile").wait_for()
    if not no_horizontal_scroll(phone):
        wide.append("/ with the menu open")
    assert wide == []


def test_one_click_pages_fit_a_phone(crowded, phone):
    token = factories.log_link_token(crowded["pairing"], current_app.config["SECRET_KEY"])
    db.session.commit()
    phone.goto(f"/meetings/quick/{token}")
    assert no_horizontal_scroll(phone)
    phone.get_by_role("button", name="Save meeting").tap()
    phone.get_by_role("heading", name="Meeting logged, thank you").wait_for()
    assert no_horizontal_scroll(phone)
