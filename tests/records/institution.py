"""A hand-built institution for the record's figures, every number known in advance (see EXPECTED)."""

from __future__ import annotations

import datetime as dt
import secrets
from types import SimpleNamespace

from mentorship.extensions import db
from mentorship.models import Event, Introduction, Invitation, Plan, PlanReview
from tests import factories as f

D = dt.date
# Over the year: the record of AY 2025 as of any day after 2026-06-30 shows the whole year.
AFTER_2025 = D(2026, 7, 15)


def _event(title: str, day: dt.date, organizer=None, cancelled: bool = False) -> Event:
    start = dt.datetime.combine(day, dt.time(17))
    event = Event(
        title=title,
        kind="networking",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        organizer_id=organizer,
        checkin_key=secrets.token_urlsafe(16),
        cancelled_at=start if cancelled else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


def _attended(event: Event, person_id: int, attended: bool = True) -> None:
    db.session.add(
        Invitation(event_id=event.id, person_id=person_id, token=secrets.token_urlsafe(16), attended=attended)
    )


def build() -> SimpleNamespace:
    """Dr Two Roles mentors three residents (one pairing crosses from AY 2024 into AY 2025, one ended in
    AY 2024) and is herself mentored by a senior colleague; one group session, cancelled, no-show and
    deleted meetings, introductions and events, some of which must not count."""
    im, gs = f.program("Internal Medicine"), f.program("General Surgery")
    me = f.person("two.roles@example.org", "Tess", "Roles")
    mentor = f.mentor(me, department="Medicine", rank="Associate Professor")
    # Her own mentee profile (a fellow): her meetings as a mentee are never on her mentoring record.
    as_mentee = f.mentee(me, gs, pgy=5)
    senior = f.mentor(f.person("senior@example.org", "Sam", "Senior"), department="Surgery")
    theirs = f.pairing(senior, as_mentee, start_date=D(2025, 7, 1))
    f.meeting(theirs, D(2025, 8, 20), 60)

    ada = f.mentee(f.person("ada@example.org", "Ada", "Lovel"), im, pgy=2)
    ben = f.mentee(f.person("ben@example.org", "Ben", "Okafor"), gs, pgy=1)
    cy = f.mentee(f.person("cy@example.org", "Cy", "Older"), im, pgy=3)
    across = f.pairing(mentor, ada, start_date=D(2024, 9, 1))  # AY 2024 into AY 2025, still open
    f.meeting(across, D(2024, 10, 1), 60)  # AY 2024
    f.meeting(across, D(2025, 8, 1), 90)
    f.meeting(across, D(2025, 9, 1), 60, status="cancelled")
    f.meeting(across, D(2025, 10, 1), 30, status="no_show")
    f.meeting(across, D(2026, 1, 10), 60, deleted_at=dt.datetime(2026, 1, 11))
    f.meeting(across, D(2026, 7, 2), 45)  # AY 2026: not in AY 2025
    within = f.pairing(mentor, ben, start_date=D(2025, 7, 15), end_date=D(2026, 2, 1), kind="research")
    f.meeting(within, D(2025, 8, 10), 120)
    # One group session with both: a held meeting of each pairing, one group session.
    f.meeting(across, D(2025, 11, 5), 60, group_id="group-1")
    f.meeting(within, D(2025, 11, 5), 60, group_id="group-1")
    ended = f.pairing(mentor, cy, start_date=D(2024, 7, 1), end_date=D(2025, 6, 1))  # AY 2024 only
    f.meeting(ended, D(2025, 1, 1), 45)

    db.session.add_all(
        [
            Introduction(
                mentee_id=ada.id,
                introduced_by_id=me.id,
                mentor_id=senior.id,
                purpose="research",
                created_at=dt.datetime(2025, 9, 1, 10),
            ),
            Introduction(
                mentee_id=cy.id,
                introduced_by_id=me.id,
                contact_name="Outside Person",
                contact_email="outside@example.com",
                purpose="career",
                created_at=dt.datetime(2025, 3, 1, 10),  # AY 2024
            ),
        ]
    )
    # Plan reviews she confirmed with Ada (both confirmed) in AY 2025 and AY 2024; one Ada never confirmed.
    plans = {year: Plan(mentee_id=ada.id, year=year) for year in (2024, 2025)}
    db.session.add_all(plans.values())
    db.session.flush()
    confirmed = dt.datetime(2025, 1, 1)
    for year, day, by_mentee in (
        (2025, D(2025, 11, 20), confirmed),
        (2025, D(2026, 5, 20), None),
        (2024, D(2025, 5, 10), confirmed),
    ):
        review = PlanReview(plan_id=plans[year].id, reviewed_on=day, mentor_id=me.id)
        review.mentor_confirmed_at, review.mentee_confirmed_at = confirmed, by_mentee
        db.session.add(review)
    organized = _event("Research night", D(2025, 10, 1), organizer=me.id)
    _event("Cancelled social", D(2025, 10, 2), organizer=me.id, cancelled=True)
    _attended(_event("Career panel", D(2025, 12, 1)), me.id)
    _attended(_event("Missed panel", D(2026, 1, 5)), me.id, attended=False)
    _attended(organized, me.id)  # organized and attended: one event under "Events"
    db.session.flush()
    return SimpleNamespace(
        mentor=mentor, senior=senior, me=me, ada=ada, ben=ben, cy=cy, across=across, within=within, im=im
    )
