"""A coordinator in the browser, at 390 px and 1280 px: sends a pair's introduction again from the pair's
page and invites everyone not signed up yet from the Mentees list; both pages are axe clean and fit."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from playwright.sync_api import expect

from mentorship.extensions import db
from tests.e2e import test_accessibility as a11y

checker = a11y.checker


def _wait_for(smtp, count: int) -> None:
    # This thread's open read (SQLite) would hold up the server's job, which writes the rows it sent.
    db.session.rollback()
    deadline = time.monotonic() + 30
    while len(smtp.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(smtp.messages) == count


@pytest.fixture
def program_people(f):
    program = f.program("General Surgery")
    mentor = f.mentor(f.person("lena@example.org", "Lena", "Park"), program_id=program.id)
    mentee = f.mentee(f.person("riley@example.org", "Riley", "Chen"), program)
    pairing = f.pairing(mentor, mentee, start_date=dt.date.today())
    coordinator = f.user(f.person("casey@example.org", "Casey", "Coord"), programs=[program])
    db.session.commit()
    return pairing, coordinator


@pytest.mark.parametrize("phone", [True, False], ids=["390px", "1280px"])
def test_resend_and_bulk_invite_buttons(phone, program_people, checker, sign_in, smtp):
    pairing, coordinator = program_people
    check = checker(phone=phone)
    if not phone:
        check.page.set_viewport_size(a11y.DESK)
    page = sign_in(coordinator, target=check.page)

    check.visit(f"/pairings/{pairing.id}")
    expect(page.get_by_text("No introduction email has gone out for this pairing.")).to_be_visible()
    page.get_by_role("button", name="Send the introduction again").click()
    expect(page.get_by_text("The introduction is on its way to Lena Park and Riley Chen.")).to_be_visible()
    check("pairing page after the resend")
    _wait_for(smtp, 2)  # sent just after the response, by the server's thread
    assert sorted(r for rcpts, _m in smtp.messages for r in rcpts) == [
        "lena@example.org",
        "riley@example.org",
    ]

    check.visit("/people/mentees")
    expect(page.get_by_text("2 people enrolled in your programs cannot sign in yet")).to_be_visible()
    page.get_by_role("button", name="Invite everyone not signed up yet").click()
    expect(page.get_by_text("2 invitation(s) are on their way.")).to_be_visible()
    check("mentees list after the invitations")
    expect(
        page.get_by_text("Everyone enrolled can sign in or has an invitation that still works.")
    ).to_be_visible()
    _wait_for(smtp, 4)
    assert check.problems == [], "\n".join(check.problems)
