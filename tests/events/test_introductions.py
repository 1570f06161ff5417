"""Introductions: who may introduce, the emails to both (the outside contact too), the mentee's outcome,
and the lists each person sees."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import Introduction
from tests.mail.smtp import text


@pytest.fixture
def colleague(f):
    return f.mentor(f.person("lena.park@example.org", "Lena", "Park"), department="Cardiology")


def test_a_mentor_introduces_their_mentee_to_an_outside_contact(pair, login, smtp):
    mentor = login(pair.mentor_user)
    url = f"/introductions/new?mentee={pair.mentee.person_id}"
    assert mentor.get(url).status_code == 200
    response = mentor.post(
        url,
        {
            "purpose": "fellowship",
            "mentor_id": "0",
            "contact_name": "Zoe Zhu",
            "contact_email": " Zoe.Zhu@Elsewhere.edu ",
            "contact_institution": "Elsewhere University",
            "contact_role": "Fellowship director",
            "context": "Runs the cardiology fellowship interviews",
        },
    )
    assert response.status_code == 302
    response.close()
    intro = db.session.execute(select(Introduction)).scalar_one()
    assert intro.contact_email == "zoe.zhu@elsewhere.edu" and intro.introduced_by_id == pair.mentor.person_id
    [to_mentee] = smtp.to("mentee@example.org")
    [to_contact] = smtp.to("zoe.zhu@elsewhere.edu")
    assert "Zoe Zhu (Fellowship director, Elsewhere University)" in text(to_mentee)
    assert "Runs the cardiology fellowship interviews" in text(to_contact)
    assert "Riley Mentee (mentee@example.org)" in text(to_contact)
    assert to_mentee["Reply-To"] == "mentor@example.org"
    # The mentor sees the introductions they made.
    assert "Zoe Zhu" in mentor.get("/introductions/").get_data(as_text=True)


def test_the_mentee_records_the_outcome(pair, login, colleague):
    coord = login(pair.coordinator)
    url = f"/introductions/new?mentee={pair.mentee.person_id}"
    assert coord.post(url, {"purpose": "research", "mentor_id": str(colleague.id)}).status_code == 302
    intro = db.session.execute(select(Introduction)).scalar_one()
    mentee = login(pair.mentee_user)
    page = mentee.get("/introductions/").get_data(as_text=True)
    assert "Lena Park" in page and "Introductions made for you" in page
    assert mentee.post(f"/introductions/{intro.id}/outcome", {"outcome": "met"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Introduction, intro.id).outcome == "met"
    # Not the mentor's to record; not another mentee's.
    assert (
        login(pair.mentor_user)
        .post(f"/introductions/{intro.id}/outcome", {"outcome": "no_response"})
        .status_code
        == 403
    )
    # The mentee's page shows the figure and the list behind it.
    person_page = mentee.get(f"/people/{pair.mentee.person_id}").get_data(as_text=True)
    assert "1 introduction, 1 met" in person_page and "Lena Park (Research) · Met" in person_page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"purpose": "research", "mentor_id": "0"}, "enter the outside contact&#39;s name"),
        (
            {"purpose": "research", "mentor_id": "0", "contact_name": "Zoe"},
            "Enter the outside contact&#39;s email.",
        ),
        (
            {
                "purpose": "research",
                "mentor_id": "0",
                "contact_name": "Zoe",
                "contact_email": "mentee@example.org",
            },
            "the mentee&#39;s own email",
        ),
        ({"purpose": "gossip", "mentor_id": "0"}, "Not a valid choice"),
    ],
)
def test_bad_introductions_are_refused_naming_the_field(pair, login, fields, message):
    response = login(pair.coordinator).post(f"/introductions/new?mentee={pair.mentee.person_id}", fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.execute(select(Introduction)).first() is None


def test_only_a_current_mentor_or_staff_in_scope_introduces(pair, f, login):
    other_mentor = f.user(f.mentor(f.person("other@example.org")).person)
    assert login(other_mentor).get(f"/introductions/new?mentee={pair.mentee.person_id}").status_code == 404
    other_coord = f.user(f.person(), programs=[f.program("Surgery")])
    assert login(other_coord).get(f"/introductions/new?mentee={pair.mentee.person_id}").status_code == 404
