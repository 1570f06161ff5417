"""A bounded load run: 50 concurrent users (mentors logging meetings, coordinators browsing) against gunicorn
on PostgreSQL (database bench_perf, created and dropped here). Loopback only; stops by itself."""

from __future__ import annotations

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
DB_NAME = "bench_perf"
USERS = 50
MENTORS = 35  # the other 15 are coordinators (admins) browsing
DURATION = 60.0  # seconds, at most
MAX_REQUESTS = 6000  # in all, at most
THINK = (0.2, 1.0)  # seconds between a user's requests
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


def _user(base, role, email, pairing, seed, clock: dict, ready: threading.Barrier, rec: Recorder):
    from mentorship.services.demo.institution import DEMO_PASSWORD

    rng = random.Random(seed)
    client = Client(base)
    try:
        client.login(email, DEMO_PASSWORD)
    except Exception as exc:  # noqa: BLE001 (any failure is an error of the run)
        rec.add("login", 0, 0.0)
        rec.errors.append(f"login {email}: {exc}")
        ready.wait()
        return
    ready.wait()  # every user signed in: the clock starts
    stop = clock["stop"]
    while time.monotonic() < stop and rec.take():
        if role == "mentor":
            step = rng.choice(["home", "log", "log", "pairing"])
            if step == "home":
                status, _b, s = client.request("/")
                rec.add("mentor home", status, s)
            elif step == "pairing":
                status, _b, s = client.request(f"/meetings/pairing/{pairing}")
                rec.add("mentor pairing page", status, s)
            else:
                status, body, s = client.request(f"/meetings/pairing/{pairing}/new")
                rec.add("meeting form", status, s)
                found = HIDDEN_RE.search(body)
                if status != 200 or not found:
                    rec.errors.append("meeting form without a nonce")
                    continue
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
        else:
            path = rng.choice(["/dashboard/", "/pairings/", "/pairings/?page=3", "/pairings/?q=lee"])
            status, _b, s = client.request(path)
            rec.add(f"coordinator {path.split('?')[0]}", status, s)
        time.sleep(rng.uniform(*THINK))


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
    rec = Recorder()
    workers = max(2, (os.cpu_count() or 1) * 2 + 1)
    try:
        with Server(_url(), workers=workers, threads=4) as server:
            clock: dict[str, float] = {}

            def start_clock():
                clock["started"] = time.monotonic()
                clock["stop"] = clock["started"] + DURATION

            ready = threading.Barrier(len(accounts), action=start_clock, timeout=300)
            threads = [
                threading.Thread(
                    target=_user, args=(server.base, role, email, pairing, i, clock, ready, rec), daemon=True
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
    p95 = every[int(0.95 * (len(every) - 1))] if every else float("nan")
    say(
        f"  {USERS} users ({MENTORS} mentors logging meetings, {USERS - MENTORS} coordinators browsing), "
        f"gunicorn {workers} workers x 4 threads, {elapsed:.0f} s: {len(every)} requests "
        f"({len(every) / elapsed:.0f}/s), {len(rec.errors)} errors, p95 {p95 * 1000:.0f} ms, "
        f"median {statistics.median(every) * 1000:.0f} ms"
    )
    for kind, times in sorted(rec.times.items()):
        times = sorted(times)
        say(
            f"    {kind:<28} n={len(times):<5} median {statistics.median(times) * 1000:6.0f} ms  "
            f"p95 {times[int(0.95 * (len(times) - 1))] * 1000:6.0f} ms"
        )
    for error in rec.errors[:5]:
        say(f"    error: {error}")
    return [
        {
            "name": "load run (PostgreSQL, 50 users)",
            "figure": f"p95 {p95 * 1000:.0f} ms",
            "requests": len(every),
            "errors": len(rec.errors),
            "p95_seconds": p95,
            "goal": "0 errors",
            "ok": not rec.errors,
        }
    ]
