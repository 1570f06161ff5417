"""The suppression rule as it was before one pattern per year: each breakdown on its own.

Kept only to show, in tests, that the rebuilding test catches what it let through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mentorship.services.suppression.grid import COMPLEMENTARY, Published, Table, primary_mark
from mentorship.services.suppression.tables import CONCORDANCE


def decide_as_before(table: Table, min_cell: int) -> Published:
    """`table` as the old rule showed it: every column suppressed on its own (concordance: each count)."""
    lay = table.layout
    values = table.values()
    shown = {}
    for column in lay.columns:
        counts = [values[(g, column)] for g in range(len(lay.groups))]
        if lay.kind == CONCORDANCE:
            marks = [suppress([n], min_cell).counts[0] for n in counts]
        else:
            marks = suppress(counts, min_cell).counts
        shown.update({(g, column): mark for g, mark in enumerate(marks)})
    return Published(lay, shown)


@dataclass(frozen=True)
class Suppressed:
    """A breakdown as it may be shown: counts (int, "<5" or "*") and stats (value or None)."""

    counts: list[int | str]
    stats: list[list[float | None]]
    notes: list[str]


def suppress(
    counts: Sequence[int],
    min_cell: int,
    stats: Sequence[Sequence[tuple[float | None, int]]] = (),
) -> Suppressed:
    """Suppress one breakdown: the groups of one dimension in one column.

    `counts` are the group counts in display order; `stats[i]` holds group i's rates and medians as
    (value, number of people it is computed over). Counts 1..min_cell-1 become "<min_cell"; if that
    leaves exactly one suppressed count, the next smallest non-zero count becomes "*"; zero stays 0;
    a stat over fewer than min_cell people, or of a "*" group, becomes None (blank).
    """
    shown: list[int | str] = list(counts)
    small = [i for i, n in enumerate(counts) if 0 < n < min_cell]
    found = []
    for i in small:
        shown[i] = primary_mark(min_cell)
    if small:
        found.append(f"Counts under {min_cell} are shown as {primary_mark(min_cell)}.")
    if len(small) == 1:
        others = sorted((n, i) for i, n in enumerate(counts) if n >= min_cell)
        if others:
            shown[others[0][1]] = COMPLEMENTARY
            found.append(
                f"{COMPLEMENTARY}: suppressed so that the small count cannot be rebuilt from the total."
            )
    shown_stats = []
    blanked = False
    for i, row in enumerate(stats):
        values = []
        for value, people in row:
            # A figure of a complementary cell would let its count, and so the small one, be rebuilt.
            if people < min_cell or shown[i] == COMPLEMENTARY:
                blanked = blanked or value is not None
                value = None
            values.append(value)
        shown_stats.append(values)
    if blanked:
        found.append(f"Rates and medians over fewer than {min_cell} people are left blank.")
    return Suppressed(shown, shown_stats, found)
