"""Dashboard and pairings list: median latency through gunicorn against the login page, and SQL per page."""

from __future__ import annotations

import statistics

from sqlalchemy import event

from bench import env
from bench.http import Client, Server

ADMIN = "admin@demo.example.org"
PAGES = {"dashboard": ("/dashboard/", 10.0), "pairings list": ("/pairings/", 5.0)}
BASELINE = "/auth/login"


def statements_per_page(app) -> dict[str, int]:
    """SQL statements each page runs, counted in-process through the Flask test client."""
    from mentorship.extensions import db
    from mentorship.services.demo.institution import DEMO_PASSWORD

    counts: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    seen = []

    def count(*_args):
        seen.append(1)

    client = app.test_client()
    page = client.get(BASELINE).get_data(as_text=True)
    from bench.http import CSRF_RE

    token = CSRF_RE.search(page)
    client.post(
        BASELINE,
        data={"email": ADMIN, "password": DEMO_PASSWORD, "csrf_token": token.group(1) or token.group(2)},
    )
    event.listen(engine, "before_cursor_execute", count)
    try:
        anonymous = app.test_client()
        pages = [("login page", BASELINE, anonymous)] + [(n, p, client) for n, (p, _g) in PAGES.items()]
        for name, path, who in pages:
            who.get(path)  # warm caches
            seen.clear()
            response = who.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered HTTP {response.status_code}")
            counts[name] = len(seen)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counts


def latencies(url: str, requests: int) -> tuple[dict[str, float], dict[str, float]]:
    """Median seconds per page over `requests` sequential requests through gunicorn (one worker), and the
    worker's CPU seconds per request."""
    from mentorship.services.demo.institution import DEMO_PASSWORD

    with Server(url, workers=1) as server:
        client = Client(server.base)
        client.login(ADMIN, DEMO_PASSWORD)
        anonymous = Client(server.base)
        result, cpu = {}, {}
        for name, path, who in [("login page", BASELINE, anonymous)] + [
            (name, path, client) for name, (path, _g) in PAGES.items()
        ]:
            times = []
            for _ in range(2):  # warm-up
                who.request(path)
            used = server.worker_cpu()
            for _ in range(requests):
                status, _body, seconds = who.request(path)
                if status != 200:
                    raise RuntimeError(f"{path} answered HTTP {status}")
                times.append(seconds)
            cpu[name] = (server.worker_cpu() - used) / requests
            result[name] = statistics.median(times)
    return result, cpu


def run(large_app, small_app, requests: int = 30, say=print) -> list[dict]:
    large = statements_per_page(large_app)
    small = statements_per_page(small_app)
    times, cpu = latencies(env.sqlite_url("large"), requests)
    base = times["login page"]
    say(
        f"  login page     {base * 1000:7.1f} ms median of {requests} (baseline); "
        f"server CPU {cpu['login page'] * 1000:.1f} ms per request"
    )
    results = []
    for name, (_path, goal) in PAGES.items():
        ratio = times[name] / base
        grows = large[name] > small[name]
        say(
            f"  {name:<14} {times[name] * 1000:7.1f} ms; ratio {ratio:.1f}x (goal <= {goal:g}x); "
            f"server CPU {cpu[name] * 1000:.1f} ms per request "
            f"({cpu[name] / cpu['login page'] if cpu['login page'] else float('nan'):.1f}x); "
            f"SQL statements: {large[name]} on the large demo, {small[name]} on the small"
            + ("  << GROWS WITH DATA" if grows else "")
        )
        results.append(
            {
                "name": f"page {name}",
                "figure": f"{times[name] * 1000:.1f} ms",
                "seconds": times[name],
                "baseline": f"login page {base * 1000:.1f} ms",
                "baseline_seconds": base,
                "ratio": ratio,
                "goal": goal,
                "sql_large": large[name],
                "sql_small": small[name],
                "sql_ok": not grows,
                "server_cpu_seconds": cpu[name],
                "login_server_cpu_seconds": cpu["login page"],
            }
        )
    return results
