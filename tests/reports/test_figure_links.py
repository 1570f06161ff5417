"""Every figure of the dashboard is a link to the list behind it, and that list's count is the figure."""

from __future__ import annotations

import html
import re
import statistics
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.reports import institution

FIGURE = re.compile(r'<a href="([^"]+)" data-figure="(\w+)"[^>]*>([^<]*)</a>')


def _pct(part: int, whole: int) -> str:
    return "" if not whole else f"{part / whole * 100:.1f}%"


def _list(browser, url: str) -> tuple[int, str]:
    response = browser.get(url)
    assert response.status_code == 200, url
    text = response.get_data(as_text=True)
    return int(re.search(r'id="count" data-count="(\d+)"', text).group(1)), text


def _without(url: str, *names: str) -> str:
    parts = urlsplit(url)
    query = {k: v for k, v in parse_qs(parts.query).items() if k not in names}
    return f"{parts.path}?{urlencode(query, doseq=True)}"


def _check(browser, url: str, key: str, shown: str) -> None:
    count, text = _list(browser, url)
    if key in {"meetings", "hours"}:
        minutes = int(re.search(r'data-minutes="(\d+)"', text).group(1))
        meetings = int(re.search(r'data-meetings="(\d+)"', text).group(1))
        assert shown == (str(meetings) if key == "meetings" else f"{minutes / 60:.1f}"), (key, url)
    elif key in {"coverage", "engaged_share", "overdue_share", "plans_reviewed_twice", "mentees_at_event"}:
        whole, _ = _list(
            browser, _without(url, "with_mentor", "measure", "status", "reviewed_twice", "at_event")
        )
        assert shown == _pct(count, whole), (key, url)
    elif key == "median_days_to_first_meeting":
        rows = re.findall(r"<tr data-pairing=.*?</tr>", text, re.S)
        days = [int(re.findall(r"<td>([^<]*)</td>", r)[8]) for r in rows]
        assert shown == ("" if not days else f"{statistics.median(days):g}"), (key, url)
        assert count == len(days)
    else:
        assert shown == str(count), (key, url)


@pytest.mark.parametrize("who", ["admin", "coordinator"])
def test_every_dashboard_figure_opens_a_list_of_its_count(f, login, who):
    objs = institution.build(f)
    user = (
        f.user(is_admin=True)
        if who == "admin"
        else f.user(f.person("coord@example.org", "Co", "Ord"), programs=[objs["beta"]])
    )
    browser = login(user)
    for query in ("?year=2024", f"?year=2024&program={objs['beta'].id}"):
        page = browser.get(f"/dashboard/{query}").get_data(as_text=True)
        links = FIGURE.findall(page)
        keys = {key for _url, key, _shown in links}
        # Nine KPIs, five statuses, ten Summary columns per program row, seven trend columns per year.
        assert {"mentees_enrolled", "coverage", "meetings", "hours", "new", "ended", "on_track"} <= keys
        assert "plans_reviewed_twice" in keys
        assert len(links) >= 9 + 5 + 10 * 2 + 7
        for url, key, shown in links:
            _check(browser, html.unescape(url), key, shown)


def test_the_figure_lists_show_the_hand_built_answers(f, login):
    objs = institution.build(f)
    browser = login(f.user(is_admin=True))
    # As of the end of AY 2024 (the year is over): 7 pairings active in the year.
    count, text = _list(browser, "/pairings/?year=2024")
    assert count == 7 and "Pairings active in AY 2024–25" in text
    count, _ = _list(browser, f"/pairings/?year=2024&program={objs['alpha'].id}&status=ended")
    assert count == 2  # Ben and Nash ended 2024-10-31, Clark 2024-12-31
    assert _list(browser, "/dashboard/mentees?year=2024")[0] == 8
    assert _list(browser, "/dashboard/mentees?year=2024&with_mentor=1")[0] == 6
    count, text = _list(browser, "/dashboard/mentees?year=2024&reviewed_twice=1")
    assert count == 3 and "Ada Aalto" in text and "Al Gone" not in text  # Gone: not enrolled in Y


def test_figure_lists_refuse_bad_filters_and_other_programs(f, login):
    objs = institution.build(f)
    browser = login(f.user(f.person("coord@example.org", "Co", "Ord"), programs=[objs["beta"]]))
    assert browser.get("/pairings/?year=2024&status=sideways").status_code == 400
    assert browser.get("/pairings/?year=2024&measure=nope").status_code == 400
    assert browser.get("/pairings/?year=20x4").status_code == 400
    assert browser.get(f"/pairings/?year=2024&program={objs['alpha'].id}").status_code == 403
    assert browser.get(f"/dashboard/mentees?year=2024&program={objs['alpha'].id}").status_code == 403
    count, text = _list(browser, "/pairings/?year=2024")
    assert count == 3 and "Alpha Medicine" not in text


def test_a_figure_list_downloads_as_the_workbook_rows_and_is_audited(f, login):
    from sqlalchemy import select

    from mentorship.extensions import db
    from mentorship.models import AuditEvent
    from tests.reports.helpers import load, values

    objs = institution.build(f)
    browser = login(f.user(is_admin=True))
    whole = values(load(browser.get("/dashboard/export/engagement?year=2024").data)["Pairings"])
    response = browser.get(f"/pairings/export.xlsx?year=2024&program={objs['alpha'].id}&status=ended")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = values(load(response.data)["Pairings"])
    assert sheet[0] == whole[0]  # the same headers, in the same order
    ended = [r for r in whole[1:] if r[0] == "Alpha Medicine" and r[-1] == "Ended"]
    assert sheet[1:] == ended and len(ended) == 2
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.export").order_by(AuditEvent.id.desc())
    ).first()
    assert event.details["report"] == "pairings-list" and event.details["status"] == "ended"
    assert browser.get("/pairings/export.xlsx").status_code == 400
    assert browser.get("/pairings/export.xlsx?year=2024&status=x").status_code == 400
