"""Real servers for the tests that need them: gunicorn on a free loopback port, and a browser-like client.

Bounded: every request and the server's start have timeouts, only 127.0.0.1 is reached, and the server's
process group is killed when the `with` block ends.
"""

from __future__ import annotations

import http.cookiejar
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import CSRF_RE, free_port

REQUEST_TIMEOUT = 30
START_TIMEOUT = 60
GUNICORN = Path(sys.executable).with_name("gunicorn")
ROOT = Path(__file__).resolve().parents[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # keep 302s visible: the tests check where they go


class Client:
    """One browser: a cookie jar, CSRF tokens from the pages, no automatic redirects."""

    def __init__(self, base: str, headers: dict[str, str] | None = None):
        self.base = base
        self.headers = dict(headers or {})
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.statuses: list[int] = []

    def request(
        self, path: str, data: dict | None = None, files: dict[str, tuple[str, bytes]] | None = None
    ) -> tuple[int, str]:
        """GET (no data), or POST `data` as a form; with `files` (field: (name, content)) as multipart."""
        headers = dict(self.headers)
        if files:
            body, headers["Content-Type"] = _multipart(data or {}, files)
        else:
            body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 (loopback)
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

    def sign_in(self, email: str, password: str) -> int:
        """Post the sign-in form as a person would; returns the status (302 when signed in)."""
        _status, page = self.request("/auth/login")
        status, _ = self.request(
            "/auth/login", {"email": email, "password": password, "csrf_token": self.token(page)}
        )
        return status


def _multipart(data: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body of `data` and `files`, and its Content-Type."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in data.items()
    ]
    for field, (name, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@contextmanager
def gunicorn(
    database_url: str, log_dir: Path, env: dict[str, str] | None = None, *, workers: int = 3, threads: int = 4
) -> Iterator[str]:
    """gunicorn serving the app on `database_url`; yields its base URL, stops it (and its workers) after."""
    port = free_port()
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        # "test", not "development": a development app answers only unrelayed loopback requests, and these
        # servers play clients behind a proxy (X-Forwarded-For with TRUSTED_PROXIES).
        "APP_ENV": "test",
        "SECRET_KEY": "server-test-secret-key",
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": "0",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        **(env or {}),
    }
    log_path = log_dir / f"gunicorn-{port}.log"
    log = log_path.open("w")
    process = subprocess.Popen(  # noqa: S603 (fixed argv, our own venv's gunicorn)
        [
            str(GUNICORN),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "mentorship:create_app()",
        ],
        cwd=str(ROOT),
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                with urllib.request.urlopen(base + "/auth/login", timeout=2) as r:  # noqa: S310 (loopback)
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"gunicorn did not start in {START_TIMEOUT} s"
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
