"""Planning a meeting on a phone, seeing it at a desk, and "Did it happen?" in one tap (axe at 1280 and
390 px)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import Meeting, PlannedMeeting
from tests.e2e.conftest import no_horizontal_scroll
from tests.e2e.test_accessibility import AXE, BLOCKING

DESK = {"width": 1280, "height": 900}


def _serious(page, name: str) -> list[str]:
    results = AXE.run(page)
    return [
        f"{name}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def _reload() -> None:
    db.session.rollback()
    db.session.expire_all()


@pytest.fixture
def pair(f):
    program = f.program("Internal Medicine")
    mentor = f.mentor(f.person("mo@example.org", "Mo", "Reyes"))
    mentor.person.phone, mentor.person.availability = "+1 617 555 0100", "Tue/Thu after 4 pm"
    mentee = f.mentee(f.person("ria@example.org", "Ria", "Sato"), program)
    pairing = f.pairing(mentor, mentee, start_date=dt.date.today() - dt.timedelta(days=40))
    return {"pairing": pairing, "mentor": f.user(mentor.person), "mentee": f.user(mentee.person)}


def test_the_mentee_plans_on_a_phone_the_mentor_sees_it_and_one_tap_records_it(
    phone, page, sign_in, pair, smtp
):
    problems: list[str] = []
    day = dt.date.today() + dt.timedelta(days=7)

    # The mentee, on her phone: her mentor's contact is on her home page; she plans a meeting.
    sign_in(pair["mentee"], target=phone)
    card = phone.get_by_role("region", name="Mo Reyes")
    expect(card.get_by_role("link", name="mo@example.org")).to_have_attribute("href", "mailto:mo@example.org")
    expect(card.get_by_role("link", name="+1 617 555 0100")).to_have_attribute("href", "tel:+16175550100")
    card.get_by_role("link", name="Plan a meeting with Mo Reyes").tap()
    expect(phone.get_by_role("heading", name="Plan a meeting with Mo Reyes")).to_be_visible()
    problems += _serious(phone, "plan form (390)")
    assert no_horizontal_scroll(phone)
    phone.get_by_label("Date").fill(day.isoformat())
    phone.get_by_label("Time").fill("16:30")
    phone.get_by_label("Minutes").fill("45")
    phone.get_by_label("Place or video link").fill("Clinic B, room 4")
    phone.get_by_label("Agenda (optional)").fill("Fellowship applications")
    phone.get_by_role("button", name="Save and send invitations").tap()
    expect(phone.get_by_text("Meeting planned.")).to_be_visible()
    expect(phone.get_by_text("Fellowship applications")).to_be_visible()
    problems += _serious(phone, "pair page with a plan (390)")
    assert no_horizontal_scroll(phone)
    deadline = time.monotonic() + 10
    while len(smtp.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # the emails go after the response
    assert sorted(r for rcpts, _ in smtp.messages for r in rcpts) == ["mo@example.org", "ria@example.org"]

    # The mentor, at his desk, sees it on his home page and downloads the calendar file.
    page.set_viewport_size(DESK)
    sign_in(pair["mentor"])
    card = page.get_by_role("region", name="Ria Sato")
    expect(card.get_by_text("Planned")).to_be_visible()
    expect(card.get_by_text("4:30 pm")).to_be_visible()
    problems += _serious(page, "mentor home with a plan (1280)")
    page.goto(f"/pairings/{pair['pairing'].id}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")

    # A week later (moved back in the database): both home pages ask, and one tap records it as held.
    _reload()
    plan = db.session.execute(select(PlannedMeeting)).scalar_one()
    plan.starts_at -= dt.timedelta(days=9)
    db.session.commit()
    phone.goto("/")
    expect(phone.get_by_role("heading", name="Did it happen?")).to_be_visible()
    problems += _serious(phone, "mentee home asking (390)")
    assert no_horizontal_scroll(phone)
    page.goto("/")
    expect(page.get_by_role("heading", name="Did it happen?")).to_be_visible()
    problems += _serious(page, "mentor home asking (1280)")
    page.get_by_role("button", name="Held as planned").click()
    expect(page.get_by_text("Recorded: the meeting of")).to_be_visible()
    expect(page.get_by_role("heading", name="Did it happen?")).to_have_count(0)
    phone.reload()
    expect(phone.get_by_role("heading", name="Did it happen?")).to_have_count(0)
    _reload()
    [meeting] = db.session.execute(select(Meeting)).scalars().all()
    assert (meeting.status, meeting.duration_minutes, meeting.logged_as) == ("held", 45, "mentor")
    db.session.commit()
    assert problems == []
