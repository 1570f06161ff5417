"""Small-cell suppression: one pattern per table over every program plus the institution, and the
linear program that tries to rebuild what it hides (docs/privacy.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.services.suppression.grid import COMPLEMENTARY, INSTITUTION, Published, Table
from mentorship.services.suppression.pattern import decide
from mentorship.services.suppression.rebuild import Inconsistent, pinned_cells
from mentorship.services.suppression.tables import CONCORDANCE_GROUPS, CONCORDANCE_ROWS, _table
from tests.metrics.old_rule import decide_as_before

GENDER = ("Woman", "Man", "Nonbinary", "Self-described", "Not disclosed")


def breakdown(columns: dict[str, list[int]], groups=GENDER, kind="Mentees") -> Table:
    """A table of mentees: `columns` maps a program name to its count per group."""
    programs = tuple((i + 1, name) for i, name in enumerate(columns))
    people = [
        (frozenset({pid}), g) for pid, name in programs for g, n in enumerate(columns[name]) for _ in range(n)
    ]
    return _table(kind, "Gender", groups, tuple((i,) for i in range(len(groups))), programs, people, True)


def concordance(columns: dict[str, list[int]]) -> Table:
    """Concordance requests: `columns` maps a program to its requests (not paired, paired, met)."""
    programs = tuple((i + 1, name) for i, name in enumerate(columns))
    people = [
        (frozenset({pid}), p) for pid, name in programs for p, n in enumerate(columns[name]) for _ in range(n)
    ]
    return _table("Concordance", "URiM", CONCORDANCE_GROUPS, CONCORDANCE_ROWS, programs, people, False)


def observed(published: Published) -> dict:
    return {cell: (shown,) for cell, shown in published.shown.items()}


def pinned(published: Published, min_cell: int = 5) -> dict:
    """{(program name, group): value} of every cell the rebuilding test pins."""
    lay = published.layout
    found = pinned_cells(lay, observed(published), min_cell)
    return {(lay.column_name(c), lay.groups[g]): v for (g, c), v in found.items()}


def grid(published: Published) -> dict[str, list]:
    lay = published.layout
    return {lay.column_name(c): published.column(c) for c in lay.columns}


def test_two_small_cells_of_a_breakdown_summing_to_two():
    # 10 women, 9 men, one nonbinary and one self-described resident: the old rule showed both as <5
    # and no complementary cell, and 21 - 10 - 9 - 0 = 2 = 1 + 1.
    table = breakdown({"Alpha": [10, 9, 1, 1, 0]})
    old = decide_as_before(table, 5)
    assert old.column(1) == [10, 9, "<5", "<5", 0]
    assert pinned(old) == {
        ("Alpha", "Nonbinary"): 1,
        ("Alpha", "Self-described"): 1,
        ("Institution", "Nonbinary"): 1,
        ("Institution", "Self-described"): 1,
    }
    new = decide(table, 5)
    assert pinned(new) == {}
    # Two cells of 1 can never both be <5 when the rest is known: one more count goes (the men, the
    # smaller of the two large counts), and with it the <5 pair can be 1+1 or 2+... up to 4+4 again.
    assert grid(new) == {"Alpha": [10, "*", "<5", "<5", 0], "Institution": [10, "*", "<5", "<5", 0]}


def test_a_program_cell_rebuilt_from_the_institution_minus_the_other_programs():
    # Alpha's 3 nonbinary residents: its own breakdown hides them with a complementary cell (6 not
    # disclosed), but the institution shows 9 nonbinary and Beta shows 6, so Alpha's are 9 - 6 = 3.
    table = breakdown({"Alpha": [10, 8, 3, 0, 6], "Beta": [7, 9, 6, 0, 8]})
    old = decide_as_before(table, 5)
    assert old.column(1) == [10, 8, "<5", 0, "*"]
    assert old.column(2) == [7, 9, 6, 0, 8]
    assert old.column(INSTITUTION) == [17, 17, 9, 0, 14]
    assert pinned(old) == {("Alpha", "Nonbinary"): 3}  # (and so its "*" is 6: no small count, no leak)
    new = decide(table, 5)
    assert pinned(new) == {}
    # A rectangle with Beta: one nonbinary resident more in Alpha and one fewer in Beta (and the reverse
    # for not disclosed) publishes the same figures, so the institution's stay.
    assert grid(new) == {
        "Alpha": [10, 8, "<5", 0, "*"],
        "Beta": [7, 9, "*", 0, "*"],
        "Institution": [17, 17, 9, 0, 14],
    }


def test_a_group_row_where_only_one_program_is_small():
    # Two self-described residents in Alpha, 7 and 8 in Beta and Gamma: 17 - 7 - 8 = 2.
    table = breakdown({"Alpha": [12, 11, 0, 2, 9], "Beta": [6, 5, 0, 7, 5], "Gamma": [9, 6, 0, 8, 5]})
    old = decide_as_before(table, 5)
    assert pinned(old)[("Alpha", "Self-described")] == 2
    new = decide(table, 5)
    assert pinned(new) == {}
    # The cheapest cover: a rectangle with Beta (one more self-described and one fewer not disclosed in
    # Alpha, the reverse in Beta, would publish the same figures), so the institution stays whole.
    assert grid(new) == {
        "Alpha": [12, 11, 0, "<5", "*"],
        "Beta": [6, 5, 0, "*", "*"],
        "Gamma": [9, 6, 0, 8, 5],
        "Institution": [27, 22, 0, 17, 19],
    }


def test_zero_is_shown_as_zero_and_nothing_is_hidden_without_need():
    table = breakdown({"Alpha": [12, 9, 0, 0, 7], "Beta": [5, 5, 0, 0, 6]})
    assert grid(decide(table, 5)) == {
        "Alpha": [12, 9, 0, 0, 7],
        "Beta": [5, 5, 0, 0, 6],
        "Institution": [17, 14, 0, 0, 13],
    }


def test_zeros_are_hidden_when_nothing_else_can_protect_a_count():
    # Four residents in Alpha, none of whom answered: only zeros can hide how many did not.
    new = decide(breakdown({"Alpha": [0, 0, 0, 0, 4], "Beta": [6, 5, 0, 0, 0]}), 5)
    assert pinned(new) == {}
    assert new.column(1)[4] == "<5"
    assert COMPLEMENTARY in new.column(1)


def test_a_program_with_a_single_mentee_shows_no_small_mark():
    # "<5" means 1 to 4; with one mentee in the program it would say which group they are in.
    new = decide(breakdown({"Alpha": [0, 1, 0, 0, 0], "Beta": [8, 7, 0, 0, 5]}), 5)
    assert "<5" not in new.column(1)
    assert new.column(1)[1] == COMPLEMENTARY
    assert pinned(new) == {}


def test_the_threshold_is_a_setting():
    table = breakdown({"Alpha": [10, 11, 30, 0, 0]})
    assert decide(table, 11).column(1) == ["<11", "*", 30, 0, 0]
    assert decide(table, 5).column(1) == [10, 11, 30, 0, 0]
    # Hiding a zero costs as much as hiding a count just over the threshold: 12 stays, a zero goes.
    assert decide(breakdown({"Alpha": [10, 12, 30, 0, 0]}), 11).column(1) == ["<11", 12, 30, "*", 0]


def test_the_same_data_give_the_same_pattern():
    columns = {"Alpha": [12, 9, 1, 1, 3], "Beta": [7, 8, 0, 2, 0], "Gamma": [1, 1, 0, 0, 0]}
    first = dict(decide(breakdown(columns), 5).shown)
    decide.cache_clear()
    assert dict(decide(breakdown(columns), 5).shown) == first


def test_concordance_requests_are_nested():
    # Made >= with a mentor >= met, in every program; the institution adds the programs up.
    table = concordance({"Alpha": [0, 1, 2], "Beta": [4, 3, 0]})
    new = decide(table, 5)
    assert pinned(new) == {}
    assert new.column(INSTITUTION)[0] == 10  # 3 + 7 requests made


def test_the_checker_reads_every_output_together():
    lay = breakdown({"Alpha": [10, 9, 1, 1, 0]}).layout
    # One output hides a cell that another shows: it is pinned, and named with its value.
    seen = {(0, 1): (10,), (1, 1): (9,), (2, 1): ("<5", 1), (3, 1): ("<5",), (4, 1): (0,)}
    assert pinned_cells(lay, seen, 5) == {(2, 1): 1, (3, 1): 1}
    # A "*" pinned to 12 gives nothing small away; pinned to 3 it does.
    assert (
        pinned_cells(lay, {(0, 1): ("*",), (1, 1): (9,), (2, 1): (2,), (3, 1): (0,), (4, 1): (0,)}, 5) == {}
    )
    table = breakdown({"Alpha": [3, 9, 2, 7, 0]})
    seen = {(0, 1): ("*",), (1, 1): (9,), (2, 1): (2,), (3, 1): (7,), (4, 1): (0,)}
    assert pinned_cells(table.layout, seen, 5) == {(0, 1): 3}
    with pytest.raises(Inconsistent):
        pinned_cells(lay, {(0, 1): (10, 11), (1, 1): ("*",)}, 5)


COUNTS = st.lists(st.integers(0, 12), min_size=5, max_size=5)


@settings(max_examples=60, deadline=None)
@given(st.lists(COUNTS, min_size=2, max_size=4), st.integers(3, 6))
def test_random_institutions_nothing_can_be_rebuilt(columns, min_cell):
    table = breakdown({f"P{i}": counts for i, counts in enumerate(columns)})
    new = decide(table, min_cell)
    assert pinned_cells(table.layout, observed(new), min_cell) == {}
    for cell, true in table.values().items():
        shown = new.shown[cell]
        if isinstance(shown, int):
            assert shown == true  # every published count is the true count
        elif shown != COMPLEMENTARY:
            assert 0 < true < min_cell
        assert not (0 < true < min_cell and isinstance(shown, int))  # no small count is ever shown


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 6), min_size=3, max_size=3), min_size=2, max_size=4))
def test_random_concordance_nothing_can_be_rebuilt(columns):
    table = concordance({f"P{i}": parts for i, parts in enumerate(columns)})
    new = decide(table, 5)
    assert pinned_cells(table.layout, observed(new), 5) == {}
    assert all(new.shown[c] == v for c, v in table.values().items() if isinstance(new.shown[c], int))


def test_the_solver_writes_nothing_on_standard_output():
    # HiGHS prints a banner when a process makes its first solver; a command's output must not carry it.
    code = (
        "from tests.metrics.test_suppression import breakdown, decide\n"
        "print(decide(breakdown({'Alpha': [10, 9, 1, 1, 0]}), 5).column(1))"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout == "[10, '*', '<5', '<5', 0]\n"
    assert "HiGHS" not in done.stderr
