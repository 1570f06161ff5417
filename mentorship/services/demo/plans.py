"""The demo's development plans: this year's and last year's, with goals by competency and reviews, so the
Plans sheet and the plan pages have something to show. Their own random stream: the rest of the demo is the
same with or without them."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from mentorship.models.pairings import span_active_during
from mentorship.models.people import enrolled_during
from mentorship.services.academic_year import AcademicYear, academic_year
from mentorship.services.plans.rules import parse_review_months, window_on

GOALS = [
    ("Present a case at morning report", "medical_knowledge"),
    ("Lead a quality improvement project on the ward", "systems_based_practice"),
    ("Run family meetings with less supervision", "communication"),
    ("Submit an abstract to the specialty meeting", "research"),
    ("Choose a fellowship and find a sponsor", "career"),
    ("Keep one protected evening a week", "wellness"),
    ("Teach the medical students on rounds", "professionalism"),
    ("Review my own handoffs with the I-PASS checklist", "practice_based_learning"),
    ("Manage a night of cross-cover independently", "patient_care"),
]
STATUSES = ["not_started", "in_progress", "in_progress", "done", "done", "dropped"]
COMMENTS = ["Good choice; let's set a date.", "Talk to the program director about this.", "Nice progress."]
DEFAULT_WINDOWS = parse_review_months("11,12;5,6")


def plans_for(
    seed: str, mentees: list[dict], pairings: list[dict], mentors: list[dict], today: dt.date, current: int
) -> tuple[list[dict[str, Any]], ...]:
    """Rows of plans, goals, goal comments and reviews of paired mentees, AY `current` and the one before."""
    rng = random.Random(f"plans-{seed}")  # noqa: S311 (demo data, not security)
    mentor_person = {m["id"]: m["person_id"] for m in mentors}
    by_mentee: dict[int, list[dict]] = {}
    for p in pairings:
        by_mentee.setdefault(p["mentee_id"], []).append(p)
    rows: dict[str, list[dict[str, Any]]] = {"plans": [], "goals": [], "comments": [], "reviews": []}
    for year in (current - 1, current):
        ay = academic_year(year)
        last_day = min(today, ay.end)
        for mentee in mentees:
            if not enrolled_during(mentee["enrolled_on"], mentee["left_on"], ay.start, ay.end):
                continue
            mine = [
                p
                for p in by_mentee.get(mentee["id"], [])
                if span_active_during(p["start_date"], p["end_date"], ay.start, last_day)
            ]
            if not mine or rng.random() < 0.15:
                continue  # some mentees have not made a plan
            plan_id = len(rows["plans"]) + 1
            rows["plans"].append({"id": plan_id, "mentee_id": mentee["id"], "year": year})
            _goals(rng, rows, plan_id, ay, year < current, mentor_person[mine[0]["mentor_id"]], today)
            _reviews(rng, rows, plan_id, ay, mentor_person[mine[0]["mentor_id"]], last_day)
    return rows["plans"], rows["goals"], rows["comments"], rows["reviews"]


def _goals(rng, rows, plan_id: int, ay: AcademicYear, past: bool, mentor: int, today: dt.date) -> None:
    for title, category in rng.sample(GOALS, k=rng.randint(2, 4)):
        goal_id = len(rows["goals"]) + 1
        status = rng.choice(STATUSES if past else STATUSES[:4])
        rows["goals"].append(
            {
                "id": goal_id,
                "plan_id": plan_id,
                "title": title,
                "category": category,
                "status": status,
                "target_date": ay.end - dt.timedelta(days=rng.randint(0, 200)),
                "next_step": None if status == "done" else "Agree on the first step with my mentor",
            }
        )
        at = dt.datetime.combine(ay.start + dt.timedelta(days=rng.randint(30, 120)), dt.time(12))
        if rng.random() < 0.3 and at.date() <= today:
            rows["comments"].append(
                {"goal_id": goal_id, "author_id": mentor, "body": rng.choice(COMMENTS), "created_at": at}
            )


def _reviews(rng, rows, plan_id: int, ay: AcademicYear, mentor: int, last_day: dt.date) -> None:
    """A review in each window that has begun: most pairs do one, a few confirmed by one side only."""
    for months in DEFAULT_WINDOWS:
        first = dt.date(ay.start.year + (months[0] < ay.start.month), months[0], 1)
        window = window_on(first, DEFAULT_WINDOWS)
        if window is None or window[0] > last_day or rng.random() < 0.25:
            continue
        day = min(window[0] + dt.timedelta(days=rng.randint(0, 50)), last_day)
        at = dt.datetime.combine(day, dt.time(17))
        rows["reviews"].append(
            {
                "plan_id": plan_id,
                "reviewed_on": day,
                "mentor_id": mentor,
                "mentor_confirmed_at": at,
                "mentee_confirmed_at": at if rng.random() < 0.9 else None,
            }
        )
