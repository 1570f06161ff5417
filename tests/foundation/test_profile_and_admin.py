"""Self-service profiles and self-identification; programs, grants and the audit log for admins."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, MenteeProfile, MentorProfile, Program, SelfIdentification, User


@pytest.fixture
def people(f):
    program = f.program("Pediatrics")
    mentor = f.mentor(f.person("mentor@example.org", "Mo", "Reyes"), capacity=3, department="Peds")
    other = f.mentor(f.person("other@example.org", "Ot", "Her"))
    mentee = f.mentee(f.person("res@example.org", "Ria", "Sato"), program, pgy=1)
    return {
        "program": program,
        "mentor": mentor,
        "other": other,
        "mentee": mentee,
        "mentor_user": f.user(mentor.person),
        "mentee_user": f.user(mentee.person),
        "admin": f.user(is_admin=True),
        "coord": f.user(programs=[program]),
    }


def test_mentor_edits_own_capacity_and_interests(people, login):
    browser = login(people["mentor_user"])
    response = browser.post(
        "/profile/mentor", {"department": "Pediatrics", "capacity": 5, "interests": "Wellness; QI"}
    )
    assert response.status_code == 302
    mentor = db.session.get(MentorProfile, people["mentor"].id)
    assert (mentor.capacity, mentor.department, mentor.interests) == (5, "Pediatrics", ["qi", "wellness"])
    response = browser.post("/profile/mentor", {"capacity": 0})
    assert response.status_code == 200 and b"Number must be between 1 and 30." in response.data


def test_mentee_sets_preferences(people, login):
    browser = login(people["mentee_user"])
    mentor_id, other_id = people["mentor"].id, people["other"].id
    response = browser.post(
        "/profile/mentee",
        {
            "interests": "research",
            "preferred": [mentor_id],
            "excluded": [other_id],
            "concordance_gender": "y",
        },
    )
    assert response.status_code == 302
    mentee = db.session.get(MenteeProfile, people["mentee"].id)
    assert [m.id for m in mentee.preferred] == [mentor_id] and [m.id for m in mentee.excluded] == [other_id]
    assert mentee.concordance_gender and not mentee.concordance_urim
    response = browser.post("/profile/mentee", {"preferred": [mentor_id], "excluded": [mentor_id]})
    assert b"cannot be both preferred and excluded" in response.data
    response = browser.post("/profile/mentee", {"preferred": [999999]})
    assert response.status_code == 200 and b"valid choice" in response.data


def test_self_identification_is_optional_and_private_in_the_audit(people, login):
    browser = login(people["mentee_user"])
    assert browser.post("/profile/self-identification", {}).status_code == 302
    selfid = db.session.execute(select(SelfIdentification)).scalar_one()
    assert selfid.gender is None and selfid.races == []
    response = browser.post(
        "/profile/self-identification",
        {
            "gender": "nonbinary",
            "races": ["asian", "hispanic_latino"],
            "urim": "prefer_not",
            "img": "no",
            "first_generation": "yes",
        },
    )
    assert response.status_code == 302
    db.session.refresh(selfid)
    assert (selfid.gender, selfid.race_codes, selfid.urim, selfid.img, selfid.first_generation) == (
        "nonbinary",
        ["asian", "hispanic_latino"],
        "prefer_not",
        "no",
        "yes",
    )
    page = browser.get("/profile/self-identification").get_data(as_text=True)
    assert 'value="nonbinary" checked' in page or 'checked id="gender-3"' in page or "checked" in page
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "self_identification.update")
    ).scalars()
    assert all("nonbinary" not in str(e.details) and "asian" not in str(e.details) for e in events)
    response = browser.post("/profile/self-identification", {"gender": "martian"})
    assert response.status_code == 200 and b"valid choice" in response.data


def test_the_profile_page_has_a_plain_title_and_one_calendar_feed_section(people, login):
    html = login(people["mentor_user"]).get("/profile/").get_data(as_text=True)
    assert "<title>My profile · Mentorship Program</title>" in html
    assert html.count('id="calendar-feed"') == 1


def test_profile_pages_need_the_role(people, login):
    assert login(people["mentee_user"]).get("/profile/mentor").status_code == 403
    assert login(people["mentor_user"]).get("/profile/mentee").status_code == 403
    assert login(people["admin"]).get("/profile/self-identification").status_code == 403


@pytest.mark.parametrize(
    "url", ["/programs/", "/programs/new", "/admin/users", "/admin/users/new", "/admin/audit"]
)
def test_admin_pages_refuse_everyone_else(people, login, url):
    for who in ("coord", "mentor_user", "mentee_user"):
        assert login(people[who]).get(url).status_code == 403, who
    assert login(people["admin"]).get(url).status_code == 200


def test_admin_manages_programs(people, login):
    browser = login(people["admin"])
    assert (
        browser.post(
            "/programs/new", {"name": "Cardiology", "specialty": "Cardiology", "kind": "fellowship"}
        ).status_code
        == 302
    )
    response = browser.post("/programs/new", {"name": " pediatrics ", "kind": "residency"})
    assert b"A program called Pediatrics already exists." in response.data
    response = browser.post("/programs/new", {"name": "X", "kind": "apprenticeship"})
    assert b"Not a valid choice" in response.data
    names = set(db.session.execute(select(Program.name)).scalars())
    assert names == {"Pediatrics", "Cardiology"}
    assert browser.get("/programs/99999/edit").status_code == 404


def test_admin_grants_and_audit(people, login):
    browser = login(people["admin"])
    coord = people["coord"]
    response = browser.post(
        f"/admin/users/{coord.id}",
        {"is_coordinator": "y", "programs": [people["program"].id], "view_demographics": "y"},
    )
    assert response.status_code == 302
    assert db.session.get(User, coord.id).view_demographics
    response = browser.post(f"/admin/users/{people['admin'].id}", {"is_coordinator": "y"})
    assert b"You cannot remove your own admin grant." in response.data
    audit = browser.get("/admin/audit?action=grants").get_data(as_text=True)
    assert "grants.change" in audit


def test_admin_creates_a_staff_account_with_an_invitation(people, login, caplog):
    browser = login(people["admin"])
    response = browser.post(
        "/admin/users/new",
        {"email": "new.coord@example.org", "is_coordinator": "y", "programs": [people["program"].id]},
    )
    assert b"enter the person&#39;s first and last name" in response.data
    with caplog.at_level("INFO"):
        response = browser.post(
            "/admin/users/new",
            {
                "email": "new.coord@example.org",
                "first_name": "Nu",
                "last_name": "Coord",
                "is_coordinator": "y",
                "programs": [people["program"].id],
            },
        )
    assert response.status_code == 302
    assert "/auth/password/invite/" in caplog.text
