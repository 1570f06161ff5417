"""Throttling of sign-in and forgotten-password requests: per account and address, and per address; an
attacker's failures never lock the owner out from elsewhere; behind TRUSTED_PROXIES the client's address
counts. (The addresses are documentation ranges, only ever written into the WSGI environ.)"""

from __future__ import annotations

import pytest

from config import ratelimit_storage_uri
from mentorship import create_app
from mentorship.extensions import db
from tests.conftest import csrf_from
from tests.factories import PASSWORD

ATTACKER, OWNER, PROXY = "192.0.2.66", "198.51.100.7", "203.0.113.1"


def _limit(app, name: str = "LOGIN_RATE_LIMIT") -> int:
    return int(app.config[name].split()[0])


def _sign_in(client, email: str, password: str, address: str | None = None, forwarded: str | None = None):
    environ = {"REMOTE_ADDR": address} if address else {}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    token = csrf_from(client.get("/auth/login", environ_base=environ, headers=headers).get_data(as_text=True))
    return client.post(
        "/auth/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base=environ,
        headers=headers,
    )


def _forgot(client, email: str, address: str):
    environ = {"REMOTE_ADDR": address}
    token = csrf_from(client.get("/auth/forgot", environ_base=environ).get_data(as_text=True))
    return client.post("/auth/forgot", data={"email": email, "csrf_token": token}, environ_base=environ)


def test_an_attackers_failures_do_not_lock_the_owner_out_from_another_address(f, app, caplog):
    owner = f.user()
    db.session.commit()
    attacker = app.test_client()
    for _ in range(_limit(app)):
        assert _sign_in(attacker, owner.email, "guess-number-one", ATTACKER).status_code == 200
    # The attacker's address is throttled for this account, even with the right password...
    refused = _sign_in(attacker, owner.email, PASSWORD, ATTACKER)
    assert refused.status_code == 429 and b"Too many attempts" in refused.data
    assert "Failed sign-in" in caplog.text
    # ...and the owner, from their own address, signs in at once.
    assert _sign_in(app.test_client(), owner.email, PASSWORD, OWNER).status_code == 302


def test_spraying_many_accounts_from_one_address_is_throttled_per_address(f, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_RATE_LIMIT", "5 per 5 minutes")
    victims = [f.user() for _ in range(6)]
    db.session.commit()
    attacker = app.test_client()
    for victim in victims[:5]:
        assert _sign_in(attacker, victim.email, "guess", ATTACKER).status_code == 200
    assert _sign_in(attacker, victims[5].email, PASSWORD, ATTACKER).status_code == 429
    assert _sign_in(app.test_client(), victims[5].email, PASSWORD, OWNER).status_code == 302


def test_successful_sign_ins_do_not_count(f, app):
    user = f.user()
    db.session.commit()
    for _ in range(_limit(app) + 2):
        client = app.test_client()
        assert _sign_in(client, user.email, PASSWORD, OWNER).status_code == 302


def test_forgot_password_is_throttled_per_account_and_address_and_per_address(f, app, monkeypatch):
    user = f.user()
    db.session.commit()
    client = app.test_client()
    for _ in range(_limit(app)):
        assert _forgot(client, user.email, ATTACKER).status_code == 302
    assert _forgot(client, user.email, ATTACKER).status_code == 429
    assert _forgot(app.test_client(), user.email, OWNER).status_code == 302  # the owner still can
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_RATE_LIMIT", "3 per 5 minutes")
    sprayer = app.test_client()
    for i in range(3):
        assert _forgot(sprayer, f"someone{i}@example.org", PROXY).status_code == 302
    assert _forgot(sprayer, "someone-else@example.org", PROXY).status_code == 429


def test_the_limit_storage_comes_from_redis_url_unless_set_explicitly():
    assert ratelimit_storage_uri({}) == "memory://"
    assert ratelimit_storage_uri({"REDIS_URL": "redis://cache:6379/2"}) == "redis://cache:6379/2"
    both = {"REDIS_URL": "redis://cache:6379/2", "RATELIMIT_STORAGE_URI": "memcached://mc:11211"}
    assert ratelimit_storage_uri(both) == "memcached://mc:11211"
    assert ratelimit_storage_uri({"REDIS_URL": ""}) == "memory://"


@pytest.fixture
def proxied_app(app):
    """The app as deployed behind one reverse proxy (TRUSTED_PROXIES=1), on the test database."""

    settings = {key: app.config[key] for key in app.config}
    settings["TRUSTED_PROXIES"] = 1
    behind = create_app(type("BehindOneProxy", (), settings))
    yield behind
    with behind.app_context():
        db.engine.dispose()


def test_behind_a_trusted_proxy_the_limit_keys_on_the_forwarded_client(f, proxied_app):
    owner = f.user()
    db.session.commit()
    attacker = proxied_app.test_client()
    for _ in range(_limit(proxied_app)):
        assert _sign_in(attacker, owner.email, "guess", PROXY, forwarded=ATTACKER).status_code == 200
    assert _sign_in(attacker, owner.email, PASSWORD, PROXY, forwarded=ATTACKER).status_code == 429
    # Another client behind the same proxy is a different address.
    assert (
        _sign_in(proxied_app.test_client(), owner.email, PASSWORD, PROXY, forwarded=OWNER).status_code == 302
    )
    # The scheme the client used reaches the app too (HSTS is sent only over HTTPS).
    secure = proxied_app.test_client().get(
        "/auth/login", environ_base={"REMOTE_ADDR": PROXY}, headers={"X-Forwarded-Proto": "https"}
    )
    assert "Strict-Transport-Security" in secure.headers


def test_without_trusted_proxies_forwarded_headers_are_ignored(f, app):
    owner = f.user()
    db.session.commit()
    attacker = app.test_client()
    # An attacker forging a new X-Forwarded-For each time still counts against the socket's address.
    for i in range(_limit(app)):
        r = _sign_in(attacker, owner.email, "guess", ATTACKER, forwarded=f"198.51.100.{i + 10}")
        assert r.status_code == 200
    assert _sign_in(attacker, owner.email, PASSWORD, ATTACKER, forwarded=OWNER).status_code == 429
    plain = app.test_client().get("/auth/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in plain.headers
