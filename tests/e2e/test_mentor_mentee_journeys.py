"""Mentors and mentees on their phones: logging a meeting, the one-click link of a reminder email, confirming
a meeting, the pulse check, and the pages they must not reach."""

from __future__ import annotations

import datetime as dt
import re
import socket

import pytest
from flask import current_app
from playwright.sync_api import expect
from sqlalchemy import func, select

from mentorship.extensions import db, mail
from mentorship.models import Meeting, Pairing, PulseCheck
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.metrics.definitions import on_track_threshold
from tests.e2e.conftest import no_horizontal_scroll
from tests.mail import smtp as smtp_server

TODAY = dt.date.today()


def _reload() -> None:
    db.session.rollback()
    db.session.expire_all()


def _meetings(pairing_id: int) -> int:
    _reload()
    count = db.session.execute(
        select(func.count()).select_from(Meeting).where(Meeting.pairing_id == pairing_id)
    ).scalar_one()
    db.session.commit()
    return count


@pytest.fixture
def pair(f):
    """Mo Reyes (mentor) and Ria Sato (mentee, Internal Medicine), both with accounts, paired 90 days ago
    and never met since: overdue."""
    program = f.program("Internal Medicine")
    mentor = f.mentor(f.person("mo@example.org", "Mo", "Reyes"))
    mentee = f.mentee(f.person("ria@example.org", "Ria", "Sato"), program)
    pairing = f.pairing(mentor, mentee, start_date=TODAY - dt.timedelta(days=90))
    return {
        "program": program,
        "pairing": pairing,
        "mentor": f.user(mentor.person),
        "mentee": f.user(mentee.person),
    }


def test_mentor_on_a_phone_logs_a_meeting_and_the_pairing_turns_on_track(phone, sign_in, pair, f):
    # Just enough older meetings this year that one more reaches the on-track threshold of today.
    config = current_app.config
    ay = academic_year(
        year_of(TODAY, config["ACADEMIC_YEAR_START_MONTH"]), config["ACADEMIC_YEAR_START_MONTH"]
    )
    needed = on_track_threshold(ay, TODAY, config["ENGAGEMENT_TARGET"])
    pairing = pair["pairing"]
    pairing.start_date = min(pairing.start_date, ay.start)
    for i in range(max(needed - 1, 0)):
        f.meeting(pairing, ay.start + dt.timedelta(days=i), confirmed_at=dt.datetime(2020, 1, 1))
    sign_in(pair["mentor"], target=phone)

    card = phone.get_by_role("region", name="Ria Sato")
    expect(card.get_by_text("Overdue")).to_be_visible()
    assert no_horizontal_scroll(phone)
    # Two taps with the defaults (today, 30 minutes, in person, held).
    card.get_by_role("link", name=re.compile("^Log a meeting")).tap()
    expect(phone.get_by_role("heading", name="Log a meeting")).to_be_visible()
    assert no_horizontal_scroll(phone)
    phone.get_by_role("button", name="Save meeting").tap()

    expect(phone.get_by_text("Meeting logged. Ria will be asked to confirm it.")).to_be_visible()
    card = phone.get_by_role("region", name="Ria Sato")
    expect(card.get_by_text("On track")).to_be_visible()
    expect(card.get_by_text("Overdue")).to_have_count(0)
    expect(card.locator("dd").first).to_have_text(TODAY.isoformat())  # last meeting
    assert no_horizontal_scroll(phone)
    _reload()
    logged = db.session.execute(select(Meeting).where(Meeting.date == TODAY)).scalar_one()
    assert (logged.duration_minutes, logged.modality, logged.status, logged.logged_as) == (
        30,
        "in_person",
        "held",
        "mentor",
    )


def test_a_double_tap_or_a_resubmit_logs_the_meeting_once(page, sign_in, pair):
    sign_in(pair["mentor"])
    page.get_by_role("link", name=re.compile("^Log a meeting")).click()
    page.get_by_label("Minutes").fill("25")
    form = page.evaluate("Object.fromEntries(new FormData(document.querySelector('main form')).entries())")
    page.get_by_role("button", name="Save meeting").dblclick()
    expect(page.get_by_text(re.compile("Meeting logged|already logged"))).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert _meetings(pair["pairing"].id) == 1
    # The same form sent again (as "back" then "send" would): refused, still one meeting.
    resent = page.request.post(f"/meetings/pairing/{pair['pairing'].id}/new", form=form)
    assert resent.ok and "This meeting was already logged." in resent.text()
    assert _meetings(pair["pairing"].id) == 1


@pytest.fixture
def smtp(app, monkeypatch, live_server):
    """A local SMTP server receiving the app's mail; links in mail point at the live server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller, inbox = smtp_server.start("127.0.0.1", port)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    monkeypatch.setitem(app.extensions, "mail", mail.init_mail(app.config, testing=False))
    yield inbox
    controller.stop()


def test_one_click_link_from_a_reminder_logs_once_without_a_password(pair, smtp, runner, browser, base_url):
    db.session.commit()
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "1 pairing(s) reminded." in result.output
    to_mentor = smtp.bodies_to("mo@example.org")
    assert len(to_mentor) == 1
    body = to_mentor[0]
    link = re.search(rf"{re.escape(base_url)}/meetings/quick/\S+", body).group(0)

    # A fresh browser on the mentor's phone: no session, no password.
    context = browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(link)
        expect(page.get_by_role("heading", name="Log a meeting with Ria Sato")).to_be_visible()
        assert no_horizontal_scroll(page)
        page.get_by_label("Minutes").fill("45")
        page.get_by_text("Video", exact=True).tap()
        form = page.evaluate(
            "Object.fromEntries(new FormData(document.querySelector('main form')).entries())"
        )
        page.get_by_role("button", name="Save meeting").tap()
        expect(page.get_by_role("heading", name="Meeting logged, thank you")).to_be_visible()
        expect(page.get_by_text("45", exact=True)).to_be_visible()
        assert _meetings(pair["pairing"].id) == 1

        # Back to the form and send it again: nothing new is logged.
        page.go_back()
        expect(page.get_by_role("heading", name="Already logged")).to_be_visible()
        resent = context.request.post(link, form=form)
        assert resent.ok and "Already logged" in resent.text()
        assert _meetings(pair["pairing"].id) == 1
        meeting = db.session.execute(select(Meeting)).scalar_one()
        assert (meeting.duration_minutes, meeting.modality, meeting.logged_as) == (45, "video", "mentor")

        # Anyone else holding the link (a forwarded email, another phone) cannot log with it again.
        other = browser.new_context(base_url=base_url)
        try:
            other_page = other.new_page()
            other_page.goto(link)
            expect(other_page.get_by_role("heading", name="Already logged")).to_be_visible()
            assert other_page.get_by_role("button", name="Save meeting").count() == 0
        finally:
            other.close()
        assert _meetings(pair["pairing"].id) == 1

        # The link opens no other page of the site.
        response = page.goto("/")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        assert "/auth/login" in page.url and response.ok
    finally:
        context.close()


def test_mentee_confirms_a_meeting_the_mentor_logged(phone, sign_in, pair, f):
    pairing = pair["pairing"]
    meeting = f.meeting(
        pairing, TODAY - dt.timedelta(days=2), minutes=40, logged_by_id=pairing.mentor.person_id
    )
    sign_in(pair["mentee"], target=phone)
    waiting = phone.get_by_role("region", name="Please confirm")
    expect(waiting).to_contain_text("Mo logged a meeting with you")
    expect(waiting).to_contain_text("40 min")
    assert no_horizontal_scroll(phone)
    waiting.get_by_role("button", name="Confirm").tap()
    expect(phone.get_by_text("Thanks, the meeting is confirmed.")).to_be_visible()
    expect(phone.get_by_role("region", name="Please confirm")).to_have_count(0)
    _reload()
    assert db.session.get(Meeting, meeting.id).confirmed_at is not None


def test_mentee_answers_the_pulse_check_and_a_no_reaches_the_coordinator(phone, page, sign_in, pair, f):
    pairing = pair["pairing"]
    f.meeting(
        pairing,
        TODAY - dt.timedelta(days=20),
        logged_by_id=pairing.mentor.person_id,
        confirmed_at=dt.datetime(2020, 1, 1),
    )
    sign_in(pair["mentee"], target=phone)
    check = phone.get_by_role("region", name=re.compile("Quick check-in: you and Mo Reyes"))
    expect(check).to_be_visible()
    assert no_horizontal_scroll(phone)
    check.get_by_role("group", name=re.compile("How is this mentorship going")).get_by_text(
        "2", exact=True
    ).tap()
    check.get_by_role("group", name="Is this a good fit?").get_by_text("No", exact=True).tap()
    check.get_by_role("button", name="Send").tap()
    expect(phone.get_by_text("Thank you for answering.")).to_be_visible()
    expect(phone.get_by_role("region", name=re.compile("Quick check-in"))).to_have_count(0)
    _reload()
    answer = db.session.execute(select(PulseCheck)).scalar_one()
    assert (answer.rating, answer.fit) == (2, "no")
    db.session.commit()

    coordinator = f.user(f.person("coord@example.org", "Casey", "Coord"), programs=[pair["program"]])
    sign_in(coordinator)
    page.get_by_role("link", name="Needs attention", exact=True).click()
    row = page.get_by_role("row", name=re.compile("Ria Sato"))
    expect(row).to_contain_text("Flagged")
    expect(row).to_contain_text("mentee said “not a good fit”")
    expect(row.get_by_role("button", name="Mark resolved")).to_be_visible()


def test_mentor_cannot_reach_another_mentors_pairing_by_url(page, sign_in, pair, f):
    other = f.pairing(
        f.mentor(f.person("kim@example.org", "Kim", "Lee")),
        f.mentee(f.person("ned@example.org", "Ned", "Nash"), pair["program"]),
        start_date=TODAY - dt.timedelta(days=40),
    )
    meeting = f.meeting(other, TODAY - dt.timedelta(days=3), notes="Ned's private worries")
    sign_in(pair["mentor"])
    for url in (
        f"/meetings/pairing/{other.id}",
        f"/meetings/pairing/{other.id}/new",
        f"/meetings/{meeting.id}/edit",
        f"/pairings/{other.id}",
        "/people/mentees",
    ):
        response = page.goto(url)
        assert response.status in (403, 404), f"{url} answered {response.status}"
        expect(page.get_by_text("Ned")).to_have_count(0)
    assert _meetings(other.id) == 1
    assert db.session.get(Pairing, other.id).end_date is None
