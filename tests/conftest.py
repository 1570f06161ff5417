"""Fixtures: one app per test session, a clean database per test, clients and login helpers."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from config import TestConfig
from mentorship import create_app
from mentorship.extensions import db, limiter, mail
from tests import factories
from tests.mail import smtp as smtp_server

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context and database session, as in production.

    The test's own session is committed first (so the request sees the factories' rows) and expired after
    (so the test sees what the request wrote). Without this, Flask reuses the test's app context and `g`,
    and a signed-in user would leak from one client to another.
    """

    def open(self, *args, **kwargs):
        # Buffered: the body is read and the response closed, as a WSGI server does, so work a page leaves
        # for after its response (services/jobs.py) runs before the test looks.
        kwargs.setdefault("buffered", True)
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")

    class SessionConfig(TestConfig):
        # A file, not :memory:, so that server threads in later tests share the database.
        SQLALCHEMY_DATABASE_URI = (
            TestConfig.SQLALCHEMY_DATABASE_URI
            if url
            else (f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
        )

    app = create_app(SessionConfig)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE")
        )
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def _clean(app):
    with app.app_context():
        limiter.reset()
        yield
        db.session.rollback()
        _empty_tables()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def count_queries():
    """count_queries(fn) -> (statements sent to the database while `fn` ran, what `fn` returned).

    The test's own writes are committed first: a client request would commit them inside the count.
    """

    def _count(fn):
        db.session.commit()
        n = 0

        def bump(*_args, **_kwargs):
            nonlocal n
            n += 1

        event.listen(db.engine, "before_cursor_execute", bump)
        try:
            result = fn()
        finally:
            event.remove(db.engine, "before_cursor_execute", bump)
        return n, result

    return _count


@pytest.fixture
def f():
    """The factories module, so tests can write f.mentor(...)."""
    return factories


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def without_csrf(html: str) -> str:
    """The page with its CSRF tokens blanked: each carries the second it was signed in, so two renderings of
    the same page differ there alone."""
    return re.sub(r'name="csrf_token"[^>]*?value="[^"]*"', 'name="csrf_token"', html)


class Browser:
    """A test client that signs in and sends forms with their CSRF token, as a browser would."""

    def __init__(self, client):
        self.client = client

    def login(self, user, password: str = factories.PASSWORD):
        db.session.commit()
        token = csrf_from(self.client.get("/auth/login").get_data(as_text=True))
        response = self.client.post(
            "/auth/login", data={"email": user.email, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return self

    def token(self) -> str:
        page = self.client.get("/auth/password")
        if page.status_code != 200:
            page = self.client.get("/auth/login")
        return csrf_from(page.get_data(as_text=True))

    def get(self, url, **kwargs):
        db.session.commit()
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, **kwargs):
        db.session.commit()
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def login(app):
    """login(user) -> a Browser signed in as `user` (a fresh client each call)."""

    def _login(user):
        return Browser(app.test_client()).login(user)

    return _login


@pytest.fixture
def pair(f):
    """A mentor and a mentee (both with accounts) paired 100 days ago, and a coordinator of their program."""
    prog = f.program("Internal Medicine")
    mentor = f.mentor(f.person("mentor@example.org", "Morgan", "Mentor"))
    mentee = f.mentee(f.person("mentee@example.org", "Riley", "Mentee"), prog)
    pairing = f.pairing(mentor, mentee, start_date=dt.date.today() - dt.timedelta(days=100))
    return SimpleNamespace(
        program=prog,
        mentor=mentor,
        mentee=mentee,
        pairing=pairing,
        mentor_user=f.user(mentor.person),
        mentee_user=f.user(mentee.person),
        coordinator=f.user(f.person("coord@example.org", "Casey", "Coord"), programs=[prog]),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    """Mail really sent, through an SMTP server on loopback: the Inbox of what arrived."""
    port = free_port()
    controller, inbox = smtp_server.start("127.0.0.1", port)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    # Flask-Mail reads its settings at init and suppresses sending under TESTING: give it a real state.
    monkeypatch.setitem(app.extensions, "mail", mail.init_mail(app.config, testing=False))
    yield inbox
    controller.stop()
