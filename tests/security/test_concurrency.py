"""20 clients log meetings at once through the web, against gunicorn, on the test database.

Every meeting must be stored and no request may get a 5xx. Bounded: 20 clients × 5 meetings, timeouts on
every request and on the server's start, loopback only, the server killed at the end.

Two concurrent pairing applies never exceeding a mentor's capacity is proved in
tests/pairings/test_concurrency.py (both databases).
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import Meeting
from tests import factories as F
from tests.conftest import CSRF_RE

CLIENTS = 20
MEETINGS_EACH = 5
REQUEST_TIMEOUT = 30
NONCE_RE = re.compile(r'name="nonce" type="hidden" value="([^"]+)"')
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # keep 302s visible: the test checks where they go


class Client:
    """One browser: a cookie jar, CSRF tokens from the pages, no automatic redirects."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.statuses: list[int] = []

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)  # noqa: S310 (http://127.0.0.1 only)
        try:
            with self.opener.open(req, timeout=REQUEST_TIMEOUT) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        self.statuses.append(status)
        return status, text

    def token(self, html: str) -> str:
        match = CSRF_RE.search(html)
        assert match, html[:500]
        return match.group(1) or match.group(2)


@pytest.fixture
def server(app, tmp_path):
    """gunicorn serving the app on the test database, on a free loopback port."""
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "APP_ENV": "development",
        "SECRET_KEY": "concurrency-test-secret-key",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SESSION_COOKIE_SECURE": "0",
        "LOGIN_RATE_LIMIT": "1000 per minute",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(  # noqa: S603 (fixed argv, our own venv's gunicorn)
        [
            str(GUNICORN),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--timeout",
            "60",
            "mentorship:create_app()",
        ],
        cwd=str(Path(__file__).resolve().parents[2]),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                with urllib.request.urlopen(base + "/auth/login", timeout=2) as r:  # noqa: S310 (loopback)
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start in 60 s"
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        log.close()


def _log_meetings(base: str, email: str, pairing_id: int, errors: list[str], statuses: list[int]):
    client = Client(base)
    try:
        status, page = client.request("/auth/login")
        status, _ = client.request(
            "/auth/login", {"email": email, "password": F.PASSWORD, "csrf_token": client.token(page)}
        )
        assert status == 302, f"sign-in of {email} gave {status}"
        for k in range(MEETINGS_EACH):
            status, form = client.request(f"/meetings/pairing/{pairing_id}/new")
            assert status == 200, f"form gave {status}"
            data = {
                "csrf_token": client.token(form),
                "nonce": NONCE_RE.search(form).group(1),
                "date": (dt.date.today() - dt.timedelta(days=k + 1)).isoformat(),
                "duration_minutes": "30",
                "modality": "video",
                "status": "held",
                "topics": ["research"],
                "notes": f"meeting {k} of {email}",
            }
            status, page = client.request(f"/meetings/pairing/{pairing_id}/new", data)
            assert status == 302, f"meeting {k} of {email} gave {status}: {page[:300]}"
    except Exception as exc:  # collected and reported by the test
        errors.append(f"{email}: {exc}")
    finally:
        statuses.extend(client.statuses)


def test_twenty_clients_log_meetings_at_once(app, server):
    pairings = []
    for i in range(CLIENTS):
        mentor = F.mentor(F.person(f"busy-mentor{i}@example.org", "Busy", f"Mentor{i}"))
        pairing = F.pairing(mentor, start_date=dt.date.today() - dt.timedelta(days=100))
        F.user(mentor.person)
        pairings.append((mentor.person.email, pairing.id))
    db.session.commit()
    errors: list[str] = []
    statuses: list[int] = []
    threads = [
        threading.Thread(target=_log_meetings, args=(server, email, pid, errors, statuses))
        for email, pid in pairings
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not errors, errors
    assert not [s for s in statuses if s >= 500], statuses
    assert len(statuses) == CLIENTS * (2 + 2 * MEETINGS_EACH)
    db.session.expire_all()
    stored = db.session.execute(
        select(Meeting.pairing_id, func.count(Meeting.id))
        .where(Meeting.deleted_at.is_(None))
        .group_by(Meeting.pairing_id)
    ).all()
    assert dict(stored) == {pid: MEETINGS_EACH for _email, pid in pairings}
    notes = db.session.execute(
        select(func.count(Meeting.id)).where(Meeting.notes.like("meeting % of busy-mentor%"))
    ).scalar_one()
    assert notes == CLIENTS * MEETINGS_EACH
    assert elapsed < 90, f"{elapsed:.1f} s"  # generous: CI machines are slow, the work is 240 requests
