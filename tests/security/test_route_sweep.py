"""Every route × hostile numbers: ids in its path and the numeric query parameters it reads.

The routes come from the access-control table (every route of `app.url_map` has a row there, which
test_access_control enforces), played by each role that can reach them. An id in a path is replaced by
text, a negative number, zero, 2^63, 10^30 and an id nobody has; each query parameter the view actually
looks up (found by watching its lookups on the row's own URL) gets the same values. The answer is a page
with a message (400, 403 or 404), a redirect, or the page: never a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from mentorship.errors import MESSAGES
from mentorship.extensions import db
from mentorship.services.academic_year import year_of
from tests.conftest import Browser
from tests.security import world as W
from tests.security.access_table import ROWS
from tests.security.test_access_control import _ids

HOSTILE = ("abc", "-1", "0", "²", str(2**31), str(2**63), str(10**30), "987654")
SENTINEL = 7_654_321
# Looked up by every POST (CSRF) or by the sign-in redirect, never parsed as a number.
NOT_NUMBERS = {"csrf_token", "next"}
GENERIC_400 = MESSAGES[400][1].encode()
YEAR = year_of(dt.date.today())


class _WatchedArgs(ImmutableMultiDict):
    """Query or form arguments that remember the names a view looked up (iterating is not looking up)."""

    looked_up: set[str] = set()

    def __contains__(self, key):
        _WatchedArgs.looked_up.add(key)
        return super().__contains__(key)

    def __getitem__(self, key):
        _WatchedArgs.looked_up.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 (the MultiDict signature)
        _WatchedArgs.looked_up.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        _WatchedArgs.looked_up.add(key)
        return super().getlist(key, type)


class _WatchedRequest(Request):
    parameter_storage_class = _WatchedArgs


def _with_query(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    return urlunsplit(parts._replace(query=urlencode([*query, (name, value)])))


def _path_variants(app, method: str, url: str) -> list[str]:
    """`url` with each integer argument of its path replaced by each hostile value."""
    parts = urlsplit(url)
    adapter = app.url_map.bind("localhost")
    rule, args = adapter.match(parts.path, method=method, return_rule=True)
    out = []
    for name, value in args.items():
        if isinstance(value, int):
            built = adapter.build(rule.endpoint, {**args, name: SENTINEL}, method=method)
            for hostile in HOSTILE:
                out.append(urlunsplit(parts._replace(path=built.replace(str(SENTINEL), hostile))))
    return out


def sweep(app, role: str) -> list[str]:
    """Play every row's URL with hostile numbers as `role`; the requests that answered 500 or more."""
    w = W.build_world()
    ids = _ids(w, app)
    browser = Browser(app.test_client()).login(w.users[role])
    failures = []

    def check(method: str, url: str) -> None:
        # The test app lets exceptions through (TESTING): one that escapes a view is the 500 a user gets.
        try:
            if method == "GET":
                response = browser.get(url)
            else:
                response = browser.client.post(url, data={"csrf_token": browser.token()})
        except Exception as exc:  # noqa: BLE001
            db.session.rollback()
            failures.append(f"{method} {url}: 500 ({type(exc).__name__}: {str(exc)[:80]})")
            return
        body = b"" if response.is_streamed else response.get_data()
        response.close()
        if response.status_code >= 500:
            failures.append(f"{method} {url}: {response.status_code}")
        elif response.status_code == 400 and GENERIC_400 in body:
            failures.append(f"{method} {url}: 400 without a message saying what is wrong")

    for _key, method, template, _codes, *_extra in ROWS:
        url = template.format(**ids)
        for variant in _path_variants(app, method, url):
            check(method, variant)
        if method != "GET":
            continue
        _WatchedArgs.looked_up = set()
        browser.get(url).close()
        db.session.rollback()
        for name in sorted(_WatchedArgs.looked_up - NOT_NUMBERS):
            for hostile in HOSTILE:
                check("GET", _with_query(url, name, hostile))
    return failures


@pytest.mark.parametrize("role", ["mentee", "mentor", "coordA", "admin"])
def test_no_route_answers_500_to_hostile_numbers(app, monkeypatch, role):
    monkeypatch.setattr(app, "request_class", _WatchedRequest)
    failures = sweep(app, role)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["coordA", "admin"])
def test_a_missing_person_in_the_pairings_filter_is_a_404_with_a_message(app, login, role):
    w = W.build_world()
    response = login(w.users[role]).get("/pairings/?person=9999")
    assert response.status_code == 404
    assert "There is no such person among the people you can see." in response.get_data(as_text=True)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_ids_in_the_forms_that_take_one_get_a_message_and_change_nothing(app, login, hostile):
    w = W.build_world()
    browser = login(w.users["admin"])
    today = dt.date.today().isoformat()
    before = W.snapshot(skip_audit=True)
    pair = browser.post(
        f"/pairings/new?mentee={w.mentee_a.person_id}",
        data={"mentor_id": hostile, "kind": "research", "start_date": today},
    )
    assert pair.status_code == 400
    assert re.search(
        r"Choose a mentor\.|There is no such record\.|Choose one of the mentors listed\.", pair.text
    )
    assert W.snapshot(skip_audit=True) == before
    hostile_run = {"program": hostile, "kind": "research", "year": str(YEAR)}
    if hostile != "0":  # 0 is "all programs"
        assert browser.post("/matching/run", data=hostile_run).status_code in (400, 404)
        assert W.snapshot(skip_audit=True) == before
    started = browser.post("/matching/run", data={"program": "0", "kind": "research", "year": str(YEAR)})
    assert started.status_code == 303
    run_url = started.headers["Location"]
    before = W.snapshot(skip_audit=True)
    draft = {"start_date": today, "apply": "1"}
    for fields in (
        {"start_date": hostile},
        {"mentee": hostile, f"mentor-{hostile}": str(w.mentor_a.id)},
        {"mentee": str(w.mentee_a.id), f"mentor-{w.mentee_a.id}": hostile},
    ):
        response = browser.post(run_url, data={**draft, **fields})
        assert response.status_code in (302, 400, 404), (fields, response.status_code)
        if response.status_code == 400:
            assert GENERIC_400 not in response.get_data(), fields
    assert W.snapshot(skip_audit=True) == before
