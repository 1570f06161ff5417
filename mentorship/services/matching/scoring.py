"""Scoring every (mentee, mentor) pair of a matching problem. Pure: no database, no Flask.

The caller builds a `Problem` (plain values) and `score()` computes every component for every pair at once
with NumPy; `assignment` finds the optimum on the table.

Who may see the concordance term is decided here, once: `score(..., show_concordance=False)` is the table
for a user without view_demographics (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from mentorship import vocab
from mentorship.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")

OBJECTIVES = ("participation", "score")
# Scores are compared in whole units of 1e-4 (the precision shown to people), so that the objective
# is exact integer arithmetic and equal-looking totals really are ties.
SCORE_UNITS = 10_000


@dataclass(frozen=True)
class MenteeIn:
    """One mentee as matching sees them. `gender`/`urim` are only compared, never shown."""

    id: int
    person_id: int
    email: str
    pgy: int
    program_id: int | None = None
    program_specialty: str | None = None
    interests: tuple[str, ...] = ()
    preferred: frozenset[int] = frozenset()  # mentor profile ids
    excluded: frozenset[int] = frozenset()  # do-not-match mentor profile ids
    wants_gender_concordance: bool = False
    wants_urim_concordance: bool = False
    gender: str | None = field(default=None, repr=False)  # never shown or logged
    urim: bool | None = field(default=None, repr=False)
    name: str = ""
    # (mentor profile id, name) of each preferred mentor, to say why one was not suggested.
    preferred_names: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class MentorIn:
    """One mentor: `load` is their open pairings now, so free places = capacity - load."""

    id: int
    person_id: int
    email: str
    capacity: int = 3
    load: int = 0
    mentor_type: str = "faculty"
    pgy: int | None = None
    program_id: int | None = None
    department: str | None = None
    specialty: str | None = None
    interests: tuple[str, ...] = ()
    gender: str | None = field(default=None, repr=False)  # never shown or logged
    urim: bool | None = field(default=None, repr=False)
    name: str = ""

    @property
    def free(self) -> int:
        return max(self.capacity - self.load, 0)


@dataclass(frozen=True)
class Problem:
    """Mentees to place, the mentor pool, and the (mentee id, mentor id) pairs that already had `kind`;
    near-peers mentor only in their own program unless `near_peer_any_program` (NEAR_PEER_ANY_PROGRAM)."""

    mentees: tuple[MenteeIn, ...]
    mentors: tuple[MentorIn, ...]
    kind: str = "career"
    history: frozenset[tuple[int, int]] = frozenset()
    near_peer_any_program: bool = False

    def __post_init__(self) -> None:
        # Stable order by id: the same people always give the same matrix, so the same answer.
        object.__setattr__(self, "mentees", tuple(sorted(self.mentees, key=lambda m: m.id)))
        object.__setattr__(self, "mentors", tuple(sorted(self.mentors, key=lambda m: m.id)))

    def without_self_identification(self) -> Problem:
        """The same problem with nobody's gender or URiM answer and no concordance request (a request for a
        concordant mentor hints at the mentee's own answer)."""
        mentees = tuple(
            replace(x, gender=None, urim=None, wants_gender_concordance=False, wants_urim_concordance=False)
            for x in self.mentees
        )
        return replace(
            self, mentees=mentees, mentors=tuple(replace(x, gender=None, urim=None) for x in self.mentors)
        )


@dataclass(frozen=True)
class Weights:
    """The score weights and objective (MATCH_WEIGHT_* and MATCH_OBJECTIVE, docs/configuration.md)."""

    interests: float = 0.35
    fit: float = 0.25
    preference: float = 0.2
    concordance: float = 0.15
    spread: float = 0.05
    objective: str = "participation"

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise ValueError(
                f"MATCH_OBJECTIVE must be one of {', '.join(OBJECTIVES)}, not {self.objective!r}"
            )
        values = (self.interests, self.fit, self.preference, self.concordance, self.spread)
        if any(w < 0 for w in values):
            raise ValueError("matching weights cannot be negative")

    def without_concordance(self) -> Weights:
        """The same weights without the concordance term: scores stay 0-1, over the other terms."""
        return replace(self, concordance=0.0)

    @property
    def total(self) -> float:
        return self.interests + self.fit + self.preference + self.concordance + self.spread

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Weights:
        """The weights of a Flask config mapping."""
        return cls(
            interests=float(config["MATCH_WEIGHT_INTERESTS"]),
            fit=float(config["MATCH_WEIGHT_FIT"]),
            preference=float(config["MATCH_WEIGHT_PREFERENCE"]),
            concordance=float(config["MATCH_WEIGHT_CONCORDANCE"]),
            spread=float(config["MATCH_WEIGHT_SPREAD"]),
            objective=str(config["MATCH_OBJECTIVE"]),
        )


@dataclass
class ScoreTable:
    """Every component and the total score for every (mentee row, mentor column) pair."""

    problem: Problem
    weights: Weights
    shared: np.ndarray  # int: shared interests
    fit_specialty: np.ndarray  # bool
    fit_department: np.ndarray  # bool
    fit_program: np.ndarray  # bool: near-peer from the mentee's own program
    preferred: np.ndarray  # bool
    met_gender: np.ndarray  # bool
    met_urim: np.ndarray  # bool
    score: np.ndarray  # float, rounded to 1e-4, in [0, 1]
    units: np.ndarray  # int64: score in 1e-4 units
    excluded: np.ndarray  # bool: on the do-not-match list
    itself: np.ndarray  # bool: mentor is the mentee themself
    too_junior: np.ndarray  # bool: near-peer whose PGY is not above the mentee's
    had_kind: np.ndarray  # bool: the pair already had a pairing of this kind
    # bool: a near-peer of another program than the mentee's (None: no such pair)
    other_program: np.ndarray | None = None
    feasible: np.ndarray = field(init=False)  # bool: allowed by every hard rule and has a free place

    def __post_init__(self) -> None:
        free = np.array([m.free for m in self.problem.mentors], dtype=np.int64)
        self.feasible = self.allowed & (free > 0)[None, :]

    @property
    def foreign_near_peer(self) -> np.ndarray:
        """bool: the mentor is a near-peer of another program than the mentee's (and that is not allowed)."""
        if self.other_program is None:
            return np.zeros_like(self.itself, dtype=bool)
        return self.other_program

    @property
    def allowed(self) -> np.ndarray:
        """Pairs no hard rule forbids (capacity aside)."""
        return ~(self.excluded | self.itself | self.too_junior | self.had_kind | self.foreign_near_peer)

    def reason(self, i: int, j: int) -> str:
        """The plain-language reason for pairing mentee row i with mentor column j."""
        mentee, mentor = self.problem.mentees[i], self.problem.mentors[j]
        parts = []
        shared = sorted(set(mentee.interests) & set(mentor.interests))
        if shared:
            noun = "shared interest" if len(shared) == 1 else "shared interests"
            parts.append(f"{len(shared)} {noun}: {', '.join(shared)}")
        if self.fit_specialty[i, j]:
            parts.append("specialty fits the program")
        elif self.fit_department[i, j]:
            parts.append("department fits the program")
        elif self.fit_program[i, j]:
            parts.append("senior resident in the same program")
        if self.preferred[i, j]:
            parts.append("listed as preferred")
        met = [
            name for name, hit in (("gender", self.met_gender[i, j]), ("URiM", self.met_urim[i, j])) if hit
        ]
        if met:
            parts.append(f"meets the requested {' and '.join(met)} concordance")
        if not parts:
            parts.append(f"no specific fit; has {mentor.free} of {mentor.capacity} places free")
        return "; ".join(parts)

    def exclusion_reason(self, i: int) -> str:
        """Why mentee row i has no feasible mentor."""
        free = np.array([m.free > 0 for m in self.problem.mentors], dtype=bool)
        if not free.any():
            return "no mentor with free capacity"
        counts = []
        for mask, one, many in (
            (self.itself[i], "is the mentee themself", "are the mentee themself"),
            (
                self.excluded[i] & ~self.itself[i],
                "is on the do-not-match list",
                "are on the do-not-match list",
            ),
            (self.too_junior[i], "is a near-peer not senior enough", "are near-peers not senior enough"),
            (
                self.foreign_near_peer[i] & ~self.too_junior[i],
                "is a near-peer of another program",
                "are near-peers of another program",
            ),
            (
                self.had_kind[i],
                f"already had a {self.problem.kind} pairing with them",
                f"already had a {self.problem.kind} pairing with them",
            ),
        ):
            n = int((mask & free).sum())
            if n:
                counts.append(f"{n} {one if n == 1 else many}")
        return "every mentor with free capacity is excluded: " + ", ".join(counts)


def _slug(value: str | None) -> str | None:
    return vocab.slug(value) if value and value.strip() else None


def _codes(values: Iterable[str | None], table: dict[str, int]) -> np.ndarray:
    """Integer codes for strings (shared table across calls); -1 for blank."""
    known: dict[str | None, int] = {}  # each distinct spelling slugged once: thousands of people, few labels
    out = []
    for value in values:
        code = known.get(value)
        if code is None:
            key = _slug(value)
            code = known[value] = -1 if key is None else table.setdefault(key, len(table))
        out.append(code)
    return np.array(out, dtype=np.int64)


def _bits(interests: Iterable[str], names: dict[str, int]) -> int:
    """The interests as a set of bits, numbered in `names` (shared across calls)."""
    bits = 0
    for name in interests:
        bits |= 1 << names.setdefault(name, len(names))
    return bits


def _word(bits: list[int], word: int) -> np.ndarray:
    """Bits `word` to `word + 63` of each set of bits, as uint64."""
    return np.array([(x >> word) & 0xFFFF_FFFF_FFFF_FFFF for x in bits], dtype=np.uint64)


def _pairs_matrix(n: int, m: int, pairs: Iterable[tuple[int, int]]) -> np.ndarray:
    matrix = np.zeros((n, m), dtype=bool)
    pairs = list(pairs)
    if pairs:
        rows, cols = zip(*pairs, strict=True)
        matrix[list(rows), list(cols)] = True
    return matrix


# The combinations of a pair's components, as `score` numbers them: shared interests (min(shared, wanted)
# of wanted, 4 × 4), fit (2), preferred (2), concordance (met of requested, 3 × 3).
_COMBINATIONS = 4 * 4 * 2 * 2 * 3 * 3


def _units_by_combination(mentors: tuple[MentorIn, ...], weights: Weights) -> np.ndarray:
    """Score units of every combination of components for every mentor, flat, mentor by mentor."""
    grid = np.indices((4, 4, 2, 2, 3, 3)).reshape(6, -1)
    wanted, shared, fit, preferred, requested, met = (x[:, None] for x in grid)
    c_interests = np.divide(shared.astype(np.float64), wanted, out=np.zeros(wanted.shape), where=wanted > 0)
    c_concordance = np.divide(
        met.astype(np.float64), requested, out=np.zeros(requested.shape), where=requested > 0
    )
    capacity = np.array([max(x.capacity, 1) for x in mentors], dtype=np.float64)
    load = np.array([x.load for x in mentors], dtype=np.float64)
    c_spread = np.clip(1 - load / capacity, 0, 1)[None, :]
    total = weights.total or 1.0
    raw = (
        weights.interests * c_interests
        + weights.fit * fit.astype(np.float64)
        + weights.preference * preferred.astype(bool)
        + weights.concordance * c_concordance
        + weights.spread * c_spread
    ) / total
    units = np.rint(np.clip(raw, 0, 1) * SCORE_UNITS).astype(np.int64)
    return np.ascontiguousarray(units.T).ravel()


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

    # Shared interests: each person's interests as bits, one 64-bit word per 64 interest names, and the
    # shared ones counted with popcount (a one-hot matrix product went through multithreaded BLAS, whose
    # threads spent more CPU waiting for each other than multiplying).
    names: dict[str, int] = {}
    mentee_bits = [_bits(x.interests, names) for x in mentees]
    mentor_bits = [_bits(x.interests, names) for x in mentors]
    shared = np.zeros((n, m), dtype=np.int64)
    for word in range(0, len(names), 64):
        mine, theirs = _word(mentee_bits, word), _word(mentor_bits, word)
        shared += np.bitwise_count(mine[:, None] & theirs[None, :])
    # Sharing three interests (or all of fewer) is full marks.
    wanted = np.array([min(bits.bit_count(), 3) for bits in mentee_bits], dtype=np.int64)

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

    # Every pair's components take one of a few values per mentor: its score is looked up in a table of
    # those combinations for its mentor, computed with the same floating-point operations in the same
    # order, so a pair scores to the last bit what the whole-matrix formula gave, at a fraction of the cost.
    combination = np.minimum(shared, wanted[:, None])
    combination += 4 * wanted[:, None]
    combination *= 2
    combination += fit_specialty | fit_department | fit_program
    combination *= 2
    combination += preferred
    combination *= 9
    combination += 3 * requested + met_gender + met_urim
    combination += (np.arange(m, dtype=np.int64) * _COMBINATIONS)[None, :]
    units = _units_by_combination(mentors, weights).take(combination)

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


def ranked_mentors(table: ScoreTable, i: int) -> list[tuple[int, float, str]]:
    """Mentor columns allowed for mentee row i (capacity aside), best score first, with reasons."""
    allowed = np.flatnonzero(table.allowed[i])
    order = allowed[np.lexsort((allowed, -table.units[i, allowed]))]
    return [(int(j), float(table.score[i, j]), table.reason(i, int(j))) for j in order]


def total_score(table: ScoreTable, pairs: Iterable[tuple[int, int]]) -> float:
    """The sum of the scores of `pairs`."""
    return float(sum(table.units[i, j] for i, j in pairs)) / SCORE_UNITS
