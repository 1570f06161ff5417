"""Sign-in sessions live on the server: signing out, a password change or erasure ends them for good."""

from __future__ import annotations

import datetime as dt

from flask import session
from flask_login import user_logged_out
from flask_login.utils import encode_cookie
from sqlalchemy import event, select

from mentorship.extensions import db
from mentorship.models import UserSession
from mentorship.services import accounts, privacy
from tests.conftest import Browser, csrf_from
from tests.factories import PASSWORD

NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _signed_in(client) -> bool:
    """True if `client` is signed in (a signed-in page answers), False if it is sent to sign in."""
    db.session.commit()
    response = client.get("/auth/password")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def _sign_out(browser: Browser) -> None:
    assert browser.post("/auth/logout").status_code == 302


def _statements_of(action) -> list[str]:
    """The SQL statements that `action` runs (any connection)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    db.session.commit()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def _sessions(user) -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.execute(select(UserSession).where(UserSession.user_id == user.id)).scalars())


def test_a_session_cookie_captured_before_sign_out_is_refused_after_it(f, app, login):
    user = f.user()
    browser = login(user)
    captured = browser.client.get_cookie("session").value
    assert _signed_in(browser.client)
    _sign_out(browser)
    # The attacker replays the cookie copied before the sign-out, in another browser.
    replay = app.test_client()
    replay.set_cookie("session", captured)
    assert not _signed_in(replay)
    [record] = _sessions(user)
    assert record.ended_at is not None


def test_a_remember_cookie_dies_with_its_session(f, app, login):
    user = f.user()
    browser = login(user)
    [record] = _sessions(user)
    with app.test_request_context():
        remember = encode_cookie(record.id)
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember)
    assert _signed_in(fresh)  # a remember cookie of a live session signs in (as Flask-Login intends)
    _sign_out(browser)
    later = app.test_client()
    later.set_cookie("remember_token", remember)
    assert not _signed_in(later)


def test_pending_per_user_state_is_gone_after_sign_out(f, app, login):
    user = f.user(programs=[f.program("Surgery")])
    browser = login(user)
    with browser.client.session_transaction() as cookie_session:
        cookie_session["roster_upload"] = {"token": "t" * 24, "names": ["roster.xlsx"]}
        cookie_session["roster_result"] = {"filename": "roster.xlsx", "changed": True, "summary": ["2 added"]}
        cookie_session["matching_draft"] = {"rows": [[1, 2]]}  # any other per-user state, present or future
    seen_by_receivers = []

    def receiver(sender, user, **_extra):
        seen_by_receivers.append((user.id, sorted(session.keys())))

    user_logged_out.connect(receiver, app)
    try:
        _sign_out(browser)
    finally:
        user_logged_out.disconnect(receiver, app)
    with browser.client.session_transaction() as cookie_session:
        for key in ("roster_upload", "roster_result", "matching_draft", "_user_id"):
            assert key not in cookie_session, key
    # Receivers of Flask-Login's signal (the roster import drops its pending uploads) run first, with the
    # user and the cookie session still there.
    [(user_id, keys)] = seen_by_receivers
    assert user_id == user.id and "matching_draft" in keys


def test_signing_in_starts_from_an_empty_cookie_session(f, client):
    user = f.user()
    with client.session_transaction() as cookie_session:
        cookie_session["roster_result"] = {"filename": "left by someone else"}
    Browser(client).login(user)
    with client.session_transaction() as cookie_session:
        assert "roster_result" not in cookie_session


def test_password_change_ends_other_sessions_but_not_the_current_one(f, login):
    user = f.user()
    phone, desk = login(user), login(user)
    new = "another-good-passphrase"
    assert (
        desk.post("/auth/password", {"current": PASSWORD, "password": new, "confirm": new}).status_code == 302
    )
    assert _signed_in(desk.client)
    assert not _signed_in(phone.client)
    records = _sessions(user)
    assert sorted(r.ended_at is None for r in records) == [False, True]


def test_a_password_set_from_a_reset_link_ends_every_session(f, app, login, client):
    user = f.user()
    phone = login(user)
    with app.test_request_context():
        token = accounts.make_password_token(user, "reset")
    db.session.commit()
    page = client.get(f"/auth/password/reset/{token}")
    new = "a-new-long-passphrase"
    form = {"password": new, "confirm": new, "csrf_token": csrf_from(page.get_data(as_text=True))}
    assert client.post(f"/auth/password/reset/{token}", data=form).status_code == 302
    assert not _signed_in(phone.client)
    assert all(r.ended_at is not None for r in _sessions(user))


def test_end_sessions_ends_all_but_the_one_kept(f, app):
    user, other = f.user(), f.user()
    with app.test_request_context():
        kept, *rest = [accounts.sign_in(user, now=NOW) for _ in range(3)]
        theirs = accounts.sign_in(other, now=NOW)
    assert accounts.end_sessions(user, except_session=kept, now=NOW) == 2
    assert accounts.end_sessions(user, except_session=kept, now=NOW) == 0
    db.session.commit()
    db.session.expire_all()
    assert kept.ended_at is None and theirs.ended_at is None
    assert all(r.ended_at == NOW for r in rest)
    assert accounts.end_sessions(user) == 1


def test_erasure_signs_the_person_out(f, login):
    mentee = f.mentee()
    browser = login(f.user(mentee.person))
    assert _signed_in(browser.client)
    privacy.erase_person(mentee.person, None)
    db.session.commit()
    assert not _signed_in(browser.client)


def test_an_idle_session_is_signed_out_and_a_used_one_notes_its_last_use(f, app, login):
    user = f.user()
    browser = login(user)
    [record] = _sessions(user)
    record.last_seen_at = NOW - dt.timedelta(hours=3)
    db.session.commit()
    statements = _statements_of(lambda: _signed_in(browser.client))
    # One UPDATE, on its own connection; the request's own session does not write the row again.
    assert sum(s.startswith("UPDATE user_sessions") for s in statements) == 1, statements
    [record] = _sessions(user)
    assert record.last_seen_at > NOW - dt.timedelta(minutes=5)  # noted, at most once per hour
    record.last_seen_at = NOW - dt.timedelta(days=app.config["SESSION_IDLE_DAYS"], minutes=1)
    db.session.commit()
    assert not _signed_in(browser.client)


def test_old_ended_and_idle_sessions_are_purged_at_sign_in(f, app, client):
    user = f.user()
    keep_days = accounts.KEEP_ENDED_DAYS
    idle = app.config["SESSION_IDLE_DAYS"]
    rows = {
        "ended long ago": (NOW - dt.timedelta(days=keep_days + 1), NOW - dt.timedelta(days=keep_days + 1)),
        "ended lately": (NOW - dt.timedelta(days=2), NOW - dt.timedelta(days=2)),
        "idle long ago": (NOW - dt.timedelta(days=keep_days + idle + 1), None),
        "in use": (NOW - dt.timedelta(hours=1), None),
    }
    for name, (seen, ended) in rows.items():
        db.session.add(
            UserSession(
                id=name.replace(" ", "-") + "-" + "x" * 20,
                user_id=user.id,
                created_at=seen,
                last_seen_at=seen,
                ended_at=ended,
            )
        )
    db.session.commit()
    Browser(client).login(user)
    left = sorted(r.id.split("-x")[0] for r in _sessions(user) if r.created_at < NOW)
    assert left == ["ended-lately", "in-use"]


def test_one_statement_per_request_reads_the_session_and_the_user(f, app, login):
    user = f.user(programs=[f.program("Surgery")])
    browser = login(user)
    pages = []
    statements = _statements_of(lambda: pages.append(browser.client.get("/auth/password")))
    assert pages[0].status_code == 200
    touching = [s for s in statements if "user_sessions" in s]
    assert len(touching) == 1 and "FROM users JOIN user_sessions" in touching[0], touching
    assert all("UPDATE" not in s for s in statements)
