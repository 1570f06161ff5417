"""Benchmark: applying 300 matches never holds the page up for the 600 introduction emails.

Applies 300 suggestion rows as the Matching page does (service, commit, then `introduce_soon`) inside a
request, and times the page's share (everything before the response) apart from the job that runs after
it (building, queueing and sending 600 introductions; mail goes to the log, which is switched off here).
Target: the mail's share of the page under 1 s (applying the rows is the matching service's own cost).
Run: .venv/bin/python -m bench.bench_mail [--pairs 300], or with the others: python -m bench --only mail
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tempfile
import time
from pathlib import Path

from flask import Response
from sqlalchemy import func, select

from bench.env import make_app
from mentorship.extensions import db
from mentorship.models import OutboundEmail, Program
from mentorship.services import introductions, people
from mentorship.services.matching import applying

TARGET_SECONDS = 1.0


def _cohort(n: int) -> list[applying.ApplyRow]:
    program = Program(name="General Surgery", specialty="Surgery")
    db.session.add(program)
    db.session.flush()
    rows = []
    for i in range(n):
        mentee = people.create_person(f"resident{i}@bench.example.org", "Rae", f"Resident{i}")
        mentor = people.create_person(f"faculty{i}@bench.example.org", "Lena", f"Park{i}")
        people.enroll_mentee(mentee, dt.date(2026, 7, 1), program_id=program.id, pgy=1 + i % 5)
        people.enroll_mentor(mentor, dt.date(2026, 7, 1), capacity=1)
        rows.append(applying.ApplyRow(i + 1, mentee.email, mentor.email, "career"))
    db.session.commit()
    return rows


def run(pairs: int) -> dict[str, float]:
    """Seconds for applying the rows (the matching service, before any mail), for the mail's share of the
    page, and for the job after it; and the emails queued."""
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{Path(tmp) / 'mail.db'}")
        app.logger.setLevel(logging.WARNING)  # 600 messages to the log would time the terminal
        with app.app_context():
            db.create_all()
            rows = _cohort(pairs)
            with app.test_request_context("/matching/runs/1", method="POST"):
                start = time.perf_counter()
                created = applying.apply_rows(rows, None, dt.date.today())
                db.session.commit()
                applied = time.perf_counter() - start
                start = time.perf_counter()
                introductions.introduce_soon([p.id for p in created])
                response = app.process_response(Response("applied"))
                page = time.perf_counter() - start
            start = time.perf_counter()
            response.close()  # the server has sent the page: the introductions go now
            job = time.perf_counter() - start
            emails = db.session.execute(select(func.count()).select_from(OutboundEmail)).scalar_one()
            db.session.remove()
            db.engine.dispose()
    return {"apply_seconds": applied, "page_seconds": page, "job_seconds": job, "emails": emails}


def summary(pairs: int, say=print) -> list[dict]:
    """Run the benchmark for `pairs` matches, say its line and return its row of `python -m bench`."""
    result = run(pairs)
    ok = result["page_seconds"] < TARGET_SECONDS
    say(
        f"  {pairs} matches applied in {result['apply_seconds']:.2f} s (the matching service); the "
        f"introductions added {result['page_seconds']:.3f} s to the page ({'ok' if ok else 'SLOWER'}, goal "
        f"<= {TARGET_SECONDS:g} s); then {result['emails']} introductions built, queued and sent in "
        f"{result['job_seconds']:.2f} s after the response"
    )
    return [
        {
            "name": f"mail's share of applying {pairs}",
            "figure": f"{result['page_seconds']:.3f} s",
            "seconds": result["page_seconds"],
            "detail": f"{result['emails']} emails, job {result['job_seconds']:.2f} s",
            "goal": f"<= {TARGET_SECONDS:g} s",
            "ok": ok,
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=300)
    summary(parser.parse_args().pairs)


if __name__ == "__main__":
    main()
