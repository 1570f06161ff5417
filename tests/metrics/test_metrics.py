"""The definitions of docs/metrics.md on the hand-built institution, straight from the metrics service
(and the listings of the report data)."""

from __future__ import annotations

import datetime as dt

from mentorship.extensions import db
from mentorship.services.academic_year import academic_year
from mentorship.services.metrics import definitions, network, queries
from mentorship.services.metrics.definitions import MetricSettings
from mentorship.services.report_data import listings
from mentorship.services.report_data.years import kpi_row, network_of
from reports.engagement import SUMMARY_COLUMNS
from reports.xlsx import cells
from tests.reports import institution

SETTINGS = MetricSettings(4, 60)
AY = academic_year(institution.YEAR)


def summary_tuples(year):
    """The Summary rows as the Summary sheet lays them out."""
    figures = network.network_figures(year.ay, year.as_of)
    rows = [kpi_row(r.program, r, network_of(year, r.program_id, figures)) for r in year.summary()]
    return cells(rows, SUMMARY_COLUMNS)


def _neutral(rows):
    # The workbook neutralises "=Gamma"; the service returns the raw name.
    return [(r[0].removeprefix("'"), *r[1:]) for r in rows]


def test_summary_rows_match_hand_computed(f):
    institution.build(f)
    year = queries.year_metrics(AY, institution.D, SETTINGS)
    assert summary_tuples(year) == _neutral(institution.SUMMARY)


def test_pairing_metrics_edges(f):
    objs = institution.build(f)
    pm = queries.pairing_metrics(AY, institution.D, SETTINGS)
    p1 = pm[objs["p1"].id]
    # Cancelled, no-show, soft-deleted and after-D meetings do not count.
    assert (p1.meetings, p1.minutes, p1.last_meeting, p1.days_since_last_meeting) == (
        4,
        240,
        dt.date(2025, 1, 15),
        75,
    )
    assert p1.overdue and p1.engaged and p1.status == "overdue"
    p2 = pm[objs["p2"].id]  # ended inside Y; first meeting was in the previous year
    assert (p2.meetings, p2.days_to_first_meeting, p2.active_at_report_date, p2.status) == (
        2,
        14,
        False,
        "ended",
    )
    p8 = pm[objs["p8"].id]  # younger than 30 days and never met: new, not overdue
    assert (p8.overdue, p8.days_to_first_meeting, p8.status) == (False, None, "new")
    p3 = pm[objs["p3"].id]  # started 2024-11-01: judged on its own 151 days, floor(4 * 151 / 365) = 1
    assert (p3.meetings, p3.status) == (3, "on_track")
    assert set(pm) == {objs[k].id for k in ("p1", "p2", "p3", "p4", "p6", "p7", "p8")}


def test_scope_restricts_everything(f):
    objs = institution.build(f)
    year = queries.year_metrics(AY, institution.D, SETTINGS, [objs["beta"].id])
    assert summary_tuples(year) == [
        ("Beta Surgery", 4, 3, 0.75, 3, 6, 5.5, 1, 1, 12.5, 0.5, 0),
        ("All programs", 4, 3, 0.75, 3, 6, 5.5, 1, 1, 12.5, 0.5, 0),
    ]
    assert year.status_counts() == {"on_track": 1, "behind": 0, "new": 1, "overdue": 1, "ended": 0}
    assert queries.year_metrics(AY, institution.D, SETTINGS).status_counts() == {
        "on_track": 2,
        "behind": 0,
        "new": 1,
        "overdue": 2,
        "ended": 2,
    }


def test_report_date_is_end_of_year_when_over(f):
    objs = institution.build(f)
    ay = academic_year(institution.YEAR)
    pm = queries.pairing_metrics(ay, ay.end, SETTINGS)
    # The 2025-04-15 meeting now counts: 5 meetings, last on 04-15, 76 days before 06-30 -> overdue.
    assert (pm[objs["p1"].id].meetings, pm[objs["p1"].id].days_since_last_meeting) == (5, 76)


def test_median_of_empty_group_is_blank_not_zero():
    assert definitions.median([None, None]) is None
    assert definitions.median([3, None, 4]) == 3.5
    assert definitions.summarize("x", None, [], []).median_days_to_first_meeting is None
    assert definitions.summarize("x", None, [], []).coverage is None


def test_mentor_loads_and_months_and_topics(f):
    objs = institution.build(f)
    loads = {m.name: m for m in queries.mentors_with_open_pairings(AY, institution.D)}
    assert (loads["Max Moore"].active_pairings, loads["Max Moore"].capacity) == (2, 3)
    assert loads["Nia Nash"].active_pairings == 0
    assert (loads["Pam Park"].active_pairings, loads["Pam Park"].load_share) == (1, 0.5)
    months = listings.meetings_per_month(AY, institution.D)
    assert len(months) == 12 and sum(n for _m, n, _h in months) == 15
    assert {m: n for m, n, _h in months}[dt.date(2024, 7, 1)] == 1
    topics = listings.topic_counts(AY, institution.D)
    assert topics == {
        (objs["alpha"].id, "research"): 1,
        (objs["alpha"].id, "career planning"): 1,
        (objs["beta"].id, "research"): 1,
    }
    rows = listings.meeting_rows(AY, institution.D)
    assert len(rows) == 18 and sum(r.status == "held" for r in rows) == 15


def test_fixed_number_of_queries(f, count_queries):
    """Loading a year costs the same number of queries whatever the number of pairings."""
    institution.build(f)
    small, _ = count_queries(lambda: queries.year_metrics(AY, institution.D, SETTINGS).summary())
    for _ in range(10):
        p = f.pairing(start_date=dt.date(2024, 9, 1))
        f.meeting(p, dt.date(2024, 10, 1))
    db.session.flush()
    large, _ = count_queries(lambda: queries.year_metrics(AY, institution.D, SETTINGS).summary())
    assert small == large <= 4  # mentees, pairings, meetings, plans reviewed twice
