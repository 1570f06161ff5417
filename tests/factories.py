"""Factories for test data: each makes a valid object with overridable fields and flushes it."""

from __future__ import annotations

import datetime as dt
import functools
import itertools

from werkzeug.security import generate_password_hash

from mentorship.extensions import db
from mentorship.models import (
    Meeting,
    MeetingTopic,
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
    Program,
    User,
)
from mentorship.services import log_links
from mentorship.services import people as people_service

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def program(name: str | None = None, **fields) -> Program:
    p = Program(
        name=name or f"Program {next(_counter)}",
        specialty=fields.pop("specialty", "Internal Medicine"),
        kind=fields.pop("kind", "residency"),
        **fields,
    )
    db.session.add(p)
    db.session.flush()
    return p


def person(email: str | None = None, first_name: str = "Pat", last_name: str | None = None) -> Person:
    n = next(_counter)
    p = Person(
        email=(email or f"person{n}@example.org").lower(),
        first_name=first_name,
        last_name=last_name or f"Person{n}",
    )
    db.session.add(p)
    db.session.flush()
    return p


def mentor(who: Person | None = None, interests: list[str] = (), **fields) -> MentorProfile:
    fields.setdefault("enrolled_on", dt.date(2020, 1, 1))
    m = people_service.enroll_mentor(who or person(first_name="Morgan"), interests=list(interests), **fields)
    db.session.flush()
    return m


def mentee(
    who: Person | None = None, prog: Program | None = None, pgy: int = 1, interests: list[str] = (), **fields
) -> MenteeProfile:
    fields.setdefault("enrolled_on", dt.date(2020, 1, 1))
    m = people_service.enroll_mentee(
        who or person(first_name="Riley"),
        program_id=(prog or program()).id,
        pgy=pgy,
        interests=list(interests),
        **fields,
    )
    db.session.flush()
    return m


def pairing(
    mentor_: MentorProfile | None = None,
    mentee_: MenteeProfile | None = None,
    start_date: dt.date = dt.date(2025, 7, 1),
    **fields,
) -> Pairing:
    p = Pairing(
        mentor=mentor_ or mentor(),
        mentee=mentee_ or mentee(),
        start_date=start_date,
        kind=fields.pop("kind", "career"),
        **fields,
    )
    db.session.add(p)
    db.session.flush()
    return p


def meeting(pairing_: Pairing, date: dt.date, minutes: int = 60, topics: list[str] = (), **fields) -> Meeting:
    m = Meeting(
        pairing=pairing_,
        date=date,
        duration_minutes=minutes,
        modality=fields.pop("modality", "in_person"),
        status=fields.pop("status", "held"),
        logged_as=fields.pop("logged_as", "mentor"),
        **fields,
    )
    m.topic_rows = [MeetingTopic(topic=t) for t in topics]
    db.session.add(m)
    db.session.flush()
    return m


@functools.cache
def _hash(password: str) -> str:
    # A fast hash for test accounts: the production default (scrypt) is deliberately slow to check,
    # and every login in the suite would pay for it.
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


def user(who: Person | None = None, password: str = PASSWORD, programs: list[Program] = (), **grants) -> User:
    u = User(person=who or person(), session_version=1, **grants)
    u.password_hash = _hash(password)
    if programs:
        u.is_coordinator = True
        u.programs = list(programs)
    db.session.add(u)
    db.session.flush()
    return u


def log_link_token(
    pairing: Pairing, secret_key: str, *, now: dt.datetime | None = None, days: int = 14
) -> str:
    """The token of a new one-click link for `pairing`, as a reminder would email it."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    link = log_links.issue(pairing, now=now, days=days)
    db.session.flush()
    return log_links.token_for(link, secret_key)
