"""Defects a new user met: the front door's needless warning, a coordinator's mentor without a program,
the audit log's raw JSON, the dashboard's downloads that ignored the pickers until Show was pressed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import MentorProfile, Person
from mentorship.services import audit


def test_a_fresh_visit_to_the_front_page_just_shows_the_sign_in_page(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Please sign in" not in page and 'name="password"' in page
    # Any other page still says why the sign-in page came up, and comes back afterwards.
    response = client.get("/people/mentees")
    assert "next=" in response.headers["Location"]
    assert "Please sign in to see this page." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


@pytest.fixture
def programs(f):
    a, b = f.program("Internal Medicine"), f.program("Surgery")
    return {
        "a": a,
        "b": b,
        "one": f.user(programs=[a]),
        "two": f.user(programs=[a, b]),
        "admin": f.user(is_admin=True),
    }


def _mentor_form(**overrides):
    data = {
        "email": "new.mentor@example.org",
        "first_name": "Nia",
        "last_name": "Ng",
        "mentor_type": "faculty",
    }
    data["capacity"] = 2
    data.update(overrides)
    return data


def _options(html: str) -> list[tuple[str, str, bool]]:
    select_html = re.search(r'<select[^>]*name="program_id".*?</select>', html, re.S).group(0)
    return [
        (value, text.strip(), "selected" in attrs)
        for attrs, value, text in re.findall(
            r'<option([^>]*value="([^"]*)"[^>]*)>([^<]*)</option>', select_html
        )
    ]


def test_a_coordinator_of_one_program_adds_a_mentor_to_it(programs, login):
    b = login(programs["one"])
    options = _options(b.get("/people/mentors/new").get_data(as_text=True))
    assert options == [(str(programs["a"].id), "Internal Medicine", True)]
    response = b.post("/people/mentors/new", _mentor_form(program_id=programs["a"].id))
    assert response.status_code == 302, response.get_data(as_text=True)
    person = db.session.execute(select(Person).where(Person.email == "new.mentor@example.org")).scalar_one()
    assert person.mentor.program_id == programs["a"].id


def test_a_coordinator_of_several_programs_picks_one_and_never_sees_none(programs, login):
    b = login(programs["two"])
    options = _options(b.get("/people/mentors/new").get_data(as_text=True))
    assert [text for _v, text, _s in options] == [
        "Choose one of your programs",
        "Internal Medicine",
        "Surgery",
    ]
    response = b.post("/people/mentors/new", _mentor_form(program_id=0))
    assert "Choose one of your programs so you can see this mentor." in response.get_data(as_text=True)
    assert db.session.execute(select(MentorProfile)).first() is None


def test_an_admin_may_still_add_a_mentor_without_a_program(programs, login):
    b = login(programs["admin"])
    options = _options(b.get("/people/mentors/new").get_data(as_text=True))
    assert options[0][:2] == ("0", "None")
    assert b.post("/people/mentors/new", _mentor_form(program_id=0)).status_code == 302


def test_the_audit_log_shows_changed_fields_not_json(programs, login):
    admin = programs["admin"]
    audit.record(
        admin,
        "grants.change",
        programs["one"],
        email="coord@example.org",
        before={"is_coordinator": True, "programs": ["Internal Medicine"], "view_demographics": False},
        after={
            "is_coordinator": True,
            "programs": ["Internal Medicine", "Surgery"],
            "view_demographics": True,
        },
    )
    db.session.commit()
    page = login(admin).get("/admin/audit?action=grants").get_data(as_text=True)
    assert "{&#34;" not in page and '{"' not in page  # no JSON
    row = re.search(
        r'<table class="table table-sm table-borderless small mb-0 audit-details">(.*?)</table>', page, re.S
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(1))).strip()
    assert "Programs was Internal Medicine → now Internal Medicine, Surgery" in text
    assert "View demographics was no → now yes" in text
    assert "Is coordinator" not in text  # unchanged fields are left out
    assert "Email coord@example.org" in text


def test_detail_rows_of_plain_details():
    rows = audit.detail_rows({"via": "cli", "pairings": [3, 4], "counts": {"mentees": 2}, "reason": None})
    assert [(r.field, r.value, r.before) for r in rows] == [
        ("Via", "cli", None),
        ("Pairings", "3, 4", None),
        ("Counts", "Mentees: 2", None),
        ("Reason", "—", None),
    ]
    assert audit.detail_rows(None) == [] and audit.detail_rows({}) == []


def test_dashboard_downloads_are_buttons_of_the_filter_form(programs, login):
    page = login(programs["admin"]).get("/dashboard/").get_data(as_text=True)
    buttons = re.findall(r"<button[^>]*formaction=\"([^\"]+)\"[^>]*>", page)
    assert sorted(buttons) == [
        "/dashboard/export/annual-review",
        "/dashboard/export/engagement",
        "/dashboard/export/inclusivity",
    ]
    assert all('form="dashboard-filters"' in tag for tag in re.findall(r"<button[^>]*formaction[^>]*>", page))
    assert 'id="dashboard-filters"' in page and 'method="get"' in page
