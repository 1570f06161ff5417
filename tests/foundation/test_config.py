"""Settings: no key is built into the code, and a development app answers only this computer."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from config import TestConfig
from mentorship import create_app
from mentorship.development import MESSAGE, is_loopback
from tests.foundation import checkout

ENVIRONMENTS = ["development", "test", "production"]


@pytest.mark.parametrize("app_env", ENVIRONMENTS)
def test_no_key_unless_the_environment_gives_one(app_env):
    code = "from config import Config; print(repr(Config.SECRET_KEY))"
    env = {"APP_ENV": app_env, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "-c", code], env=env, cwd=checkout.ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "None"


@pytest.mark.parametrize("app_env", ENVIRONMENTS)
def test_the_app_refuses_to_start_without_a_key(app_env):
    class NoKey(TestConfig):
        APP_ENV = app_env
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    with pytest.raises(RuntimeError, match=r"SECRET_KEY is not set\. .*make setup"):
        create_app(NoKey)


@pytest.mark.skipif(not checkout.is_checkout(), reason="not a git checkout")
def test_no_source_file_assigns_a_literal_key():
    literal = re.compile(r"""SECRET_KEY\s*[:=]\s*[rbf]?["']""")
    offenders = [
        path
        for path in checkout.tracked_files()
        if not path.startswith(("tests/", "docs/"))
        and path.endswith((".py", ".env", ".cfg", ".toml", "Makefile"))
        and literal.search((checkout.ROOT / path).read_text(errors="replace"))
    ]
    assert offenders == []


@pytest.fixture
def development_client():
    class Development(TestConfig):
        APP_ENV = "development"
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    return create_app(Development).test_client()


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_development_serves_this_computer(development_client, address):
    response = development_client.get("/auth/login", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200


@pytest.mark.parametrize("address", ["10.0.0.5", "192.168.1.20", "2001:db8::1", "::ffff:10.0.0.5", ""])
def test_development_refuses_other_computers(development_client, address):
    for method, url in [("GET", "/auth/login"), ("POST", "/auth/login"), ("GET", "/static/app.css")]:
        response = development_client.open(url, method=method, environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 403, (method, url)
        assert "answers only requests made on the computer it runs on" in response.get_data(as_text=True)


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
def test_development_refuses_requests_relayed_by_a_proxy(development_client, header):
    response = development_client.get(
        "/auth/login", headers={header: "203.0.113.7"}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    assert response.status_code == 403


def test_only_development_is_limited_to_this_computer(client):
    response = client.get("/auth/login", environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert response.status_code == 200  # TestConfig: APP_ENV=test


def test_loopback_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("::ffff:127.0.0.2")
    assert not any(is_loopback(a) for a in ["10.1.1.1", "::ffff:8.8.8.8", "localhost", None, "garbage"])
    assert "docs/deployment.md" in MESSAGE
