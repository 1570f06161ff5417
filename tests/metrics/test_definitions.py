"""The pure definitions (services.metrics.definitions) without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorship.services.academic_year import academic_year
from mentorship.services.metrics.definitions import (
    BEFORE_THE_YEARS,
    HeldMeetings,
    check_spans,
    held_per_year,
)

d = dt.date


def test_a_year_counts_its_own_meetings_and_sees_every_earlier_one():
    before = HeldMeetings(2, 90, d(2022, 9, 1), d(2023, 5, 1))
    second = HeldMeetings(3, 120, d(2024, 8, 1), d(2025, 2, 1))
    after = HeldMeetings(1, 30, d(2025, 7, 3), d(2025, 7, 3))  # after the last year, up to its report date
    years = held_per_year([(BEFORE_THE_YEARS, before), (1, second), (2, after)], 2)
    assert years == (
        HeldMeetings(0, 0, d(2022, 9, 1), d(2023, 5, 1)),
        HeldMeetings(3, 120, d(2022, 9, 1), d(2025, 7, 3)),
    )
    assert held_per_year([], 3) == (HeldMeetings(0, 0, None, None),) * 3


def test_years_must_be_consecutive_and_over_but_the_last():
    a, b, c = academic_year(2023), academic_year(2024), academic_year(2025)
    check_spans([(a, a.end), (b, b.end), (c, d(2025, 9, 1))])
    check_spans([(c, d(2025, 9, 1))])
    with pytest.raises(ValueError):
        check_spans([(a, a.end), (c, c.end)])
    with pytest.raises(ValueError):
        check_spans([(a, d(2024, 1, 1)), (b, b.end)])
