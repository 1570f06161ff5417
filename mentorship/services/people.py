"""Enrolling, listing and editing mentors and mentees, and their self-identification; every change audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from mentorship import vocab
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
    User,
)
from mentorship.services import ServiceError, audit

Profile = MentorProfile | MenteeProfile
P = TypeVar("P", MentorProfile, MenteeProfile)


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


class InvalidContact(ServiceError):
    """A contact detail is not acceptable; `field` names it for the form."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


# A phone number as people write it: digits, spaces, + - . ( ) and an extension ("x123", "ext. 4").
_PHONE_CHARS = set("0123456789 +-.()/xXext")
MAX_AVAILABILITY = 200


def update_contact(
    person: Person, *, phone: str | None, method: str | None, availability: str | None, actor: User | None
) -> None:
    """Save a person's optional contact details (blank clears one); audited without their values."""
    phone = (phone or "").strip() or None
    availability = (availability or "").strip() or None
    method = method or None
    if phone is not None and (
        set(phone) - _PHONE_CHARS or not 7 <= sum(c.isdigit() for c in phone) <= 20 or len(phone) > 30
    ):
        raise InvalidContact("Enter a phone number such as +1 617 555 0100 or (617) 555-0100 x12.", "phone")
    if method is not None and method not in vocab.CONTACT_METHODS:
        raise InvalidContact("Choose how you prefer to be reached from the list.", "contact_method")
    if method in ("phone", "text") and phone is None:
        raise InvalidContact("Add a phone number to be reached by phone or text.", "phone")
    if availability is not None and len(availability) > MAX_AVAILABILITY:
        raise InvalidContact(f"Keep availability under {MAX_AVAILABILITY} characters.", "availability")
    person.phone, person.contact_method, person.availability = phone, method, availability
    audit.record(actor, "person.contact", person, fields=["phone", "contact_method", "availability"])


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


def _set_interests(profile: Profile, interests: Iterable[str]) -> None:
    if isinstance(profile, MentorProfile):
        set_mentor_interests(profile, interests)
    else:
        set_mentee_interests(profile, interests)


def _enroll(person: Person, profile_class: type[P], enrolled_on: dt.date | None, fields: dict[str, Any]) -> P:
    role = "mentor" if profile_class is MentorProfile else "mentee"
    if getattr(person, role) is not None:
        raise ServiceError(f"{person.full_name} is already enrolled as a {role}.")
    interests = fields.pop("interests", [])
    profile = profile_class(person=person, enrolled_on=enrolled_on or dt.date.today(), **fields)
    _set_interests(profile, interests)
    db.session.add(profile)
    return profile


def enroll_mentor(person: Person, enrolled_on: dt.date | None = None, **fields: Any) -> MentorProfile:
    """Give `person` a mentor profile; refused if they have one."""
    return _enroll(person, MentorProfile, enrolled_on, fields)


def enroll_mentee(person: Person, enrolled_on: dt.date | None = None, **fields: Any) -> MenteeProfile:
    """Give `person` a mentee profile; refused if they have one."""
    return _enroll(person, MenteeProfile, enrolled_on, fields)


def enroll_by_email(
    role: str, email: str, first_name: str, last_name: str, *, scope: Scope, actor: User | None, **fields
) -> MentorProfile | MenteeProfile:
    """Enrol the person with `email` as "mentor" or "mentee", adding them if new; audited.

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
    profile = enroll(person, **fields)
    db.session.flush()
    audit.record(actor, f"{role}.create", profile, email=profile.person.email)
    return profile


def role_of(profile: Profile) -> str:
    """ "mentor" or "mentee": the role a profile gives its person."""
    return "mentor" if isinstance(profile, MentorProfile) else "mentee"


def mark_left(profile: Profile, left_on: dt.date, *, actor: User | None) -> None:
    """Record that a mentor or mentee left the program on `left_on`; audited."""
    if left_on < profile.enrolled_on:
        raise ServiceError("The date left cannot be before the date enrolled.")
    profile.left_on = left_on
    audit.record(actor, f"{role_of(profile)}.leave", profile, left_on=left_on)


def update_profile(
    profile: Profile,
    fields: dict[str, Any],
    interests: Iterable[str],
    *,
    actor: User | None,
    **audit_details: Any,
) -> None:
    """Save edited fields of a mentor or mentee profile and its interests; audited with `audit_details`."""
    _set_interests(profile, interests)
    for name, value in fields.items():
        setattr(profile, name, value)
    audit.record(actor, f"{role_of(profile)}.update", profile, **audit_details)


def update_preferences(
    mentee: MenteeProfile,
    *,
    preferred: Sequence[int],
    excluded: Sequence[int],
    concordance_gender: bool,
    concordance_urim: bool,
    interests: Iterable[str],
    actor: User | None,
) -> None:
    """A mentee's own choices: preferred and do-not-match mentors (profile ids), concordance, interests."""
    chosen = {
        m.id: m
        for m in db.session.execute(
            select(MentorProfile).where(MentorProfile.id.in_(set(preferred) | set(excluded)))
        ).scalars()
    }
    mentee.preferred = [chosen[i] for i in preferred]
    mentee.excluded = [chosen[i] for i in excluded]
    mentee.concordance_gender = concordance_gender
    mentee.concordance_urim = concordance_urim
    set_mentee_interests(mentee, interests)
    audit.record(actor, "mentee.update", mentee, by="self")


def mentors_to_choose(exclude_person_id: int, today: dt.date) -> list[MentorProfile]:
    """Mentors a mentee may prefer or exclude: everyone not left, but the mentee themself, by name."""
    return list(
        db.session.execute(
            select(MentorProfile)
            .join(Person)
            .where(MentorProfile.person_id != exclude_person_id)
            .where(MentorProfile.not_left_on(today))
            .options(selectinload(MentorProfile.person))
            .order_by(Person.last_name, Person.first_name)
        ).scalars()
    )


def listing(
    role: str,
    scope: Scope,
    *,
    today: dt.date,
    text: str = "",
    program_id: int | None = None,
    pgy: int | None = None,
    status: str = "enrolled",
    both_roles: bool = False,
) -> Select[Any]:
    """The Mentees or Mentors list's query in `scope`: `text` in the name or email, the program and PGY,
    "enrolled", "left" or "all", and only people in both roles if `both_roles`; by name."""
    profile: type[Profile] = MenteeProfile if role == "mentee" else MentorProfile
    query = select(profile).join(Person, profile.person_id == Person.id)
    query = query.where(scope.mentees() if role == "mentee" else scope.mentors())
    q = text.strip().lower()
    if q:
        like = f"%{q}%"
        query = query.where(
            or_(
                func.lower(Person.email).like(like),
                func.lower(Person.first_name + " " + Person.last_name).like(like),
            )
        )
    if program_id:
        query = query.where(profile.program_id == program_id)
    if pgy:
        query = query.where(profile.pgy == pgy)
    if status == "enrolled":
        query = query.where(profile.not_left_on(today))
    elif status == "left":
        query = query.where(~profile.not_left_on(today))
    if both_roles:
        other: type[Profile] = MentorProfile if role == "mentee" else MenteeProfile
        query = query.where(select(other.id).where(other.person_id == Person.id).exists())
    query = query.options(selectinload(profile.person), selectinload(profile.program))
    return query.order_by(Person.last_name, Person.first_name, Person.id)


def shows_self_identification(person: Person, viewer: User) -> bool:
    """Whether `viewer` sees the person's self-identification on their page; each such view is audited.

    An erased person's retained answers serve closed years' aggregates only, never an individual screen.
    """
    shown = (
        viewer.can_view_demographics and person.self_identification is not None and person.erased_at is None
    )
    if shown:
        audit.record(viewer, "demographics.view", person)
    return shown


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
    """Replace a person's self-identification; every field is optional (the roster import's way: the
    import is audited as a whole)."""
    selfid = person.self_identification
    if selfid is None:
        selfid = SelfIdentification(person=person)
        db.session.add(selfid)
    fields, codes = self_identification_columns(
        gender=gender,
        gender_description=gender_description,
        races=races,
        race_prefer_not=race_prefer_not,
        urim=urim,
        img=img,
        first_generation=first_generation,
        given_on=given_on,
    )
    for name, value in fields.items():
        setattr(selfid, name, value)
    selfid.races = [RaceEthnicity(category=code) for code in codes]
    return selfid


def self_identification_columns(
    *,
    gender: str | None,
    gender_description: str | None = None,
    races: Iterable[str] = (),
    race_prefer_not: bool = False,
    urim: str | None = None,
    img: str | None = None,
    first_generation: str | None = None,
    given_on: dt.date | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """`set_self_identification`'s answers as stored: the columns, and the race codes (one row each).

    Apart so that the roster import, which inserts new people's answers in bulk, stores them the same way.
    """
    fields = {
        "gender": gender or None,
        "gender_description": (gender_description or "").strip() or None
        if gender == "self_described"
        else None,
        "race_prefer_not": race_prefer_not,
        "urim": urim or None,
        "img": img or None,
        "first_generation": first_generation or None,
        "given_on": given_on or dt.date.today(),
    }
    return fields, [] if race_prefer_not else sorted(set(races))


def answer_self_identification(person: Person, *, actor: User | None, **answers: Any) -> SelfIdentification:
    """A person's own answers from the form (`set_self_identification`'s), audited without the answers."""
    selfid = set_self_identification(person, **answers)
    # Only that it changed is logged: the answers themselves stay out of the audit trail.
    audit.record(actor, "self_identification.update", person)
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
