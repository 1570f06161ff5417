"""Enrollment in the browser: lists, filters, adding and editing people, scope and permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, MenteeProfile, MentorProfile, Person


@pytest.fixture
def world(f):
    """Two programs, a coordinator of each, mentors and mentees, and an admin."""
    a, b = f.program("Internal Medicine"), f.program("Surgery")
    w = {
        "a": a,
        "b": b,
        "admin": f.user(is_admin=True),
        "coord_a": f.user(programs=[a]),
        "coord_b": f.user(programs=[b]),
        "mentee_a": f.mentee(f.person("ria@example.org", "Ria", "Alvarez"), a, pgy=2, interests=["research"]),
        "mentee_b": f.mentee(f.person("sam@example.org", "Sam", "Baker"), b, pgy=3),
        "mentor_1": f.mentor(f.person("mo@example.org", "Mo", "Chen"), department="Medicine"),
        "mentor_2": f.mentor(f.person("jo@example.org", "Jo", "Diaz"), department="Surgery"),
    }
    f.pairing(w["mentor_1"], w["mentee_a"])
    f.pairing(w["mentor_2"], w["mentee_b"])
    w["mentor_user_1"] = f.user(w["mentor_1"].person)
    w["mentor_user_2"] = f.user(w["mentor_2"].person)
    w["mentee_user_a"] = f.user(w["mentee_a"].person)
    return w


def test_admin_lists_every_mentee_and_filters(world, login):
    browser = login(world["admin"])
    page = browser.get("/people/mentees").get_data(as_text=True)
    assert "ria@example.org" in page and "sam@example.org" in page
    page = browser.get(f"/people/mentees?program={world['b'].id}").get_data(as_text=True)
    assert "sam@example.org" in page and "ria@example.org" not in page
    page = browser.get("/people/mentees?pgy=2").get_data(as_text=True)
    assert "ria@example.org" in page and "sam@example.org" not in page
    page = browser.get("/people/mentees?q=ALVA").get_data(as_text=True)
    assert "ria@example.org" in page and "sam@example.org" not in page


def test_left_people_are_filtered(world, login, f):
    world["mentee_b"].left_on = dt.date.today() - dt.timedelta(days=1)
    browser = login(world["admin"])
    assert "sam@example.org" not in browser.get("/people/mentees").get_data(as_text=True)
    assert "sam@example.org" in browser.get("/people/mentees?status=left").get_data(as_text=True)
    assert "ria@example.org" not in browser.get("/people/mentees?status=left").get_data(as_text=True)


def test_bad_filter_values_get_a_message_naming_the_filter(world, login):
    browser = login(world["admin"])
    for query, label in (
        ("pgy=abc", "PGY"),
        ("program=xyz", "Program"),
        (f"program={2**63}", "Program"),
        ("status=bogus", "Status"),
        ("page=-4", "Page"),
        ("page=zz", "Page"),
        (f"page={10**30}", "Page"),
    ):
        response = browser.get(f"/people/mentees?{query}")
        assert response.status_code == 400, query
        assert f"{label}: " in response.get_data(as_text=True), query


def test_lists_page_through(f, login):
    admin = f.user(is_admin=True)
    program = f.program()
    for i in range(30):
        f.mentee(f.person(f"m{i:02d}@example.org", "M", f"Last{i:02d}"), program)
    browser = login(admin)
    first = browser.get("/people/mentees").get_data(as_text=True)
    second = browser.get("/people/mentees?page=2").get_data(as_text=True)
    assert "m00@example.org" in first and "m29@example.org" not in first
    assert "m29@example.org" in second
    assert "30 in all" in first


def test_coordinator_sees_only_their_programs(world, login):
    browser = login(world["coord_a"])
    mentees = browser.get("/people/mentees").get_data(as_text=True)
    assert "ria@example.org" in mentees and "sam@example.org" not in mentees
    mentors = browser.get("/people/mentors").get_data(as_text=True)
    assert "mo@example.org" in mentors and "jo@example.org" not in mentors
    assert browser.get(f"/people/{world['mentee_b'].person_id}").status_code == 403
    assert browser.get(f"/people/{world['mentor_2'].person_id}").status_code == 403
    assert browser.get(f"/people/{world['mentee_a'].person_id}").status_code == 200
    assert browser.get(f"/people/{world['mentee_b'].person_id}/mentee/edit").status_code == 403


def test_mentor_cannot_open_another_mentors_page(world, login):
    browser = login(world["mentor_user_1"])
    assert browser.get(f"/people/{world['mentor_2'].person_id}").status_code == 403
    assert browser.get(f"/people/{world['mentee_b'].person_id}").status_code == 403
    # Their own mentee's page is fine, without the staff controls.
    page = browser.get(f"/people/{world['mentee_a'].person_id}")
    assert page.status_code == 200
    assert b"Edit mentee" not in page.data


@pytest.mark.parametrize(
    "url", ["/people/mentees", "/people/mentors", "/people/mentees/new", "/people/mentors/new"]
)
def test_staff_pages_refuse_mentors_and_mentees(world, login, url):
    assert login(world["mentor_user_1"]).get(url).status_code == 403
    assert login(world["mentee_user_a"]).get(url).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(f"/people/{world['mentee_a'].person_id}")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_unknown_person_is_404(world, login):
    assert login(world["admin"]).get("/people/999999").status_code == 404


def test_coordinator_enrolls_a_mentor_and_a_mentee(world, login):
    browser = login(world["coord_a"])
    response = browser.post(
        "/people/mentors/new",
        {
            "email": "  New.Mentor@Example.org ",
            "first_name": "Nia",
            "last_name": "O'Neil",
            "mentor_type": "faculty",
            "department": "Medicine",
            "program_id": world["a"].id,
            "capacity": 2,
            "interests": "Research; global health;research",
        },
    )
    assert response.status_code == 302, response.data
    mentor = db.session.execute(
        select(MentorProfile).join(Person).where(Person.email == "new.mentor@example.org")
    ).scalar_one()
    assert mentor.capacity == 2 and mentor.interests == ["global health", "research"]
    assert mentor.enrolled_on == dt.date.today()
    response = browser.post(
        "/people/mentees/new",
        {
            "email": "resident@example.org",
            "first_name": "Zoë",
            "last_name": "Ünal",
            "program_id": world["a"].id,
            "pgy": 1,
        },
    )
    assert response.status_code == 302, response.data
    mentee = db.session.execute(
        select(MenteeProfile).join(Person).where(Person.email == "resident@example.org")
    ).scalar_one()
    assert mentee.program_id == world["a"].id and mentee.person.first_name == "Zoë"
    actions = set(db.session.execute(select(AuditEvent.action)).scalars())
    assert {"mentor.create", "mentee.create"} <= actions


def test_coordinator_cannot_enrol_into_another_program(world, login):
    browser = login(world["coord_a"])
    response = browser.post(
        "/people/mentees/new",
        {
            "email": "x@example.org",
            "first_name": "X",
            "last_name": "Y",
            "program_id": world["b"].id,
            "pgy": 1,
        },
    )
    assert response.status_code == 200
    assert b"Not a valid choice" in response.data
    assert (
        db.session.execute(
            select(func.count()).select_from(Person).where(Person.email == "x@example.org")
        ).scalar()
        == 0
    )


def test_duplicate_email_names_the_existing_person(world, login):
    browser = login(world["admin"])
    response = browser.post(
        "/people/mentees/new",
        {
            "email": "RIA@example.org",
            "first_name": "Other",
            "last_name": "Person",
            "program_id": world["a"].id,
            "pgy": 1,
        },
    )
    assert response.status_code == 200
    assert b"ria@example.org already belongs to Ria Alvarez." in response.data


def test_existing_mentee_can_be_enrolled_as_near_peer_mentor(world, login):
    browser = login(world["admin"])
    response = browser.post(
        "/people/mentors/new",
        {
            "email": "ria@example.org",
            "first_name": "Ria",
            "last_name": "Alvarez",
            "mentor_type": "near_peer",
            "program_id": world["a"].id,
            "pgy": 3,
            "capacity": 1,
        },
    )
    assert response.status_code == 302, response.data
    person = db.session.execute(select(Person).where(Person.email == "ria@example.org")).scalar_one()
    assert person.mentor is not None and person.mentee is not None


def test_form_errors_are_shown_next_to_fields(world, login):
    browser = login(world["admin"])
    response = browser.post(
        "/people/mentees/new",
        {"email": "not-an-email", "first_name": "", "last_name": "L", "program_id": world["a"].id, "pgy": 12},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Invalid email address." in text
    assert "This field is required." in text
    assert "Number must be between 1 and 10." in text
    response = browser.post(
        "/people/mentors/new",
        {
            "email": "np@example.org",
            "first_name": "N",
            "last_name": "P",
            "mentor_type": "near_peer",
            "capacity": 2,
            "program_id": 0,
        },
    )
    assert b"A near-peer mentor needs a PGY level." in response.data


def test_edit_and_mark_left(world, login):
    browser = login(world["admin"])
    pid = world["mentee_a"].person_id
    response = browser.post(
        f"/people/{pid}/mentee/edit",
        {
            "email": "ria@example.org",
            "first_name": "Ria",
            "last_name": "Alvarez-Smith",
            "program_id": world["a"].id,
            "pgy": 3,
            "interests": "QI",
        },
    )
    assert response.status_code == 302
    mentee = db.session.get(MenteeProfile, world["mentee_a"].id)
    assert (mentee.pgy, mentee.person.last_name, mentee.interests) == (3, "Alvarez-Smith", ["qi"])
    response = browser.post(f"/people/{pid}/mentee/leave", {"left_on": "2026-01-15"})
    assert response.status_code == 302
    assert db.session.get(MenteeProfile, world["mentee_a"].id).left_on == dt.date(2026, 1, 15)
    response = browser.post(f"/people/{pid}/mentee/leave", {"left_on": "1999-01-01"}, follow_redirects=True)
    assert b"cannot be before the date enrolled" in response.data


def test_demographics_only_for_those_granted(world, login, f):
    from mentorship.services.people import set_self_identification

    set_self_identification(world["mentee_a"].person, gender="woman", races=["asian"], urim="no")
    pid = world["mentee_a"].person_id
    assert b"Self-identification" in login(world["admin"]).get(f"/people/{pid}").data
    assert b"Self-identification" not in login(world["coord_a"]).get(f"/people/{pid}").data
    assert b"Self-identification" not in login(world["mentor_user_1"]).get(f"/people/{pid}").data
    granted = f.user(programs=[world["a"]], view_demographics=True)
    page = login(granted).get(f"/people/{pid}").get_data(as_text=True)
    assert "Self-identification" in page and "Asian" in page
    views = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "demographics.view")).scalars().all()
    )
    assert len(views) == 2 and all("woman" not in str(v.details) for v in views)


def test_invite_sends_a_link(world, login, caplog):
    browser = login(world["admin"])
    with caplog.at_level("INFO"):
        response = browser.post(f"/people/{world['mentor_2'].person_id}/invite")
    assert response.status_code == 302
    assert "/auth/password/invite/" in caplog.text
