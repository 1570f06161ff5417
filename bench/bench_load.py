"""A bounded load run: 50 concurrent users (mentors logging meetings, coordinators browsing) spread over two
gunicorn instances of two workers each, on one PostgreSQL database (BENCH_LOAD_DB, default bench_perf,
created and dropped here), as several hosts would serve one site. Loopback only; stops by itself.

Goal per page: no errors, and the p95 under load at most 10x the median of the same page for one user alone
(measured first, on the same servers and data, in the same run).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import re
import shutil
import statistics
import subprocess
import threading
import time

from bench import env
from bench.http import Client, Server

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_LOAD_DB", "bench_perf")
USERS = 50
INSTANCES = 2
WORKERS = 2  # per instance
THREADS = 4  # per worker
SOLO_REPEAT = 10  # requests of each page by one user alone, for its baseline median
GOAL = 10.0  # p95 under load <= GOAL x the single-user median
MENTORS = 35  # the other 15 are coordinators (admins) browsing
DURATION = 60.0  # seconds, at most
MAX_REQUESTS = 6000  # in all, at most
# Seconds between a user's requests, drawn at random: faster than people read a page or fill a form, so 50
# users ask about 17 requests a second. BENCH_LOAD_THINK="0.2,1.0" asks about 80 a second, more CPU than
# two cores have for these pages: every request then queues, whatever the code.
THINK = tuple(float(s) for s in os.environ.get("BENCH_LOAD_THINK", "1.0,5.0").split(",", 1))
HIDDEN_RE = re.compile(r'name="nonce" type="hidden" value="([^"]*)"|name="nonce" value="([^"]*)"')


def _psql(sql: str) -> subprocess.CompletedProcess:
    psql = shutil.which("psql")
    if psql is None:
        raise FileNotFoundError("psql")
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [psql, PG_ADMIN, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], capture_output=True, text=True, timeout=60
    )


def pg_available() -> str | None:
    """None if PostgreSQL answers, else why not."""
    try:
        done = _psql("select 1")
    except (FileNotFoundError, subprocess.TimeoutExpired) as exc:
        return f"psql not usable ({exc})"
    return None if done.returncode == 0 else done.stderr.strip() or "no answer"


def _url() -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + DB_NAME


def prepare(say=print):
    """Create bench_perf with the large demo and accounts for the load users; returns (app, accounts)."""
    _psql(f"drop database if exists {DB_NAME} with (force)")
    env.DATA.mkdir(parents=True, exist_ok=True)
    done = _psql(f"create database {DB_NAME}")
    if done.returncode:
        raise RuntimeError(done.stderr)
    app = env.seeded_app("large", url=env.make_app(_url()).config["SQLALCHEMY_DATABASE_URI"], say=say)
    from sqlalchemy import func, insert, select

    from mentorship.extensions import db
    from mentorship.models import MentorProfile, Pairing, User

    today = dt.date.today()
    with app.app_context():
        template = db.session.get(User, 1)  # the demo admin: same password for every load account
        taken = set(db.session.execute(select(User.person_id)).scalars())
        rows = db.session.execute(
            select(MentorProfile.person_id, func.min(Pairing.id))
            .join(Pairing, Pairing.mentor_id == MentorProfile.id)
            .where(Pairing.end_date.is_(None), Pairing.start_date <= today)
            .group_by(MentorProfile.person_id)
            .order_by(MentorProfile.person_id)
        ).all()
        mentors = [(person, pairing) for person, pairing in rows if person not in taken][:MENTORS]
        next_id = db.session.execute(select(func.max(User.id))).scalar_one() + 1
        db.session.execute(
            insert(User),
            [
                {
                    "id": next_id + i,
                    "person_id": person,
                    "password_hash": template.password_hash,
                    "session_version": 1,
                    "is_admin": False,
                    "is_coordinator": False,
                    "view_demographics": False,
                    "can_override_capacity": False,
                }
                for i, (person, _p) in enumerate(mentors)
            ],
        )
        from mentorship.services.demo.institution import reset_sequences

        reset_sequences()
        db.session.commit()
        from mentorship.models import Person

        emails = dict(
            db.session.execute(
                select(Person.id, Person.email).where(Person.id.in_([p for p, _ in mentors]))
            ).all()
        )
        accounts = [("mentor", emails[person], pairing) for person, pairing in mentors]
        db.session.remove()
        db.engine.dispose()
    accounts += [("coordinator", "admin@demo.example.org", None)] * (USERS - len(accounts))
    return accounts


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.count = 0

    def take(self) -> bool:
        with self.lock:
            if self.count >= MAX_REQUESTS:
                return False
            self.count += 1
            return True

    def add(self, kind: str, status: int, seconds: float, ok: tuple[int, ...] = (200,)) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if status not in ok:
                self.errors.append(f"{kind}: HTTP {status}")


MENTOR_STEPS = ("mentor home", "log meeting (POST)", "log meeting (POST)", "mentor pairing page")  # weights
COORDINATOR_PATHS = ("/dashboard/", "/pairings/", "/pairings/?page=3", "/pairings/?q=lee")


def _mentor_step(client, step: str, pairing: int, rng: random.Random, rec: Recorder) -> None:
    """One mentor request (the form and its POST count as two, timed apart)."""
    if step == "mentor home":
        status, _b, s = client.request("/")
        rec.add(step, status, s)
    elif step == "mentor pairing page":
        status, _b, s = client.request(f"/meetings/pairing/{pairing}")
        rec.add(step, status, s)
    else:
        status, body, s = client.request(f"/meetings/pairing/{pairing}/new")
        rec.add("meeting form", status, s)
        found = HIDDEN_RE.search(body)
        if status != 200 or not found:
            rec.errors.append("meeting form without a nonce")
            return
        day = dt.date.today() - dt.timedelta(days=rng.randint(0, 20))
        status, _b, s = client.request(
            f"/meetings/pairing/{pairing}/new",
            {
                "nonce": found.group(1) or found.group(2),
                "date": day.isoformat(),
                "duration_minutes": "30",
                "modality": "video",
                "status": "held",
                "topics": ["research"],
                "notes": "",
            },
        )
        rec.add("log meeting (POST)", status, s, ok=(302, 303))


def _coordinator_step(client, path: str, rec: Recorder) -> None:
    status, _b, s = client.request(path)
    rec.add(f"coordinator {path}", status, s)


def _signed_in(base: str, email: str) -> Client:
    from mentorship.services.demo.institution import DEMO_PASSWORD

    client = Client(base)
    client.login(email, DEMO_PASSWORD)
    return client


def _alone(bases: list[str], accounts: list, rec: Recorder) -> None:
    """Each page SOLO_REPEAT times by one user at a time, alternating the instances: the baselines."""
    rng = random.Random(0)
    mentor = next(a for a in accounts if a[0] == "mentor")
    coordinator = next(a for a in accounts if a[0] == "coordinator")
    for i in range(SOLO_REPEAT):
        base = bases[i % len(bases)]
        client = _signed_in(base, mentor[1])
        for step in ("mentor home", "mentor pairing page", "log meeting (POST)"):
            _mentor_step(client, step, mentor[2], rng, rec)
        client = _signed_in(base, coordinator[1])
        for path in COORDINATOR_PATHS:
            _coordinator_step(client, path, rec)


def _user(base, role, email, pairing, seed, clock: dict, ready: threading.Barrier, rec: Recorder):
    rng = random.Random(seed)
    try:
        client = _signed_in(base, email)
    except Exception as exc:  # noqa: BLE001 (any failure is an error of the run)
        rec.add("login", 0, 0.0)
        rec.errors.append(f"login {email}: {exc}")
        ready.wait()
        return
    ready.wait()  # every user signed in: the clock starts
    stop = clock["stop"]
    time.sleep(rng.uniform(*THINK))  # people arrive at different moments, not all in the same millisecond
    while time.monotonic() < stop and rec.take():
        if role == "mentor":
            _mentor_step(
                client,
                rng.choice(MENTOR_STEPS),
                pairing,
                rng,
                rec,
            )
        else:
            _coordinator_step(client, rng.choice(COORDINATOR_PATHS), rec)
        time.sleep(rng.uniform(*THINK))


def _p95(times: list[float]) -> float:
    times = sorted(times)
    return times[int(0.95 * (len(times) - 1))]


def run(say=print) -> list[dict]:
    why = pg_available()
    if why:
        say(f"  SKIPPED: PostgreSQL is not reachable at {PG_ADMIN} ({why}).")
        return [{"name": "load run (PostgreSQL)", "skipped": why}]
    try:
        accounts = prepare(say)
    except Exception as exc:  # noqa: BLE001 (no rights to create a database, for instance)
        _psql(f"drop database if exists {DB_NAME} with (force)")
        say(f"  SKIPPED: could not prepare the {DB_NAME} database: {exc}")
        return [{"name": "load run (PostgreSQL)", "skipped": f"preparation failed: {exc}"}]
    solo, rec = Recorder(), Recorder()
    try:
        with contextlib.ExitStack() as stack:
            servers = [
                stack.enter_context(Server(_url(), workers=WORKERS, threads=THREADS))
                for _ in range(INSTANCES)
            ]
            bases = [server.base for server in servers]
            _alone(bases, accounts, solo)
            clock: dict[str, float] = {}

            def start_clock():
                clock["started"] = time.monotonic()
                clock["stop"] = clock["started"] + DURATION

            ready = threading.Barrier(len(accounts), action=start_clock, timeout=300)
            threads = [
                threading.Thread(
                    target=_user,
                    args=(bases[i % INSTANCES], role, email, pairing, i, clock, ready, rec),
                    daemon=True,
                )
                for i, (role, email, pairing) in enumerate(accounts)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(DURATION + 360)
            elapsed = time.monotonic() - clock["started"]
    finally:
        _psql(f"drop database if exists {DB_NAME} with (force)")
    every = sorted(s for times in rec.times.values() for s in times)
    if not every:
        raise RuntimeError(f"no request succeeded: {rec.errors[:3]}")
    errors = rec.errors + solo.errors
    say(
        f"  {USERS} users ({MENTORS} mentors logging meetings, {USERS - MENTORS} coordinators browsing) over "
        f"{INSTANCES} gunicorn instances x {WORKERS} workers x {THREADS} threads, "
        f"{THINK[0]:g}-{THINK[1]:g} s between a user's requests, {elapsed:.0f} s: "
        f"{len(every)} requests ({len(every) / elapsed:.0f}/s), {len(errors)} errors, "
        f"p95 {_p95(every) * 1000:.0f} ms, median {statistics.median(every) * 1000:.0f} ms"
    )
    results: list[dict] = []
    for kind, times in sorted(rec.times.items()):
        alone = solo.times[kind]  # the pass alone asks every page the users ask
        median, p95 = statistics.median(alone), _p95(times)
        say(
            f"    {kind:<28} alone median {median * 1000:6.0f} ms   under load n={len(times):<5} "
            f"median {statistics.median(times) * 1000:6.0f} ms  p95 {p95 * 1000:6.0f} ms  "
            f"= {p95 / median:5.2f}x the median alone (goal <= {GOAL:g}x)"
        )
        results.append(
            {
                "name": f"load p95: {kind}"[:34],
                "figure": f"{p95 * 1000:.0f} ms",
                "baseline": f"alone median {median * 1000:.0f} ms",
                "ratio": p95 / median,
                "goal": GOAL,
            }
        )
    for error in errors[:5]:
        say(f"    error: {error}")
    results.append(
        {
            "name": f"load run (PostgreSQL, {USERS} users)",
            "figure": f"p95 {_p95(every) * 1000:.0f} ms",
            "requests": len(every),
            "errors": len(errors),
            "p95_seconds": _p95(every),
            "goal": "0 errors",
            "ok": not errors,
        }
    )
    return results
