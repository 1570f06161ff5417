"""No demographic oracle in a roster import (see docs/privacy.md, "No oracle").

A coordinator without `view_demographics` uploads a row guessing a resident's self-identification. The
same file's preview, result page and audit details must be byte-identical whether the guess equals the
stored answers or not: two databases that differ only in that resident's answers, six guesses.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Person
from mentorship.services import people as people_service
from tests.conftest import Browser, _empty_tables
from tests.roster.helpers import xlsx
from tests.security import world as W

HEADER = ["email", "first_name", "last_name", "program", "pgy", "gender", "race_ethnicity", "urim", "img",
          "first_generation"]  # fmt: skip
# (gender, races, urim, img, first_generation) as stored, and as the same answers are typed in a file.
GUESSES = [
    (("woman", ["asian"], "no", "no", "yes"), ("Woman", "Asian", "no", "no", "yes")),
    (
        ("man", ["black_african_american"], "yes", "yes", "no"),
        ("man", "Black or African American", "y", "1", "n"),
    ),
    (("nonbinary", ["white"], "no", "yes", "no"), ("Nonbinary", "White", "false", "true", "false")),
    (
        ("woman", ["hispanic_latino", "white"], "yes", "no", "no"),
        ("woman", "White; Hispanic or Latino", "yes", "no", "no"),
    ),
    (
        ("prefer_not", ["asian"], "prefer_not", "no", "yes"),
        ("Prefer not to say", "asian", "prefer not to say", "no", "yes"),
    ),
    (
        ("man", ["middle_eastern_north_african"], "no", "no", "no"),
        ("man", "Middle Eastern or North African", "no", "no", "no"),
    ),
]
OTHER = ("woman", ["american_indian_alaska_native"], "yes", "yes", "yes")  # differs from every guess
TOKENS = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+"')


def _store(person, answers) -> None:
    gender, races, urim, img, first_generation = answers
    people_service.set_self_identification(
        person, gender=gender, races=races, urim=urim, img=img, first_generation=first_generation
    )


def _pages(app, role: str, stored, typed) -> dict[str, object]:
    """A fresh world where mentee_a's answers are `stored`; `role` uploads `typed`, previews and imports."""
    _empty_tables()
    w = W.build_world()
    _store(w.mentee_a.person, stored)
    db.session.commit()
    browser = Browser(app.test_client()).login(w.users[role])
    row = ["mentee-a@example.org", "Mentee", "MenteeA", "Program A", 1, *typed]
    data = xlsx({"Mentees": [HEADER, row]})
    assert browser.post("/roster/", data={"files": (io.BytesIO(data), "guess.xlsx")}).status_code == 302
    preview = browser.get("/roster/preview")
    confirm = browser.post("/roster/confirm")
    result = browser.get("/roster/result")
    db.session.expire_all()
    audit = [
        (e.action, e.details)
        for e in db.session.execute(
            select(AuditEvent).where(AuditEvent.action.startswith("roster.")).order_by(AuditEvent.id)
        ).scalars()
    ]
    return {
        "preview": (preview.status_code, TOKENS.sub(r'\1-"', preview.get_data(as_text=True))),
        "confirm": (confirm.status_code, confirm.headers.get("Location")),
        "result": (result.status_code, TOKENS.sub(r'\1-"', result.get_data(as_text=True))),
        "audit": audit,
    }


@pytest.mark.parametrize(("stored", "typed"), GUESSES, ids=[f"guess-{i}" for i in range(len(GUESSES))])
def test_a_right_and_a_wrong_guess_look_the_same_without_view_demographics(app, stored, typed):
    right = _pages(app, "coordA", stored, typed)
    wrong = _pages(app, "coordA", OTHER, typed)
    assert right == wrong
    preview = right["preview"][1]
    assert "Mentee MenteeA &lt;mentee-a@example.org&gt; (self-identification: given)" in preview
    assert "Import now" in preview  # the answers can be imported without being compared
    assert "Self-identification: given for 1 person" in right["result"][1]
    # The import saved the answers as given (here, over the other ones).
    selfid = db.session.execute(select(Person).where(Person.email == "mentee-a@example.org")).scalar_one()
    saved = selfid.self_identification
    assert (saved.gender, saved.race_codes, saved.urim, saved.img, saved.first_generation) == (
        stored[0],
        sorted(stored[1]),
        *stored[2:],
    )


def test_with_view_demographics_the_preview_may_say_whether_answers_change(app):
    stored, typed = GUESSES[0]
    right = _pages(app, "coordA_demo", stored, typed)
    wrong = _pages(app, "coordA_demo", OTHER, typed)
    assert "would change nothing" in right["preview"][1]
    assert "Mentee MenteeA &lt;mentee-a@example.org&gt;: self-identification" in wrong["preview"][1]
    assert right["audit"] != wrong["audit"]  # the detail is theirs to see (the audit log is the admins')
