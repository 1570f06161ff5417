"""Two app instances on one database and one Redis count sign-in failures together (docs/deployment.md).

Real gunicorn servers on two loopback ports and the real Redis at 127.0.0.1:6379 (CI starts it); the keys
are under a prefix of this run only, and deleted after. Without Redis the test is skipped on a
developer's machine and fails in CI.
"""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from mentorship.extensions import db
from tests.factories import PASSWORD
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


def test_a_throttled_address_stays_throttled_on_every_instance(app, f, tmp_path, shared_redis):
    owner = f.user()
    db.session.commit()
    env = {
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": shared_redis,
        "LOGIN_RATE_LIMIT": f"{LIMIT} per 5 minutes",
        "TRUSTED_PROXIES": "1",  # the test plays two clients behind one proxy
    }
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
        # The owner, from elsewhere, signs in on either instance.
        assert Client(second, {"X-Forwarded-For": "198.51.100.7"}).sign_in(owner.email, PASSWORD) == 302
        assert Client(first, {"X-Forwarded-For": "198.51.100.7"}).sign_in(owner.email, PASSWORD) == 302
