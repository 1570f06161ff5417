"""A 10,000-row roster import (read, check, write, commit) into an empty database against pandas.read_excel
of the same file."""

from __future__ import annotations

import datetime as dt
import random
import time

import pandas as pd
from openpyxl import Workbook

from bench import env

GOAL = 2.0
TOPICS = ["career planning", "research", "wellness", "leadership", "teaching"]
SIZES = {"Programs": 20, "Mentors": 1500, "Mentees": 3480, "Pairings": 3000, "Meetings": 2000}  # 10,000 rows


def write_roster(path, seed: int = 9) -> int:
    """A deterministic 10,000-row workbook in the import template's layout; returns the row count."""
    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    programs = [f"Program {i:02d}" for i in range(SIZES["Programs"])]
    ws = wb.create_sheet("Programs")
    ws.append(["name", "specialty", "kind"])
    for name in programs:
        ws.append([name, name.replace("Program", "Specialty"), rng.choice(["residency", "fellowship"])])
    genders = ["woman", "man", "nonbinary", "prefer not", ""]
    ws = wb.create_sheet("Mentors")
    ws.append(["email", "first_name", "last_name", "mentor_type", "department", "capacity", "interests",
               "enrolled_on", "gender", "urim", "img"])  # fmt: skip
    mentors = [f"mentor{i}@roster.example.org" for i in range(SIZES["Mentors"])]
    for i, email in enumerate(mentors):
        ws.append([email, f"First{i}", f"Mentor{i}", "faculty", "Medicine", rng.choice([2, 3, 4]),
                   "research; teaching", dt.date(2024, 7, 1), rng.choice(genders),
                   rng.choice(["yes", "no", ""]), rng.choice(["y", "n", ""])])  # fmt: skip
    ws = wb.create_sheet("Mentees")
    ws.append(["email", "first_name", "last_name", "program", "pgy", "interests", "concordance_request",
               "enrolled_on", "gender", "race_ethnicity", "first_generation"])  # fmt: skip
    mentees = [f"resident{i}@roster.example.org" for i in range(SIZES["Mentees"])]
    for i, email in enumerate(mentees):
        ws.append([email, f"First{i}", f"Resident{i}", rng.choice(programs), rng.randint(1, 5),
                   "research; qi", rng.choice(["", "", "gender"]), dt.date(2025, 7, 1), rng.choice(genders),
                   rng.choice(["Asian", "White", "Black or African American", ""]),
                   rng.choice(["yes", "no", ""])])  # fmt: skip
    ws = wb.create_sheet("Pairings")
    ws.append(["mentor_email", "mentee_email", "start_date", "kind"])
    pairs = []
    for i in range(SIZES["Pairings"]):
        pair = (mentors[i % len(mentors)], mentees[i])
        pairs.append(pair)
        ws.append([*pair, dt.date(2025, 8, 1), "career"])
    ws = wb.create_sheet("Meetings")
    ws.append(["mentor_email", "mentee_email", "date", "duration_minutes", "modality", "status", "topics"])
    for i in range(SIZES["Meetings"]):
        mentor, mentee = pairs[i % len(pairs)]
        day = dt.date(2025, 9, 1) + dt.timedelta(days=7 * (i // len(pairs)) + i % 28)
        ws.append([mentor, mentee, day, 30, "In person", "held", rng.choice(TOPICS)])
    wb.save(path)
    return sum(SIZES.values())


def run(repeat: int = 2, say=print) -> list[dict]:
    from flask_migrate import upgrade

    from mentorship.extensions import db
    from mentorship.services import roster as roster_service
    from mentorship.services.meetings import utcnow

    env.DATA.mkdir(parents=True, exist_ok=True)
    path = env.DATA / "roster-10000.xlsx"
    rows = write_roster(path)
    db_path = env.DATA / "roster.db"
    app = env.make_app(f"sqlite:///{db_path}")
    times, bases, walls, base_walls, result = [], [], [], [], None
    for _ in range(repeat):
        for suffix in ("", "-wal", "-shm"):
            env.Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        with app.app_context():
            upgrade(directory=str(env.HERE.parent / "migrations"))
            db.engine.dispose()
            t0, c0 = time.perf_counter(), time.process_time()
            roster = roster_service.read_paths([path], 50 * 1024 * 1024)
            result = roster_service.import_roster(
                roster, today=dt.date.today(), now=utcnow(), topics=app.config["MEETING_TOPICS"]
            )
            db.session.commit()
            walls.append(time.perf_counter() - t0)
            times.append(time.process_time() - c0)
            db.session.remove()
            db.engine.dispose()
        t0, c0 = time.perf_counter(), time.process_time()
        pd.read_excel(path, sheet_name=None, engine="openpyxl")
        base_walls.append(time.perf_counter() - t0)
        bases.append(time.process_time() - c0)
    seconds, base = min(times), min(bases)
    created = sum(c.get("create", 0) for c in result.preview.counts.values())
    ratio = seconds / base
    say(
        f"  {rows:,} rows ({path.stat().st_size:,} bytes): import {seconds:.2f} s CPU "
        f"({min(walls):.2f} s wall; {created:,} records created); "
        f"pandas.read_excel {base:.2f} s CPU ({min(base_walls):.2f} s wall); "
        f"ratio {ratio:.2f}x (goal <= {GOAL:g}x)"
    )
    return [
        {
            "name": "roster import 10,000 rows",
            "figure": f"{seconds:.2f} s",
            "seconds": seconds,
            "baseline": f"pandas.read_excel {base:.2f} s",
            "baseline_seconds": base,
            "ratio": ratio,
            "goal": GOAL,
        }
    ]
