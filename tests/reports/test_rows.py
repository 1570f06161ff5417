"""The contract between report data and builders: each column shows a field of its table's row type."""

from __future__ import annotations

import pytest

from reports import annual_review, engagement, inclusivity, kpis

TABLES = [
    (engagement.SUMMARY_COLUMNS, kpis.KpiRow),
    (engagement.PAIRING_COLUMNS, engagement.PairingRow),
    (engagement.MENTOR_COLUMNS, engagement.MentorRow),
    (engagement.MEETING_COLUMNS, engagement.MeetingRow),
    (engagement.TOPIC_COLUMNS, engagement.TopicRow),
    (engagement.MONTH_COLUMNS, engagement.MonthRow),
    (inclusivity.GROUP_COLUMNS, inclusivity.GroupRow),
    (inclusivity.POOL_COLUMNS, inclusivity.PoolRow),
    (inclusivity.LOAD_COLUMNS, inclusivity.LoadRow),
    (inclusivity.CONCORDANCE_COLUMNS, inclusivity.ConcordanceRow),
    (annual_review.TREND_COLUMNS, kpis.KpiRow),
    (annual_review.INCLUSIVITY_COLUMNS, inclusivity.GroupRow),
]


@pytest.mark.parametrize(("columns", "row_type"), TABLES, ids=[t[1].__name__ for t in TABLES])
def test_every_column_names_a_field_of_its_row_type(columns, row_type):
    fields = [c.field for c in columns]
    assert set(fields) <= set(row_type._fields) and len(set(fields)) == len(fields)


def test_the_kpi_columns_are_shared():
    summary = [c.header for c in engagement.SUMMARY_COLUMNS[1:]]
    trend = [c.header for c in annual_review.TREND_COLUMNS[1:]]
    trend_only = ("Engaged share", "Overdue share", "Events attended per mentee")
    assert [h for h in trend if h not in trend_only] == summary
