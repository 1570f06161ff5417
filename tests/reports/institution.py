"""A small institution built by hand, with the answer to every Summary and Pairings cell worked out.

AY 2024 (2024-07-01 to 2025-06-30) as of report date D = 2025-03-31; target 4, overdue after 60 days.
A pairing's on-track threshold is judged on its own months: floor(4 * f), f = days from the later of the
year's start and the pairing's start to D, both included, / 365. Statuses, the first that applies: Ben and
Nash (ended 2024-10-31) and Clark (ended 2024-12-31) Ended; Ada (75 days since) and Eve (84) Overdue; Fay
(16 days old, never met) New; Ben and Moore (3 meetings, floor(4 * 151 / 365) = 1) and Dee (5, floor(4 * 260
/ 365) = 2) On track.
"""

from __future__ import annotations

import datetime as dt

from mentorship.extensions import db

D = dt.date(2025, 3, 31)
YEAR = 2024
d = dt.date


def build(f) -> dict:
    """Create the institution; returns the objects tests refer to by name."""
    gamma = f.program("=Gamma")  # no people at all: a Summary row of zeros and blanks
    alpha = f.program("Alpha Medicine")
    beta = f.program("Beta Surgery")

    def mentor(first, last, **kw):
        return f.mentor(f.person(f"{first}.{last}@example.org".lower(), first, last), **kw)

    def mentee(first, last, prog, pgy, **kw):
        email = f"{first}.{last}@example.org".lower().replace("=", "").replace("+", "")
        return f.mentee(f.person(email, first, last), prog, pgy, **kw)

    m1, m2 = mentor("Max", "Moore"), mentor("Nia", "Nash")
    m3, m4 = mentor("Oli", "Owen"), mentor("Pam", "Park", capacity=2)

    a1 = mentee("Ada", "Aalto", alpha, 1)
    a2 = mentee("Ben", "Baker", alpha, 2)
    a3 = mentee("=1+2", "Clark", alpha, 3, left_on=d(2024, 12, 31))  # left mid-year: still enrolled in Y
    a4 = mentee("Al", "Late", alpha, 1, enrolled_on=d(2025, 5, 1))  # joined after D but inside Y: enrolled
    a5 = mentee("Al", "Next", alpha, 1, enrolled_on=d(2025, 8, 1))  # joined after Y: not enrolled
    a6 = mentee("Al", "Gone", alpha, 2, left_on=d(2024, 6, 15))  # left before Y: not enrolled
    b1 = mentee("Dee", "Dunn", beta, 1)
    b2 = mentee("Eve", "Evans", beta, 2)
    b3 = mentee("Fay", "Fox", beta, 1)
    b4 = mentee("Gus", "Gray", beta, 3)  # enrolled, never paired

    p1 = f.pairing(m1, a1, d(2024, 7, 1))
    f.meeting(p1, d(2024, 7, 20), 60, topics=["research", "career planning"])
    f.meeting(p1, d(2024, 9, 10), 30)
    f.meeting(p1, d(2024, 11, 5), 90)
    f.meeting(p1, d(2025, 1, 15), 60)
    f.meeting(p1, d(2025, 2, 1), 60, status="cancelled", topics=["wellness"])
    f.meeting(p1, d(2025, 2, 10), 60, status="no_show")
    f.meeting(p1, d(2025, 3, 1), 45, deleted_at=dt.datetime(2025, 3, 2), notes="secret note")
    f.meeting(p1, d(2025, 4, 15), 60)  # after D
    f.pairing(m2, a1, d(2025, 7, 15))  # starts after Y: not active in Y

    p2 = f.pairing(m2, a2, d(2023, 9, 1), kind="research", end_date=d(2024, 10, 31), end_reason="completed")
    f.meeting(p2, d(2023, 9, 15), 60)  # before Y: still the first meeting
    f.meeting(p2, d(2024, 8, 1), 60)
    f.meeting(p2, d(2024, 10, 1), 30)
    p3 = f.pairing(m1, a2, d(2024, 11, 1))
    for day in (d(2024, 11, 20), d(2025, 1, 10), d(2025, 3, 20)):
        f.meeting(p3, day, 60)

    p4 = f.pairing(m2, a3, d(2024, 8, 1), end_date=d(2024, 12, 31), end_reason="mentee_left")
    f.meeting(p4, d(2024, 9, 1), 60, status="cancelled")
    f.pairing(m3, a6, d(2023, 7, 1), end_date=d(2024, 6, 15))  # ended before Y

    p6 = f.pairing(m3, b1, d(2024, 7, 15))
    for day in (d(2024, 8, 4), d(2024, 9, 1), d(2024, 10, 1), d(2024, 12, 1), d(2025, 2, 15)):
        f.meeting(p6, day, 60, topics=["research"] if day.month == 8 else [])
    p7 = f.pairing(m3, b2, d(2025, 1, 1))
    f.meeting(p7, d(2025, 1, 6), 30)
    p8 = f.pairing(m4, b3, d(2025, 3, 15))  # 16 days old at D: never overdue yet
    db.session.flush()
    _plans(a1, a2, a6, b1, b2)
    return {k: v for k, v in locals().items() if k not in {"f", "mentor", "mentee", "_plans"}}


def _plans(a1, a2, a6, b1, b2) -> None:
    """Development plans of AY 2024. Reviews count when both confirmed, dated in Y up to D: Ada 2 (a third
    after D), Ben 1 (another only the mentor confirmed), Dee 2, Eve 2 (and 2 in her AY 2023 plan), Gone 2
    but not enrolled in Y. Reviewed twice: Alpha 1 of 4 enrolled, Beta 2 of 4, all 3 of 8."""
    from mentorship.models import Goal, Plan, PlanReview

    both = {"mentor_confirmed_at": dt.datetime(2025, 1, 1), "mentee_confirmed_at": dt.datetime(2025, 1, 1)}

    def plan(mentee, year, goals, reviews, mentor_only=()):
        record = Plan(mentee_id=mentee.id, year=year)
        record.goals = [Goal(title=f"Goal {i}", status=status) for i, status in enumerate(goals)]
        record.reviews = [PlanReview(reviewed_on=day, **both) for day in reviews] + [
            PlanReview(reviewed_on=day, mentor_confirmed_at=dt.datetime(2025, 1, 1)) for day in mentor_only
        ]
        db.session.add(record)

    plan(a1, 2024, ["done", "in_progress", "not_started"], [d(2024, 11, 20), d(2025, 3, 10), d(2025, 5, 20)])
    plan(a2, 2024, ["in_progress"], [d(2024, 12, 5)], mentor_only=[d(2025, 1, 10)])
    plan(a6, 2024, ["done"], [d(2024, 11, 1), d(2025, 1, 1)])
    plan(b1, 2024, ["done", "done"], [d(2024, 11, 15), d(2025, 1, 5)])
    plan(b2, 2023, ["done"], [d(2023, 11, 1), d(2024, 5, 1)])
    plan(b2, 2024, ["dropped"], [d(2025, 1, 20), d(2025, 2, 1)])
    db.session.flush()


SUMMARY_HEADERS = (
    "Program",
    "Mentees enrolled",
    "Mentees with a mentor",
    "Coverage",
    "Active pairings",
    "Meetings",
    "Hours",
    "Engaged pairings",
    "Overdue pairings",
    "Median days to first meeting",
    "Plans reviewed twice",
    "Mentees at an event",
)
# No events in this institution: no mentee at an event (blank where no mentee is enrolled).
SUMMARY = [
    ("'=Gamma", 0, 0, None, 0, 0, 0, 0, 0, None, None, None),
    ("Alpha Medicine", 4, 3, 0.75, 4, 9, 8.5, 1, 1, 19, 0.25, 0),
    ("Beta Surgery", 4, 3, 0.75, 3, 6, 5.5, 1, 1, 12.5, 0.5, 0),
    ("All programs", 8, 6, 0.75, 7, 15, 14, 2, 2, 19, 0.375, 0),
]
PLAN_HEADERS = (
    "Program", "Mentee", "Mentee email", "PGY", "Plan",
    "Goals", "Goals done", "Reviews in year", "Last review",
)  # fmt: skip
PLANS = [
    ("Alpha Medicine", "Ada Aalto", "ada.aalto@example.org", 1, "Yes", 3, 1, 2, d(2025, 3, 10)),
    ("Alpha Medicine", "Ben Baker", "ben.baker@example.org", 2, "Yes", 1, 0, 1, d(2024, 12, 5)),
    ("Alpha Medicine", "'=1+2 Clark", "12.clark@example.org", 3, "No", 0, 0, 0, None),
    ("Alpha Medicine", "Al Late", "al.late@example.org", 1, "No", 0, 0, 0, None),
    ("Beta Surgery", "Dee Dunn", "dee.dunn@example.org", 1, "Yes", 2, 2, 2, d(2025, 1, 5)),
    ("Beta Surgery", "Eve Evans", "eve.evans@example.org", 2, "Yes", 1, 0, 2, d(2025, 2, 1)),
    ("Beta Surgery", "Fay Fox", "fay.fox@example.org", 1, "No", 0, 0, 0, None),
    ("Beta Surgery", "Gus Gray", "gus.gray@example.org", 3, "No", 0, 0, 0, None),
]
PAIRING_HEADERS = (
    "Program",
    "Mentee",
    "Mentee email",
    "PGY",
    "Mentor",
    "Mentor email",
    "Kind",
    "Start date",
    "End date",
    "Meetings",
    "Hours",
    "First meeting",
    "Days to first meeting",
    "Last meeting",
    "Days since last meeting",
    "Status",
)
_A, _B = "Alpha Medicine", "Beta Surgery"
_MOORE, _NASH = ("Max Moore", "max.moore@example.org"), ("Nia Nash", "nia.nash@example.org")
_OWEN, _PARK = ("Oli Owen", "oli.owen@example.org"), ("Pam Park", "pam.park@example.org")
PAIRINGS = [
    (_A, "Ada Aalto", "ada.aalto@example.org", 1, *_MOORE, "Career", d(2024, 7, 1), None,
     4, 4, d(2024, 7, 20), 19, d(2025, 1, 15), 75, "Overdue"),
    (_A, "Ben Baker", "ben.baker@example.org", 2, *_MOORE, "Career", d(2024, 11, 1), None,
     3, 3, d(2024, 11, 20), 19, d(2025, 3, 20), 11, "On track"),
    (_A, "Ben Baker", "ben.baker@example.org", 2, *_NASH, "Research", d(2023, 9, 1), d(2024, 10, 31),
     2, 1.5, d(2023, 9, 15), 14, d(2024, 10, 1), 181, "Ended"),
    (_A, "'=1+2 Clark", "12.clark@example.org", 3, *_NASH, "Career", d(2024, 8, 1), d(2024, 12, 31),
     0, 0, None, None, None, 242, "Ended"),
    (_B, "Dee Dunn", "dee.dunn@example.org", 1, *_OWEN, "Career", d(2024, 7, 15), None,
     5, 5, d(2024, 8, 4), 20, d(2025, 2, 15), 44, "On track"),
    (_B, "Eve Evans", "eve.evans@example.org", 2, *_OWEN, "Career", d(2025, 1, 1), None,
     1, 0.5, d(2025, 1, 6), 5, d(2025, 1, 6), 84, "Overdue"),
    (_B, "Fay Fox", "fay.fox@example.org", 1, *_PARK, "Career", d(2025, 3, 15), None,
     0, 0, None, None, None, 16, "New"),
]  # fmt: skip


def identify(objs: dict) -> None:
    """Self-identification for the demographic reports: Alpha 2 women, 1 man, 1 not disclosed (the late
    joiner); Beta 3 women and 1 man; mentors Moore and Owen women, Nash a man, Park not disclosed."""
    from mentorship.services.people import set_self_identification

    for key, gender in {"a1": "woman", "a2": "woman", "a3": "man", "b1": "woman", "b2": "woman"}.items():
        set_self_identification(objs[key].person, gender=gender)
    for key, gender in {"b3": "woman", "b4": "man", "m1": "woman", "m3": "woman", "m2": "man"}.items():
        set_self_identification(objs[key].person, gender=gender)
    db.session.flush()
