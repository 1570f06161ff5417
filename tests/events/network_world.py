"""Events and introductions added to the hand-built institution (tests/reports/institution.py), with the
answer to every Events, Networking and "Mentees at an event" cell worked out (AY 2024 as of 2025-03-31).

Events, by start: Orientation (Aug 15, Alpha and Beta: Ada going + attended, Ben going, Dee attended
without answering, Eve not going, Max Moore going + attended: 5 invited, 3 going, 3 attended); Journal club
(Sep 5, Gamma, nobody); Winter social (Dec 12, every program: Fay going); Research night (Feb 20, Alpha: Ada
going + attended, Ben waitlisted but attended, Nia Nash a walk-in: 2 invited, 1 going, 3 attended). Not in
the sheet and never counted: Cancelled talk (Jan 10, Ada attended) and Spring panel (Apr 20, after D).

Introductions: Ada to Nia Nash (met), to Zoe Zhu outside (met), to Max Moore, her own mentor (met: already
a connection, counted once); Ben to Zoe Zhu (no response); Dee to Oli Owen before the year (not counted).
"""

from __future__ import annotations

import datetime as dt
import secrets

from mentorship.extensions import db
from mentorship.models import Event, Introduction, Invitation

d = dt.date


def event(title, kind, start, programs, invitations, cancelled=False):
    event = Event(
        title=title,
        kind=kind,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        checkin_key=secrets.token_urlsafe(8),
        programs=programs,
        cancelled_at=start if cancelled else None,
    )
    db.session.add(event)
    db.session.flush()
    for person, rsvp, attended, invited in invitations:
        db.session.add(
            Invitation(
                event_id=event.id,
                person_id=person.id,
                token=secrets.token_urlsafe(8),
                rsvp=rsvp,
                attended=attended,
                invited=invited,
            )
        )
    db.session.flush()
    return event


def intro(mentee, by, created, outcome, mentor=None, contact=None):
    name, email = contact or (None, None)
    db.session.add(
        Introduction(
            mentee_id=mentee.id,
            introduced_by_id=by.person_id,
            mentor_id=mentor.id if mentor else None,
            contact_name=name,
            contact_email=email,
            purpose="research",
            created_at=dt.datetime.combine(created, dt.time(10)),
            outcome=outcome,
        )
    )


def add_network(objs: dict) -> None:
    """Add the events and introductions above to the built institution."""
    o = objs
    ada, ben, dee, eve, fay = (o[k].person for k in ("a1", "a2", "b1", "b2", "b3"))
    moore, nash = o["m1"].person, o["m2"].person
    alpha, beta, gamma = o["alpha"], o["beta"], o["gamma"]
    at = dt.datetime.combine
    event(
        "Orientation",
        "orientation",
        at(d(2024, 8, 15), dt.time(17)),
        [alpha, beta],
        [
            (ada, "going", True, True),
            (ben, "going", False, True),
            (dee, None, True, True),
            (eve, "not_going", False, True),
            (moore, "going", True, True),
        ],
    )
    event("Journal club", "journal_club", at(d(2024, 9, 5), dt.time(12)), [gamma], [])
    event("Winter social", "social", at(d(2024, 12, 12), dt.time(18)), [], [(fay, "going", False, True)])
    event(
        "Research night",
        "research_symposium",
        at(d(2025, 2, 20), dt.time(18)),
        [alpha],
        [(ada, "going", True, True), (ben, "waitlisted", True, True), (nash, None, True, False)],
    )
    event(
        "Cancelled talk",
        "other",
        at(d(2025, 1, 10), dt.time(12)),
        [alpha],
        [(ada, "going", True, True)],
        True,
    )
    event(
        "Spring panel", "career_panel", at(d(2025, 4, 20), dt.time(12)), [beta], [(dee, "going", True, True)]
    )
    intro(o["a1"], o["m1"], d(2024, 10, 1), "met", mentor=o["m2"])
    intro(o["a1"], o["m1"], d(2024, 11, 1), "met", contact=("Zoe Zhu", "zoe.zhu@elsewhere.edu"))
    intro(o["a1"], o["m2"], d(2024, 12, 1), "met", mentor=o["m1"])
    intro(o["a2"], o["m1"], d(2025, 1, 5), "no_response", contact=("Zoe Zhu", "ZOE.ZHU@elsewhere.edu"))
    intro(o["b1"], o["m3"], d(2024, 6, 1), "met", mentor=o["m3"])
    db.session.flush()


EVENT_HEADERS = ("Date", "Title", "Kind", "Invited", "Going", "Attended")
EVENTS = [
    (d(2024, 8, 15), "Orientation", "Orientation", 5, 3, 3),
    (d(2024, 9, 5), "Journal club", "Journal club", 0, 0, 0),
    (d(2024, 12, 12), "Winter social", "Social", 1, 1, 0),
    (d(2025, 2, 20), "Research night", "Research symposium", 2, 1, 3),
]
NETWORKING_HEADERS = (
    "Program",
    "Mentee",
    "Mentee email",
    "PGY",
    "Events attended",
    "Introductions",
    "Introductions met",
    "Distinct connections",
)
_A, _B = "Alpha Medicine", "Beta Surgery"
NETWORKING = [
    (_A, "Ada Aalto", "ada.aalto@example.org", 1, 2, 3, 3, 3),  # Moore (meetings and introduced), Nash, Zoe
    (_A, "Ben Baker", "ben.baker@example.org", 2, 1, 1, 0, 2),  # Nash (p2) and Moore (p3)
    (_A, "'=1+2 Clark", "12.clark@example.org", 3, 0, 0, 0, 0),  # only a cancelled meeting
    (_A, "Al Late", "al.late@example.org", 1, 0, 0, 0, 0),
    (_B, "Dee Dunn", "dee.dunn@example.org", 1, 1, 0, 0, 1),
    (_B, "Eve Evans", "eve.evans@example.org", 2, 0, 0, 0, 1),
    (_B, "Fay Fox", "fay.fox@example.org", 1, 0, 0, 0, 0),
    (_B, "Gus Gray", "gus.gray@example.org", 3, 0, 0, 0, 0),
]
# "Mentees at an event", the Summary's last column: Gamma (no mentee), Alpha 2 of 4, Beta 1 of 4, all 3 of 8.
AT_EVENT = [None, 0.5, 0.25, 0.375]
