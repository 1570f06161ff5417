"""Seeding a demo institution with bulk inserts: the same size and `today` give identical data."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from sqlalchemy import Integer, func, insert, select, text

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import (
    Event,
    Goal,
    GoalComment,
    Introduction,
    Invitation,
    Meeting,
    MeetingTopic,
    MenteeInterest,
    MenteeProfile,
    MentorInterest,
    MentorProfile,
    Pairing,
    Person,
    Plan,
    PlanReview,
    Program,
    RaceEthnicity,
    SelfIdentification,
    User,
    coordinator_programs,
    event_programs,
)
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.demo.activity import pairings_and_meetings
from mentorship.services.demo.data import (
    DEPARTMENTS,
    FIRST_NAMES,
    INTERESTS,
    LAST_NAMES,
    RANKS,
    SIZES,
    SPECIALTIES,
)
from mentorship.services.demo.network import events_and_introductions
from mentorship.services.demo.plans import plans_for

DEMO_PASSWORD = "demo-mentor-2026"  # noqa: S105  (printed on purpose: demo accounts only)


def is_seeded() -> bool:
    """True if the database already has people."""
    return db.session.execute(select(func.count(Person.id))).scalar_one() > 0


def seed(size_name: str, today: dt.date, progress: Callable[[str], None] | None = None) -> dict:
    """Fill an empty database with the `size_name` institution as of `today`; returns counts and logins."""
    size = SIZES[size_name]
    rng = random.Random(f"{size_name}-{today.isoformat()}")  # noqa: S311 (demo data, not security)
    step = progress or (lambda _label: None)
    start_month = 7
    current = year_of(today, start_month)
    first_year = current - size.years + 1
    topics = list(vocab_topics())

    programs: list[dict[str, Any]] = []
    for i in range(size.programs):
        name, kind, length = SPECIALTIES[i % len(SPECIALTIES)]
        programs.append(
            {
                "id": i + 1,
                "name": name if i < len(SPECIALTIES) else f"{name} {i}",
                "specialty": name,
                "kind": kind,
                "_length": length,
                "_activity": rng.choice([0.35, 0.9, 1.0, 1.0, 1.2, 1.5]),
            }
        )
    step("programs")

    people: list[dict[str, Any]] = []
    selfids: list[dict[str, Any]] = []
    races: list[dict[str, Any]] = []
    used = set()

    def new_person(role: str, index: int) -> int:
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first}.{last}".lower().replace("'", "") + f".{role}{index}@demo.example.org"
            email = email.translate(str.maketrans("áéíóúëñ", "aeiouen"))
            if email not in used:
                used.add(email)
                break
        pid = len(people) + 1
        people.append({"id": pid, "email": email, "first_name": first, "last_name": last})
        if rng.random() < 0.85:
            sid = len(selfids) + 1
            gender = rng.choices(
                ["woman", "man", "nonbinary", "self_described", "prefer_not", None], [46, 44, 2, 1, 4, 3]
            )[0]
            chosen = rng.sample(list(vocab.RACE_CATEGORIES), k=rng.choices([0, 1, 2], [10, 80, 10])[0])
            selfids.append(
                {
                    "id": sid,
                    "person_id": pid,
                    "gender": gender,
                    "gender_description": "genderfluid" if gender == "self_described" else None,
                    "race_prefer_not": not chosen and rng.random() < 0.5,
                    "urim": rng.choices([None, "yes", "no", "prefer_not"], [70, 12, 15, 3])[0],
                    "img": rng.choices([None, "yes", "no"], [20, 20, 60])[0],
                    "first_generation": rng.choices([None, "yes", "no"], [25, 20, 55])[0],
                    "given_on": today - dt.timedelta(days=rng.randint(10, 600)),
                }
            )
            races.extend({"self_identification_id": sid, "category": c} for c in chosen)
        return pid

    mentors: list[dict[str, Any]] = []
    mentor_interests: list[dict[str, Any]] = []
    for i in range(size.faculty + size.near_peers):
        near_peer = i >= size.faculty
        program = rng.choice(programs)
        mid = i + 1
        mentors.append(
            {
                "id": mid,
                "person_id": new_person("np" if near_peer else "fac", i),
                "mentor_type": "near_peer" if near_peer else "faculty",
                "department": None if near_peer else rng.choice(DEPARTMENTS),
                "specialty": program["specialty"]
                if near_peer or rng.random() < 0.6
                else rng.choice(SPECIALTIES)[0],
                "rank": None if near_peer else rng.choice(RANKS),
                "program_id": program["id"] if near_peer or rng.random() < 0.5 else None,
                "pgy": rng.randint(3, 5) if near_peer else None,
                "capacity": rng.choice([2, 3, 3, 3, 4, 5]) if not near_peer else 2,
                "enrolled_on": academic_year(first_year - 1, start_month).start,
                "left_on": None,
            }
        )
        for interest in rng.sample(INTERESTS, k=rng.randint(2, 5)):
            mentor_interests.append({"mentor_id": mid, "interest": interest})
    step("mentors")

    mentees, mentee_interests = [], []
    # In the small demo the last mentee is a near-peer mentor too (a senior resident in both roles).
    senior = next(m for m in mentors if m["mentor_type"] == "near_peer") if size_name == "small" else None
    for i in range(size.mentees):
        program = programs[i % len(programs)]
        if senior is not None and i == size.mentees - 1:
            program = next(p for p in programs if p["id"] == senior["program_id"])
        length = program["_length"]
        # Spread arrivals over the years shown, plus classes already in training when history begins.
        arrival = rng.randint(first_year - length + 1, current)
        pgy_now = min(current - arrival + 1, length)
        left = None
        if current - arrival + 1 > length:
            left = academic_year(arrival + length - 1, start_month).end
        elif rng.random() < 0.03:
            left = today - dt.timedelta(days=rng.randint(5, 200))
        enrolled = academic_year(arrival, start_month).start + dt.timedelta(days=rng.randint(0, 20))
        if left is not None and left < enrolled:
            left = enrolled + dt.timedelta(days=30)
        # A few off-cycle starters, paired in the last weeks: they show as "behind", not yet overdue.
        off_cycle = left is None and rng.random() < 0.05
        if off_cycle:
            enrolled = today - dt.timedelta(days=rng.randint(25, 40))
        mid = i + 1
        if senior is not None and i == size.mentees - 1:
            arrival, left, pgy_now = current - senior["pgy"] + 1, None, senior["pgy"]
            enrolled = academic_year(arrival, start_month).start
        mentees.append(
            {
                "id": mid,
                "program_id": program["id"],
                "person_id": senior["person_id"]
                if senior and i == size.mentees - 1
                else new_person("res", i),
                "pgy": max(1, min(pgy_now, 10)) if left is None else length,
                "concordance_gender": rng.random() < 0.12,
                "concordance_urim": rng.random() < 0.08,
                "enrolled_on": enrolled,
                "left_on": left,
                "_activity": program["_activity"],
                "_off_cycle": off_cycle,
            }
        )
        for interest in rng.sample(INTERESTS, k=rng.randint(1, 4)):
            mentee_interests.append({"mentee_id": mid, "interest": interest})
    step("mentees")

    pairings, meetings, meeting_topics = pairings_and_meetings(
        rng, size, mentors, mentees, today, topics, with_notes=size_name == "small"
    )
    step("pairings and meetings")
    plans, goals, goal_comments, reviews = plans_for(
        f"{size_name}-{today.isoformat()}", mentees, pairings, mentors, today, current
    )

    _bulk(Program, [{k: v for k, v in p.items() if not k.startswith("_")} for p in programs])
    _bulk(Person, people)
    _bulk(SelfIdentification, selfids)
    _bulk(RaceEthnicity, races)
    _bulk(MentorProfile, mentors)
    _bulk(MentorInterest, mentor_interests)
    _bulk(MenteeProfile, [{k: v for k, v in m.items() if not k.startswith("_")} for m in mentees])
    _bulk(MenteeInterest, mentee_interests)
    _bulk(Pairing, pairings)
    _bulk(Meeting, meetings)
    _bulk(MeetingTopic, meeting_topics)
    _bulk(Plan, plans)
    _bulk(Goal, goals)
    _bulk(GoalComment, goal_comments)
    _bulk(PlanReview, reviews)
    network = {}
    if size_name == "small":
        network = events_and_introductions(today, programs, mentors, mentees, pairings)
        _bulk(Event, network["events"])
        if network["event_programs"]:
            db.session.execute(insert(event_programs), network["event_programs"])
        _bulk(Invitation, network["invitations"])
        _bulk(Introduction, network["introductions"])
    step("written")
    logins = _demo_logins(people, mentors, mentees, pairings, programs)
    reset_sequences()
    return {
        "programs": len(programs),
        "mentors": len(mentors),
        "mentees": len(mentees),
        "pairings": len(pairings),
        "meetings": len(meetings),
        "plans": len(plans),
        "events": len(network.get("events", [])),
        "introductions": len(network.get("introductions", [])),
        "logins": logins,
    }


def existing_logins() -> list[tuple[str, str]]:
    """The demo accounts of an already seeded database, as (role, email)."""
    users = db.session.execute(
        select(User).join(Person).where(Person.email.endswith("@demo.example.org")).order_by(User.id)
    ).scalars()
    labels = {
        "admin": "admin (GME office)",
        "coordinator": "program coordinator",
        "mentor": "faculty mentor",
        "mentee": "resident mentee",
    }
    order = ["admin", "coordinator", "mentor", "mentee"]
    return [(labels[next(r for r in order if r in u.roles)], u.email) for u in users if u.roles]


def vocab_topics() -> list[str]:
    """The configured meeting topics."""
    from flask import current_app

    return list(current_app.config["MEETING_TOPICS"])


def _demo_logins(people, mentors, mentees, pairings, programs) -> list[tuple[str, str]]:
    """Accounts for one person of each role, returned as (role, email)."""
    by_id = {p["id"]: p for p in people}
    active = [p for p in pairings if p["end_date"] is None]
    mentor_load: dict[int, int] = {}
    for p in active:
        mentor_load[p["mentor_id"]] = mentor_load.get(p["mentor_id"], 0) + 1
    mentor_id = max(sorted(mentor_load), key=lambda m: mentor_load[m])
    mentor = mentors[mentor_id - 1]
    mentee_id = next(p["mentee_id"] for p in active if p["mentor_id"] == mentor_id)
    mentee = mentees[mentee_id - 1]

    admin_person = {
        "id": len(people) + 1,
        "email": "admin@demo.example.org",
        "first_name": "Alex",
        "last_name": "Admin",
    }
    coord_person = {
        "id": len(people) + 2,
        "email": "coordinator@demo.example.org",
        "first_name": "Casey",
        "last_name": "Coordinator",
    }
    _bulk(Person, [admin_person, coord_person])
    from werkzeug.security import generate_password_hash

    hashed = generate_password_hash(DEMO_PASSWORD)
    users = [
        {"id": 1, "person_id": admin_person["id"], "is_admin": True, "view_demographics": True},
        {"id": 2, "person_id": coord_person["id"], "is_coordinator": True},
        {"id": 3, "person_id": mentor["person_id"]},
        {"id": 4, "person_id": mentee["person_id"]},
    ]
    _bulk(
        User,
        [
            {
                "password_hash": hashed,
                "session_version": 1,
                "is_admin": False,
                "is_coordinator": False,
                "view_demographics": False,
                "can_override_capacity": False,
            }
            | u
            for u in users
        ],
    )
    db.session.execute(insert(coordinator_programs), [{"user_id": 2, "program_id": mentee["program_id"]}])
    program_name = next(p["name"] for p in programs if p["id"] == mentee["program_id"])
    return [
        ("admin (GME office)", admin_person["email"]),
        (f"program coordinator ({program_name})", coord_person["email"]),
        ("faculty mentor", by_id[mentor["person_id"]]["email"]),
        ("resident mentee", by_id[mentee["person_id"]]["email"]),
    ]


def _bulk(model, rows: list[dict], chunk: int = 5000) -> None:
    for i in range(0, len(rows), chunk):
        db.session.execute(insert(model), rows[i : i + chunk])


def reset_sequences() -> None:
    """Explicit ids were inserted; move PostgreSQL's id sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        # Only integer ids have sequences (sessions and links have random text ids).
        column = table.c.get("id")
        if (
            column is not None
            and column.primary_key
            and column.autoincrement
            and isinstance(column.type, Integer)
        ):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 (table names from metadata)
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
