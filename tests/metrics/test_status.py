"""The status flag and "open on D" of docs/metrics.md, as pure functions and as the models' predicates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import Pairing
from mentorship.models.pairings import span_open_on
from mentorship.services.academic_year import academic_year
from mentorship.services.metrics.definitions import MetricSettings, classify, on_track_threshold

AY = academic_year(2024)  # 2024-07-01 to 2025-06-30, 365 days
D = dt.date(2025, 3, 31)
SETTINGS = MetricSettings(4, 60)
d = dt.date


def status(start, meetings=0, last=None, end=None, as_of=D):
    """The status flag of a pairing with these figures."""
    return classify(
        start_date=start,
        end_date=end,
        meetings=meetings,
        last_meeting=last,
        ay=AY,
        as_of=as_of,
        settings=SETTINGS,
    )[3]


def test_the_first_that_applies():
    # Ended beats overdue: ended on D itself is ended.
    assert status(d(2024, 7, 1), 0, None, end=D) == "ended"
    assert status(d(2024, 7, 1), 0, None, end=d(2024, 9, 1)) == "ended"
    # Ending after D: still open, so overdue can apply.
    assert status(d(2024, 7, 1), 0, None, end=d(2025, 4, 1)) == "overdue"
    # Made today, or 29 days ago, never met: new (not behind, not overdue).
    assert status(D) == "new"
    assert status(D - dt.timedelta(days=29)) == "new"
    # 30 days old and never met: behind (never on track, whatever the threshold).
    assert status(D - dt.timedelta(days=30)) == "behind"
    # New with a meeting: judged by its meetings (threshold floor(4 * 10 / 365) = 0), on track.
    assert status(D - dt.timedelta(days=9), 1, D) == "on_track"


def test_never_met_is_never_on_track():
    # Threshold 0 on the first day of the year, but a pairing that has never met is not on track.
    first = AY.start + dt.timedelta(days=40)
    assert on_track_threshold(AY, first, 4, d(2024, 7, 1)) == 0
    assert status(d(2024, 7, 1), 0, None, as_of=first) == "behind"


def test_own_months():
    # A pairing started 2025-01-01 is judged on 90 days: floor(4 * 90 / 365) = 0 with one meeting... so
    # one meeting is enough, where a full-year pairing needs floor(4 * 274 / 365) = 3.
    assert on_track_threshold(AY, D, 4, d(2025, 1, 1)) == 0
    assert on_track_threshold(AY, D, 4, d(2024, 7, 1)) == 3
    assert on_track_threshold(AY, D, 4, d(2023, 1, 1)) == 3  # started before Y: from Y's start
    assert status(d(2025, 1, 1), 1, d(2025, 3, 1)) == "on_track"
    assert status(d(2024, 7, 1), 2, d(2025, 3, 1)) == "behind"
    assert status(d(2024, 7, 1), 3, d(2025, 3, 1)) == "on_track"
    # Capped at 1: the whole year needs the target.
    assert on_track_threshold(AY, AY.end, 4) == 4


def test_open_on_d_in_python_and_sql(f):
    assert span_open_on(d(2024, 7, 1), None, D)
    assert span_open_on(d(2024, 7, 1), D + dt.timedelta(days=1), D)
    assert not span_open_on(d(2024, 7, 1), D, D)  # ended on D
    assert not span_open_on(D + dt.timedelta(days=1), None, D)  # not started yet
    ended_today = f.pairing(start_date=d(2024, 7, 1), end_date=D)
    ends_tomorrow = f.pairing(start_date=d(2024, 7, 1), end_date=D + dt.timedelta(days=1))
    db.session.flush()
    found = set(db.session.scalars(select(Pairing.id).where(Pairing.open_on(D))))
    assert ends_tomorrow.id in found and ended_today.id not in found
    assert not ended_today.open_on(D) and ends_tomorrow.open_on(D)
    assert not ended_today.holds_place_on(D) and ends_tomorrow.holds_place_on(D)
