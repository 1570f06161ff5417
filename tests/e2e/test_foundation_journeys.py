"""Journeys on the foundation pages: enrolling people, scope by URL, self-identification."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import MenteeProfile, Person, SelfIdentification
from tests.e2e.conftest import no_horizontal_scroll


def test_coordinator_enrolls_a_mentor_and_a_mentee(page, sign_in, f):
    program = f.program("Internal Medicine")
    coordinator = f.user(programs=[program])
    sign_in(coordinator)
    page.get_by_role("link", name="Mentors", exact=True).click()
    page.get_by_role("link", name="Add a mentor").click()
    page.get_by_label("Email").fill("nia.oneil@example.org")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("O'Neil")
    page.get_by_label("Department").fill("Medicine")
    page.get_by_label(re.compile("^Program")).select_option(label="Internal Medicine")
    page.get_by_label("Interests").fill("research; global health")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Nia O'Neil is enrolled as a mentor.")).to_be_visible()

    page.get_by_role("link", name="Mentees", exact=True).click()
    page.get_by_role("link", name="Add a mentee").click()
    page.get_by_label("Email").fill("zoe@example.org")
    page.get_by_label("First name").fill("Zoë")
    page.get_by_label("Last name").fill("Ünal")
    page.get_by_label("PGY").fill("1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Zoë Ünal is enrolled as a mentee.")).to_be_visible()
    mentee = db.session.execute(
        select(MenteeProfile).join(Person).where(Person.email == "zoe@example.org")
    ).scalar_one()
    assert mentee.program_id == program.id

    # A duplicate is refused with a message next to the field.
    page.get_by_role("link", name="Mentees", exact=True).click()
    page.get_by_role("link", name="Add a mentee").click()
    page.get_by_label("Email").fill("ZOE@example.org")
    page.get_by_label("First name").fill("Other")
    page.get_by_label("Last name").fill("Person")
    page.get_by_label("PGY").fill("2")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("zoe@example.org already belongs to Zoë Ünal.")).to_be_visible()


def test_program_coordinator_cannot_reach_another_programs_mentee(page, sign_in, f):
    mine, theirs = f.program("Pediatrics"), f.program("Surgery")
    other = f.mentee(f.person("other@example.org", "Oscar", "Other"), theirs)
    coordinator = f.user(programs=[mine])
    sign_in(coordinator)
    response = page.goto(f"/people/{other.person_id}")
    assert response.status == 403
    expect(page.get_by_role("heading", name=re.compile("Not allowed"))).to_be_visible()
    page.goto("/people/mentees")
    expect(page.get_by_text("Oscar")).to_have_count(0)


def test_mentee_updates_self_identification_on_a_phone(phone, sign_in, f):
    mentee = f.mentee(f.person("res@example.org", "Ria", "Sato"))
    user = f.user(mentee.person)
    sign_in(user, target=phone)
    phone.goto("/profile/")
    phone.get_by_role("link", name=re.compile("self-identification")).click()
    phone.get_by_label("Woman").check()
    phone.get_by_label("Asian").check()
    phone.get_by_label("Hispanic or Latino").check()
    phone.get_by_role("group", name=re.compile("URiM")).get_by_label("Prefer not to say").check()
    assert no_horizontal_scroll(phone)
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Your answers are saved")).to_be_visible()
    selfid = db.session.execute(select(SelfIdentification)).scalar_one()
    assert (selfid.gender, selfid.race_codes, selfid.urim) == (
        "woman",
        ["asian", "hispanic_latino"],
        "prefer_not",
    )
