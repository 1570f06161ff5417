"""The staff pages run as many SQL statements on a large program as on a small one: nothing per row."""

from __future__ import annotations

import datetime as dt

from mentorship.extensions import db
from mentorship.services import people as people_service

TODAY = dt.date.today()
YEAR = TODAY.year if TODAY.month >= 7 else TODAY.year - 1


def _grow(f, pair, n: int) -> None:
    """`n` more pairings for the mentor in the program, each with meetings over two academic years."""
    for i in range(n):
        mentee = f.mentee(f.person(f"grown{i}@example.org", "Grown", f"Mentee{i}"), pair.program)
        pairing = f.pairing(pair.mentor, mentee, start_date=TODAY - dt.timedelta(days=500 + i))
        for days in (480, 300, 120, 10 + i):
            f.meeting(pairing, TODAY - dt.timedelta(days=days), minutes=30 + i, topics=["research"])
    db.session.commit()


def _pages(pair) -> dict[str, str]:
    return {
        "dashboard": "/dashboard/",
        "dashboard, last year": f"/dashboard/?year={YEAR - 1}",
        "dashboard, one program": f"/dashboard/?program={pair.program.id}",
        "pairings list": "/pairings/",
        "pair page": f"/pairings/{pair.pairing.id}",
        "person page (mentor)": f"/people/{pair.mentor.person_id}",
        "needs attention": "/reminders/attention",
    }


def _statements(browser, pages: dict[str, str], count_queries) -> dict[str, int]:
    counts = {}
    for name, path in pages.items():
        browser.get(path)  # caches warm, as on a running server
        n, response = count_queries(lambda path=path: browser.get(path))
        assert response.status_code == 200, name
        counts[name] = n
    return counts


def test_staff_pages_run_the_same_statements_on_small_and_large_data(f, pair, login, count_queries):
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=40), minutes=45, topics=["research"])
    admin = f.user(f.person("admin@example.org", "Ada", "Admin"), is_admin=True)
    db.session.commit()
    browser = login(admin)
    pages = _pages(pair)
    small = _statements(browser, pages, count_queries)
    _grow(f, pair, 12)
    large = _statements(browser, pages, count_queries)
    assert large == small


def test_a_person_page_showing_demographics_runs_the_same_statements_on_small_and_large_data(
    f, pair, login, count_queries
):
    # Its view is audited; committing that audit must not make the page reload its pairings one by one.
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=40), minutes=45, topics=["research"])
    people_service.set_self_identification(pair.mentor.person, gender="woman", races=["asian"])
    admin = f.user(f.person("admin@example.org", "Ada", "Admin"), is_admin=True, view_demographics=True)
    db.session.commit()
    browser = login(admin)
    pages = {"person page (mentor)": f"/people/{pair.mentor.person_id}"}
    small = _statements(browser, pages, count_queries)
    _grow(f, pair, 12)
    assert _statements(browser, pages, count_queries) == small
