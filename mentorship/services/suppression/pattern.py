"""Deciding which cells of a year's table are shown: the one pattern every output uses (docs/privacy.md).

1. Primary: every count from 1 to MIN_CELL_SIZE - 1 is shown as "<5"; zero is shown as 0.
2. Complementary: while the rebuilding test pins a suppressed cell, look for the cheapest table that
   agrees with everything else shown but has that cell one higher or one lower (a small linear program);
   the shown counts it had to change are hidden as "*". Hiding a count costs its size plus one, so small
   counts go first; a zero costs as much as a count just over the threshold, so zeros are hidden only when
   no small count will do (a program whose four mentees all left gender blank has only zeros to hide).
3. Where no such table exists even with every other count hidden, the "<5" mark itself gives the count
   away (a program with a single mentee: its only non-zero cell is 1): that count is shown as "*" too.

Hiding a cell never makes another easier to rebuild, and every step hides at least one more cell, so the
loop ends with a table that passes. The same data always give the same pattern.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from mentorship.lazy import lazy_module
from mentorship.services.suppression.grid import COMPLEMENTARY, Cell, Published, Shown, Table, primary_mark
from mentorship.services.suppression.rebuild import EPS, incidence, is_primary, pinned_cells

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")


def _observed(shown: dict[Cell, Shown]) -> dict[Cell, tuple[Shown]]:
    return {cell: (s,) for cell, s in shown.items()}


@lru_cache(maxsize=256)
def decide(table: Table, min_cell: int) -> Published:
    """The published form of `table` under the steps above."""
    lay = table.layout
    values = table.values()
    primary = primary_mark(min_cell)
    shown: dict[Cell, Shown] = {c: primary if 0 < v < min_cell else v for c, v in values.items()}
    if primary not in shown.values():
        return Published(lay, shown)
    while pinned := pinned_cells(lay, _observed(shown), min_cell):
        for n, cell in enumerate(pinned):
            if n and not pinned_cells(lay, _observed(shown), min_cell, only=[cell]):
                continue  # freed by what was hidden for an earlier cell of this round
            hide = _protection(table, shown, values, cell, min_cell)
            if hide is None and is_primary(shown[cell]):
                shown[cell] = COMPLEMENTARY  # step 3
            elif not hide:
                # Cannot happen (a table with every count hidden passes); never loop for ever.
                raise RuntimeError(f"suppression of {lay.key}: cell {cell} cannot be protected")
            for c in hide or ():
                shown[c] = COMPLEMENTARY
    return Published(lay, shown)


def decide_around(table: Table, start: dict[Cell, Shown], fixed: frozenset[Cell], min_cell: int) -> Published:
    """The published form of `table` from `start`, hiding only shown counts outside `fixed` (step 2).

    For a table some of whose cells are decided elsewhere (the networking table keeps the mentee counts
    of their own table, tables.network_pattern). A cell pinned even with every other count hidden owes
    nothing to them: that is for the pattern of `fixed` to prevent, and the check reports it.
    """
    lay, shown, values = table.layout, dict(start), table.values()
    floor: dict[Cell, int] | None = None

    def others_hidden() -> dict[Cell, tuple[Shown]]:
        return {c: (s if c in fixed or not isinstance(s, int) else COMPLEMENTARY,) for c, s in shown.items()}

    while pinned := pinned_cells(lay, _observed(shown), min_cell):
        if floor is None:
            floor = pinned_cells(lay, others_hidden(), min_cell)
        if not (pinned := {c: v for c, v in pinned.items() if c not in floor}):
            break
        for n, cell in enumerate(pinned):
            if n and not pinned_cells(lay, _observed(shown), min_cell, only=[cell]):
                continue  # freed by what was hidden for an earlier cell of this round
            # With no cheaper cover, every count that may be hidden is: that passes (see `floor`).
            hide = _protection(table, shown, values, cell, min_cell, fixed) or [
                c for c, s in shown.items() if isinstance(s, int) and c not in fixed
            ]
            for c in hide:
                shown[c] = COMPLEMENTARY
    return Published(lay, shown)


def _protection(
    table: Table,
    shown: dict[Cell, Shown],
    values: dict[Cell, int],
    cell: Cell,
    min_cell: int,
    fixed: frozenset[Cell] = frozenset(),
) -> list[Cell] | None:
    """The shown cells to hide so that `cell` could be one more or one less; None when nothing will do.

    Unknowns: the table's people per class and part (y >= 0) and, for every shown count i, how far the
    other table moves it up (u_i) or down (d_i). Constraints: class sizes; u_i - d_i = cell_i(y) - value_i;
    "<5" cells between 1 and min_cell - 1; `cell` at its value +1 (or -1). Cost: sum of w_i (u_i + d_i).
    Shown counts in `fixed` cannot be hidden: they hold at their value.
    """
    from scipy.optimize import linprog

    inc = incidence(table.layout)
    n = inc.unknowns
    counted = [c for c, s in shown.items() if isinstance(s, int) and inc.cells[inc.index[c]].any()]
    visible = [c for c in counted if c not in fixed]
    held = [c for c in counted if c in fixed]
    k = len(visible)
    moves = np.hstack([np.eye(k), -np.eye(k)])
    eq = np.vstack(
        [
            np.hstack([inc.sizes, np.zeros((inc.sizes.shape[0], 2 * k))]),
            np.hstack([inc.rows(held), np.zeros((len(held), 2 * k))]),
            np.hstack([inc.rows(visible), -moves]),
            np.hstack([inc.cells[inc.index[cell]], np.zeros(2 * k)]),
        ]
    )
    eq_values = np.concatenate(
        [inc.size_values, [float(values[c]) for c in held], [float(values[c]) for c in visible], [0.0]]
    )
    small = [c for c, s in shown.items() if is_primary(s) and c != cell]
    rows = inc.rows(small)
    ub = np.hstack([np.vstack([rows, -rows]), np.zeros((2 * len(small), 2 * k))]) if small else None
    ub_values = [min_cell - 1.0] * len(small) + [-1.0] * len(small) if small else None
    # A tiny share of each cell's place in the table breaks ties, so that one cover is the cheapest.
    order = table.layout.cells()
    weight = [
        (values[c] + 1.0 if values[c] else min_cell + 1.5) + 1e-3 * order.index(c) / len(order)
        for c in visible
    ]
    objective = np.concatenate([np.zeros(n), weight, weight])
    best = None
    low = 1 if is_primary(shown[cell]) else 0
    high = min_cell - 1 if is_primary(shown[cell]) else None
    for goal in (values[cell] - 1, values[cell] + 1):
        if goal < low or (high is not None and goal > high):
            continue
        eq_values[-1] = goal
        result = linprog(objective, ub, ub_values, eq, eq_values, bounds=(0, None), method="highs")
        if result.status == 0 and (best is None or result.fun < best.fun - EPS):
            best = result
    if best is None:
        return None
    moved = best.x[n : n + k] + best.x[n + k :]
    return [c for c, m in zip(visible, moved, strict=True) if m > EPS]
