"""Invitations to sign in, in bulk: `flask users invite` and the people lists' button, recorded and shown
on the person's page, never a second one while the first still works."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AccountInvitation, AuditEvent, OutboundEmail, User
from mentorship.services.meetings import utcnow
from tests.factories import PASSWORD
from tests.mail.smtp import html, text

INVITE_RE = re.compile(r"http://localhost(/auth/password/invite/\S+)")


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


@pytest.fixture
def people(f):
    """Enrolled in Surgery: two mentees and a mentor without accounts, one mentee with a password and one
    who left; in Pediatrics one mentee; a coordinator of Surgery."""
    surgery, peds = f.program("General Surgery"), f.program("Pediatrics")
    new = [
        f.mentee(f.person("ana@example.org", "Ana", "Able"), prog=surgery).person,
        f.mentee(f.person("ben@example.org", "Ben", "Baker"), prog=surgery).person,
        f.mentor(f.person("cai@example.org", "Cai", "Cole"), program_id=surgery.id).person,
    ]
    signed_up = f.mentee(f.person("dee@example.org", "Dee", "Done"), prog=surgery).person
    f.user(signed_up)
    f.mentee(f.person("eli@example.org", "Eli", "Gone"), prog=surgery, left_on=dt.date(2021, 1, 1))
    other = f.mentee(f.person("fay@example.org", "Fay", "Far"), prog=peds).person
    coordinator = f.user(f.person("coord@example.org", "Casey", "Coord"), programs=[surgery])
    db.session.commit()
    return surgery, new, other, coordinator


def test_dry_run_lists_who_and_sends_and_records_nothing(runner, people, smtp):
    _surgery, new, other, _coordinator = people
    users_before = _count(User)
    result = runner.invoke(args=["users", "invite", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines == [
        "ana@example.org\tAna Able",
        "ben@example.org\tBen Baker",
        "cai@example.org\tCai Cole",
        "fay@example.org\tFay Far",
        "4 person(s) would be invited; nothing was sent or recorded.",
    ]
    assert smtp.messages == []
    assert (_count(AccountInvitation), _count(OutboundEmail), _count(AuditEvent), _count(User)) == (
        0,
        0,
        0,
        users_before,
    )


def test_invite_sends_once_records_and_a_rerun_sends_nothing(runner, people, smtp):
    surgery, new, _other, _coordinator = people
    result = runner.invoke(args=["users", "invite", "--program", "general surgery"])
    assert result.exit_code == 0, result.output
    assert "3 invitation(s) sent." in result.output
    assert sorted(r for rcpts, _m in smtp.messages for r in rcpts) == [p.email for p in new]
    [msg] = smtp.to("ana@example.org")
    body = text(msg)
    assert msg["Subject"] == "You are invited to the mentorship program"
    assert "the GME office invites you to sign in to the mentorship program of General Surgery" in body
    assert "you see who your mentor is" in body and "Write to the GME office." in body
    assert INVITE_RE.search(body) and "Choose your password" in html(msg)
    assert _count(AccountInvitation) == 3
    assert _count(AuditEvent, AuditEvent.action == "users.invite") == 1
    again = runner.invoke(args=["users", "invite", "--program", "General Surgery"])
    assert again.exit_code == 0 and "0 invitation(s) sent." in again.output
    assert len(smtp.messages) == 3 and _count(AccountInvitation) == 3


def test_an_expired_invitation_is_sent_again_and_an_unknown_program_is_an_error(runner, people, smtp):
    _surgery, new, _other, _coordinator = people
    assert runner.invoke(args=["users", "invite", "--program", "General Surgery"]).exit_code == 0
    mine = select(AccountInvitation).where(AccountInvitation.person_id == new[0].id)
    first = db.session.scalars(mine).one()
    first.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["users", "invite", "--dry-run", "--program", "General Surgery"])
    assert result.output.splitlines()[0] == "ana@example.org\tAna Able"
    assert "1 person(s) would be invited" in result.output
    bad = runner.invoke(args=["users", "invite", "--program", "Nope"])
    assert bad.exit_code == 1 and "No program called 'Nope'." in bad.output


def test_the_button_invites_the_coordinators_programs_only_and_names_them(login, people, smtp):
    surgery, new, other, coordinator = people
    browser = login(coordinator)
    page = browser.get("/people/mentees")
    assert "3 people enrolled in your programs cannot sign in yet" in page.text
    response = browser.post("/people/invite", data={"program": 0, "back": "mentee"}, follow_redirects=True)
    assert response.status_code == 200 and "3 invitation(s) are on their way." in response.text
    assert sorted(r for rcpts, _m in smtp.messages for r in rcpts) == [p.email for p in new]
    [msg] = smtp.to("cai@example.org")
    assert msg["Subject"] == "Casey Coord invites you to the mentorship program"
    assert msg["Reply-To"] == "coord@example.org"
    assert "Write to Casey Coord: coord@example.org" in text(msg) and "log your meetings" in text(msg)
    assert "Everyone enrolled" in browser.get("/people/mentees").text
    # A program outside the coordinator's scope is refused, and nobody is invited.
    refused = browser.post("/people/invite", data={"program": other.mentee.program_id}, follow_redirects=True)
    assert "Not a valid choice" in refused.text and len(smtp.messages) == 3


def test_the_persons_page_shows_the_invitations_and_the_link_marks_one_used(app, login, people, smtp, client):
    _surgery, new, _other, coordinator = people
    browser = login(coordinator)
    browser.post(f"/people/{new[0].id}/invite")
    page = browser.get(f"/people/{new[0].id}").text
    assert "Invitations sent" in page and "by Casey Coord: not used yet, works until" in page
    [path] = INVITE_RE.findall(text(smtp.to("ana@example.org")[0]))
    form = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    done = client.post(path, data={"csrf_token": token, "password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302, done.get_data(as_text=True)[:1000]
    assert "by Casey Coord: used on" in browser.get(f"/people/{new[0].id}").text


def test_a_staff_account_from_the_admin_page_is_a_recorded_invitation_sent_once(f, login, people, smtp):
    surgery, new, _other, _coordinator = people
    admin = f.user(f.person("ada@example.org", "Ada", "Admin"), is_admin=True)
    browser = login(admin)
    form = {"first_name": "Nu", "last_name": "Coord", "is_coordinator": "y", "programs": [surgery.id]}
    response = browser.post("/admin/users/new", {"email": "nu@example.org", **form}, follow_redirects=True)
    assert "Account created; an invitation was sent to nu@example.org." in response.text
    [record] = db.session.scalars(select(AccountInvitation)).all()
    assert record.person.email == "nu@example.org" and record.invited_by_id == admin.id
    assert record.expires_at == record.created_at + dt.timedelta(hours=72)
    [(rcpts, msg)] = smtp.messages
    assert rcpts == ["nu@example.org"] and msg["Subject"] == "Ada Admin invites you to the mentorship program"
    body = text(msg)
    assert "Ada Admin invites you to sign in to the mentorship program of General Surgery" in body
    assert "you follow the program's mentors, mentees and pairings" in body
    assert "Write to Ada Admin: ada@example.org" in body and INVITE_RE.search(body)
    assert _count(AuditEvent, AuditEvent.action == "user.invite") == 1
    page = browser.get(f"/people/{record.person_id}").text
    assert "Invitations sent" in page and "by Ada Admin: not used yet, works until" in page
    # Someone whose first invitation still works gets the staff account, and no second invitation.
    browser.post(f"/people/{new[1].id}/invite")
    again = browser.post("/admin/users/new", {"email": new[1].email, **form}, follow_redirects=True)
    assert "has a working invitation: none sent." in again.text
    assert len(smtp.messages) == 2 and _count(AccountInvitation) == 2
    assert db.session.get(User, new[1].user.id).is_coordinator
