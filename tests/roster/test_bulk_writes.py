"""The bulk writer against the one-object-at-a-time writer it replaced: the same records, labels and audit.

`mixed_import.json` is what the ORM writer (before people, profiles and self-identification were inserted in
bulk) stored for the two imports below: a first roster into an empty database, then a second one mixing
creates, updates and unchanged rows of every kind. Regenerate it only when the import is meant to change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from pathlib import Path
from typing import Any

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Goal, Meeting, Person
from mentorship.models import Plan as PlanRecord
from mentorship.services import roster as ri
from tests.roster.helpers import TOPICS, dump, xlsx

GOLDEN = Path(__file__).with_name("mixed_import.json")
TODAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 9, 30)
PROGRAMS = [f"Program {i}" for i in range(6)]
GENDERS = ["woman", "man", "nonbinary", "prefer not", "self-described", ""]
RACES = ["Asian", "White", "Black or African American", "asian; white", "prefer not", ""]


def _mentor(i: int, rng: random.Random, **changes: Any) -> list[Any]:
    near_peer = i % 7 == 0
    row = {
        "email": f"mentor{i}@bulk.example.org",
        "first_name": f"Mentor{i}",
        "last_name": f"Bulk{i}",
        "mentor_type": "near_peer" if near_peer else rng.choice(["faculty", ""]),
        "program": PROGRAMS[i % len(PROGRAMS)] if near_peer else rng.choice(["", PROGRAMS[0]]),
        "pgy": 3 if near_peer else None,
        "department": rng.choice(["Medicine", "Surgery", ""]),
        "capacity": rng.choice([None, 2, 4]),
        "interests": rng.choice(["research; teaching", "Wellness", ""]),
        "enrolled_on": rng.choice([None, dt.date(2024, 7, 1)]),
        "gender": rng.choice(GENDERS),
        "race_ethnicity": rng.choice(RACES),
        "urim": rng.choice(["yes", "no", ""]),
        "img": rng.choice(["y", "n", ""]),
    }
    row.update(changes)
    return list(row.values())


def _mentee(i: int, rng: random.Random, mentors: int, **changes: Any) -> list[Any]:
    row = {
        "email": f"resident{i}@bulk.example.org",
        "first_name": f"Resident{i}",
        "last_name": f"Bulk{i}",
        "program": PROGRAMS[i % len(PROGRAMS)],
        "pgy": 1 + i % 5,
        "interests": rng.choice(["research; qi", "teaching", ""]),
        "preferred_mentors": rng.choice(["", f"mentor{(i + 1) % mentors}@bulk.example.org"]),
        "do_not_match": rng.choice(["", "", f"mentor{(i + 2) % mentors}@bulk.example.org"]),
        "concordance_request": rng.choice(["", "gender", "both"]),
        "enrolled_on": rng.choice([None, dt.date(2025, 7, 1)]),
        "gender": rng.choice(GENDERS),
        "race_ethnicity": rng.choice(RACES),
        "first_generation": rng.choice(["yes", "no", ""]),
    }
    row.update(changes)
    return list(row.values())


MENTOR_COLUMNS = ["email", "first_name", "last_name", "mentor_type", "program", "pgy", "department",
                  "capacity", "interests", "enrolled_on", "gender", "race_ethnicity", "urim",
                  "img"]  # fmt: skip
MENTEE_COLUMNS = ["email", "first_name", "last_name", "program", "pgy", "interests", "preferred_mentors",
                  "do_not_match", "concordance_request", "enrolled_on", "gender", "race_ethnicity",
                  "first_generation"]  # fmt: skip


def first_roster() -> dict[str, list[list]]:
    """Everything new: 6 programs, 40 mentors, 100 mentees, 100 pairings, 75 meetings, 10 goals."""
    rng = random.Random(1)
    sheets: dict[str, list[list]] = {
        "Programs": [["name", "specialty", "kind"], *([p, f"Specialty {p}", "residency"] for p in PROGRAMS)],
        "Mentors": [MENTOR_COLUMNS, *(_mentor(i, rng) for i in range(40))],
        "Mentees": [MENTEE_COLUMNS, *(_mentee(i, rng, 40) for i in range(100))],
        "Pairings": [["mentor_email", "mentee_email", "start_date", "kind"]],
        "Meetings": [["mentor_email", "mentee_email", "date", "duration_minutes", "modality", "topics"]],
        "Goals": [["mentee_email", "year", "title", "category", "status"]],
    }
    for i in range(100):
        mentor = f"mentor{(i + 5) % 40}@bulk.example.org"
        sheets["Pairings"].append([mentor, f"resident{i}@bulk.example.org", dt.date(2025, 7, 1), "career"])
        if i < 75:
            day = dt.date(2025, 9, 1 + i % 28)
            sheets["Meetings"].append([mentor, f"resident{i}@bulk.example.org", day, 30, "video", "research"])
        if i < 10:
            sheets["Goals"].append([f"resident{i}@bulk.example.org", 2025, f"Goal {i}", "research", ""])
    return sheets


def second_roster() -> dict[str, list[list]]:
    """Updates, creates and unchanged rows mixed: renamed people, changed profiles and answers, mentees
    made mentors, new people listing stored mentors (and stored mentees listing new ones), new pairings
    between stored and new people, ended pairings, meetings added to stored pairings and updated."""
    rng = random.Random(1)
    mentors = [_mentor(i, rng) for i in range(40)]
    rng = random.Random(2)
    for i in range(0, 40, 4):
        mentors[i] = _mentor(i, rng, last_name=f"Renamed{i}", capacity=5, interests="leadership")
    for i in range(1, 40, 9):
        mentors[i] = _mentor(i, rng, gender="woman", race_ethnicity="White", urim="no")
    mentors += [_mentor(i, rng) for i in range(40, 55)]
    # Residents who now mentor too: a mentor profile for a stored person.
    mentors += [
        [
            f"resident{i}@bulk.example.org",
            f"Resident{i}",
            f"Bulk{i}",
            "near_peer",
            PROGRAMS[i % 6],
            3,
            "",
            2,
            "teaching",
            None,
            "",
            "",
            "",
            "",
        ]  # fmt: skip
        for i in range(95, 100)
    ]
    rng = random.Random(3)
    mentees = []
    for i in range(0, 100, 3):
        changes: dict[str, Any] = {"pgy": 1 + (i + 1) % 5}
        if i % 2 == 0:
            changes["preferred_mentors"] = f"mentor{40 + i % 15}@bulk.example.org; mentor3@bulk.example.org"
        if i % 5 == 0:
            changes.update(gender="man", race_ethnicity="Asian", first_generation="no", interests="wellness")
        mentees.append(_mentee(i, rng, 40, **changes))
    mentees += [_mentee(i, rng, 55) for i in range(100, 130)]
    sheets: dict[str, list[list]] = {
        "Mentors": [MENTOR_COLUMNS, *mentors],
        "Mentees": [MENTEE_COLUMNS, *mentees],
        "Pairings": [["mentor_email", "mentee_email", "start_date", "kind", "end_date", "end_reason"]],
        "Meetings": [
            ["mentor_email", "mentee_email", "date", "duration_minutes", "modality", "topics", "status"]
        ],
        "Goals": [["mentee_email", "year", "title", "category", "status"]],
    }
    for i in range(0, 100, 10):  # stored pairings: ended
        mentor = f"mentor{(i + 5) % 40}@bulk.example.org"
        sheets["Pairings"].append(
            [
                mentor,
                f"resident{i}@bulk.example.org",
                dt.date(2025, 7, 1),
                "career",
                dt.date(2026, 1, 31),
                "completed",
            ]  # fmt: skip
        )
    for i in range(100, 130):  # new mentees with new and stored mentors
        mentor = f"mentor{i % 55}@bulk.example.org"
        sheets["Pairings"].append([mentor, f"resident{i}@bulk.example.org", dt.date(2025, 8, 1), "career"])
        sheets["Meetings"].append(
            [mentor, f"resident{i}@bulk.example.org", dt.date(2025, 10, 1), 45, "in person", "teaching", ""]
        )
    for i in range(95, 100):  # a research pairing of a stored mentee with a new mentor
        mentor = f"mentor{i - 50}@bulk.example.org"
        sheets["Pairings"].append([mentor, f"resident{i}@bulk.example.org", dt.date(2025, 9, 1), "research"])
    for i in range(0, 75, 5):  # stored meetings updated, and more meetings of stored pairings
        mentor = f"mentor{(i + 5) % 40}@bulk.example.org"
        mentee = f"resident{i}@bulk.example.org"
        day = dt.date(2025, 9, 1 + i % 28)
        sheets["Meetings"].append([mentor, mentee, day, 30, "video", "research; wellness", "held"])
        sheets["Meetings"].append([mentor, mentee, day + dt.timedelta(days=30), 30, "phone", "", "cancelled"])
    for i in range(5, 15):
        goal = [f"resident{i}@bulk.example.org", 2025, f"Goal {i}", "patient care", "in progress"]
        sheets["Goals"].append(goal)
    return sheets


def canonical() -> dict[str, Any]:
    """Everything the imports wrote as plain JSON values, by natural keys (never ids)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    state = dump()
    for person in db.session.execute(select(Person)).scalars():
        selfid = person.self_identification
        state["people"][person.email].update(
            created_at=person.created_at,
            # The real date of the import (people.set_self_identification's default), not TODAY.
            given_on=None
            if selfid is None
            else "today"
            if selfid.given_on == dt.date.today()
            else selfid.given_on,
            gender_description=selfid.gender_description if selfid else None,
        )
    state["meeting_stamps"] = sorted(
        (m.pairing.mentee.person.email, m.date, m.created_at, m.updated_at)
        for m in db.session.execute(select(Meeting)).scalars()
    )
    state["goals"] = sorted(
        (g.plan.mentee.person.email, g.plan.year, g.title, g.category, g.status, g.created_at, g.updated_at)
        for g in db.session.execute(select(Goal)).scalars()
    )
    state["plans"] = sorted(
        (plan.mentee.person.email, plan.year, plan.created_at)
        for plan in db.session.execute(select(PlanRecord)).scalars()
    )
    state["audit"] = [
        (e.action, e.details)
        for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
    ]
    return plain(state)


def run_both() -> dict[str, Any]:
    """Import both rosters (each committed); what they previewed and wrote."""
    previews = []
    for name, sheets in (("first.xlsx", first_roster()), ("second.xlsx", second_roster())):
        roster = ri.read_files([(name, xlsx(sheets))], 50 * 1024 * 1024)
        result = ri.import_roster(roster, today=TODAY, now=NOW, topics=TOPICS, demographics=True)
        db.session.commit()
        # Each preview list as its length and a digest, to keep the file small; the order counts too.
        items = {
            category: {
                action: [len(labels), hashlib.sha256("\n".join(labels).encode()).hexdigest()[:16]]
                for action, labels in actions.items()
            }
            for category, actions in result.preview.items.items()
        }
        previews.append(
            {
                "items": items,
                "selfid_given": result.preview.selfid_given,
                "running_pairings": len(result.running_pairing_ids),
            }  # fmt: skip
        )
    return {"previews": previews, "stored": canonical()}


def test_bulk_writes_store_what_the_orm_writer_stored():
    assert run_both() == json.loads(GOLDEN.read_text())


def test_a_third_import_of_the_second_roster_changes_nothing():
    run_both()
    roster = ri.read_files([("second.xlsx", xlsx(second_roster()))], 50 * 1024 * 1024)
    result = ri.import_roster(roster, today=TODAY, now=NOW, topics=TOPICS, demographics=True)
    assert not result.preview.changed, result.preview.counts
