"""Scoring components, hard rules, reasons and determinism of the assignment."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.services.matching import assignment, scoring

ONLY_INTERESTS = scoring.Weights(interests=1, fit=0, preference=0, concordance=0, spread=0)


def mentee(id, **kw):
    kw.setdefault("pgy", 1)
    return scoring.MenteeIn(id=id, person_id=1000 + id, email=f"mentee{id}@x.org", **kw)


def mentor(id, **kw):
    return scoring.MentorIn(id=id, person_id=2000 + id, email=f"mentor{id}@x.org", **kw)


def by_email(suggestions):
    return {s.mentee.email: s for s in suggestions}


def test_reason_lists_every_component_in_plain_language():
    problem = scoring.Problem(
        mentees=(
            mentee(
                1,
                interests=("research", "global health", "qi", "teaching"),
                program_specialty="Internal Medicine",
                preferred=frozenset({7}),
                wants_gender_concordance=True,
                gender="woman",
            ),
        ),
        mentors=(
            mentor(
                7,
                interests=("research", "global health", "qi"),
                specialty="internal medicine",
                gender="woman",
            ),
        ),
    )
    (s,) = assignment.suggest(problem, scoring.Weights())
    assert s.mentor.id == 7
    assert s.reason == (
        "3 shared interests: global health, qi, research; specialty fits the program; "
        "listed as preferred; meets the requested gender concordance"
    )
    # Full marks on everything but the spread term, which is full too for an empty mentor.
    assert s.score == pytest.approx(1.0)


def test_concordance_reason_never_names_the_value():
    problem = scoring.Problem(
        mentees=(
            mentee(1, wants_urim_concordance=True, urim=True, wants_gender_concordance=True, gender="man"),
        ),
        mentors=(mentor(1, urim=True, gender="man"),),
    )
    (s,) = assignment.suggest(problem, scoring.Weights())
    assert "meets the requested gender and URiM concordance" in s.reason
    assert "man" not in s.reason.replace("requested", "")
    assert "yes" not in s.reason


def test_concordance_needs_a_request_and_a_known_shared_value():
    mentees = (
        mentee(1, gender="woman"),  # no request
        mentee(2, wants_gender_concordance=True, gender=None),  # undisclosed
        mentee(3, wants_gender_concordance=True, gender="woman"),
        mentee(4, wants_urim_concordance=True, urim=False),
    )
    problem = scoring.Problem(mentees=mentees, mentors=(mentor(1, gender="woman", urim=False, capacity=4),))
    table = scoring.score(problem, scoring.Weights())
    assert table.met_gender[:, 0].tolist() == [False, False, True, False]
    assert table.met_urim[:, 0].tolist() == [False, False, False, False]


def test_fit_by_specialty_department_or_same_program_near_peer():
    problem = scoring.Problem(
        mentees=(mentee(1, pgy=1, program_id=5, program_specialty="Surgery"),),
        mentors=(
            mentor(1, specialty="Surgery"),
            mentor(2, department="surgery"),
            mentor(3, mentor_type="near_peer", pgy=3, program_id=5),
            mentor(4, specialty="Pediatrics"),
        ),
    )
    table = scoring.score(problem, scoring.Weights())
    reasons = [table.reason(0, j) for j in range(4)]
    assert reasons[0] == "specialty fits the program"
    assert reasons[1] == "department fits the program"
    assert reasons[2] == "senior resident in the same program"
    assert reasons[3].startswith("no specific fit")
    assert table.score[0, 0] == table.score[0, 1] == table.score[0, 2] > table.score[0, 3]


def test_spread_prefers_the_less_loaded_mentor_all_else_equal():
    problem = scoring.Problem(
        mentees=(mentee(1),),
        mentors=(mentor(1, capacity=3, load=2), mentor(2, capacity=3, load=0)),
    )
    (s,) = assignment.suggest(problem, scoring.Weights())
    assert s.mentor.id == 2


def test_hard_rules_exclude_pairs_and_unmatched_reason_counts_them():
    problem = scoring.Problem(
        mentees=(mentee(1, pgy=3, excluded=frozenset({1})),),
        mentors=(
            mentor(1),
            scoring.MentorIn(id=2, person_id=1001, email="self@x.org"),  # the mentee themself
            mentor(3, mentor_type="near_peer", pgy=3),  # same PGY: not above
            mentor(4, mentor_type="near_peer", pgy=None),
            mentor(5),
            mentor(6, capacity=1, load=1),  # full
        ),
        kind="research",
        history=frozenset({(1, 5)}),
    )
    (s,) = assignment.suggest(problem, scoring.Weights())
    assert s.mentor is None
    assert s.reason == (
        "every mentor with free capacity is excluded: 1 is the mentee themself, "
        "1 is on the do-not-match list, 2 are near-peers not senior enough, "
        "1 already had a research pairing with them"
    )


def test_no_capacity_anywhere_and_lost_competition_reasons():
    full = scoring.Problem(mentees=(mentee(1),), mentors=(mentor(1, capacity=2, load=2),))
    assert assignment.suggest(full, scoring.Weights())[0].reason == "no mentor with free capacity"
    crowded = scoring.Problem(
        mentees=(mentee(1, interests=("a",)), mentee(2)), mentors=(mentor(1, capacity=1, interests=("a",)),)
    )
    result = by_email(assignment.suggest(crowded, ONLY_INTERESTS))
    assert result["mentee1@x.org"].mentor.id == 1
    assert (
        result["mentee2@x.org"].reason == "the free places of its one feasible mentor went to other mentees"
    )


def test_result_does_not_depend_on_input_order():
    rng = random.Random(3)
    topics = ["a", "b", "c", "d", "e"]
    mentees = [mentee(i, interests=tuple(rng.sample(topics, 2))) for i in range(1, 13)]
    mentors = [mentor(j, capacity=2, interests=tuple(rng.sample(topics, 2))) for j in range(1, 6)]
    first = assignment.suggest(scoring.Problem(tuple(mentees), tuple(mentors)), scoring.Weights())
    rng.shuffle(mentees)
    rng.shuffle(mentors)
    second = assignment.suggest(scoring.Problem(tuple(mentees), tuple(mentors)), scoring.Weights())
    key = [(s.mentee.id, s.mentor and s.mentor.id, s.score, s.reason) for s in first]
    assert key == [(s.mentee.id, s.mentor and s.mentor.id, s.score, s.reason) for s in second]


def test_weights_from_config_and_bad_objective():
    config = {
        "MATCH_WEIGHT_INTERESTS": "1",
        "MATCH_WEIGHT_FIT": 0,
        "MATCH_WEIGHT_PREFERENCE": 0,
        "MATCH_WEIGHT_CONCORDANCE": 0,
        "MATCH_WEIGHT_SPREAD": 0,
        "MATCH_OBJECTIVE": "score",
    }
    assert scoring.Weights.from_config(config) == scoring.Weights(1, 0, 0, 0, 0, "score")
    with pytest.raises(ValueError, match="MATCH_OBJECTIVE"):
        scoring.Weights.from_config({**config, "MATCH_OBJECTIVE": "greedy"})


def test_scores_are_between_zero_and_one():
    problem = scoring.Problem(
        mentees=(mentee(1, interests=("a", "b"), preferred=frozenset({1}), program_specialty="x"),),
        mentors=(mentor(1, interests=("a", "b", "c"), specialty="x"),),
    )
    table = scoring.score(problem, scoring.Weights(interests=5, fit=3, preference=2, concordance=1, spread=9))
    assert table.score.min() >= 0 and table.score.max() <= 1


@st.composite
def problems(draw):
    n = draw(st.integers(1, 5))
    k = draw(st.integers(1, 3))
    topics = ["a", "b", "c", "d"]
    mentors = tuple(
        mentor(
            j,
            capacity=draw(st.integers(0, 3)),
            load=draw(st.integers(0, 2)),
            mentor_type=draw(st.sampled_from(["faculty", "near_peer"])),
            pgy=draw(st.integers(1, 5)),
            interests=tuple(draw(st.sets(st.sampled_from(topics)))),
            specialty=draw(st.sampled_from([None, "x", "y"])),
        )
        for j in range(1, k + 1)
    )
    ids = st.sets(st.integers(1, k))
    mentees = tuple(
        mentee(
            i,
            pgy=draw(st.integers(1, 5)),
            interests=tuple(draw(st.sets(st.sampled_from(topics)))),
            program_specialty=draw(st.sampled_from([None, "x"])),
            preferred=frozenset(draw(ids)),
            excluded=frozenset(draw(ids)),
        )
        for i in range(1, n + 1)
    )
    history = frozenset(draw(st.sets(st.tuples(st.integers(1, n), st.integers(1, k)), max_size=3)))
    return scoring.Problem(mentees, mentors, "career", history)


@settings(max_examples=120, deadline=None)
@given(problems())
def test_suggestions_never_break_a_rule_and_match_the_most_mentees(problem):
    suggestions = assignment.suggest(problem, scoring.Weights())
    assert [s.mentee.id for s in suggestions] == [x.id for x in problem.mentees]
    used: dict[int, int] = {}
    for s in suggestions:
        if s.mentor is None:
            assert s.reason
            continue
        e, r = s.mentee, s.mentor
        assert r.id not in e.excluded
        assert (e.id, r.id) not in problem.history
        assert r.mentor_type != "near_peer" or (r.pgy or 0) > e.pgy
        used[r.id] = used.get(r.id, 0) + 1
    for r in problem.mentors:
        assert used.get(r.id, 0) <= r.free
    # Independent check of the first objective: the most mentees any rule-abiding assignment can match.
    table = scoring.score(problem, scoring.Weights())
    options = [
        [None] + [j for j in range(len(problem.mentors)) if table.feasible[i, j]]
        for i in range(len(problem.mentees))
    ]
    best = (0, 0)
    for choice in itertools.product(*options):
        counts = np.bincount([j for j in choice if j is not None], minlength=len(problem.mentors))
        if all(counts[j] <= problem.mentors[j].free for j in range(len(problem.mentors))):
            key = (
                sum(j is not None for j in choice),
                sum(int(table.units[i, j]) for i, j in enumerate(choice) if j is not None),
            )
            best = max(best, key)
    got = [
        (i, next(j for j, r in enumerate(problem.mentors) if r.id == s.mentor.id))
        for i, s in enumerate(suggestions)
        if s.mentor
    ]
    assert (len(got), sum(int(table.units[i, j]) for i, j in got)) == best


def test_empty_problems_and_demographics_stay_out_of_repr():
    assert assignment.suggest(scoring.Problem((), ()), scoring.Weights()) == []
    (s,) = assignment.suggest(scoring.Problem((mentee(1, gender="woman", urim=True),), ()), scoring.Weights())
    assert s.mentor is None and s.reason == "no mentor with free capacity"
    assert "woman" not in repr(s) and "urim=True" not in repr(s)
