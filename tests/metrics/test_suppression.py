"""PRODUCT.md §4 small-cell suppression, including the complementary rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mentorship.services.suppression import suppress


def test_primary_and_zero():
    shown = suppress([0, 4, 5, 12, 3], 5)
    assert shown.counts == [0, "<5", 5, 12, "<5"]  # two suppressed: no complementary cell needed


def test_complementary_suppresses_the_next_smallest():
    shown = suppress([12, 1, 7, 0, 9], 5)
    assert shown.counts == [12, "<5", "*", 0, 9]
    assert any("*" in note for note in shown.notes)


def test_complementary_tie_takes_the_first():
    assert suppress([6, 6, 2], 5).counts == ["*", 6, "<5"]


def test_no_other_count_to_suppress():
    assert suppress([3, 0, 0], 5).counts == ["<5", 0, 0]


def test_threshold_is_a_setting():
    assert suppress([10, 9, 30], 11).counts == ["<11", "<11", 30]
    assert suppress([10, 12, 30], 11).counts == ["<11", "*", 30]


def test_stats_blank_under_threshold_and_for_complementary_cells():
    shown = suppress([4, 5, 9], 5, [[(0.5, 4)], [(0.6, 5)], [(0.7, 9)]])
    assert shown.counts == ["<5", "*", 9]
    assert shown.stats == [[None], [None], [0.7]]
    shown = suppress([5, 5, 9], 5, [[(0.5, 5)], [(2.0, 4)], [(None, 9)]])
    assert shown.counts == [5, 5, 9]
    assert shown.stats == [[0.5], [None], [None]]  # a median over 4 people is blank; blank stays blank


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8), st.integers(2, 12))
def test_properties(counts, threshold):
    shown = suppress(counts, threshold).counts
    assert len(shown) == len(counts)
    for n, s in zip(counts, shown, strict=True):
        if n == 0:
            assert s == 0  # zero is shown as 0
        elif n < threshold:
            assert s == f"<{threshold}"  # every small count is hidden
        else:
            assert s in (n, "*")
    hidden = [s for s in shown if isinstance(s, str)]
    big = [n for n in counts if n >= threshold]
    # Never exactly one hidden cell when another non-zero cell could hide it.
    assert len(hidden) != 1 or not big
    # The complementary cell is the smallest count that could be hidden.
    if "*" in shown:
        assert counts[shown.index("*")] == min(big)
        assert shown.count("*") == 1
