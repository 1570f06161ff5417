"""The optimal assignment of a scored problem. Pure: no database, no Flask.

`suggest_from()` runs `scipy.optimize.linear_sum_assignment` on a matrix where each mentor is repeated once
per free place (`cost_matrix` documents the costs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mentorship.lazy import lazy_module
from mentorship.services.matching.scoring import (
    SCORE_UNITS,
    MenteeIn,
    MentorIn,
    Problem,
    ScoreTable,
    Weights,
    score,
)

if TYPE_CHECKING:
    import numpy as np
    from scipy import optimize
else:
    np = lazy_module("numpy")
    optimize = lazy_module("scipy.optimize")


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
    free = np.array([m.free for m in table.problem.mentors], dtype=np.int64)
    rows = np.flatnonzero(feasible.any(axis=1))
    cols = np.flatnonzero(feasible.any(axis=0))
    sub = feasible[np.ix_(rows, cols)]
    units = table.units[np.ix_(rows, cols)]
    slots = np.minimum(free[cols], sub.sum(axis=0))  # never more places than mentees who could use them
    slot_mentor = np.repeat(np.arange(len(cols)), slots)
    big = (len(rows) + 1) * SCORE_UNITS
    if objective == "participation":
        per_pair = np.where(sub, -(big + units), 0)
    elif objective == "score":
        per_pair = np.where(sub, -(units * (len(rows) + 1) + 1), 0)
    else:
        raise ValueError(f"unknown objective {objective!r}")
    # Converted before the slots are expanded (the integers are exact in float64): one pass over the
    # larger matrix instead of two.
    cost = per_pair.astype(np.float64).take(slot_mentor, axis=1)
    return cost, rows, cols[slot_mentor], sub.take(slot_mentor, axis=1)


def assign(table: ScoreTable, objective: str | None = None) -> list[tuple[int, int]]:
    """An optimal list of (mentee row, mentor column) pairs for `objective` (default: the weights')."""
    cost, rows, slot_col, slot_feasible = cost_matrix(table, objective or table.weights.objective)
    if cost.size == 0:
        return []
    r, c = optimize.linear_sum_assignment(cost)
    keep = slot_feasible[r, c]
    return sorted(zip(rows[r[keep]].tolist(), slot_col[c[keep]].tolist(), strict=True))


def suggest(problem: Problem, weights: Weights) -> list[Suggestion]:
    """One suggestion per mentee: an optimal mentor with score and reason, or why none was left."""
    return suggest_from(score(problem, weights))


def suggest_from(table: ScoreTable, objective: str | None = None) -> list[Suggestion]:
    """The suggestions of an already scored problem; each reason also says why a preferred mentor of
    the mentee was not suggested."""
    problem = table.problem
    objective = objective or table.weights.objective
    pairs = assign(table, objective)
    chosen = dict(pairs)
    explain = _Preferences(table, objective, pairs)
    out = []
    for i, mentee in enumerate(problem.mentees):
        j = chosen.get(i)
        if j is not None:
            reason = "; ".join([table.reason(i, j), *explain.notes(i, j)])
            out.append(Suggestion(mentee, problem.mentors[j], float(table.score[i, j]), reason))
            continue
        options = int(table.feasible[i].sum())
        if options:
            mentors = "its one feasible mentor" if options == 1 else f"all {options} feasible mentors"
            reason = f"the free places of {mentors} went to other mentees"
        else:
            reason = table.exclusion_reason(i)
        out.append(Suggestion(mentee, None, None, "; ".join([reason, *explain.notes(i, None)])))
    return out


# Beyond this many "given to another mentee" notes in a run the note says only that the optimum placed the
# mentor elsewhere. The limit dates from when each note re-solved the whole problem; it stays so that the
# reasons of a run stay what they were.
MAX_FORCED_CHECKS = 40


class _Preferences:
    """Why a mentee's stated preferred mentors were not suggested to them (plain language)."""

    def __init__(self, table: ScoreTable, objective: str, pairs: list[tuple[int, int]]):
        self.table, self.objective = table, objective
        self.col = {m.id: j for j, m in enumerate(table.problem.mentors)}
        self.free = np.array([m.free for m in table.problem.mentors], dtype=np.int64)
        self.used = (
            np.bincount([j for _, j in pairs], minlength=len(self.free))
            if pairs
            else np.zeros_like(self.free)
        )
        self.mentor_of = np.full(len(table.problem.mentees), -1, dtype=np.int64)  # -1: unmatched
        for i, j in pairs:
            self.mentor_of[i] = j
        self.checks = 0

    def notes(self, i: int, j: int | None) -> list[str]:
        """One note per preferred mentor of mentee row i not suggested (none if j is one of them)."""
        table, mentee = self.table, self.table.problem.mentees[i]
        if not mentee.preferred or (j is not None and table.preferred[i, j]):
            return []
        names = dict(mentee.preferred_names)
        out = []
        for mentor_id in sorted(mentee.preferred, key=lambda k: (names.get(k, ""), k)):
            k = self.col.get(mentor_id)
            name = names.get(mentor_id) or (table.problem.mentors[k].name if k is not None else "")
            label = f"preferred mentor {name}".rstrip()
            if k is None:
                out.append(
                    f"{label}: not available to this run (not enrolled, left, or outside these programs)"
                )
            elif table.itself[i, k]:
                continue
            elif table.excluded[i, k]:
                out.append(f"{label}: also on the do-not-match list")
            elif table.had_kind[i, k]:
                out.append(f"{label}: already had a {table.problem.kind} pairing with them")
            elif table.too_junior[i, k]:
                out.append(f"{label}: a near-peer not senior enough")
            elif table.foreign_near_peer[i, k]:
                out.append(f"{label}: a near-peer of another program")
            elif self.free[k] == 0:
                out.append(f"{label}: no free place")
            elif self.used[k] < self.free[k] and j is not None:
                other = table.problem.mentors[j].name or "the suggested mentor"
                out.append(f"{label}: {other} scores higher for them")
            else:
                out.append(f"{label} was suggested to another mentee {self._why_elsewhere(i, k)}")
        return out

    def _why_elsewhere(self, i: int, k: int) -> str:
        """Whether giving mentor column k to mentee row i would leave more mentees without a mentor."""
        if self.objective != "participation":
            return "so that the suggestions score higher in total"
        if self.checks >= MAX_FORCED_CHECKS:
            return "in the best overall assignment"
        self.checks += 1
        if self._forcing_loses_a_mentee(i, k):
            return "so that more mentees have a mentor"
        return "so that the suggestions score higher in total"

    def _forcing_loses_a_mentee(self, i: int, k: int) -> bool:
        """Whether pairing mentee row i with mentor column k leaves fewer mentees matched in all than the
        optimum, i.e. whether the problem without row i and with one place fewer at k matches at least two
        fewer than the optimum.

        The participation optimum is a maximum matching, so this is a question about matching sizes only,
        answered without solving again: take the optimum, drop row i's pair and, if k is then over its one
        place fewer, one of k's pairs. At most one dropped: with (i, k) added nobody is lost. Two dropped:
        by Berge's theorem one more mentee can be placed exactly when an augmenting path exists, which a
        breadth-first search over mentor columns finds in a few whole-row NumPy steps (re-solving cost as
        much as the assignment, for every note).
        """
        feasible, mentor_of = self.table.feasible, self.mentor_of.copy()
        load, places = self.used.copy(), self.free.copy()
        places[k] -= 1
        lost = 0
        if mentor_of[i] >= 0:
            load[mentor_of[i]] -= 1
            lost += 1
        mentor_of[i] = -2  # row i is out of the problem: neither free nor anyone's mentee
        if load[k] > places[k]:
            mentor_of[np.flatnonzero(mentor_of == k)[0]] = -1
            load[k] -= 1
            lost += 1
        if lost < 2:
            return False
        rows = mentor_of == -1  # mentees without a mentor: where augmenting paths start
        seen_rows, seen_cols = rows.copy(), np.zeros(len(places), dtype=bool)
        spare = load < places
        while rows.any():
            cols = feasible[rows].any(axis=0) & ~seen_cols
            if (cols & spare).any():
                return False
            seen_cols |= cols
            rows = np.isin(mentor_of, np.flatnonzero(cols)) & ~seen_rows
            seen_rows |= rows
        return True
