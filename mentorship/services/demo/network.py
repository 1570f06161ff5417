"""The small demo's events (with RSVPs and attendance) and introductions, placed relative to `today`.

A separate random stream (seeded by the date) so adding them leaves the rest of the demo as it was.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from mentorship.models.pairings import span_open_on
from mentorship.models.people import enrolled_during
from mentorship.services.academic_year import academic_year, year_of

OUTSIDE_CONTACTS = [
    (
        "Dr Imani Okafor",
        "imani.okafor@university-hospital.example.org",
        "University Hospital",
        "Fellowship director",
    ),
    ("Dr Tomas Lindqvist", "t.lindqvist@research-institute.example.org", "Research Institute", "Lab head"),
    ("Dr Priya Raman", "praman@childrens.example.org", "Children's Hospital", "Chief of cardiology"),
]
CONTEXTS = [
    "Runs the fellowship interviews this spring",
    "Has a project that needs a resident for chart review",
    "Went through the same career change",
    "Leads the QI committee you asked about",
]
# (title, kind, days after the academic year's start (None: two weeks from today), hours, program slots,
# lowest PGY, capacity)
EVENTS = [
    ("Welcome orientation", "orientation", 7, (9, 12), None, None, None),
    ("Research symposium", "research_symposium", 95, (16, 19), (0, 1), None, None),
    ("Career panel: fellowships", "career_panel", 130, (17, 18), (0,), 2, 25),
    ("Spring networking evening", "networking", None, (18, 20), None, None, 30),
]


def events_and_introductions(
    today: dt.date,
    programs: list[dict[str, Any]],
    mentors: list[dict[str, Any]],
    mentees: list[dict[str, Any]],
    pairings: list[dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """Rows for events, event_programs, invitations and introductions."""
    rng = random.Random(f"network-{today.isoformat()}")  # noqa: S311 (demo data, not security)
    ay = academic_year(year_of(today, 7), 7)
    mentor_person = {m["id"]: m["person_id"] for m in mentors}
    events: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    invitations: list[dict[str, Any]] = []
    intros: list[dict[str, Any]] = []
    for title, kind, offset, (start_hour, end_hour), slots, pgy_min, capacity in EVENTS:
        day = today + dt.timedelta(days=14) if offset is None else ay.start + dt.timedelta(days=offset)
        if offset is not None and day >= today:
            continue  # early in the year: only the events that have happened
        eid = len(events) + 1
        program_ids = [programs[s]["id"] for s in slots] if slots else []
        events.append(
            {
                "id": eid,
                "title": title,
                "kind": kind,
                "starts_at": dt.datetime.combine(day, dt.time(start_hour)),
                "ends_at": dt.datetime.combine(day, dt.time(end_hour)),
                "place": "Education Center, Room 2" if kind != "networking" else "Hospital atrium",
                "description": None,
                "pgy_min": pgy_min,
                "pgy_max": None,
                "for_mentors": True,
                "for_mentees": True,
                "capacity": capacity,
                "organizer_id": None,
                "checkin_key": f"demo-check-in-{eid}-{rng.getrandbits(64):016x}",
                "sequence": 0,
                "created_at": dt.datetime.combine(day - dt.timedelta(days=21), dt.time(9)),
                "cancelled_at": None,
            }
        )
        links += [{"event_id": eid, "program_id": pid} for pid in program_ids]
        invited = [
            m
            for m in mentees
            if (not program_ids or m["program_id"] in program_ids)
            and (pgy_min is None or m["pgy"] >= pgy_min)
            and enrolled_during(m["enrolled_on"], m["left_on"], day, day)
        ]
        ids = {m["id"] for m in invited}
        guests = sorted(
            {
                mentor_person[p["mentor_id"]]
                for p in pairings
                if p["mentee_id"] in ids and span_open_on(p["start_date"], p["end_date"], day)
            }
        )
        people = sorted({m["person_id"] for m in invited} | set(guests))
        going = 0
        past = day < today
        for person_id in people:
            answer = rng.choices(["going", "not_going", None], [65, 15, 20])[0]
            if answer == "going" and capacity is not None and going >= capacity:
                answer = "waitlisted"
            going += answer == "going"
            attended = past and answer == "going" and rng.random() < 0.8
            invitations.append(
                {
                    "id": len(invitations) + 1,
                    "event_id": eid,
                    "person_id": person_id,
                    "token": f"demo-invitation-{len(invitations) + 1}-{rng.getrandbits(64):016x}",
                    "invited": True,
                    "rsvp": answer,
                    "rsvp_at": dt.datetime.combine(day - dt.timedelta(days=rng.randint(2, 14)), dt.time(12))
                    if answer
                    else None,
                    "attended": attended,
                    "checked_in_at": dt.datetime.combine(day, dt.time(start_hour)) if attended else None,
                }
            )
    open_pairings = [p for p in pairings if span_open_on(p["start_date"], p["end_date"], today)]
    faculty = [m for m in mentors if m["mentor_type"] == "faculty"]
    for pairing in rng.sample(open_pairings, k=min(10, len(open_pairings))):
        created = max(pairing["start_date"], ay.start) + dt.timedelta(days=rng.randint(5, 60))
        if created >= today:
            continue
        outside = rng.random() < 0.4
        colleague = rng.choice([m for m in faculty if m["id"] != pairing["mentor_id"]])
        name, email, institution, role = rng.choice(OUTSIDE_CONTACTS)
        intros.append(
            {
                "id": len(intros) + 1,
                "mentee_id": pairing["mentee_id"],
                "introduced_by_id": mentor_person[pairing["mentor_id"]],
                "mentor_id": None if outside else colleague["id"],
                "contact_name": name if outside else None,
                "contact_email": email if outside else None,
                "contact_institution": institution if outside else None,
                "contact_role": role if outside else None,
                "purpose": rng.choice(["research", "career", "fellowship", "clinical"]),
                "context": rng.choice(CONTEXTS),
                "created_at": dt.datetime.combine(created, dt.time(10)),
                "outcome": rng.choices(["met", "not_yet", "no_response", None], [50, 25, 15, 10])[0],
                "outcome_at": None,
            }
        )
    return {"events": events, "event_programs": links, "invitations": invitations, "introductions": intros}
