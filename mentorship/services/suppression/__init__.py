"""Small-cell suppression of demographic counts: one pattern per academic year (docs/privacy.md).

`store.year_pattern` gives the year's pattern over every program plus the institution (`tables.decide_year`
decides it, once); every output reads its cells from it. `rebuild.pinned_cells` is the test that nothing
suppressed can be worked out.
"""

from __future__ import annotations

from mentorship.services.suppression.grid import COMPLEMENTARY, primary_mark


def notes(min_cell: int) -> list[str]:
    """The cover-sheet notes that explain suppression."""
    mark = primary_mark(min_cell)
    return [
        f"Counts from 1 to {min_cell - 1} are shown as {mark}; zero is shown as 0.",
        f"A rate or median computed over fewer than {min_cell} people is left blank, and so are the rates "
        "and medians of a hidden count.",
        f"{COMPLEMENTARY} marks a count hidden so that no {mark} count can be worked out from what is "
        "published: not from the totals of a breakdown, nor from the institution's figure minus the other "
        f"programs' (complementary suppression). A {COMPLEMENTARY} can stand for any number, 0 and small "
        f"counts included (a program with a single mentee shows {COMPLEMENTARY} rather than {mark}).",
        "% at an event, % introduced and % with an introduction met are shares of the group's mentees "
        "enrolled in the year with at least one event attended, introduction, or introduction met. Beside "
        "each program's totals (the engagement workbook lists every mentee's), a share could place a hidden "
        "group's people: such shares are left blank too.",
        "The counts to hide are chosen once per academic year, for every program and the institution "
        "together: every report of the year, for any programs, hides the same ones.",
        "Demographic figures are shown for one program or the whole institution, never summed over a set "
        "of programs: a report for several programs shows each program on its own.",
    ]
