"""Small-cell suppression of aggregate demographic reports (PRODUCT.md §4), in one function."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

COMPLEMENTARY = "*"


def primary_mark(min_cell: int) -> str:
    """How a suppressed small count is shown: "<5" for the default threshold."""
    return f"<{min_cell}"


def notes(min_cell: int) -> list[str]:
    """The cover-sheet notes that explain suppression."""
    return [
        f"Counts from 1 to {min_cell - 1} are shown as {primary_mark(min_cell)}.",
        f"A rate or median computed over fewer than {min_cell} people is left blank.",
        f"{COMPLEMENTARY} marks a count suppressed so that a single suppressed count cannot be rebuilt "
        "from the total of the breakdown (complementary suppression); its rates and medians are blank too.",
        "Zero is shown as 0.",
    ]


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
    """Apply §4 to one breakdown: the groups of one dimension in one column.

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
