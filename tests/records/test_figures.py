"""The record's figures against the hand-built institution: the metrics' meetings and hours, group
sessions, pairings across years, cancelled meetings, a mentor with two roles, activity."""

from __future__ import annotations

import pytest

from mentorship.models import Pairing
from mentorship.services import NotFound, ServiceError
from mentorship.services.academic_year import academic_year
from mentorship.services.metrics.definitions import MetricSettings
from mentorship.services.metrics.queries import pairing_metrics
from mentorship.services.records import credit
from mentorship.services.records.figures import Totals
from mentorship.services.records.queries import RecordSettings, mentor_record, year_rows
from tests.records import institution

SETTINGS = RecordSettings(MetricSettings(), 7, None)


@pytest.fixture
def world():
    return institution.build()


def test_year_figures(world):
    record = mentor_record(world.mentor.id, 2025, institution.AFTER_2025, SETTINGS)
    assert not record.year_to_date
    lines = {line.mentee: line for line in record.lines}
    assert set(lines) == {"Ada Lovel", "Ben Okafor"}  # Cy's pairing ended in AY 2024
    ada, ben = lines["Ada Lovel"], lines["Ben Okafor"]
    # Held and not deleted, dated in AY 2025: 90 + the 60-minute group session; cancelled, no-show,
    # deleted and AY 2026 meetings are not counted.
    assert (ada.meetings, ada.minutes, ada.group_sessions) == (2, 150, 1)
    assert (ben.meetings, ben.minutes, ben.group_sessions, ben.kind) == (2, 180, 1, "research")
    assert (ada.program, ada.pgy, ben.end_date.isoformat()) == ("Internal Medicine", 2, "2026-02-01")
    assert record.year == Totals(
        mentees=2,
        meetings=4,
        minutes=330,
        group_sessions=1,
        plan_reviews=1,
        introductions=1,
        events_organized=1,
        events_attended=2,
        events=2,
    )
    assert record.year.hours == 5.5


def test_the_same_meetings_and_hours_as_the_engagement_metrics(world):
    ay = academic_year(2025)
    metrics = pairing_metrics(ay, ay.end, MetricSettings(), Pairing.mentor_id == world.mentor.id)
    record = mentor_record(world.mentor.id, 2025, institution.AFTER_2025, SETTINGS)
    assert sum(m.meetings for m in metrics.values()) == record.year.meetings
    assert sum(m.minutes for m in metrics.values()) == record.year.minutes


def test_career_to_date_adds_the_earlier_years(world):
    record = mentor_record(world.mentor.id, 2025, institution.AFTER_2025, SETTINGS)
    assert record.career_since == 2024
    # AY 2024: Ada 60 minutes, Cy 45; an introduction in AY 2024.
    assert (record.career.mentees, record.career.meetings, record.career.minutes) == (3, 6, 435)
    assert (record.career.group_sessions, record.career.introductions, record.career.plan_reviews) == (
        1,
        2,
        2,
    )
    earlier = mentor_record(world.mentor.id, 2024, institution.AFTER_2025, SETTINGS)
    assert (earlier.year.mentees, earlier.year.meetings, earlier.year.minutes) == (2, 2, 105)
    assert earlier.career == earlier.year


def test_a_mentor_with_two_roles_counts_only_her_mentoring(world):
    record = mentor_record(world.mentor.id, 2025, institution.AFTER_2025, SETTINGS)
    assert all(line.mentee != "Tess Roles" for line in record.lines)
    senior = mentor_record(world.senior.id, 2025, institution.AFTER_2025, SETTINGS)
    assert [(line.mentee, line.meetings, line.minutes) for line in senior.lines] == [("Tess Roles", 1, 60)]
    assert senior.year.introductions == 0


def test_year_to_date(world):
    record = mentor_record(world.mentor.id, 2025, institution.D(2025, 9, 15), SETTINGS)
    assert record.year_to_date and record.as_of.isoformat() == "2025-09-15"
    assert (record.year.meetings, record.year.minutes) == (2, 210)  # 1 Aug and 10 Aug
    assert record.year.group_sessions == 0 and record.year.introductions == 1


def test_the_workbook_rows_agree_with_the_record(world):
    rows = {r.mentor.email: r for r in year_rows(2025, institution.AFTER_2025, SETTINGS)}
    assert set(rows) == {"two.roles@example.org", "senior@example.org"}
    record = mentor_record(world.mentor.id, 2025, institution.AFTER_2025, SETTINGS)
    assert rows["two.roles@example.org"].totals == record.year
    assert rows["two.roles@example.org"].credits is None


def test_credits_follow_the_rule(world):
    rule = credit.parse("relationship:5:2.5")  # Ada 2.5 h, Ben 3 h: both
    record = mentor_record(
        world.mentor.id, 2025, institution.AFTER_2025, RecordSettings(MetricSettings(), 7, rule)
    )
    assert record.credits == 10
    assert "Teaching credit: 10 (5 credit(s) per mentee with at least 2.5 hours" in record.credit_line


def test_unknown_mentor_and_future_year(world):
    with pytest.raises(NotFound):
        mentor_record(987654, 2025, institution.AFTER_2025, SETTINGS)
    with pytest.raises(ServiceError, match="has not started"):
        mentor_record(world.mentor.id, 2027, institution.AFTER_2025, SETTINGS)
