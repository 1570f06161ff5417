"""Who gets reminded (overdue, never met: docs/command-line.md), at the edges."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorship.extensions import db
from mentorship.models import Reminder
from mentorship.services import reminders as service
from mentorship.services.metrics.definitions import MetricSettings

D = dt.date(2026, 3, 15)
SETTINGS = MetricSettings(engagement_target=4, overdue_days=60)


def _reasons(settings=SETTINGS, today=D):
    return {pid: reason for pid, (reason, _m) in service.quiet_pairings(today, settings, 7).items()}


def _days(n: int) -> dt.date:
    return D - dt.timedelta(days=n)


@pytest.mark.parametrize(("days_ago", "expected"), [(59, None), (60, None), (61, "overdue")])
def test_overdue_at_exactly_60_and_61_days(f, days_ago, expected):
    p = f.pairing(start_date=_days(200))
    f.meeting(p, _days(days_ago))
    assert _reasons().get(p.id) == expected


def test_overdue_counts_from_the_start_when_never_met(f):
    at_60 = f.pairing(start_date=_days(60))
    at_61 = f.pairing(start_date=_days(61))
    assert _reasons() == {at_60.id: "never_met", at_61.id: "overdue"}


def test_cancelled_and_no_show_meetings_do_not_count(f):
    old = f.pairing(start_date=_days(100))
    f.meeting(old, _days(5), status="cancelled")
    f.meeting(old, _days(3), status="no_show")
    young = f.pairing(start_date=_days(25))
    f.meeting(young, _days(2), status="cancelled")
    assert _reasons() == {old.id: "overdue", young.id: "never_met"}


def test_deleted_and_future_meetings_do_not_count(f):
    p = f.pairing(start_date=_days(100))
    f.meeting(p, _days(5), deleted_at=dt.datetime(2026, 3, 14))
    q = f.pairing(start_date=_days(100))
    f.meeting(q, D + dt.timedelta(days=3))
    assert _reasons() == {p.id: "overdue", q.id: "overdue"}


def test_ended_pairings_are_never_reminded(f):
    ended = f.pairing(start_date=_days(300), end_date=_days(1))
    ended_never_met = f.pairing(start_date=_days(40), end_date=_days(1))
    ends_today = f.pairing(start_date=_days(300), end_date=D)
    reasons = _reasons()
    assert ended.id not in reasons and ended_never_met.id not in reasons
    assert ends_today.id not in reasons  # a pairing whose end date is today has ended


def test_pairings_younger_than_30_days_are_never_overdue(f):
    strict = MetricSettings(engagement_target=4, overdue_days=10)
    age_20 = f.pairing(start_date=_days(20))
    age_21 = f.pairing(start_date=_days(21))
    age_29 = f.pairing(start_date=_days(29))
    age_30 = f.pairing(start_date=_days(30))
    met_29 = f.pairing(start_date=_days(29))
    f.meeting(met_29, _days(15))  # 15 days ago > 10, but the pairing is under 30 days old
    future = f.pairing(start_date=D + dt.timedelta(days=1))
    reasons = _reasons(strict)
    assert age_20.id not in reasons and future.id not in reasons and met_29.id not in reasons
    assert reasons[age_21.id] == "never_met"
    assert reasons[age_29.id] == "never_met"
    assert reasons[age_30.id] == "overdue"


def test_first_meeting_rule_edges(f):
    p20 = f.pairing(start_date=_days(20))
    p21 = f.pairing(start_date=_days(21))
    met = f.pairing(start_date=_days(25))
    f.meeting(met, _days(24))
    assert _reasons() == {p21.id: "never_met"}
    assert p20.id not in _reasons()


def test_pairing_started_in_an_earlier_academic_year_still_counts(f):
    p = f.pairing(start_date=dt.date(2023, 9, 1))
    f.meeting(p, dt.date(2025, 6, 1))  # last meeting in an earlier AY
    assert _reasons() == {p.id: "overdue"}


def test_interval(f):
    p = f.pairing(start_date=_days(100))
    now = dt.datetime(2026, 3, 15, 12, 0)
    kwargs = {"today": D, "settings": SETTINGS, "start_month": 7, "interval_days": 14}
    assert [d.pairing.id for d in service.find_due(now=now, **kwargs)] == [p.id]
    db.session.add(Reminder(pairing_id=p.id, sent_at=now - dt.timedelta(days=13, hours=23), reason="overdue"))
    db.session.flush()
    assert service.find_due(now=now, **kwargs) == []
    assert [d.pairing.id for d in service.find_due(now=now + dt.timedelta(hours=1), **kwargs)] == [p.id]


def test_pairings_of_people_who_left_are_not_reminded(app, f):
    import datetime as dt

    from mentorship.services import reminders
    from mentorship.services.metrics.definitions import MetricSettings

    today = dt.date.today()
    start = today - dt.timedelta(days=200)
    gone = f.mentee(enrolled_on=start - dt.timedelta(days=10))
    stays = f.mentee(enrolled_on=start - dt.timedelta(days=10))
    left_pairing = f.pairing(f.mentor(), gone, start_date=start)
    kept_pairing = f.pairing(f.mentor(), stays, start_date=start)
    gone.left_on = today - dt.timedelta(days=1)
    due = reminders.find_due(
        today=today,
        now=dt.datetime.now(),
        settings=MetricSettings.from_config(app.config),
        start_month=app.config["ACADEMIC_YEAR_START_MONTH"],
        interval_days=app.config["REMINDER_INTERVAL_DAYS"],
    )
    ids = {d.pairing.id for d in due}
    assert kept_pairing.id in ids and left_pairing.id not in ids
