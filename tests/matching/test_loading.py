"""The matching problem loaded as columns (`candidates.matching_problem`) is exactly the one built from ORM
objects, person by person, on a varied world (run on SQLite and, with TEST_DATABASE_URL, PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import exists, select

from mentorship.extensions import db
from mentorship.models import MenteeProfile, Pairing
from mentorship.services import people as people_service
from mentorship.services.academic_year import academic_year
from mentorship.services.matching import candidates, scoring

ON = dt.date(2026, 1, 15)
# Spellings whose order differs between collations: case, accents, spaces, punctuation.
INTERESTS = [
    "research",
    "Research ",
    "global health",
    "Global-Health",
    "éthique",
    "ethics",
    "qi",
    "Zeta",
    "ünder",
]
GENDERS = [None, "woman", "man", "nonbinary", "prefer_not", "self_described"]
RACES = ["black_african_american", "white", "asian", "hispanic_latino"]


def _self_identify(rng: random.Random, person) -> None:
    if rng.random() < 0.3:
        return  # no self-identification at all
    gender = rng.choice(GENDERS)
    people_service.set_self_identification(
        person,
        gender=gender,
        gender_description=rng.choice([None, "", "Two-Spirit ", "agender"])
        if gender == "self_described"
        else None,
        races=rng.sample(RACES, rng.randint(0, 3)),
        race_prefer_not=rng.random() < 0.15,
        urim=rng.choice([None, None, "yes", "no", "prefer_not"]),
    )


def _world(f, seed: int):
    """Three programs; faculty and near-peers with no, one or several interests, every capacity, some left,
    some enrolled late; mentees with preferences (one mentor outside any pool), exclusions, concordance
    requests; open, ended and future pairings of both kinds; someone who is both mentor and mentee."""
    rng = random.Random(seed)
    programs = [f.program(specialty=s) for s in ("Surgery", "Pediatrics", "Internal Medicine")]
    mentors = []
    for j in range(30):
        near_peer = rng.random() < 0.3
        person = f.person(first_name=rng.choice(["Ana", "Bo", ""]), last_name=f"Mentor{j}")
        _self_identify(rng, person)
        mentors.append(
            f.mentor(
                person,
                interests=rng.sample(INTERESTS, rng.choice([0, 0, 1, 2, 4])),
                mentor_type="near_peer" if near_peer else "faculty",
                program_id=rng.choice(programs).id if near_peer or rng.random() < 0.3 else None,
                pgy=rng.randint(2, 5) if near_peer else None,
                capacity=rng.choice([0, 1, 2, 3, 5]),
                department=rng.choice([None, "Surgery", "pediatrics "]),
                specialty=rng.choice([None, "Surgery", "Internal Medicine"]),
                enrolled_on=rng.choice([dt.date(2020, 1, 1), dt.date(2027, 1, 1)]),
                left_on=rng.choice([None, None, None, dt.date(2025, 1, 1), dt.date(2026, 3, 1)]),
            )
        )
    mentees = []
    for i in range(40):
        person = mentors[i].person if i < 2 else f.person(last_name=f"Mentee{i}")
        if i >= 2:
            _self_identify(rng, person)
        mentee = f.mentee(
            person,
            prog=rng.choice(programs),
            pgy=rng.randint(1, 4),
            interests=rng.sample(INTERESTS, rng.choice([0, 1, 3, 5])),
            concordance_gender=rng.random() < 0.3,
            concordance_urim=rng.random() < 0.3,
            left_on=rng.choice([None, None, None, dt.date(2025, 12, 1)]),
        )
        mentee.preferred = rng.sample(mentors, rng.choice([0, 0, 1, 2, 3]))
        mentee.excluded = rng.sample(mentors, rng.choice([0, 0, 1, 2]))
        mentees.append(mentee)
    for _ in range(45):
        f.pairing(
            rng.choice(mentors),
            rng.choice(mentees),
            start_date=rng.choice([dt.date(2024, 7, 1), dt.date(2025, 7, 1), dt.date(2026, 2, 1)]),
            end_date=rng.choice(
                [None, None, dt.date(2025, 6, 30), dt.date(2026, 1, 15), dt.date(2026, 6, 30)]
            ),
            kind=rng.choice(["career", "research"]),
        )
    db.session.flush()
    return programs


def _from_orm(
    kind: str, ay, mentee_programs: frozenset[int] | None, pool_programs: frozenset[int] | None, categories
) -> scoring.Problem:
    """The problem built from ORM profiles and relationships, with the model's own rules."""
    open_kind = exists().where(
        Pairing.mentee_id == MenteeProfile.id, Pairing.kind == kind, Pairing.holds_place_on(ON)
    )
    query = select(MenteeProfile).where(
        MenteeProfile.enrolled_on <= ay.end, MenteeProfile.not_left_on(ON), ~open_kind
    )
    profiles = [
        x
        for x in db.session.execute(query).scalars()
        if mentee_programs is None or x.program_id in mentee_programs
    ]
    ids = {x.id for x in profiles}
    history = {
        (p.mentee_id, p.mentor_id)
        for p in db.session.execute(select(Pairing).where(Pairing.kind == kind)).scalars()
        if p.mentee_id in ids
    }
    return scoring.Problem(
        mentees=tuple(candidates._mentee_in(x, categories) for x in profiles),
        mentors=candidates.pool_mentors(pool_programs, ON, ay.end, categories)[1],
        kind=kind,
        history=frozenset(history),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_column_loaded_problem_is_the_orm_one(app, f, seed):
    programs = _world(f, seed)
    ay = academic_year(2025, app.config["ACADEMIC_YEAR_START_MONTH"])
    categories = tuple(app.config["URIM_CATEGORIES"])
    first = frozenset({programs[0].id})
    scopes = [(None, None), (first, first), (first, None), (frozenset(), None)]
    for kind in ("career", "research"):
        for mentee_programs, pool_programs in scopes:
            loaded = candidates.matching_problem(
                kind=kind,
                ay=ay,
                on=ON,
                mentee_programs=mentee_programs,
                pool_programs=pool_programs,
                urim_categories=categories,
            )
            db.session.expire_all()
            expected = _from_orm(kind, ay, mentee_programs, pool_programs, categories)
            assert loaded == expected
            # The world is varied enough to check something in every scope that has anyone.
            if mentee_programs is None:
                assert any(x.interests for x in loaded.mentees) and any(
                    not x.interests for x in loaded.mentees
                )
                assert any(x.excluded for x in loaded.mentees) and any(x.preferred for x in loaded.mentees)
                assert {x.load for x in loaded.mentors} - {0} and {x.capacity for x in loaded.mentors} > {
                    0,
                    1,
                }
                assert {x.urim for x in loaded.mentees} == {None, True, False}
                assert loaded.history
