"""Two app instances on one database and one Redis behave like one (docs/deployment.md): a roster previewed
on one is confirmed on the other, and sign-in failures are counted together.

Real gunicorn servers on two loopback ports (PostgreSQL when TEST_DATABASE_URL is set, else a shared SQLite
file) and the real Redis of TEST_REDIS_URL (CI starts it); the keys are under a prefix of this run only,
and deleted after. Without Redis the tests are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Person, RosterUpload
from tests.factories import PASSWORD
from tests.roster.helpers import messy_sheets, xlsx
from tests.servers import Client, gunicorn

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = 3


@pytest.fixture
def shared_redis():
    """A reachable Redis and a key prefix for this test; the keys are removed afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis at {REDIS_URL} is not reachable ({exc}); start it with redis-server"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"test-limits-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def _env(prefix: str, **limits: str) -> dict[str, str]:
    return {
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "TRUSTED_PROXIES": "1",  # the test plays several clients behind one proxy
        **limits,
    }


def test_a_throttled_account_stays_throttled_on_every_instance(app, f, tmp_path, shared_redis):
    owner = f.user()
    colleague = f.user()
    db.session.commit()
    env = _env(shared_redis, LOGIN_RATE_LIMIT=f"{LIMIT} per 5 minutes")
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    with (
        gunicorn(database, tmp_path, env, workers=2, threads=2) as first,
        gunicorn(database, tmp_path, env, workers=2, threads=2) as second,
    ):
        attacker_on_first = Client(first, {"X-Forwarded-For": "192.0.2.66"})
        for _ in range(LIMIT):
            assert attacker_on_first.sign_in(owner.email, "a-wrong-guess") == 200
        # The same attacker on the other instance: already throttled, even with the right password.
        attacker_on_second = Client(second, {"X-Forwarded-For": "192.0.2.66"})
        assert attacker_on_second.sign_in(owner.email, PASSWORD) == 429
        # It is that account that is throttled, not the address: another account signs in from it.
        assert Client(second, {"X-Forwarded-For": "192.0.2.66"}).sign_in(colleague.email, PASSWORD) == 302
        # The owner, from elsewhere, signs in on either instance.
        assert Client(second, {"X-Forwarded-For": "198.51.100.7"}).sign_in(owner.email, PASSWORD) == 302
        assert Client(first, {"X-Forwarded-For": "198.51.100.7"}).sign_in(owner.email, PASSWORD) == 302


def test_an_address_guessing_across_accounts_is_throttled_on_every_instance(app, f, tmp_path, shared_redis):
    accounts = [f.user() for _ in range(LIMIT + 1)]
    db.session.commit()
    env = _env(shared_redis, LOGIN_ADDRESS_RATE_LIMIT=f"{LIMIT} per 5 minutes")
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    with (
        gunicorn(database, tmp_path, env, workers=2, threads=2) as first,
        gunicorn(database, tmp_path, env, workers=2, threads=2) as second,
    ):
        sprayer = {"X-Forwarded-For": "192.0.2.77"}
        # One wrong guess per account, spread over both instances: together they reach the address's limit.
        for i, user in enumerate(accounts[:LIMIT]):
            assert Client(first if i % 2 else second, sprayer).sign_in(user.email, "a-wrong-guess") == 200
        for base in (first, second):
            assert Client(base, sprayer).sign_in(accounts[LIMIT].email, PASSWORD) == 429
        assert Client(first, {"X-Forwarded-For": "198.51.100.8"}).sign_in(accounts[0].email, PASSWORD) == 302


def test_a_roster_previewed_on_one_instance_is_confirmed_on_another(app, f, tmp_path, shared_redis):
    admin = f.user(is_admin=True)
    db.session.commit()
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    with (
        gunicorn(database, tmp_path, _env(shared_redis), workers=1, threads=2) as first,
        gunicorn(database, tmp_path, _env(shared_redis), workers=1, threads=2) as second,
    ):
        browser = Client(first)  # cookies are per host, not per port: one browser for both instances
        assert browser.sign_in(admin.email, PASSWORD) == 302
        _status, form = browser.request("/roster/")
        status, _ = browser.request(
            "/roster/",
            {"csrf_token": browser.token(form)},
            files={"files": ("roster.xlsx", xlsx(messy_sheets()))},
        )
        assert status == 302
        status, preview = browser.request("/roster/preview")
        assert status == 200 and "No problems found" in preview
        # The next request lands on the other instance, which has neither the file nor the session on disk.
        browser.base = second
        status, _ = browser.request("/roster/confirm", {"csrf_token": browser.token(preview)})
        assert status == 302
        status, result = browser.request("/roster/result")
        assert status == 200 and "The import is complete." in result
    db.session.expire_all()
    assert db.session.execute(select(Person).where(Person.email == "amy@hospital.org")).scalar_one()
    assert db.session.execute(select(RosterUpload)).first() is None
    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions.count("roster.preview") == 1 and actions.count("roster.import") == 1
