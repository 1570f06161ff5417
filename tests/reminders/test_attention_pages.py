"""The needs-attention list in pages: their order, bad and missing pages, and acting from a page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import Reminder
from mentorship.services import attention
from tests.conftest import without_csrf

TODAY = dt.date.today()


@pytest.fixture
def listed(pair, f, monkeypatch):
    """Two a page. Internal Medicine: Adams, Baker, Clark, (Riley) Mentee overdue and Young flagged only;
    Surgery: three overdue pairs its coordinator's peers in Internal Medicine must not see."""
    monkeypatch.setattr(attention, "PER_PAGE", 2)
    made = {}
    for last in ("Clark", "Adams", "Baker"):
        made[last] = f.pairing(
            mentee_=f.mentee(f.person(f"{last.lower()}@example.org", "Sam", last), pair.program),
            start_date=TODAY - dt.timedelta(days=100),
        )
    young = f.pairing(
        mentee_=f.mentee(f.person("young@example.org", "Jo", "Young"), pair.program),
        start_date=TODAY - dt.timedelta(days=40),
    )
    f.meeting(young, TODAY - dt.timedelta(days=5))
    made["Young"] = young
    surgery = f.program("Surgery")
    for last in ("Surgeon", "Sutton", "Suarez"):
        f.pairing(
            mentee_=f.mentee(f.person(f"{last.lower()}@example.org", "Ali", last), surgery),
            start_date=TODAY - dt.timedelta(days=100),
        )
    return made


def _flag(f, login, pairing):
    who = login(f.user(pairing.mentee.person))
    answer = {f"pulse{pairing.id}-rating": "2", f"pulse{pairing.id}-fit": "no"}
    assert who.post(f"/meetings/pairing/{pairing.id}/pulse", data=answer).status_code == 302


def _names(html: str, names: list[str]) -> list[str]:
    return sorted((n for n in names if n in html), key=html.index)


IM = ["Sam Adams", "Sam Baker", "Sam Clark", "Riley Mentee", "Jo Young"]
SURGERY = ["Ali Suarez", "Ali Surgeon", "Ali Sutton"]


def test_pages_split_the_list_in_order_with_links(pair, f, login, listed):
    _flag(f, login, listed["Young"])
    b = login(pair.coordinator)
    pages = [b.get(f"/reminders/attention?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    assert [_names(html, IM) for html in pages] == [IM[0:2], IM[2:4], IM[4:]]
    assert without_csrf(b.get("/reminders/attention").get_data(as_text=True)) == without_csrf(pages[0])
    second = pages[1]
    assert '<nav aria-label="Pages">' in second
    assert 'href="/reminders/attention?page=2" aria-current="page"' in second
    assert 'href="/reminders/attention?page=3"' in second and 'href="/reminders/attention?page=1"' in second
    assert "5 pairs need attention" in second
    # the program's badge counts its whole list, not the page's rows
    assert '<span class="badge text-bg-secondary">5</span>' in second


def test_a_coordinator_sees_only_their_programs_on_every_page(pair, f, login, listed):
    b = login(pair.coordinator)
    for n in (1, 2):
        page = b.get(f"/reminders/attention?page={n}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and _names(html, IM)
        assert not _names(html, SURGERY) and "Surgery" not in html
    assert b.get("/reminders/attention?page=3").status_code == 404
    admin = login(f.user(f.person("admin@example.org", "Ada", "Admin"), is_admin=True))
    seen = [admin.get(f"/reminders/attention?page={n}").get_data(as_text=True) for n in (1, 2, 3, 4)]
    # Internal Medicine (four overdue: Young is not flagged here) before Surgery
    assert [_names(html, IM + SURGERY) for html in seen] == [
        IM[0:2],
        IM[2:4],
        ["Ali Suarez", "Ali Surgeon"],
        ["Ali Sutton"],
    ]


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5", "99999999999999999999"])
def test_a_page_that_is_not_a_positive_number_is_400(pair, login, page):
    r = login(pair.coordinator).get(f"/reminders/attention?page={page}")
    assert r.status_code == 400
    assert "Page:" in r.get_data(as_text=True)


def test_past_the_last_page_is_404_but_an_empty_list_has_page_1(pair, f, login, listed):
    b = login(pair.coordinator)
    assert b.get("/reminders/attention?page=2").status_code == 200  # four rows: Young is not flagged
    assert b.get("/reminders/attention?page=3").status_code == 404
    nobody = login(f.user(f.person("c2@example.org", "Cam", "Other"), programs=[f.program("Pediatrics")]))
    empty = nobody.get("/reminders/attention?page=1")
    assert empty.status_code == 200 and "Nothing needs attention right now." in empty.get_data(as_text=True)
    assert nobody.get("/reminders/attention?page=2").status_code == 404


def test_remind_from_a_page_returns_to_it(pair, login, listed):
    b = login(pair.coordinator)
    html = b.get("/reminders/attention?page=2").get_data(as_text=True)
    action = f"/reminders/pairing/{listed['Clark'].id}/remind?page=2"
    assert f'action="{action}"' in html
    r = b.post(action)
    assert r.status_code == 302 and r.headers["Location"] == "/reminders/attention?page=2"
    assert db.session.execute(select(Reminder.pairing_id)).scalars().all() == [listed["Clark"].id]
    page1 = b.get("/reminders/attention").get_data(as_text=True)
    assert f'action="/reminders/pairing/{listed["Adams"].id}/remind"' in page1  # no ?page=1


def test_resolving_the_last_row_of_the_last_page_returns_to_the_page_before(pair, f, login, listed):
    _flag(f, login, listed["Young"])
    b = login(pair.coordinator)
    assert _names(b.get("/reminders/attention?page=3").get_data(as_text=True), IM) == ["Jo Young"]
    r = b.post(f"/reminders/pairing/{listed['Young'].id}/resolve?page=3")
    assert r.status_code == 302 and r.headers["Location"] == "/reminders/attention?page=2"
    assert b.get("/reminders/attention?page=3").status_code == 404


def test_a_bad_page_on_an_action_is_400_and_does_nothing(pair, login, listed):
    r = login(pair.coordinator).post(f"/reminders/pairing/{listed['Clark'].id}/remind?page=x")
    assert r.status_code == 400
    assert db.session.execute(select(Reminder)).scalars().all() == []


def test_a_later_page_runs_the_same_statements_however_long_the_list(pair, f, login, listed, count_queries):
    b = login(pair.coordinator)

    def count():
        return count_queries(lambda: b.get("/reminders/attention?page=2").status_code)

    few = count()
    for i in range(6):
        f.pairing(mentee_=f.mentee(prog=pair.program), start_date=TODAY - dt.timedelta(days=90 + i))
    many = count()
    again = count()
    assert few[1] == many[1] == again[1] == 200
    assert many[0] == few[0]
    assert again[0] < many[0]  # the list is kept until the data changes
