"""One-click logging links: a record per emailed link, one meeting per link, only while the pairing is open
and both people are enrolled, revocable; opening a link (GET, HEAD: mail scanners) writes nothing."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time

import pytest
from flask import url_for
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, LogLink, Meeting
from mentorship.services import log_links, privacy
from mentorship.services import meetings as meetings_service
from tests.conftest import csrf_from
from tests.factories import log_link_token
from tests.security import world as W

TODAY = dt.date.today()
NOTE = "private words about the residency"


def _url(app, pairing, **kwargs) -> str:
    token = log_link_token(pairing, app.config["SECRET_KEY"], **kwargs)
    db.session.commit()
    return log_links.QUICK_PATH.format(token=token)


def _form(client, url) -> dict[str, str]:
    """Open the link's form as a browser would; its hidden fields (the CSRF token and any other)."""
    db.session.commit()
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    html = r.get_data(as_text=True)
    assert "Log a meeting with" in html
    return _hidden_fields(html)


def _data(hidden: dict[str, str] | str, **overrides) -> dict:
    """The filled-in form: the page's hidden fields (or just a CSRF token) and the person's answers."""
    data = {
        **({"csrf_token": hidden} if isinstance(hidden, str) else hidden),
        "date": TODAY.isoformat(),
        "duration_minutes": "30",
        "modality": "in_person",
        "topics": ["career planning"],
        "notes": NOTE,
    }
    data.update(overrides)
    return data


def _hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="hidden"' in tag:
            name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
            if name and value:
                fields[name.group(1)] = value.group(1)
    return fields


def _post(client, url, hidden, **overrides):
    db.session.commit()
    return client.post(url, data=_data(hidden, **overrides))


def _meetings() -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count(Meeting.id))).scalar_one()


def test_quick_path_matches_the_route(app):
    with app.test_request_context():
        assert url_for("meetings.quick", token="abc") == log_links.QUICK_PATH.format(token="abc")


def test_link_logs_one_meeting_then_shows_what_it_logged(pair, app, client):
    url = _url(app, pair.pairing)
    csrf = _form(client, url)
    r = _post(client, url, csrf)
    assert r.status_code == 302 and r.headers["Location"].endswith(f"{url}/done")
    done = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Meeting logged" in done and NOTE not in done
    [m] = db.session.execute(select(Meeting)).scalars().all()
    assert (m.pairing_id, m.logged_by_id, m.logged_as, m.status, m.notes) == (
        pair.pairing.id,
        pair.mentor.person_id,
        "mentor",
        "held",
        NOTE,
    )
    link = db.session.execute(select(LogLink)).scalar_one()
    assert link.meeting_id == m.id and link.used_at is not None
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "meeting.create")).scalar_one()
    assert event.details["via"] == "link" and NOTE not in str(event.details)
    # The same browser sends the form again (double tap, back button): nothing new; it says what was logged.
    again = _post(client, url, csrf, duration_minutes="50")
    text = again.get_data(as_text=True)
    assert again.status_code == 200 and "Already logged" in text and TODAY.isoformat() in text
    assert NOTE not in text
    assert _meetings() == 1
    reopened = client.get(url)
    assert "Already logged" in reopened.get_data(as_text=True)
    assert 'name="date"' not in reopened.get_data(as_text=True)  # no form to send again
    assert reopened.headers["Cache-Control"] == "no-store"


def test_a_fresh_browser_cannot_log_a_second_meeting_with_the_same_link(pair, app):
    url = _url(app, pair.pairing)
    first = app.test_client()
    assert _post(first, url, _form(first, url)).status_code == 302
    # Someone else holding the link (a forwarded email) opens it in a new browser, with its own session, and
    # sends whatever form it shows (or, with none, a form of their own with a CSRF token from another page).
    second = app.test_client()
    page = second.get(url).get_data(as_text=True)
    fields = _hidden_fields(page) or _hidden_fields(second.get("/auth/login").get_data(as_text=True))
    data = {**_data("", date=(TODAY - dt.timedelta(days=1)).isoformat()), **fields}
    r = second.post(url, data=data)
    assert _meetings() == 1, "a second meeting was logged from the same link"
    assert r.status_code == 200 and "Already logged" in r.get_data(as_text=True)
    assert "Already logged" in page and NOTE not in page


def test_opening_a_link_twice_with_get_and_head_changes_nothing(pair, app):
    url = _url(app, pair.pairing)
    before = W.snapshot()
    for method in ("GET", "HEAD", "GET", "HEAD"):
        scanner = app.test_client()  # a mail scanner: a new client each time, no cookies
        assert scanner.open(url, method=method).status_code == 200
        assert scanner.open(f"{url}/done", method=method).status_code == 302
    assert W.snapshot() == before
    # The person then opens it and logs: exactly one meeting.
    person = app.test_client()
    assert _post(person, url, _form(person, url)).status_code == 302
    after = W.snapshot()
    assert len(after["meetings"]) == len(before["meetings"]) + 1
    # Scanners opening the used link afterwards change nothing either.
    for method in ("GET", "HEAD"):
        assert app.test_client().open(url, method=method).status_code == 200
    assert W.snapshot() == after


def test_two_racing_posts_log_one_meeting(pair, app, monkeypatch):
    url = _url(app, pair.pairing)
    clients = [app.test_client() for _ in range(2)]
    tokens = [_form(c, url) for c in clients]
    original = meetings_service.log_meeting

    def slow(*args, **kwargs):
        # Both requests have checked that the link is unused; widen the window before either claims it.
        meeting = original(*args, **kwargs)
        time.sleep(0.4)
        return meeting

    monkeypatch.setattr(meetings_service, "log_meeting", slow)
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def submit(i):
        try:
            with app.app_context():  # each thread has its own database session, as each worker would
                barrier.wait(timeout=10)
                r = clients[i].post(url, data=_data(tokens[i], duration_minutes=str(20 + i)))
            outcomes[i] = (r.status_code, "Already logged" in r.get_data(as_text=True))
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            outcomes[i] = exc

    db.session.commit()
    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    assert sorted(outcomes) == [(200, True), (302, False)], outcomes
    assert _meetings() == 1
    link = db.session.execute(select(LogLink)).scalar_one()
    meeting = db.session.execute(select(Meeting)).scalar_one()
    assert link.meeting_id == meeting.id


def _end_today(pair, f):
    pair.pairing.end_date = TODAY  # a pairing whose end date is today has ended today (docs/metrics.md)
    pair.pairing.end_reason = "completed"


def _mentor_left(pair, f):
    pair.mentor.left_on = TODAY - dt.timedelta(days=1)


def _mentee_left(pair, f):
    pair.mentee.left_on = TODAY - dt.timedelta(days=1)


def _mentor_erased(pair, f):
    privacy.erase_person(pair.mentor.person, None)


def _mentee_erased(pair, f):
    privacy.erase_person(pair.mentee.person, None)


def _revoked(pair, f):
    log_links.revoke([pair.pairing.id])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_end_today, "This mentorship has ended"),
        (_mentor_left, "no longer enrolled"),
        (_mentee_left, "no longer enrolled"),
        (_mentor_erased, "This link no longer works"),
        (_mentee_erased, "This link no longer works"),
        (_revoked, "This link was withdrawn"),
    ],
    ids=["ended-today", "mentor-left", "mentee-left", "mentor-erased", "mentee-erased", "revoked"],
)
def test_link_refused_once_the_pairing_is_not_open_or_a_person_is_gone(pair, app, f, change, message):
    other = f.pairing(start_date=TODAY - dt.timedelta(days=30))  # another pair's names must never show
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=5), notes=NOTE)
    url = _url(app, pair.pairing)
    client = app.test_client()
    csrf = _form(client, url)  # the form was opened while the link still worked
    change(pair, f)
    db.session.commit()
    before = _meetings()
    for response in (client.get(url), _post(client, url, csrf), client.head(url)):
        assert response.status_code == 410
        text = response.get_data(as_text=True)
        if response.request.method != "HEAD":
            assert message in text
        assert NOTE not in text and other.mentee.person.last_name not in text
        assert 'name="date"' not in text
    assert _meetings() == before


def test_link_refused_after_it_expires(pair, app):
    days = app.config["LOG_LINK_DAYS"]
    now = meetings_service.utcnow()
    old = _url(app, pair.pairing, now=now - dt.timedelta(days=days, minutes=1))
    fresh_enough = _url(app, pair.pairing, now=now - dt.timedelta(days=days) + dt.timedelta(hours=1))
    client = app.test_client()
    r = client.get(old)
    assert r.status_code == 410 and "expired" in r.get_data(as_text=True)
    assert client.get(fresh_enough).status_code == 200


def test_link_of_a_pairing_that_has_not_started_is_refused(pair, app, f):
    later = f.pairing(start_date=TODAY + dt.timedelta(days=3))
    r = app.test_client().get(_url(app, later))
    assert r.status_code == 410 and "not started" in r.get_data(as_text=True)


def test_forged_mangled_and_old_style_tokens_are_refused(pair, app, client):
    url = _url(app, pair.pairing)
    token = url.rsplit("/", 1)[1]
    link_id = db.session.execute(select(LogLink.id)).scalar_one()
    secret = app.config["SECRET_KEY"]
    bad = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        token + "x",
        "nonsense",
        URLSafeSerializer("another-key", salt=log_links.LOG_LINK_SALT).dumps({"l": link_id}),
        URLSafeSerializer(secret, salt="password-reset").dumps({"l": link_id}),
        URLSafeSerializer(secret, salt=log_links.LOG_LINK_SALT).dumps({"l": "no-such-link"}),
        URLSafeSerializer(secret, salt=log_links.LOG_LINK_SALT).dumps({"l": 7}),
        # A link emailed before links were records: it named the pairing and mentor only.
        URLSafeTimedSerializer(secret, salt="log-link").dumps(
            {"p": pair.pairing.id, "m": pair.mentor.person_id}
        ),
    ]
    csrf = csrf_from(client.get("/auth/login").get_data(as_text=True))
    for candidate in bad:
        for response in (
            client.get(f"/meetings/quick/{candidate}"),
            client.post(f"/meetings/quick/{candidate}", data=_data(csrf)),
        ):
            assert response.status_code == 400, candidate
            assert "not valid" in response.get_data(as_text=True)
    assert _meetings() == 0


def test_bad_input_on_the_short_form_writes_nothing_and_the_link_still_works(pair, app, client):
    url = _url(app, pair.pairing)
    csrf = _form(client, url)
    r = _post(client, url, csrf, date=(TODAY + dt.timedelta(days=2)).isoformat())
    assert r.status_code == 200 and "cannot be in the future" in r.get_data(as_text=True)
    assert _meetings() == 0
    assert db.session.execute(select(LogLink.meeting_id)).scalar_one() is None
    assert _post(client, url, csrf).status_code == 302
    assert _meetings() == 1


def test_csrf_is_still_required(pair, app, client):
    url = _url(app, pair.pairing)
    _form(client, url)
    assert _post(client, url, "forged").status_code == 400
    assert _meetings() == 0


def test_a_link_logs_to_its_own_pairing_only(pair, app, f):
    other = f.pairing(start_date=TODAY - dt.timedelta(days=50))
    url_a, url_b = _url(app, pair.pairing), _url(app, other)
    client = app.test_client()
    assert _post(client, url_b, _form(client, url_b)).status_code == 302
    assert _post(client, url_a, _form(client, url_a)).status_code == 302
    rows = db.session.execute(select(Meeting.pairing_id).order_by(Meeting.id)).scalars().all()
    assert rows == [other.id, pair.pairing.id]


def test_coordinator_withdraws_a_pairings_links_from_its_page(pair, app, login):
    url = _url(app, pair.pairing)
    _url(app, pair.pairing)  # a second reminder's link
    coordinator = login(pair.coordinator)
    page = coordinator.get(f"/pairings/{pair.pairing.id}").get_data(as_text=True)
    assert "2 emailed links" in page and "Withdraw links" in page
    assert coordinator.client.post(f"/pairings/{pair.pairing.id}/links/revoke").status_code == 400  # no CSRF
    r = coordinator.post(f"/pairings/{pair.pairing.id}/links/revoke")
    assert r.status_code == 302
    assert "No emailed link of this pairing" in coordinator.get(f"/pairings/{pair.pairing.id}").get_data(
        as_text=True
    )
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "log_links.revoke")).scalar_one()
    assert event.actor_email == "coord@example.org" and event.details["revoked"] == 2
    r = app.test_client().get(url)
    assert r.status_code == 410 and "withdrawn" in r.get_data(as_text=True)


def test_ending_a_pairing_revokes_its_unused_links_and_used_ones_still_show_their_meeting(pair, app, login):
    used, unused = _url(app, pair.pairing), _url(app, pair.pairing)
    mentor_browser = app.test_client()
    assert _post(mentor_browser, used, _form(mentor_browser, used)).status_code == 302
    coordinator = login(pair.coordinator)
    r = coordinator.post(
        f"/pairings/{pair.pairing.id}/end", {"end_date": TODAY.isoformat(), "reason": "completed"}
    )
    assert r.status_code == 302
    revoked = db.session.execute(select(LogLink).where(LogLink.revoked_at.is_not(None))).scalars().all()
    assert len(revoked) == 1 and revoked[0].meeting_id is None
    assert app.test_client().get(unused).status_code == 410
    again = app.test_client().get(used)
    assert again.status_code == 200 and "Already logged" in again.get_data(as_text=True)
