"""Enrolling people as mentors and mentees, and their self-identification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol

from sqlalchemy import func, select

from mentorship.access import Scope, person_in_scope
from mentorship.extensions import db
from mentorship.models import (
    MenteeInterest,
    MenteeProfile,
    MentorInterest,
    MentorProfile,
    Person,
    RaceEthnicity,
    SelfIdentification,
)
from mentorship.services import ServiceError


class DuplicateEmail(ServiceError):
    """Another person already has this email."""

    def __init__(self, existing: Person):
        super().__init__(f"{existing.email} already belongs to {existing.full_name}.")
        self.existing = existing


def normalise_email(email: str) -> str:
    """Identity is the email, trimmed and compared case-insensitively."""
    return email.strip().lower()


def find_person(email: str) -> Person | None:
    """The person with `email` (any case), or None."""
    return db.session.execute(
        select(Person).where(func.lower(Person.email) == normalise_email(email))
    ).scalar_one_or_none()


def create_person(email: str, first_name: str, last_name: str) -> Person:
    """Add a new person; refuses an email that is already taken."""
    existing = find_person(email)
    if existing is not None:
        raise DuplicateEmail(existing)
    person = Person(email=normalise_email(email), first_name=first_name.strip(), last_name=last_name.strip())
    db.session.add(person)
    return person


class OutsideScope(ServiceError):
    """A program coordinator named someone who is enrolled outside their programs."""

    def __init__(self, email: str):
        super().__init__(
            f"{normalise_email(email)} is already enrolled elsewhere; "
            "ask the GME office to add them to your program."
        )


def rename_person(person: Person, first_name: str, last_name: str) -> None:
    """Change a person's name (their email is changed with accounts.change_email)."""
    person.first_name = first_name.strip()
    person.last_name = last_name.strip()


def parse_interests(text: str | Iterable[str] | None) -> list[str]:
    """Interests as trimmed lower-case unique names, from a `;`/`,` separated string or a list."""
    if text is None:
        return []
    parts = text.replace(",", ";").split(";") if isinstance(text, str) else list(text)
    seen: dict[str, None] = {}
    for part in parts:
        name = " ".join(part.split()).lower()
        if name:
            seen[name[:100]] = None
    return list(seen)


def set_mentor_interests(mentor: MentorProfile, interests: Iterable[str]) -> None:
    """Replace a mentor's interests."""
    names = parse_interests(list(interests))
    mentor.interest_rows = [MentorInterest(interest=name) for name in names]


def set_mentee_interests(mentee: MenteeProfile, interests: Iterable[str]) -> None:
    """Replace a mentee's interests."""
    names = parse_interests(list(interests))
    mentee.interest_rows = [MenteeInterest(interest=name) for name in names]


def enroll_mentor(person: Person, enrolled_on: dt.date | None = None, **fields) -> MentorProfile:
    """Give `person` a mentor profile (or return the one they have)."""
    if person.mentor is not None:
        raise ServiceError(f"{person.full_name} is already enrolled as a mentor.")
    interests = fields.pop("interests", [])
    mentor = MentorProfile(person=person, enrolled_on=enrolled_on or dt.date.today(), **fields)
    set_mentor_interests(mentor, interests)
    db.session.add(mentor)
    return mentor


def enroll_mentee(person: Person, enrolled_on: dt.date | None = None, **fields) -> MenteeProfile:
    """Give `person` a mentee profile."""
    if person.mentee is not None:
        raise ServiceError(f"{person.full_name} is already enrolled as a mentee.")
    interests = fields.pop("interests", [])
    mentee = MenteeProfile(person=person, enrolled_on=enrolled_on or dt.date.today(), **fields)
    set_mentee_interests(mentee, interests)
    db.session.add(mentee)
    return mentee


def enroll_by_email(
    role: str, email: str, first_name: str, last_name: str, *, scope: Scope, **fields
) -> MentorProfile | MenteeProfile:
    """Enrol the person with `email` as "mentor" or "mentee", adding them if new.

    Someone already known in the other role (a senior resident who mentors) keeps their record. A program
    coordinator (`scope` of some programs) never brings a person known outside their scope into it: once in
    scope, their login could be taken over through an email change (see docs/privacy.md).
    """
    person = find_person(email)
    if person is not None and not person_in_scope(scope, person.id):
        raise OutsideScope(email)
    if person is not None and getattr(person, role) is not None:
        raise DuplicateEmail(person)
    person = person or create_person(email, first_name, last_name)
    enroll = enroll_mentor if role == "mentor" else enroll_mentee
    return enroll(person, **fields)


def mark_left(profile: MentorProfile | MenteeProfile, left_on: dt.date) -> None:
    """Record that a mentor or mentee left the program on `left_on`."""
    if left_on < profile.enrolled_on:
        raise ServiceError("The date left cannot be before the date enrolled.")
    profile.left_on = left_on


def set_self_identification(
    person: Person,
    *,
    gender: str | None,
    gender_description: str | None = None,
    races: Iterable[str] = (),
    race_prefer_not: bool = False,
    urim: str | None = None,
    img: str | None = None,
    first_generation: str | None = None,
    given_on: dt.date | None = None,
) -> SelfIdentification:
    """Replace a person's self-identification; every field is optional."""
    selfid = person.self_identification
    if selfid is None:
        selfid = SelfIdentification(person=person)
        db.session.add(selfid)
    selfid.gender = gender or None
    selfid.gender_description = (
        (gender_description or "").strip() or None if gender == "self_described" else None
    )
    selfid.race_prefer_not = race_prefer_not
    codes = [] if race_prefer_not else sorted(set(races))
    selfid.races = [RaceEthnicity(category=code) for code in codes]
    selfid.urim = urim or None
    selfid.img = img or None
    selfid.first_generation = first_generation or None
    selfid.given_on = given_on or dt.date.today()
    return selfid


class SelfIdentificationAnswers(Protocol):
    """What the rules read of a self-identification: the model, or a row loaded without the ORM."""

    @property
    def urim(self) -> str | None: ...
    @property
    def race_prefer_not(self) -> bool: ...
    @property
    def races(self) -> Sequence[object]: ...
    @property
    def race_codes(self) -> Sequence[str]: ...
    @property
    def gender(self) -> str | None: ...
    @property
    def img(self) -> str | None: ...
    @property
    def first_generation(self) -> str | None: ...


def effective_urim(selfid: SelfIdentificationAnswers | None, urim_categories: Iterable[str]) -> str | None:
    """URiM: an explicit yes/no answer wins; else derived from race (URIM_CATEGORIES); None = undisclosed."""
    if selfid is None:
        return None
    if selfid.urim in {"yes", "no"}:
        return selfid.urim
    if selfid.urim == "prefer_not" or selfid.race_prefer_not or not selfid.races:
        return None
    return "yes" if set(selfid.race_codes) & set(urim_categories) else "no"
