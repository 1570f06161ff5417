"""Fresh Python processes, timed: the CPU seconds a child used (user + system, from wait4) and wall time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of `argv` from the project root; raises if it fails."""
    t0 = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 (fixed arguments: this venv's programs)
        argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - t0
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({process.returncode}): {errors[-2000:]}")
    return usage.ru_utime + usage.ru_stime, wall


def best(argv: list[str], repeat: int, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Best CPU and best wall seconds of `repeat` runs (after one warm-up run that fills the disk cache)."""
    run(argv, env)
    cpus, walls = [], []
    for _ in range(repeat):
        cpu, wall = run(argv, env)
        cpus.append(cpu)
        walls.append(wall)
    return min(cpus), min(walls)


def app_env(database_url: str) -> dict[str, str]:
    """The environment of a `flask …` command on `database_url` with production-like settings."""
    from bench import env

    out = env.quiet_env()
    # An installed app runs from compiled bytecode; without it every fresh process would compile the project.
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    out.update(
        {
            "APP_ENV": "development",
            "SECRET_KEY": env.BENCH_SECRET_KEY,
            "DATABASE_URL": database_url,
        }
    )
    return out
