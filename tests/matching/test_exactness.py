"""Today's scoring, cost matrix, assignment and reasons give exactly what the previous implementation
(tests/matching/oracle.py) gave: the same numbers, the same pairs on ties, the same words."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.services.matching import assignment, scoring
from tests.matching import oracle

MATRICES = (
    "shared",
    "fit_specialty",
    "fit_department",
    "fit_program",
    "preferred",
    "met_gender",
    "met_urim",
    "score",
    "units",
    "excluded",
    "itself",
    "too_junior",
    "had_kind",
    "foreign_near_peer",
    "allowed",
    "feasible",
)
TOPICS = ("a", "b", "c", "d", "e")
LABELS = (None, "", "  ", "Surgery", "surgery ", "Pediatrics", "Internal Medicine")


@st.composite
def problems(draw, max_mentees=7, max_mentors=4):
    """Small problems with every rule in play: exclusions, near-peers of this and other programs, stated
    preferences (some of mentors outside the run), missing self-identification, no places, full mentors."""
    n = draw(st.integers(0, max_mentees))
    k = draw(st.integers(0, max_mentors))
    genders = st.sampled_from([None, "woman", "man", "self_described:x"])
    urim = st.sampled_from([None, True, False])
    mentors = []
    for j in range(1, k + 1):
        capacity = draw(st.integers(0, 3))
        near_peer = draw(st.booleans())
        mentors.append(
            scoring.MentorIn(
                id=j,
                # Some mentors are also one of the mentees (the same person).
                person_id=draw(st.sampled_from([2000 + j, 1001, 1002])),
                email=f"r{j}@x.org",
                name=draw(st.sampled_from(["", f"Mentor {j}"])),
                capacity=capacity,
                load=draw(st.sampled_from([0, 1, capacity, capacity + 1])),
                mentor_type="near_peer" if near_peer else "faculty",
                pgy=draw(st.sampled_from([None, 1, 2, 3, 4])),
                program_id=draw(st.sampled_from([None, 1, 2])),
                department=draw(st.sampled_from(LABELS)),
                specialty=draw(st.sampled_from(LABELS)),
                interests=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=4))),
                gender=draw(genders),
                urim=draw(urim),
            )
        )
    mentor_ids = st.frozensets(st.integers(1, k + 1), max_size=3)  # k + 1: not in this run
    mentees = []
    for i in range(1, n + 1):
        preferred = draw(mentor_ids)
        mentees.append(
            scoring.MenteeIn(
                id=i,
                person_id=1000 + i,
                email=f"e{i}@x.org",
                name=f"Mentee {i}",
                pgy=draw(st.integers(1, 4)),
                program_id=draw(st.sampled_from([None, 1, 2])),
                program_specialty=draw(st.sampled_from(LABELS)),
                interests=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=4))),
                preferred=preferred,
                preferred_names=tuple(
                    (m, draw(st.sampled_from(["", f"Pref {m}"]))) for m in sorted(preferred)
                ),
                excluded=draw(mentor_ids),
                wants_gender_concordance=draw(st.booleans()),
                wants_urim_concordance=draw(st.booleans()),
                gender=draw(genders),
                urim=draw(urim),
            )
        )
    pairs = st.tuples(st.integers(1, max(n, 1)), st.integers(1, max(k, 1)))
    return scoring.Problem(
        mentees=tuple(draw(st.permutations(mentees))),
        mentors=tuple(draw(st.permutations(mentors))),
        kind=draw(st.sampled_from(["career", "research"])),
        history=draw(st.frozensets(pairs, max_size=4)),
        near_peer_any_program=draw(st.booleans()),
    )


weights = st.builds(
    scoring.Weights,
    interests=st.sampled_from([0.0, 0.35, 1.0]),
    fit=st.sampled_from([0.0, 0.25, 0.3]),
    preference=st.sampled_from([0.0, 0.2, 0.7]),
    concordance=st.sampled_from([0.0, 0.15]),
    spread=st.sampled_from([0.0, 0.05, 0.1]),
    objective=st.sampled_from(scoring.OBJECTIVES),
)


def assert_same(problem: scoring.Problem, w: scoring.Weights, show_concordance: bool) -> None:
    new = scoring.score(problem, w, show_concordance=show_concordance)
    old = oracle.score(problem, w, show_concordance=show_concordance)
    for name in MATRICES:
        a, b = getattr(new, name), getattr(old, name)
        assert a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b), name
    for objective in scoring.OBJECTIVES:
        got, want = assignment.cost_matrix(new, objective), oracle.cost_matrix(old, objective)
        for a, b in zip(got, want, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b)
        assert assignment.suggest_from(new, objective) == oracle.suggest_from(old, objective)
    for i in range(len(problem.mentees)):
        assert scoring.ranked_mentors(new, i) == scoring.ranked_mentors(old, i)


@settings(max_examples=400, deadline=None)
@given(problems(), weights, st.booleans())
def test_scores_assignment_and_reasons_are_those_of_the_previous_implementation(problem, w, show):
    assert_same(problem, w, show)


@st.composite
def crowded(draw):
    """More mentees than places, faculty with one or two places, most pairs allowed: preferred mentors
    taken by another mentee, where the forced-pair check decides the note."""
    k = draw(st.integers(2, 4))
    mentors = tuple(
        scoring.MentorIn(
            id=j,
            person_id=2000 + j,
            email=f"r{j}@x.org",
            name=f"Mentor {j}",
            capacity=draw(st.integers(1, 2)),
            interests=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=3))),
        )
        for j in range(1, k + 1)
    )
    mentees = tuple(
        scoring.MenteeIn(
            id=i,
            person_id=1000 + i,
            email=f"e{i}@x.org",
            pgy=1,
            interests=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=3))),
            preferred=draw(st.frozensets(st.integers(1, k), max_size=2)),
            excluded=draw(st.frozensets(st.integers(1, k), max_size=k - 1)),
        )
        for i in range(1, draw(st.integers(2, 9)) + 1)
    )
    return scoring.Problem(mentees, mentors)


@settings(max_examples=200, deadline=None)
@given(crowded(), st.booleans())
def test_crowded_preferences_are_explained_as_before(problem, show):
    assert_same(problem, scoring.Weights(), show)


def test_a_larger_problem_past_the_forced_checks_limit_is_unchanged():
    rng = random.Random(11)
    mentors = tuple(
        scoring.MentorIn(
            id=j,
            person_id=5000 + j,
            email=f"r{j}@x.org",
            name=f"Mentor {j}",
            capacity=rng.choice([0, 1, 1, 2, 3]),
            load=rng.choice([0, 0, 1]),
            mentor_type=rng.choice(["faculty", "faculty", "near_peer"]),
            pgy=rng.randint(2, 5),
            program_id=rng.randint(1, 4),
            specialty=rng.choice(LABELS),
            interests=tuple(rng.sample(TOPICS, rng.randint(0, 3))),
            gender=rng.choice([None, "woman", "man"]),
            urim=rng.choice([None, True, False]),
        )
        for j in range(1, 41)
    )
    mentees = tuple(
        scoring.MenteeIn(
            id=i,
            person_id=i,
            email=f"e{i}@x.org",
            pgy=rng.randint(1, 4),
            program_id=rng.randint(1, 4),
            program_specialty=rng.choice(LABELS),
            interests=tuple(rng.sample(TOPICS, rng.randint(0, 3))),
            preferred=frozenset(rng.sample(range(1, 41), rng.choice([1, 2, 3]))),
            excluded=frozenset(rng.sample(range(1, 41), rng.choice([0, 0, 1]))),
            wants_gender_concordance=rng.random() < 0.3,
            wants_urim_concordance=rng.random() < 0.2,
            gender=rng.choice([None, "woman", "man"]),
            urim=rng.choice([None, True, False]),
        )
        for i in range(1, 201)
    )
    problem = scoring.Problem(
        mentees, mentors, "career", frozenset((i, i % 40 + 1) for i in range(1, 201, 7))
    )
    suggestions = assignment.suggest(problem, scoring.Weights())
    assert sum("suggested to another mentee" in s.reason for s in suggestions) > assignment.MAX_FORCED_CHECKS
    assert_same(problem, scoring.Weights(), True)
    assert_same(problem, scoring.Weights(objective="score"), False)


def test_more_interest_names_than_one_word_of_bits_holds():
    rng = random.Random(5)
    topics = [f"topic {t}" for t in range(150)]
    mentors = tuple(
        scoring.MentorIn(
            id=j,
            person_id=500 + j,
            email=f"r{j}@x.org",
            interests=tuple(rng.sample(topics, rng.randint(0, 40))),
        )
        for j in range(1, 16)
    )
    mentees = tuple(
        scoring.MenteeIn(
            id=i,
            person_id=i,
            email=f"e{i}@x.org",
            pgy=1,
            interests=tuple(rng.sample(topics, rng.randint(0, 40))),
        )
        for i in range(1, 31)
    )
    problem = scoring.Problem(mentees, mentors)
    assert scoring.score(problem, scoring.Weights()).shared.max() > 3
    assert_same(problem, scoring.Weights(), True)
