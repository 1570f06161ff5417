"""The event pages: organizing, RSVP in the app and from the invitation link (scanner-proof), the QR
check-in screen and page, the printable sheet and bulk attendance."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Event, Invitation
from mentorship.services.events import events as svc
from tests.events import helpers as h
from tests.security import world as W


def _soon(app, minutes: int = 30) -> dt.datetime:
    """A start time `minutes` from now on the office's clock (check-in is open from an hour before)."""
    return svc.office_now(app.config["TIMEZONE"]) + dt.timedelta(minutes=minutes)


@pytest.fixture
def world(app, pair, f):
    start = _soon(app)
    event = h.event(
        program_ids=[pair.program.id],
        title="Coffee chat",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    return pair, event


def _mine(event, person) -> Invitation:
    return next(i for i in event.invitations if i.person_id == person.id)


def test_admin_creates_an_event_and_its_audience_is_invited(app, pair, f, login):
    admin = login(f.user(f.person(), is_admin=True))
    start = _soon(app, 60 * 24)
    response = admin.post(
        "/events/new",
        {
            "title": "Research symposium",
            "kind": "research_symposium",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Auditorium B",
            "program_ids": str(pair.program.id),
            "for_mentees": "y",
            "for_mentors": "y",
            "capacity": "50",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    event = db.session.execute(select(Event)).scalar_one()
    assert {i.person.email for i in event.invitations} == {"mentor@example.org", "mentee@example.org"}
    page = admin.get(f"/events/{event.id}").get_data(as_text=True)
    assert "2 invited" in page and "0 going of 50 places" in page


def test_a_coordinator_cannot_organize_for_another_program(app, pair, f, login):
    other = f.program("Surgery")
    coord = login(pair.coordinator)
    start = _soon(app, 600)
    response = coord.post(
        "/events/new",
        {
            "title": "Panel",
            "kind": "career_panel",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "program_ids": str(other.id),
            "for_mentees": "y",
        },
    )
    assert response.status_code == 200
    assert "is not a valid choice" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Event.id))).scalar_one() == 0


def test_bad_times_are_named_on_the_form(app, pair, login):
    coord = login(pair.coordinator)
    start = _soon(app, 600)
    response = coord.post(
        "/events/new",
        {
            "title": "Panel",
            "kind": "career_panel",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "program_ids": str(pair.program.id),
            "for_mentees": "y",
        },
    )
    assert response.status_code == 200
    assert "The end cannot be before the start." in response.get_data(as_text=True)


def test_only_the_invited_and_staff_in_scope_see_an_event(world, f, login):
    pair, event = world
    assert login(pair.mentee_user).get(f"/events/{event.id}").status_code == 200
    assert login(pair.coordinator).get(f"/events/{event.id}").status_code == 200
    stranger = f.mentee(f.person("stranger@example.org"), f.program("Other"))
    assert login(f.user(stranger.person)).get(f"/events/{event.id}").status_code == 404
    other_coord = f.user(f.person(), programs=[f.program("Elsewhere")])
    assert login(other_coord).get(f"/events/{event.id}").status_code == 404


def test_rsvp_in_the_app(world, login):
    pair, event = world
    mentee = login(pair.mentee_user)
    assert mentee.post(f"/events/{event.id}/rsvp", {"rsvp": "going"}).status_code == 302
    db.session.expire_all()
    assert _mine(event, pair.mentee.person).rsvp == "going"
    assert mentee.post(f"/events/{event.id}/rsvp", {"rsvp": "maybe"}).status_code == 400


def test_the_invitation_link_is_scanner_proof(world, client):
    pair, event = world
    inv = _mine(event, pair.mentee.person)
    url = f"/events/invitation/{inv.token}"
    db.session.commit()  # the fixture's writes are the starting point (the client would commit them first)
    before = W.snapshot()
    for _ in range(2):  # a mail scanner, then the person
        page = client.get(url)
        assert page.status_code == 200 and "Going" in page.get_data(as_text=True)
    assert W.snapshot() == before
    from tests.conftest import csrf_from

    token = csrf_from(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "rsvp": "going"}).status_code == 302
    after = W.snapshot(skip_audit=True)
    changed = {t for t in after if after[t] != before[t]}
    # The answer, and the data version that it raises (the Events sheet counts who is going).
    assert changed == {"invitations", "data_version"}
    db.session.expire_all()
    assert _mine(event, pair.mentee.person).rsvp == "going"
    assert (
        db.session.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "event.rsvp")
        ).scalar()
        == 1
    )


def test_check_in_from_the_qr_code(world, client, login):
    pair, event = world
    url = f"/events/check-in/{event.checkin_key}"
    anonymous = client.get(url).get_data(as_text=True)
    assert "Sign in to check in" in anonymous
    mentee = login(pair.mentee_user)
    before = W.snapshot()
    assert "Check in as Riley Mentee" in mentee.get(url).get_data(as_text=True)
    assert W.snapshot() == before  # opening the page writes nothing
    assert mentee.post(url).status_code == 302
    assert mentee.post(url).status_code == 302  # a second tap counts once
    page = mentee.get(url).get_data(as_text=True)
    assert "You are checked in" in page
    db.session.expire_all()
    inv = _mine(event, pair.mentee.person)
    assert inv.attended and inv.checked_in_at is not None
    assert sum(i.attended for i in db.session.get(Event, event.id).invitations) == 1


def test_check_in_with_the_invitation_link(world, client):
    pair, event = world
    inv = _mine(event, pair.mentor.person)
    from tests.conftest import csrf_from

    url = f"/events/invitation/{inv.token}"
    token = csrf_from(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "action": "check_in"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Invitation, inv.id).attended


def test_check_in_closed_outside_the_window(app, pair, login):
    start = _soon(app, 3 * 60)
    event = h.event(program_ids=[pair.program.id], starts_at=start, ends_at=start + dt.timedelta(hours=1))
    mentee = login(pair.mentee_user)
    url = f"/events/check-in/{event.checkin_key}"
    assert "Check-in opens at" in mentee.get(url).get_data(as_text=True)
    mentee.post(url)
    db.session.expire_all()
    assert not _mine(event, pair.mentee.person).attended


def test_organizer_screen_sheet_and_attendance(world, login):
    pair, event = world
    coord = login(pair.coordinator)
    screen = coord.get(f"/events/{event.id}/check-in-screen").get_data(as_text=True)
    assert "<svg" in screen and f"/events/check-in/{event.checkin_key}" in screen
    sheet = coord.get(f"/events/{event.id}/sheet").get_data(as_text=True)
    assert "<svg" in sheet and "Mentee, Riley" in sheet and "Mentor, Morgan" in sheet
    inv = _mine(event, pair.mentor.person)
    assert coord.post(f"/events/{event.id}/attendance", {"attended": str(inv.id)}).status_code == 302
    db.session.expire_all()
    assert [i.person.email for i in db.session.get(Event, event.id).invitations if i.attended] == [
        "mentor@example.org"
    ]
    # Mentors and mentees never organize.
    assert login(pair.mentor_user).get(f"/events/{event.id}/check-in-screen").status_code == 403


def test_cancelling(world, login):
    pair, event = world
    coord = login(pair.coordinator)
    assert coord.post(f"/events/{event.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).cancelled_at is not None
    page = login(pair.mentee_user).get(f"/events/{event.id}").get_data(as_text=True)
    assert "Cancelled" in page and 'value="going"' not in page
