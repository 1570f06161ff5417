"""The door of an event: the organizer shows the QR check-in screen at desk width; a resident on a phone
opens the check-in link, signs in, taps Check in and is counted. axe on each page."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect
from sqlalchemy import select

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import Invitation
from mentorship.services.events import events as svc
from tests.e2e.test_accessibility import Checker, checker  # noqa: F401  (the fixture)
from tests.factories import PASSWORD


def test_organizer_shows_the_qr_code_and_a_resident_checks_in_by_phone(app, f, checker):  # noqa: F811
    prog = f.program("Internal Medicine")
    resident = f.mentee(f.person("ria.sato@example.org", "Ria", "Sato"), prog, pgy=2)
    coordinator = f.user(f.person("coord@example.org", "Casey", "Coord"), programs=[prog])
    start = svc.office_now(app.config["TIMEZONE"]) + dt.timedelta(minutes=20)
    event = svc.create_event(
        svc.EventInput(
            title="Research night", kind="networking", starts_at=start, ends_at=start + dt.timedelta(hours=2),
            place="Atrium", program_ids=[prog.id],
        ),
        organizer=coordinator.person,
        scope=Scope(frozenset({prog.id})),
        now=start,
    )  # fmt: skip
    resident_user = f.user(resident.person)
    db.session.commit()

    desk: Checker = checker(False)
    page = desk.page
    page.goto("/auth/login")
    page.get_by_label("Email").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    desk.visit(f"/events/{event.id}")
    page.get_by_role("link", name="Check-in screen (QR code)").click()
    expect(page.locator(".checkin-qr svg")).to_be_visible()
    desk("check-in screen")
    link = page.locator("#checkin-url a").get_attribute("href")
    assert link and re.search(r"/events/check-in/\S+$", link)

    phone: Checker = checker(True)
    mobile = phone.page
    mobile.goto(link)  # the camera opens the code's address
    phone("check-in page, signed out")
    mobile.get_by_role("link", name="Sign in to check in").click()  # tap 1
    mobile.get_by_label("Email").fill(resident_user.email)
    mobile.get_by_label("Password").fill(PASSWORD)
    mobile.get_by_role("button", name="Sign in").click()  # tap 2: back on the check-in page
    expect(mobile.get_by_role("button", name="Check in as Ria Sato")).to_be_visible()
    phone("check-in page, signed in")
    mobile.get_by_role("button", name="Check in as Ria Sato").click()  # tap 3
    expect(mobile.get_by_text("You are checked in. Welcome!")).to_be_visible()
    phone("checked in")
    assert not phone.problems and not desk.problems, phone.problems + desk.problems

    db.session.expire_all()
    invitation = db.session.execute(
        select(Invitation).where(Invitation.person_id == resident.person_id)
    ).scalar_one()
    assert invitation.attended and invitation.checked_in_at is not None
    page.reload()
    expect(page.get_by_text("1 checked in so far")).to_be_visible()
