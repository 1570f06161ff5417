"""Plan rules: review windows at their edges, PLAN_REVIEW_MONTHS checked at start-up, goal fields."""

from __future__ import annotations

import datetime as dt

import pytest

from config import TestConfig
from mentorship import create_app
from mentorship.services.plans.rules import (
    GoalInput,
    InvalidGoal,
    clean_goal,
    parse_review_months,
    review_due,
    window_on,
)

DEFAULT = parse_review_months("11,12;5,6")
D = dt.date


def test_default_windows():
    assert DEFAULT == ((11, 12), (5, 6))


@pytest.mark.parametrize(
    ("day", "window"),
    [
        (D(2025, 10, 31), None),
        (D(2025, 11, 1), (D(2025, 11, 1), D(2025, 12, 31))),
        (D(2025, 12, 31), (D(2025, 11, 1), D(2025, 12, 31))),
        (D(2026, 1, 1), None),
        (D(2026, 4, 30), None),
        (D(2026, 5, 1), (D(2026, 5, 1), D(2026, 6, 30))),
        (D(2026, 6, 30), (D(2026, 5, 1), D(2026, 6, 30))),
        (D(2026, 7, 1), None),
    ],
)
def test_windows_at_their_edges(day, window):
    assert window_on(day, DEFAULT) == window


def test_a_window_across_new_year():
    windows = parse_review_months("12,1")
    assert window_on(D(2026, 1, 31), windows) == (D(2025, 12, 1), D(2026, 1, 31))
    assert window_on(D(2025, 12, 1), windows) == (D(2025, 12, 1), D(2026, 1, 31))


def test_a_review_inside_the_window_settles_it_one_outside_does_not():
    assert review_due([], D(2025, 11, 1), DEFAULT)
    assert not review_due([D(2025, 11, 1)], D(2025, 12, 31), DEFAULT)
    assert review_due([D(2025, 10, 31)], D(2025, 11, 1), DEFAULT)
    assert review_due([D(2025, 12, 20)], D(2026, 5, 1), DEFAULT)  # last window's review: the new one is due
    assert not review_due([], D(2026, 1, 1), DEFAULT)  # no window open: nothing is due


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "at least one window"),
        ("11,13", "1 to 12"),
        ("11,x", "not a list of month numbers"),
        ("11,1", "must follow each other"),
        ("11,12;12,1", "two windows"),
    ],
)
def test_bad_review_months_are_refused_at_start_up(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_review_months(raw)

    class Bad(TestConfig):
        PLAN_REVIEW_MONTHS = raw

    with pytest.raises(RuntimeError, match=message):
        create_app(Bad)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (GoalInput(title="  "), "title"),
        (GoalInput(title="x" * 201), "title"),
        (GoalInput(title="Ok", category="surgery"), "category"),
        (GoalInput(title="Ok", status="finished"), "status"),
        (GoalInput(title="Ok", next_step="y" * 501), "next_step"),
    ],
)
def test_goal_fields_name_what_is_wrong(data, field):
    with pytest.raises(InvalidGoal) as caught:
        clean_goal(data)
    assert caught.value.field == field
