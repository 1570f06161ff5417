"""Rules of the people service: identity by email, interests, self-identification and URiM."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorship.access import Scope
from mentorship.services import ServiceError, accounts
from mentorship.services import people as svc


def test_email_identity_is_case_insensitive(f):
    f.person("Ann.Lee@Example.org")
    assert svc.find_person("  ANN.LEE@example.ORG ").email == "ann.lee@example.org"
    with pytest.raises(svc.DuplicateEmail, match="ann.lee@example.org already belongs to"):
        svc.create_person("ann.lee@EXAMPLE.org", "Other", "Person")


def test_updating_identity_refuses_someone_elses_email(f):
    a, b = f.person("a@example.org"), f.person("b@example.org")
    now = dt.datetime(2026, 1, 5, 9, 0)
    with pytest.raises(svc.DuplicateEmail):
        accounts.update_identity(b, "A@example.org", "B", "B", scope=Scope(None), now=now, actor=None)
    # Their own email in another case is no change.
    assert (
        accounts.update_identity(a, "A@EXAMPLE.org", "Ann", "Lee", scope=Scope(None), now=now, actor=None)
        is None
    )
    assert (a.email, a.first_name, a.email_changed_at) == ("a@example.org", "Ann", None)


def test_interests_are_normalised():
    assert svc.parse_interests(" Research ; global  health, QI;research;; ") == [
        "research",
        "global health",
        "qi",
    ]
    assert svc.parse_interests(None) == []


def test_profiles_cannot_be_enrolled_twice(f):
    mentor = f.mentor()
    with pytest.raises(ServiceError, match="already enrolled as a mentor"):
        svc.enroll_mentor(mentor.person)


CATEGORIES = ["black_african_american", "hispanic_latino"]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"gender": None}, None),
        ({"gender": "woman", "races": ["hispanic_latino"]}, "yes"),
        ({"gender": "woman", "races": ["asian"]}, "no"),
        ({"gender": None, "races": ["asian"], "urim": "yes"}, "yes"),  # the explicit answer wins
        ({"gender": None, "races": ["hispanic_latino"], "urim": "no"}, "no"),
        ({"gender": None, "races": ["hispanic_latino"], "urim": "prefer_not"}, None),
        ({"gender": None, "races": ["hispanic_latino"], "race_prefer_not": True}, None),
    ],
)
def test_effective_urim(f, answers, expected):
    person = f.person()
    selfid = svc.set_self_identification(person, **answers)
    assert svc.effective_urim(selfid, CATEGORIES) == expected


def test_self_identification_prefer_not_clears_races(f):
    person = f.person()
    selfid = svc.set_self_identification(
        person,
        gender="self_described",
        gender_description=" fluid ",
        races=["asian", "white"],
        race_prefer_not=True,
    )
    assert selfid.race_codes == [] and selfid.gender_description == "fluid"
    selfid = svc.set_self_identification(
        person, gender="man", gender_description="ignored", races=["white", "asian"]
    )
    assert selfid.race_codes == ["asian", "white"] and selfid.gender_description is None


def test_mark_left_cannot_precede_enrolment(f):
    import datetime as dt

    mentee = f.mentee(enrolled_on=dt.date(2025, 7, 1))
    with pytest.raises(ServiceError):
        svc.mark_left(mentee, dt.date(2025, 6, 30), actor=None)
    svc.mark_left(mentee, dt.date(2025, 7, 1), actor=None)
    assert mentee.left_on == dt.date(2025, 7, 1)
