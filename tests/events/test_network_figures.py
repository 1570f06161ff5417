"""The network figures on the hand-built institution, cell by cell: the engagement workbook's Events and
Networking sheets, "Mentees at an event" in the Summary, and the dashboard's figure and the list behind it."""

from __future__ import annotations

import pytest

from mentorship.services import exports
from tests.events import network_world as N
from tests.reports import institution
from tests.reports.helpers import load, request, values


@pytest.fixture
def objs(f):
    objs = institution.build(f)
    N.add_network(objs)
    return objs


def test_events_and_networking_sheets_cell_by_cell(app, objs):
    wb = load(exports.build_report("engagement", request(app)))
    assert wb.sheetnames[-2:] == ["Events", "Networking"]
    events, networking = values(wb["Events"]), values(wb["Networking"])
    assert events[0] == N.EVENT_HEADERS and events[1:] == N.EVENTS
    assert networking[0] == N.NETWORKING_HEADERS and networking[1:] == N.NETWORKING
    summary = values(wb["Summary"])
    assert summary[0][-1] == "Mentees at an event"
    assert [row[-1] for row in summary[1:]] == N.AT_EVENT
    assert wb["Summary"]["L3"].number_format == "0.0%"


def test_a_program_report_keeps_its_events_and_every_program_events(app, objs):
    wb = load(exports.build_report("engagement", request(app, program_ids=[objs["beta"].id])))
    assert [r[1] for r in values(wb["Events"])[1:]] == ["Orientation", "Winter social"]
    assert [r[1] for r in values(wb["Networking"])[1:]] == ["Dee Dunn", "Eve Evans", "Fay Fox", "Gus Gray"]


def test_the_annual_review_trend_shows_events_per_mentee(app, objs):
    wb = load(exports.build_report("annual-review", request(app)))
    rows = values(wb["Institution"])
    header = next(r for r in rows if r and r[0] == "Academic year")
    at, per = header.index("Mentees at an event"), header.index("Events attended per mentee")
    last = next(r for r in rows if r and r[0] == "AY 2024–25")
    assert last[at] == 0.375 and last[per] == pytest.approx(4 / 8)


def test_the_dashboard_figure_opens_the_mentees_behind_it(objs, f, login):
    browser = login(f.user(is_admin=True))
    page = browser.get("/dashboard/?year=2024").get_data(as_text=True)
    assert 'data-figure="mentees_at_event">37.5%</a>' in page
    listing = browser.get("/dashboard/mentees?year=2024&at_event=1").get_data(as_text=True)
    assert 'data-count="3"' in listing
    assert all(name in listing for name in ("Ada Aalto", "Ben Baker", "Dee Dunn"))
