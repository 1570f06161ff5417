"""The optimal assignment of a scored problem. Pure: no database, no Flask.

`suggest_from()` runs `scipy.optimize.linear_sum_assignment` on a matrix where each mentor is repeated once
per free place (`cost_matrix` documents the costs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from mentorship.services.matching.scoring import (
    SCORE_UNITS,
    MenteeIn,
    MentorIn,
    Problem,
    ScoreTable,
    Weights,
    score,
)


@dataclass(frozen=True)
class Suggestion:
    """A proposed pairing (mentor set) or a mentee left unmatched (mentor None)."""

    mentee: MenteeIn
    mentor: MentorIn | None
    score: float | None
    reason: str


def cost_matrix(table: ScoreTable, objective: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The slot-expanded cost matrix (finite everywhere) and its row, slot-to-mentor and feasibility maps.

    Participation first: a feasible pair costs -(BIG + score units) with BIG larger than any total of
    score units, so one more matched mentee always beats any gain in score; infeasible pairs cost 0,
    so the solver never gains by using them and any it uses are dropped afterwards.
    Score first: a feasible pair costs -(score units × K + 1) with K larger than the number of mentees,
    so the total score decides and the number matched only breaks ties.
    """
    feasible = table.feasible
    rows = np.flatnonzero(feasible.any(axis=1))
    cols = np.flatnonzero(feasible.any(axis=0))
    sub = feasible[np.ix_(rows, cols)]
    units = table.units[np.ix_(rows, cols)]
    free = np.array([table.problem.mentors[j].free for j in cols], dtype=np.int64)
    slots = np.minimum(free, sub.sum(axis=0))  # never more places than mentees who could use them
    slot_mentor = np.repeat(np.arange(len(cols)), slots)
    big = (len(rows) + 1) * SCORE_UNITS
    if objective == "participation":
        per_pair = np.where(sub, -(big + units), 0)
    elif objective == "score":
        per_pair = np.where(sub, -(units * (len(rows) + 1) + 1), 0)
    else:
        raise ValueError(f"unknown objective {objective!r}")
    cost = per_pair[:, slot_mentor].astype(np.float64)
    return cost, rows, cols[slot_mentor], sub[:, slot_mentor]


def assign(table: ScoreTable, objective: str | None = None) -> list[tuple[int, int]]:
    """An optimal list of (mentee row, mentor column) pairs for `objective` (default: the weights')."""
    cost, rows, slot_col, slot_feasible = cost_matrix(table, objective or table.weights.objective)
    if cost.size == 0:
        return []
    r, c = linear_sum_assignment(cost)
    keep = slot_feasible[r, c]
    return sorted(zip(rows[r[keep]].tolist(), slot_col[c[keep]].tolist(), strict=True))


def suggest(problem: Problem, weights: Weights) -> list[Suggestion]:
    """One suggestion per mentee: an optimal mentor with score and reason, or why none was left."""
    return suggest_from(score(problem, weights))


def suggest_from(table: ScoreTable, objective: str | None = None) -> list[Suggestion]:
    """The suggestions of an already scored problem."""
    problem = table.problem
    chosen = dict(assign(table, objective))
    out = []
    for i, mentee in enumerate(problem.mentees):
        j = chosen.get(i)
        if j is not None:
            out.append(Suggestion(mentee, problem.mentors[j], float(table.score[i, j]), table.reason(i, j)))
            continue
        options = int(table.feasible[i].sum())
        if options:
            mentors = "its one feasible mentor" if options == 1 else f"all {options} feasible mentors"
            reason = f"the free places of {mentors} went to other mentees"
        else:
            reason = table.exclusion_reason(i)
        out.append(Suggestion(mentee, None, None, reason))
    return out
