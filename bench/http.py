"""A tiny HTTP client (stdlib only) and a gunicorn server on a free loopback port, for the page benchmarks."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
ROOT = Path(__file__).resolve().parent.parent


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser: its own cookies; redirects are not followed (each request is timed on its own)."""

    def __init__(self, base: str, timeout: float = 60):
        self.base = base
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.csrf = ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, float]:
        """(status, body, seconds) of one GET (data None) or form POST."""
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrf_token": self.csrf, **data}, doseq=True).encode()
        req = urllib.request.Request(self.base + path, data=body)  # noqa: S310 (http://127.0.0.1 only)
        t0 = time.perf_counter()
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode("utf-8", "replace")
        seconds = time.perf_counter() - t0
        found = CSRF_RE.search(text)
        if found:
            self.csrf = found.group(1) or found.group(2)
        return status, text, seconds

    def login(self, email: str, password: str) -> None:
        self.request("/auth/login")
        status, _text, _s = self.request("/auth/login", {"email": email, "password": password})
        if status != 302:
            raise RuntimeError(f"login of {email} failed with HTTP {status}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the app on `url` (a database URL), on a free loopback port, until stopped."""

    def __init__(self, url: str, workers: int = 2, threads: int = 1):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
        env.update({"BENCH_DATABASE_URL": url, "PYTHONPATH": str(ROOT)})
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                gunicorn,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--log-level",
                "warning",
                "--timeout",
                "120",
                "bench.wsgi:app",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited during start-up")
            try:  # ready when a worker has loaded the app and answers
                with urllib.request.urlopen(self.base + "/auth/login", timeout=30) as response:  # noqa: S310 (loopback only)
                    if response.status == 200:
                        break
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError("gunicorn did not start within 60 s")

    def worker_cpu(self) -> float:
        """CPU seconds used so far by the server's worker processes (Linux /proc; 0 elsewhere)."""
        total = 0.0
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            for pid in children:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return 0.0
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
