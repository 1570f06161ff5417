"""The benchmark databases and apps: a large and a small demo institution, built once and reused."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from config import Config

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
# Every benchmark works on data as of this day, so that every run measures the same institution.
TODAY = dt.date(2026, 11, 1)
LAST_COMPLETE_YEAR = 2025  # AY 2025-26 (2025-07-01 to 2026-06-30) is over on TODAY
# One random key per benchmark run, set at import so that the gunicorn servers started later inherit it
# (every worker must sign with the same key).
BENCH_SECRET_KEY = os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_hex(32))
SEED_VERSION = "1"  # bump when demo.py changes the data, so a stale database is rebuilt


def sqlite_url(size: str) -> str:
    return f"sqlite:///{DATA / f'{size}.db'}"


def make_app(url: str, **extra):
    """An app on `url` with production-like settings (no debug, no testing)."""
    from mentorship import create_app

    class BenchConfig(Config):
        APP_ENV = "development"
        SECRET_KEY = BENCH_SECRET_KEY
        SQLALCHEMY_DATABASE_URI = url
        SESSION_COOKIE_SECURE = False
        REMEMBER_COOKIE_SECURE = False
        MAIL_SERVER = None

    for key, value in extra.items():
        setattr(BenchConfig, key, value)
    return create_app(BenchConfig)


def seeded_app(size: str, url: str | None = None, say: Callable[[str], None] = print):
    """The app on a database holding the `size` demo institution as of TODAY; built if missing or stale."""
    from flask_migrate import upgrade

    from mentorship.extensions import db
    from mentorship.services.demo import data, institution

    DATA.mkdir(parents=True, exist_ok=True)
    stamp = DATA / f"{size}.stamp"
    wanted = f"{SEED_VERSION} {TODAY.isoformat()} {data.SIZES[size]}"
    if url is None:
        url = sqlite_url(size)
        path = DATA / f"{size}.db"
        if path.exists() and (not stamp.exists() or stamp.read_text() != wanted):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = make_app(url)
    with app.app_context():
        upgrade(directory=str(HERE.parent / "migrations"))
        if not institution.is_seeded():
            started = time.perf_counter()
            result = institution.seed(size, TODAY)
            db.session.commit()
            say(
                f"  seeded the {size} demo ({result['mentees']} mentees, {result['pairings']} pairings, "
                f"{result['meetings']} meetings) in {time.perf_counter() - started:.1f} s"
            )
            if url.startswith("sqlite"):
                stamp.write_text(wanted)
        db.session.remove()
    return app


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Best wall-clock and best CPU seconds of `repeat` calls of fn (after a warm-up call), and the result.

    The ratios use CPU time: every benchmark timed this way is single-threaded and in-process, so CPU
    time is what it costs, and unlike wall-clock time it does not change when the machine is shared.
    """
    result = fn()
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), result


def quiet_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TEST_DATABASE_URL", None)
    return env
