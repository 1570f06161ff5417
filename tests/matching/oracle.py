"""The matching as it was before the cost matrix, the assignment and the reasons were sped up: the oracle
that test_exactness holds today's code to (every number, reason and tie-break the same)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy import optimize

from mentorship import vocab
from mentorship.services.matching import assignment
from mentorship.services.matching.assignment import Suggestion
from mentorship.services.matching.scoring import SCORE_UNITS, Problem, ScoreTable, Weights


def _slug(value: str | None) -> str | None:
    return vocab.slug(value) if value and value.strip() else None


def _codes(values: Iterable[str | None], table: dict[str, int]) -> np.ndarray:
    """Integer codes for strings (shared table across calls); -1 for blank."""
    out = []
    for value in values:
        key = _slug(value)
        out.append(-1 if key is None else table.setdefault(key, len(table)))
    return np.array(out, dtype=np.int64)


def _pairs_matrix(n: int, m: int, pairs: Iterable[tuple[int, int]]) -> np.ndarray:
    matrix = np.zeros((n, m), dtype=bool)
    pairs = list(pairs)
    if pairs:
        rows, cols = zip(*pairs, strict=True)
        matrix[list(rows), list(cols)] = True
    return matrix


def score(problem: Problem, weights: Weights, *, show_concordance: bool = True) -> ScoreTable:
    """Every score component for every candidate pair, computed as whole-matrix NumPy operations.

    With `show_concordance=False` (a user without view_demographics) the problem is scored as if nobody had
    self-identified or asked for concordance, and without that weight. Such a user sees scores, reasons, an
    order and an optimal assignment that are the same whatever anyone's self-identification: a concordance
    term in any of them, even only in which mentor is suggested, would tell them who shares whose identity.
    """
    if not show_concordance:
        problem, weights = problem.without_self_identification(), weights.without_concordance()
    mentees, mentors = problem.mentees, problem.mentors
    n, m = len(mentees), len(mentors)
    col = {mentor.id: j for j, mentor in enumerate(mentors)}

    # Shared interests: one-hot matrices multiplied (n×V)·(V×m).
    names: dict[str, int] = {}
    e_rows, e_cols, r_rows, r_cols = [], [], [], []
    for i, mentee in enumerate(mentees):
        for name in set(mentee.interests):
            e_rows.append(i)
            e_cols.append(names.setdefault(name, len(names)))
    for j, mentor in enumerate(mentors):
        for name in set(mentor.interests):
            r_rows.append(j)
            r_cols.append(names.setdefault(name, len(names)))
    a = np.zeros((n, len(names)), dtype=np.float32)
    b = np.zeros((m, len(names)), dtype=np.float32)
    a[e_rows, e_cols] = 1
    b[r_rows, r_cols] = 1
    shared = np.rint(a @ b.T).astype(np.int64)
    wanted = np.minimum(a.sum(axis=1), 3)  # sharing three interests (or all of fewer) is full marks
    c_interests = np.divide(
        np.minimum(shared, wanted[:, None]), wanted[:, None], out=np.zeros((n, m)), where=wanted[:, None] > 0
    )

    # Fit with the mentee's program: specialty, else department, else a near-peer of the same program.
    table: dict[str, int] = {}
    program_specialty = _codes((x.program_specialty for x in mentees), table)[:, None]
    known = program_specialty >= 0
    fit_specialty = known & (program_specialty == _codes((x.specialty for x in mentors), table)[None, :])
    fit_department = known & (program_specialty == _codes((x.department for x in mentors), table)[None, :])
    mentee_program = np.array([x.program_id or -1 for x in mentees], dtype=np.int64)[:, None]
    near_peer = np.array([x.mentor_type == "near_peer" for x in mentors], dtype=bool)[None, :]
    mentor_program = np.array([x.program_id or -2 for x in mentors], dtype=np.int64)[None, :]
    fit_program = near_peer & (mentee_program == mentor_program)
    other_program = (
        np.zeros((n, m), dtype=bool) if problem.near_peer_any_program else near_peer & ~fit_program
    )
    c_fit = (fit_specialty | fit_department | fit_program).astype(np.float64)

    preferred = _pairs_matrix(
        n, m, ((i, col[k]) for i, x in enumerate(mentees) for k in x.preferred if k in col)
    )
    excluded = _pairs_matrix(
        n, m, ((i, col[k]) for i, x in enumerate(mentees) for k in x.excluded if k in col)
    )
    row = {mentee.id: i for i, mentee in enumerate(mentees)}
    had_kind = _pairs_matrix(n, m, ((row[e], col[r]) for e, r in problem.history if e in row and r in col))

    # Concordance: only a requested one counts; unknown values never match.
    genders: dict[str, int] = {}
    g_mentee = _codes((x.gender for x in mentees), genders)[:, None]
    g_mentor = _codes((x.gender for x in mentors), genders)[None, :]
    wants_g = np.array([x.wants_gender_concordance for x in mentees], dtype=bool)[:, None]
    wants_u = np.array([x.wants_urim_concordance for x in mentees], dtype=bool)[:, None]
    met_gender = wants_g & (g_mentee >= 0) & (g_mentee == g_mentor)
    u_mentee = np.array([x.urim is True for x in mentees], dtype=bool)[:, None]
    u_mentor = np.array([x.urim is True for x in mentors], dtype=bool)[None, :]
    met_urim = wants_u & u_mentee & u_mentor
    requested = wants_g.astype(np.int64) + wants_u
    c_concordance = np.divide(
        met_gender.astype(np.float64) + met_urim, requested, out=np.zeros((n, m)), where=requested > 0
    )

    capacity = np.array([max(x.capacity, 1) for x in mentors], dtype=np.float64)
    load = np.array([x.load for x in mentors], dtype=np.float64)
    c_spread = np.clip(1 - load / capacity, 0, 1)[None, :]

    total = weights.total or 1.0
    raw = (
        weights.interests * c_interests
        + weights.fit * c_fit
        + weights.preference * preferred
        + weights.concordance * c_concordance
        + weights.spread * c_spread
    ) / total
    units = np.rint(np.clip(raw, 0, 1) * SCORE_UNITS).astype(np.int64)

    person_mentee = np.array([x.person_id for x in mentees], dtype=np.int64)[:, None]
    person_mentor = np.array([x.person_id for x in mentors], dtype=np.int64)[None, :]
    pgy_mentee = np.array([x.pgy for x in mentees], dtype=np.int64)[:, None]
    pgy_mentor = np.array([x.pgy if x.pgy is not None else -1 for x in mentors], dtype=np.int64)[None, :]
    return ScoreTable(
        problem=problem,
        weights=weights,
        shared=shared,
        fit_specialty=fit_specialty,
        fit_department=fit_department & ~fit_specialty,
        fit_program=fit_program,
        preferred=preferred,
        met_gender=met_gender,
        met_urim=met_urim,
        score=units / SCORE_UNITS,
        units=units,
        excluded=excluded,
        itself=person_mentee == person_mentor,
        too_junior=near_peer & ~(pgy_mentor > pgy_mentee),
        had_kind=had_kind,
        other_program=other_program,
    )


def cost_matrix(
    table: ScoreTable,
    objective: str,
    feasible: np.ndarray | None = None,
    free: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The slot-expanded cost matrix (finite everywhere) and its row, slot-to-mentor and feasibility maps.

    Participation first: a feasible pair costs -(BIG + score units) with BIG larger than any total of
    score units, so one more matched mentee always beats any gain in score; infeasible pairs cost 0,
    so the solver never gains by using them and any it uses are dropped afterwards.
    Score first: a feasible pair costs -(score units × K + 1) with K larger than the number of mentees,
    so the total score decides and the number matched only breaks ties.
    `feasible` and `free` (places per mentor column) default to the table's.
    """
    feasible = table.feasible if feasible is None else feasible
    if free is None:
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
    cost = per_pair[:, slot_mentor].astype(np.float64)
    return cost, rows, cols[slot_mentor], sub[:, slot_mentor]


def assign(
    table: ScoreTable,
    objective: str | None = None,
    feasible: np.ndarray | None = None,
    free: np.ndarray | None = None,
) -> list[tuple[int, int]]:
    """An optimal list of (mentee row, mentor column) pairs for `objective` (default: the weights'),
    optionally with other feasibility and free places (see `cost_matrix`)."""
    cost, rows, slot_col, slot_feasible = cost_matrix(
        table, objective or table.weights.objective, feasible, free
    )
    if cost.size == 0:
        return []
    r, c = optimize.linear_sum_assignment(cost)
    keep = slot_feasible[r, c]
    return sorted(zip(rows[r[keep]].tolist(), slot_col[c[keep]].tolist(), strict=True))


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


class _Preferences(assignment._Preferences):
    """Today's notes on preferred mentors (their wording did not change), with the one part the speed-up
    replaced done the old way: whether forcing a pair loses a mentee, by solving the problem again."""

    def _forcing_loses_a_mentee(self, i: int, k: int) -> bool:
        feasible = self.table.feasible.copy()
        feasible[i, :] = False
        free = self.free.copy()
        free[k] -= 1
        if free[k] == 0:
            feasible[:, k] = False
        forced = 1 + len(assign(self.table, self.objective, feasible, free))
        return forced < int((self.mentor_of >= 0).sum())
