"""One-click logging links (PRODUCT.md §9): signed, expiring, one pairing only, never logs twice."""

from __future__ import annotations

import datetime as dt
import re
import time

from flask import url_for
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, LogLinkUse, Meeting
from mentorship.services import meetings as service
from tests.conftest import csrf_from

TODAY = dt.date.today()


def _token(app, pairing) -> str:
    return service.make_log_token(pairing, app.config["SECRET_KEY"])


def _nonce(html: str) -> str:
    match = re.search(r'<input[^>]*name="nonce"[^>]*>', html)
    assert match, "no nonce on the form"
    return re.search(r'value="([^"]+)"', match.group(0)).group(1)


def _open(client, url):
    db.session.commit()
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    html = r.get_data(as_text=True)
    return csrf_from(html), _nonce(html)


def _post(client, url, csrf, nonce, **overrides):
    db.session.commit()
    data = {
        "csrf_token": csrf,
        "nonce": nonce,
        "date": TODAY.isoformat(),
        "duration_minutes": "30",
        "modality": "in_person",
        "topics": ["career planning"],
    }
    data.update(overrides)
    return client.post(url, data=data)


def _count() -> int:
    db.session.expire_all()
    return len(db.session.execute(select(Meeting)).scalars().all())


def test_quick_path_matches_the_route(app):
    with app.test_request_context():
        assert url_for("meetings.quick", token="abc") == service.QUICK_PATH.format(token="abc")


def test_link_logs_without_a_password_once(pair, app, client):
    url = service.QUICK_PATH.format(token=_token(app, pair.pairing))
    csrf, nonce = _open(client, url)
    r = _post(client, url, csrf, nonce, notes="private")
    assert r.status_code == 302
    done = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Meeting logged" in done
    [m] = db.session.execute(select(Meeting)).scalars().all()
    assert (m.pairing_id, m.logged_by_id, m.logged_as, m.status) == (
        pair.pairing.id,
        pair.mentor.person_id,
        "mentor",
        "held",
    )
    assert m.topics == ["career planning"] and m.notes == "private"
    assert db.session.get(LogLinkUse, nonce).meeting_id == m.id
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "meeting.create")).scalar_one()
    assert event.details["via"] == "link" and "private" not in str(event.details)
    # double click / back button: the same form again logs nothing and says so
    again = _post(client, url, csrf, nonce)
    assert again.status_code == 200
    assert "Already logged" in again.get_data(as_text=True)
    assert TODAY.isoformat() in again.get_data(as_text=True)
    assert _count() == 1
    # back button / reopening the link: the server says it is logged rather than offering the same form
    back = client.get(url)
    assert back.status_code == 200 and "Already logged" in back.get_data(as_text=True)
    assert back.headers["Cache-Control"] == "no-store"
    assert 'name="nonce"' not in back.get_data(as_text=True)
    # "Log another meeting" gives a fresh form that can log another meeting
    assert f"{url}?new=1" in back.get_data(as_text=True)
    csrf2, nonce2 = _open(client, f"{url}?new=1")
    assert nonce2 != nonce
    assert _post(client, url, csrf2, nonce2).status_code == 302
    assert _count() == 2


def test_reloading_the_form_keeps_its_nonce(pair, app, client):
    url = service.QUICK_PATH.format(token=_token(app, pair.pairing))
    _csrf, first = _open(client, url)
    _csrf, second = _open(client, url)
    assert first == second
    # another browser (another session) gets its own form
    _csrf, other = _open(app.test_client(), url)
    assert other != first


def test_racing_submit_hits_the_primary_key_not_a_500(pair, app, client, monkeypatch):
    url = service.QUICK_PATH.format(token=_token(app, pair.pairing))
    csrf, nonce = _open(client, url)
    assert _post(client, url, csrf, nonce).status_code == 302
    # Simulate the second request of a race: its check ran before the first one committed.
    monkeypatch.setattr(service, "link_use", lambda *_args: None)
    r = _post(client, url, csrf, nonce)
    assert r.status_code == 200
    assert "Already logged" in r.get_data(as_text=True)
    assert _count() == 1


def test_bad_input_on_the_short_form(pair, app, client):
    url = service.QUICK_PATH.format(token=_token(app, pair.pairing))
    csrf, nonce = _open(client, url)
    r = _post(client, url, csrf, nonce, date=(TODAY + dt.timedelta(days=2)).isoformat())
    assert r.status_code == 200 and "cannot be in the future" in r.get_data(as_text=True)
    assert _count() == 0
    assert db.session.get(LogLinkUse, nonce) is None  # the form can still be used after fixing it
    assert _post(client, url, csrf, nonce).status_code == 302


def test_csrf_is_still_required(pair, app, client):
    url = service.QUICK_PATH.format(token=_token(app, pair.pairing))
    _csrf, nonce = _open(client, url)
    r = _post(client, url, "forged", nonce)
    assert r.status_code == 400
    assert _count() == 0


def test_tampered_token_is_refused(pair, app, client):
    token = _token(app, pair.pairing)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", token + "x"):
        r = client.get(service.QUICK_PATH.format(token=bad))
        assert r.status_code == 400
        assert "not valid" in r.get_data(as_text=True)


def test_token_with_another_key_or_salt_is_refused(pair, app, client):
    payload = {"p": pair.pairing.id, "m": pair.mentor.person_id}
    forged = URLSafeTimedSerializer("another-key", salt=service.LOG_LINK_SALT).dumps(payload)
    other_salt = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="password-reset").dumps(payload)
    for token in (forged, other_salt):
        assert client.get(service.QUICK_PATH.format(token=token)).status_code == 400


def test_token_naming_a_different_mentor_is_refused(pair, app, client, f):
    payload = {"p": pair.pairing.id, "m": pair.mentee.person_id}
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=service.LOG_LINK_SALT).dumps(payload)
    db.session.commit()
    assert client.get(service.QUICK_PATH.format(token=token)).status_code == 400


def test_expired_token_is_refused(pair, app, client, monkeypatch):
    days = app.config["LOG_LINK_DAYS"]
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - days * 86400 - 60)
    old = _token(app, pair.pairing)
    monkeypatch.setattr(time, "time", lambda: real() - days * 86400 + 3600)
    fresh_enough = _token(app, pair.pairing)
    monkeypatch.setattr(time, "time", real)
    db.session.commit()
    r = client.get(service.QUICK_PATH.format(token=old))
    assert r.status_code == 400 and "expired" in r.get_data(as_text=True)
    assert client.get(service.QUICK_PATH.format(token=fresh_enough)).status_code == 200


def test_token_works_for_its_pairing_only(pair, app, client, f):
    other = f.pairing(start_date=TODAY - dt.timedelta(days=50))
    url_a = service.QUICK_PATH.format(token=_token(app, pair.pairing))
    url_b = service.QUICK_PATH.format(token=_token(app, other))
    csrf, nonce_b = _open(client, url_b)
    # a form (nonce) of pairing B posted to pairing A's link logs nothing to either
    assert _post(client, url_b, csrf, nonce_b).status_code == 302
    r = _post(client, url_a, csrf, nonce_b)
    assert r.status_code == 400
    assert [m.pairing_id for m in db.session.execute(select(Meeting)).scalars()] == [other.id]
    # and B's "done" page cannot be read through A's link
    assert client.get(f"{url_a}/done/{nonce_b}").status_code == 404
    # A's link logs to A only
    csrf_a, nonce_a = _open(client, url_a)
    _post(client, url_a, csrf_a, nonce_a)
    db.session.expire_all()
    assert sorted(m.pairing_id for m in db.session.execute(select(Meeting)).scalars()) == sorted(
        [other.id, pair.pairing.id]
    )
