"""The optimal assignment: hand-made instances where greedy is wrong, and brute-force property tests."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.services.matching import assignment, scoring


def table_from(
    units: list[list[int]], feasible: list[list[bool]], capacity: list[int], objective="participation"
):
    """A ScoreTable with given scores (1e-4 units) and feasibility, for testing the assignment alone."""
    units_a = np.array(units, dtype=np.int64).reshape(len(units), len(capacity))
    feas = np.array(feasible, dtype=bool).reshape(units_a.shape)
    n, k = units_a.shape
    problem = scoring.Problem(
        mentees=tuple(
            scoring.MenteeIn(id=i + 1, person_id=100 + i, email=f"e{i}@x", pgy=1) for i in range(n)
        ),
        mentors=tuple(
            scoring.MentorIn(id=j + 1, person_id=200 + j, email=f"r{j}@x", capacity=c)
            for j, c in enumerate(capacity)
        ),
    )
    zeros = np.zeros((n, k), dtype=bool)
    return scoring.ScoreTable(
        problem=problem,
        weights=scoring.Weights(objective=objective),
        shared=np.zeros((n, k), dtype=np.int64),
        fit_specialty=zeros,
        fit_department=zeros,
        fit_program=zeros,
        preferred=zeros,
        met_gender=zeros,
        met_urim=zeros,
        score=units_a / scoring.SCORE_UNITS,
        units=units_a,
        excluded=~feas,
        itself=zeros,
        too_junior=zeros,
        had_kind=zeros,
    )


def brute_force(units, feasible, capacity, objective="participation"):
    """Best (matched count, total units) by enumerating every assignment; the key the objective maximises."""
    n = len(units)
    best = None
    options = [[None] + [j for j in range(len(capacity)) if feasible[i][j]] for i in range(n)]
    for choice in itertools.product(*options):
        used = [0] * len(capacity)
        for j in choice:
            if j is not None:
                used[j] += 1
        if any(u > c for u, c in zip(used, capacity, strict=True)):
            continue
        count = sum(j is not None for j in choice)
        total = sum(units[i][j] for i, j in enumerate(choice) if j is not None)
        key = (count, total) if objective == "participation" else (total, count)
        best = key if best is None or key > best else best
    return best


def result_key(table, pairs, objective="participation"):
    count = len(pairs)
    total = int(sum(table.units[i, j] for i, j in pairs))
    return (count, total) if objective == "participation" else (total, count)


def greedy(units, feasible, capacity):
    """Highest score first, the way most tools do it."""
    left = list(capacity)
    taken = set()
    pairs = []
    cells = sorted(
        ((units[i][j], i, j) for i in range(len(units)) for j in range(len(capacity)) if feasible[i][j]),
        reverse=True,
    )
    for _, i, j in cells:
        if i not in taken and left[j] > 0:
            taken.add(i)
            left[j] -= 1
            pairs.append((i, j))
    return sorted(pairs)


def test_greedy_leaves_a_mentee_out_where_the_optimum_matches_everyone():
    # A likes X best but could also take Y; B can only take X. Greedy gives X to A and strands B.
    units = [[9000, 5000], [8000, 0]]
    feasible = [[True, True], [True, False]]
    capacity = [1, 1]
    assert greedy(units, feasible, capacity) == [(0, 0)]
    table = table_from(units, feasible, capacity)
    assert assignment.assign(table) == [(0, 1), (1, 0)]


def test_greedy_loses_score_where_the_optimum_does_not():
    # Everyone can be matched either way; greedy takes 0.9 then is stuck with 0.1 (total 1.0),
    # the optimum takes 0.8 + 0.8 = 1.6.
    units = [[9000, 8000], [8000, 1000]]
    feasible = [[True, True], [True, True]]
    capacity = [1, 1]
    g = greedy(units, feasible, capacity)
    assert sum(units[i][j] for i, j in g) == 10000
    table = table_from(units, feasible, capacity)
    pairs = assignment.assign(table)
    assert pairs == [(0, 1), (1, 0)]
    assert scoring.total_score(table, pairs) == pytest.approx(1.6)


def test_participation_first_gives_up_score_to_match_one_more_mentee():
    # X has one place. A: X 0.9 or Y 0.01; B: X 0.95 only. Best score for A alone would be X, but
    # then B is unmatched: the optimum gives X to B and Y to A.
    units = [[9000, 100], [9500, 0]]
    feasible = [[True, True], [True, False]]
    table = table_from(units, feasible, [1, 1])
    assert assignment.assign(table, "participation") == [(0, 1), (1, 0)]


def test_score_objective_prefers_total_score_over_count():
    # X (1 place): A 1.0 or B 0.1; A's only other option Y scores 0; B has only X.
    # Participation: A-Y, B-X (2 matched, 0.1). Score first: A-X (1.0) and B unmatched, then count
    # breaks the tie: A-X + nothing for B beats A-Y(0) + B-X(0.1) = 0.1.
    units = [[10000, 0], [1000, 0]]
    feasible = [[True, True], [True, False]]
    capacity = [1, 1]
    table = table_from(units, feasible, capacity)
    assert assignment.assign(table, "participation") == [(0, 1), (1, 0)]
    assert assignment.assign(table, "score") == [(0, 0)]


def test_capacity_slots_are_used_and_never_exceeded():
    units = [[5000, 4000]] * 5
    feasible = [[True, True]] * 5
    table = table_from(units, feasible, [3, 1])
    pairs = assignment.assign(table)
    assert len(pairs) == 4
    assert sum(1 for _, j in pairs if j == 0) == 3
    assert sum(1 for _, j in pairs if j == 1) == 1


def test_nothing_feasible_gives_nothing():
    table = table_from([[5000, 4000]], [[False, False]], [1, 1])
    assert assignment.assign(table) == []
    table = table_from([[5000]], [[True]], [0])
    assert assignment.assign(table) == []


def test_infeasible_pairs_never_make_inf_in_the_matrix():
    table = table_from([[5000, 4000], [1, 2]], [[True, False], [False, False]], [1, 1])
    cost, *_ = assignment.cost_matrix(table, "participation")
    assert np.isfinite(cost).all()


@st.composite
def instances(draw):
    n = draw(st.integers(1, 5))
    k = draw(st.integers(1, 3))
    units = [[draw(st.integers(0, 10000)) for _ in range(k)] for _ in range(n)]
    feasible = [[draw(st.booleans()) for _ in range(k)] for _ in range(n)]
    capacity = [draw(st.integers(0, 3)) for _ in range(k)]
    return units, feasible, capacity


@settings(max_examples=150, deadline=None)
@given(instances(), st.sampled_from(["participation", "score"]))
def test_assignment_is_feasible_and_optimal(instance, objective):
    units, feasible, capacity = instance
    table = table_from(units, feasible, capacity, objective)
    pairs = assignment.assign(table, objective)
    mentees = [i for i, _ in pairs]
    assert len(mentees) == len(set(mentees)), "a mentee matched twice"
    for i, j in pairs:
        assert feasible[i][j], "an infeasible pair was suggested"
    for j, c in enumerate(capacity):
        assert sum(1 for _, jj in pairs if jj == j) <= c, "capacity exceeded"
    assert result_key(table, pairs, objective) == brute_force(units, feasible, capacity, objective)


def test_large_random_instance_matches_brute_force_count_bound_and_is_deterministic():
    rng = random.Random(7)
    units = [[rng.randint(0, 10000) for _ in range(8)] for _ in range(30)]
    feasible = [[rng.random() < 0.4 for _ in range(8)] for _ in range(30)]
    capacity = [rng.randint(0, 4) for _ in range(8)]
    first = assignment.assign(table_from(units, feasible, capacity))
    second = assignment.assign(table_from(units, feasible, capacity))
    assert first == second
    assert len(first) <= sum(capacity)
