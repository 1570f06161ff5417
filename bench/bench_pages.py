"""The staff pages: median latency through gunicorn against the login page, requested in turn with them, and
SQL statements per page on the large and the small demo (the same count on both: no page runs a statement per
row)."""

from __future__ import annotations

import statistics

from sqlalchemy import event

from bench import env
from bench.http import Client, Server

ADMIN = "admin@demo.example.org"
BASELINE = "/auth/login"
DASHBOARD_GOAL, PAGE_GOAL = 10.0, 5.0


def pages(app) -> dict[str, tuple[str, float]]:
    """Each page benchmarked: name -> (path, goal). The pair page is the pairing with the most meetings,
    the person page its mentor (with the most pairings of the two), so the large demo gives big pages."""
    from sqlalchemy import func, select

    from mentorship.extensions import db
    from mentorship.models import Meeting, MentorProfile, Pairing, Program

    with app.app_context():
        pairing_id, person_id = db.session.execute(
            select(Pairing.id, MentorProfile.person_id)
            .join(Meeting, Meeting.pairing_id == Pairing.id)
            .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
            .group_by(Pairing.id, MentorProfile.person_id)
            .order_by(func.count(Meeting.id).desc(), Pairing.id)
            .limit(1)
        ).one()
        program_id = db.session.execute(select(Program.id).order_by(Program.name).limit(1)).scalar_one()
        db.session.remove()
    return {
        "dashboard": ("/dashboard/", DASHBOARD_GOAL),
        "dashboard, AY 2023": ("/dashboard/?year=2023", DASHBOARD_GOAL),
        "dashboard, one program": (f"/dashboard/?program={program_id}", DASHBOARD_GOAL),
        "pairings list": ("/pairings/", PAGE_GOAL),
        "pair page": (f"/pairings/{pairing_id}", PAGE_GOAL),
        "person page": (f"/people/{person_id}", PAGE_GOAL),
        "needs attention": ("/reminders/attention", PAGE_GOAL),
    }


def statements_per_page(app, paths: dict[str, tuple[str, float]]) -> dict[str, int]:
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
        visits = [("login page", BASELINE, anonymous)] + [(n, p, client) for n, (p, _g) in paths.items()]
        for name, path, who in visits:
            who.get(path)  # warm caches
            seen.clear()
            response = who.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered HTTP {response.status_code}")
            counts[name] = len(seen)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counts


def latencies(
    url: str, paths: dict[str, tuple[str, float]], requests: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Median seconds per page over `requests` sequential requests through gunicorn (one worker), and the
    worker's CPU seconds per request.

    The requests go round the pages, the login page among them, `requests` times: a moment when the shared
    machine is busy slows a request of every page alike instead of all the requests of one page (the
    baseline's, which would move every ratio).
    """
    from mentorship.services.demo.institution import DEMO_PASSWORD

    with Server(url, workers=1) as server:
        client = Client(server.base)
        client.login(ADMIN, DEMO_PASSWORD)
        anonymous = Client(server.base)
        visits = [("login page", BASELINE, anonymous)] + [
            (name, path, client) for name, (path, _g) in paths.items()
        ]
        for _name, path, who in visits:
            for _ in range(2):  # warm-up
                who.request(path)
        times: dict[str, list[float]] = {name: [] for name, _p, _w in visits}
        cpu = dict.fromkeys(times, 0.0)
        for _ in range(requests):
            for name, path, who in visits:
                used = server.worker_cpu()
                status, _body, seconds = who.request(path)
                if status != 200:
                    raise RuntimeError(f"{path} answered HTTP {status}")
                cpu[name] += server.worker_cpu() - used
                times[name].append(seconds)
    medians = {name: statistics.median(t) for name, t in times.items()}
    return medians, {name: total / requests for name, total in cpu.items()}


def run(large_app, small_app, requests: int = 30, say=print) -> list[dict]:
    large_pages, small_pages = pages(large_app), pages(small_app)
    large = statements_per_page(large_app, large_pages)
    small = statements_per_page(small_app, small_pages)
    times, cpu = latencies(env.sqlite_url("large"), large_pages, requests)
    base = times["login page"]
    say(
        f"  login page     {base * 1000:7.1f} ms median of {requests} (baseline); "
        f"server CPU {cpu['login page'] * 1000:.1f} ms per request"
    )
    results = []
    for name, (_path, goal) in large_pages.items():
        ratio = times[name] / base
        grows = large[name] != small[name]
        say(
            f"  {name:<22} {times[name] * 1000:7.1f} ms; ratio {ratio:.1f}x (goal <= {goal:g}x); "
            f"server CPU {cpu[name] * 1000:.1f} ms per request "
            f"({cpu[name] / cpu['login page'] if cpu['login page'] else float('nan'):.1f}x); "
            f"SQL statements: {large[name]} on the large demo, {small[name]} on the small"
            + ("  << DIFFERS WITH DATA" if grows else "")
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
