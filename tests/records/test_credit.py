"""MENTOR_CREDIT_RULE: both forms at their edges (exactly 8 hours, the cap), and refused at start-up."""

from __future__ import annotations

import datetime as dt

import pytest

from config import TestConfig
from mentorship import create_app
from mentorship.services.metrics.definitions import MetricSettings
from mentorship.services.records import credit
from mentorship.services.records.queries import RecordSettings, mentor_record


def test_blank_means_no_credit_line():
    assert credit.parse("") is None and credit.parse("  ") is None and credit.parse(None) is None


@pytest.mark.parametrize(
    ("minutes", "credits"),
    [([480], 5), ([479], 0), ([240, 240], 0), ([480, 600, 30], 10)],
)
def test_relationship_rule_counts_mentees_with_at_least_h_hours(minutes, credits):
    assert credit.parse("relationship:5:8").credits(minutes) == credits


@pytest.mark.parametrize(
    ("minutes", "credits"),
    [([600], 5.0), ([1140], 9.5), ([1200], 10.0), ([1260], 10.0), ([0], 0.0), ([600, 600], 10.0)],
)
def test_hours_rule_is_capped(minutes, credits):
    assert credit.parse("hours:0.5:10").credits(minutes) == credits


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hours:0.5", "must be hours:R:CAP"),
        ("minutes:1:2", "must be hours:R:CAP"),
        ("hours:x:10", "both values must be numbers"),
        ("hours:0:10", "the credits must be a number above 0"),
        ("relationship:5:-1", "H must be a number above 0"),
        ("hours:1:nan", "CAP must be a number above 0"),
    ],
)
def test_bad_rules_name_the_problem(text, message):
    with pytest.raises(credit.CreditRuleError, match=message):
        credit.parse(text)


def test_the_app_refuses_to_start_with_a_bad_rule():
    class Bad(TestConfig):
        MENTOR_CREDIT_RULE = "relationship:five:8"

    with pytest.raises(RuntimeError, match="MENTOR_CREDIT_RULE 'relationship:five:8'"):
        create_app(Bad)


def test_exactly_eight_hours_with_one_mentee_earns_the_credit(f):
    mentor = f.mentor()
    exact = f.pairing(mentor, f.mentee(), start_date=dt.date(2025, 7, 1))
    short = f.pairing(mentor, f.mentee(), start_date=dt.date(2025, 7, 1))
    for month in range(8, 12):
        f.meeting(exact, dt.date(2025, month, 3), 120)  # 4 × 2 h = 8 h exactly
        f.meeting(short, dt.date(2025, month, 3), 119 if month == 8 else 120)  # 7 h 59 min
    # The same mentee in a second pairing (another kind): their hours add up.
    both = f.mentee()
    for kind in ("career", "research"):
        pairing = f.pairing(mentor, both, start_date=dt.date(2025, 7, 1), kind=kind)
        f.meeting(pairing, dt.date(2025, 9, 9), 240)
    rule = credit.parse("relationship:5:8")
    record = mentor_record(mentor.id, 2025, dt.date(2026, 7, 1), RecordSettings(MetricSettings(), 7, rule))
    assert record.credits == 10  # the exact one and the one of two pairings; not 7 h 59 min
    capped = credit.parse("hours:0.5:10")
    record = mentor_record(mentor.id, 2025, dt.date(2026, 7, 1), RecordSettings(MetricSettings(), 7, capped))
    assert record.year.hours == pytest.approx(23.983, abs=0.001)
    assert record.credits == 10  # 0.5 × 23.98 h = 11.99, capped at 10
