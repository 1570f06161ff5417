"""Can a suppressed count be rebuilt from what was published? A linear program answers (docs/privacy.md).

The unknowns are the people of each class in each part of a table (never negative). Known: every published
count, the sizes of the classes that are published (a program's mentees enrolled), "<5" cells between 1 and
MIN_CELL_SIZE - 1, "*" cells at least 0. A cell is *pinned* when its smallest and largest possible values
leave a single whole number: a "<5" cell always counts then, and a "*" cell when that number is between 1
and MIN_CELL_SIZE - 1. Every solution of the program also gives the value of every other cell, so a cell
seen at two values that far apart is free without solving for it.

The program of one observation is handed to HiGHS once and solved again for each objective: each solve starts
from the last one's optimal basis, several times faster than a fresh `scipy.optimize.linprog` each time (a
networking table takes hundreds of solves). Which optimum a solve returns never changes the answer: a cell is
pinned or not by its smallest and largest values, which are unique.

NumPy and HiGHS are imported on first use: they take about a second to load, and only reports need them. The
matrices are built dense (a table has a class per program, and one for mentors of no program: a few hundred
unknowns, a networking table a thousand or so) and handed to the solver sparse.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from mentorship.lazy import lazy_module
from mentorship.services.suppression.grid import COMPLEMENTARY, Cell, Layout, Shown

if TYPE_CHECKING:
    import highspy
    import numpy as np
else:
    np = lazy_module("numpy")
    highspy = lazy_module("highspy")

EPS = 1e-6


class Inconsistent(ValueError):
    """The published figures of a table contradict each other (two outputs show different counts)."""


@dataclass(frozen=True)
class Pinned:
    """A suppressed cell whose exact value follows from what was published."""

    kind: str
    dimension: str
    program: str
    group: str
    value: int


def is_primary(shown: Shown) -> bool:
    """Whether `shown` is the "<5" mark."""
    return isinstance(shown, str) and shown != COMPLEMENTARY


@dataclass(frozen=True)
class Incidence:
    """A layout as matrices: which unknowns each cell adds up, and which make up each sized class."""

    cells: np.ndarray  # (cell x unknown) 0/1, rows in Layout.cells() order
    index: dict[Cell, int]
    sizes: np.ndarray  # (sized class x unknown) 0/1
    size_values: np.ndarray

    @property
    def unknowns(self) -> int:
        return self.cells.shape[1]

    def rows(self, cells: Iterable[Cell]) -> np.ndarray:
        """The rows of `cells`, in that order."""
        return self.cells[[self.index[c] for c in cells]].reshape(-1, self.unknowns)


@lru_cache(maxsize=64)
def incidence(layout: Layout) -> Incidence:
    """The matrices of `layout`: unknown k * parts + p is the number of people of class k in part p."""
    width = layout.parts
    cells = layout.cells()
    matrix = np.zeros((len(cells), len(layout.classes) * width))
    for i, (g, column) in enumerate(cells):
        for k, cls in enumerate(layout.classes):
            if layout.counts_in(cls, column):
                matrix[i, [k * width + p for p in layout.rows[g]]] = 1.0
    sized = [k for k, cls in enumerate(layout.classes) if cls.size is not None]
    sizes = np.zeros((len(sized), matrix.shape[1]))
    for j, k in enumerate(sized):
        sizes[j, k * width : (k + 1) * width] = 1.0
    values = np.array([float(layout.classes[k].size or 0) for k in sized])
    return Incidence(matrix, {cell: i for i, cell in enumerate(cells)}, sizes, values)


def _constraints(
    inc: Incidence, observed: Mapping[Cell, Collection[Shown]], min_cell: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, lower, upper) of what was observed: sizes and counts fixed, "<5" from 1 to min_cell - 1."""
    fixed = [(c, float(s)) for c, seen in observed.items() for s in set(seen) if isinstance(s, int)]
    small = sorted(
        {c for c, seen in observed.items() if any(is_primary(s) for s in seen)}, key=lambda c: inc.index[c]
    )
    equal = np.concatenate([inc.size_values, [v for _c, v in fixed]])
    rows = np.vstack([inc.sizes, inc.rows(c for c, _v in fixed), inc.rows(small)])
    lower = np.concatenate([equal, np.ones(len(small))])
    upper = np.concatenate([equal, np.full(len(small), min_cell - 1.0)])
    return rows, lower, upper


_first_solver = threading.Lock()
_banner_shown = False


def _new_solver() -> highspy.Highs:
    """A silent HiGHS solver."""
    global _banner_shown
    with _first_solver:
        if not _banner_shown:
            # HiGHS prints its banner on standard output when a process makes its first solver, before any
            # option can turn output off; a command's output (or a workbook written to it) must not carry it.
            saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            try:
                solver = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(null)
            _banner_shown = True
        else:
            solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    # From the last optimum, a new objective leaves the basis primal feasible: primal simplex goes on from it.
    solver.setOptionValue("simplex_strategy", 4)
    return solver


class _Program:
    """The unknowns (people per class and part, never negative) under `rows`' bounds, one model in HiGHS."""

    def __init__(self, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray, contradiction: str) -> None:
        from scipy.sparse import csc_array

        self._contradiction = contradiction  # what Inconsistent says when no table fits

        self.unknowns = rows.shape[1]
        matrix = csc_array(rows)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.unknowns, rows.shape[0]
        lp.col_cost_ = np.zeros(self.unknowns)
        lp.col_lower_ = np.zeros(self.unknowns)
        lp.col_upper_ = np.full(self.unknowns, highspy.kHighsInf)
        lp.row_lower_, lp.row_upper_ = lower, upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = (
            matrix.indptr,
            matrix.indices,
            matrix.data,
        )
        self._columns = np.arange(self.unknowns, dtype=np.int32)
        self._solver = _new_solver()
        self._solver.passModel(lp)

    def minimise(self, objective: np.ndarray) -> np.ndarray | None:
        """Where `objective` is least (None when it has no least value); Inconsistent with no solution."""
        status = highspy.HighsModelStatus
        self._solver.changeColsCost(self.unknowns, self._columns, np.asarray(objective, dtype=float))
        self._solver.run()
        outcome = self._solver.getModelStatus()
        if outcome == status.kUnboundedOrInfeasible:
            # Presolve could not tell which: without an objective the question is only whether any table fits.
            self._solver.changeColsCost(self.unknowns, self._columns, np.zeros(self.unknowns))
            self._solver.run()
            if self._solver.getModelStatus() == status.kOptimal:
                return None
            outcome = status.kInfeasible
        if outcome == status.kInfeasible:
            raise Inconsistent(self._contradiction)
        if outcome == status.kUnbounded:
            return None
        if outcome != status.kOptimal:
            raise RuntimeError(f"HiGHS: {self._solver.modelStatusToString(outcome)}")
        return np.asarray(self._solver.getSolution().col_value)


def spans_two_integers(low: float, high: float) -> bool:
    """Whether [low, high] holds at least two whole numbers."""
    if high < low:
        return False  # nothing seen yet
    return math.floor(high + EPS) - math.ceil(low - EPS) >= 1


def pinned_cells(
    layout: Layout,
    observed: Mapping[Cell, Collection[Shown]],
    min_cell: int,
    only: Collection[Cell] | None = None,
) -> dict[Cell, int]:
    """The suppressed cells of `observed` that can be rebuilt, with the value each must have.

    `observed` holds, per cell, everything any output showed for it (a count, "<5", "*"); cells no output
    shows are unknown. `only` limits which cells are examined. Raises Inconsistent when the figures
    contradict each other.
    """
    targets = [
        c
        for c, seen in observed.items()
        if any(isinstance(s, str) for s in seen) and (only is None or c in only)
    ]
    if not targets or not layout.classes:
        return {}  # nothing hidden, or nobody counts in the table (every cell is 0)
    inc = incidence(layout)
    contradiction = f"the published {layout.kind} by {layout.dimension} contradict each other"
    program = _Program(*_constraints(inc, observed, min_cell), contradiction)
    target_rows = inc.rows(targets)
    low = dict.fromkeys(targets, math.inf)
    high = dict.fromkeys(targets, -math.inf)

    def solve(objective: np.ndarray) -> bool:
        """Minimise `objective`, noting where every target lands; False when it goes on for ever."""
        x = program.minimise(objective)
        if x is None:
            return False
        values = target_rows @ x
        for c, v in zip(targets, values.tolist(), strict=True):
            low[c], high[c] = min(low[c], v), max(high[c], v)
        return True

    if len(targets) > 2:
        # A few solutions pulled in opposite (fixed, pseudo-random) directions free most cells at once.
        for signs in [
            np.ones(len(targets)),
            *np.random.default_rng(0).choice([-1.0, 1.0], (2, len(targets))),
        ]:
            for direction in (1.0, -1.0):
                solve(direction * signs @ target_rows)
    found: dict[Cell, int] = {}
    for cell in targets:
        if spans_two_integers(low[cell], high[cell]):
            continue
        row = inc.cells[inc.index[cell]]
        solve(row)
        if spans_two_integers(low[cell], high[cell]) or not solve(-row):
            continue
        if spans_two_integers(low[cell], high[cell]):
            continue
        value = math.ceil(low[cell] - EPS)
        if any(is_primary(s) for s in observed[cell]) or 1 <= value <= min_cell - 1:
            found[cell] = value
    return found


def describe_pinned(layout: Layout, pinned: Mapping[Cell, int]) -> list[Pinned]:
    """The pinned cells of a layout with their program and group names."""
    return [
        Pinned(layout.kind, layout.dimension, layout.column_name(column), layout.groups[g], value)
        for (g, column), value in pinned.items()
    ]
