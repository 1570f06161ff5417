"""No account takeover by a coordinator: who may change a sign-in email or send an invitation, what an
email change does to the person's sessions and links, password resets soon after a change, and enrolment
that never pulls someone from outside a coordinator's programs into them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import AuditEvent, Person, User
from mentorship.services import accounts
from mentorship.services import people as people_service
from tests.conftest import csrf_from
from tests.security import world as W

NOW = dt.datetime(2026, 3, 2, 14, 30)
NEW_EMAIL = "someone.else@attacker.example"


def _never_signed_in(person: Person, **grants) -> User:
    """An account as an invitation creates it: no password, no sign-in yet."""
    user = accounts.ensure_user(person)
    for name, value in grants.items():
        setattr(user, name, value)
    db.session.flush()
    return user


# ---------------------------------------------------------------------------------------------------------
# The predicate
# ---------------------------------------------------------------------------------------------------------


def _people(f):
    a, b = f.program("Program A"), f.program("Program B")
    scope = Scope(frozenset({a.id}))
    return a, b, scope


def test_a_coordinator_manages_only_never_signed_in_non_staff_people_of_their_programs(f):
    a, b, scope = _people(f)
    no_account = f.mentee(f.person("new@example.org"), a)
    invited = f.mentee(f.person("invited@example.org"), a)
    _never_signed_in(invited.person)
    faculty_a = f.mentor(f.person("faculty-a@example.org"), program_id=a.id)
    assert accounts.may_manage_login(scope, no_account.person)
    assert accounts.may_manage_login(scope, invited.person)
    assert accounts.may_manage_login(scope, faculty_a.person)

    with_password = f.mentee(f.person("pw@example.org"), a)
    f.user(with_password.person)
    signed_in = f.mentee(f.person("signed-in@example.org"), a)
    _never_signed_in(signed_in.person).last_login_at = NOW  # an SSO sign-in sets no password
    admin = f.mentee(f.person("admin-resident@example.org"), a)
    _never_signed_in(admin.person, is_admin=True)
    coordinator = f.mentor(f.person("coord-mentor@example.org"), program_id=a.id)
    _never_signed_in(coordinator.person, is_coordinator=True)
    elsewhere_too = f.mentee(f.person("both@example.org"), a)
    f.mentor(elsewhere_too.person, program_id=b.id)  # also a near-peer mentor of program B
    homeless_faculty = f.mentor(f.person("faculty@example.org"))  # no program: nobody's scope
    f.pairing(homeless_faculty, no_account)  # paired with a mentee of A: visible, but not A's to manage
    nobody = f.person("no-role@example.org")
    for person in (
        with_password.person,
        signed_in.person,
        admin.person,
        coordinator.person,
        elsewhere_too.person,
        homeless_faculty.person,
        nobody,
    ):
        assert not accounts.may_manage_login(scope, person), person.email
        assert accounts.may_manage_login(Scope(None), person), person.email  # admins may


def test_a_refused_email_change_changes_nothing(f):
    a, _b, scope = _people(f)
    mentee = f.mentee(f.person("resident@example.org", "Riley", "Resident"), a)
    user = f.user(mentee.person)
    with pytest.raises(accounts.LoginManagedByOffice, match="Ask the GME office"):
        accounts.update_identity(
            mentee.person, NEW_EMAIL, "Riley", "Renamed", scope=scope, now=NOW, actor=None
        )
    assert (mentee.person.email, mentee.person.last_name) == ("resident@example.org", "Resident")
    assert mentee.person.email_changed_at is None and user.session_version == 1


def test_an_email_change_is_recorded_and_signs_the_person_out_everywhere(f):
    a, _b, _scope = _people(f)
    mentee = f.mentee(f.person("resident@example.org", "Riley", "Resident"), a)
    user = f.user(mentee.person)
    reset = accounts.make_password_token(user, "reset")
    change = accounts.update_identity(
        mentee.person, " New@Example.org ", "Riley", "R", scope=Scope(None), now=NOW, actor=None
    )
    assert (change.old, change.new, change.at) == ("resident@example.org", "new@example.org", NOW)
    person = mentee.person
    assert (person.email, person.previous_email, person.email_changed_at) == (
        "new@example.org",
        "resident@example.org",
        NOW,
    )
    assert user.session_version == 2
    with pytest.raises(accounts.TokenError):  # a link emailed to the old address is void
        accounts.read_password_token(reset, "reset")


def test_the_previous_address_counts_for_24_hours(f):
    person = f.person("p@example.org")
    accounts.update_identity(person, "q@example.org", "P", "Q", scope=Scope(None), now=NOW, actor=None)
    assert accounts.recent_previous_email(person, NOW + dt.timedelta(hours=23, minutes=59)) == "p@example.org"
    assert accounts.recent_previous_email(person, NOW + dt.timedelta(hours=24, minutes=1)) is None


def test_a_coordinator_cannot_enrol_someone_known_outside_their_programs(f):
    a, b, scope = _people(f)
    admin = f.user(f.person("boss@example.org"), is_admin=True)
    other_mentee = f.mentee(f.person("b-resident@example.org"), b)
    for email in (admin.email, other_mentee.person.email):
        with pytest.raises(
            people_service.OutsideScope, match="already enrolled elsewhere; ask the GME office"
        ):
            people_service.enroll_by_email(
                "mentor", email.upper(), "X", "Y", scope=scope, actor=None, program_id=a.id
            )
    assert admin.person.mentor is None and other_mentee.person.mentor is None
    # Someone already in scope may take another role; an admin may enrol anyone.
    own = f.mentee(f.person("a-resident@example.org"), a)
    people_service.enroll_by_email(
        "mentor", own.person.email, "", "", scope=scope, actor=None, program_id=a.id, pgy=3
    )
    people_service.enroll_by_email("mentor", admin.email, "", "", scope=Scope(None), actor=None)
    assert own.person.mentor is not None and admin.person.mentor is not None


# ---------------------------------------------------------------------------------------------------------
# The pages
# ---------------------------------------------------------------------------------------------------------


def _edit_fields(person: Person, program_id: int, **changes) -> dict:
    return {
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "mentor_type": "faculty",
        "program_id": str(program_id),
        "capacity": "3",
        "pgy": "2",
        **changes,
    }


def test_coordinator_cannot_change_the_email_of_a_mentor_who_has_signed_in(app, login):
    w = W.build_world()
    mentor = w.mentor_a.person
    browser = login(w.users["coordA"])
    page = browser.get(f"/people/{mentor.id}/mentor/edit").get_data(as_text=True)
    field = re.search(r"<input[^>]*id=\"email\"[^>]*>", page).group(0)
    assert "readonly" in field
    assert accounts.LOGIN_MANAGED_BY_OFFICE in page
    before = W.snapshot()
    response = browser.post(
        f"/people/{mentor.id}/mentor/edit", data=_edit_fields(mentor, w.prog_a.id, email=NEW_EMAIL)
    )
    assert response.status_code == 403
    assert accounts.LOGIN_MANAGED_BY_OFFICE in response.get_data(as_text=True)
    assert W.snapshot() == before  # not even the other fields
    # The same form without the forged email saves.
    saved = browser.post(
        f"/people/{mentor.id}/mentor/edit", data=_edit_fields(mentor, w.prog_a.id, capacity="5")
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert w.mentor_a.capacity == 5 and mentor.email == "mentor-a@example.org"


def test_coordinator_may_correct_the_email_of_someone_not_yet_signed_in(app, login, f, smtp):
    w = W.build_world()
    newcomer = f.mentee(f.person("typo@exmaple.org", "Nia", "New"), w.prog_a)
    db.session.commit()
    browser = login(w.users["coordA"])
    page = browser.get(f"/people/{newcomer.person_id}/mentee/edit").get_data(as_text=True)
    assert "readonly" not in re.search(r"<input[^>]*id=\"email\"[^>]*>", page).group(0)
    fields = _edit_fields(newcomer.person, w.prog_a.id, email="nia@example.org", pgy="1")
    assert browser.post(f"/people/{newcomer.person_id}/mentee/edit", data=fields).status_code == 302
    db.session.expire_all()
    assert newcomer.person.email == "nia@example.org" and newcomer.person.previous_email == "typo@exmaple.org"
    [body] = smtp.bodies_to("typo@exmaple.org")
    assert "changed to nia@example.org by Coord A (coord-a@example.org)" in body
    # Still never signed in: the coordinator may send the invitation, and it goes to the corrected address.
    assert browser.post(f"/people/{newcomer.person_id}/invite").status_code == 302
    assert "/auth/password/invite/" in smtp.bodies_to("nia@example.org")[0]


def test_inviting_a_person_with_a_staff_role_is_refused(app, login, f):
    w = W.build_world()
    # A near-peer mentor of program A who is also a coordinator of program B, and has never signed in.
    staff = f.mentor(
        f.person("staff-mentor@example.org"), program_id=w.prog_a.id, mentor_type="near_peer", pgy=4
    )
    _never_signed_in(staff.person, is_coordinator=True).programs = [w.prog_b]
    db.session.commit()
    browser = login(w.users["coordA"])
    before = W.snapshot()
    response = browser.post(f"/people/{staff.person_id}/invite")
    assert response.status_code == 403
    assert accounts.LOGIN_MANAGED_BY_OFFICE in response.get_data(as_text=True)
    assert W.snapshot() == before
    # Nor someone who has signed in before (the invitation would reset their password).
    assert browser.post(f"/people/{w.mentee_a.person_id}/invite").status_code == 403


def test_admin_email_change_ends_old_sessions_and_tells_the_old_address(app, login, smtp):
    w = W.build_world()
    mentee = w.mentee_a.person
    victim = login(w.users["mentee"])  # the person's own browser, signed in before the change
    assert victim.get("/profile/").status_code == 200
    admin = login(w.users["admin"])
    fields = _edit_fields(mentee, w.prog_a.id, email="riley.new@example.org", pgy="1")
    assert admin.post(f"/people/{mentee.id}/mentee/edit", data=fields).status_code == 302
    response = victim.get("/profile/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    [body] = smtp.bodies_to("mentee-a@example.org")
    assert "Your sign-in email for the mentorship program was changed to riley.new@example.org" in body
    assert "by Ada Admin (admin@example.org) on " in body and "contact the GME office" in body
    [notice] = [msg for rcpts, msg in smtp.messages if rcpts == ["mentee-a@example.org"]]
    assert notice.is_multipart() and app.config["OFFICE_CONTACT"] in notice.get_body(("html",)).get_content()
    db.session.expire_all()
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "person.email_change")
    ).scalar_one()
    assert event.details == {"old": "mentee-a@example.org", "new": "riley.new@example.org"}
    assert event.actor_id == w.users["admin"].id
    assert admin.get("/people/mentees").status_code == 200  # the admin's own session goes on


def test_reset_soon_after_an_email_change_also_tells_the_old_address(app, client, f, smtp):
    person = f.person("old@example.org", "Sam", "Moved")
    f.user(person)
    accounts.update_identity(
        person,
        "new@example.org",
        "Sam",
        "Moved",
        scope=Scope(None),
        now=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        actor=None,
    )
    db.session.commit()

    def forgot(email: str) -> str:
        token = csrf_from(client.get("/auth/forgot").get_data(as_text=True))
        response = client.post(
            "/auth/forgot", data={"email": email, "csrf_token": token}, follow_redirects=True
        )
        # The page's CSRF token carries the second it was signed: compare the answers without it.
        return re.sub(r'value="[^"]*"', 'value=""', response.get_data(as_text=True))

    answer = forgot("new@example.org")
    assert "/auth/password/reset/" in smtp.bodies_to("new@example.org")[0]
    [notice] = smtp.bodies_to("old@example.org")
    assert "The link went to new@example.org" in notice and "/auth/password" not in notice
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "password.reset_notice")
    ).scalar_one()
    assert event.details == {"to": "old@example.org", "reset_to": "new@example.org"}
    # The same answer whether or not the account exists; nothing is sent for an unknown address.
    assert forgot("nobody@example.org") == answer
    assert forgot("old@example.org") == answer
    assert len(smtp.messages) == 2
    # A day later a reset goes to the new address only.
    person.email_changed_at -= dt.timedelta(hours=25)
    db.session.commit()
    forgot("new@example.org")
    assert len(smtp.bodies_to("old@example.org")) == 1 and len(smtp.bodies_to("new@example.org")) == 2


def test_coordinator_add_mentor_form_refuses_an_existing_admin(app, login):
    w = W.build_world()
    browser = login(w.users["coordA"])
    before = W.snapshot()
    fields = {
        "email": "ADMIN@example.org",
        "first_name": "Ada",
        "last_name": "Admin",
        "mentor_type": "faculty",
        "program_id": str(w.prog_a.id),
        "capacity": "3",
    }
    page = browser.post("/people/mentors/new", data=fields).get_data(as_text=True)
    assert (
        "admin@example.org is already enrolled elsewhere; ask the GME office to add them to your program."
        in page
    )
    assert W.snapshot() == before


def test_an_admin_who_changes_their_own_email_stays_signed_in_here_only(app, login, f, smtp):
    admin = f.user(f.person("ada@example.org", "Ada", "Admin"), is_admin=True)
    f.mentor(admin.person, department="Medicine")  # also a faculty mentor, so there is an edit page
    db.session.commit()
    other_device, here = login(admin), login(admin)
    fields = _edit_fields(admin.person, 0, email="ada.admin@example.org")
    assert here.post(f"/people/{admin.person_id}/mentor/edit", data=fields).status_code == 302
    assert here.get("/people/mentors").status_code == 200
    assert "/auth/login" in other_device.get("/people/mentors").headers["Location"]
    assert smtp.bodies_to("ada@example.org")
