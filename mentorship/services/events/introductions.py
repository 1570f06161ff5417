"""Introductions, the weak ties that open doors: a mentor (of that mentee) or a coordinator (in scope)
introduces a mentee to an enrolled mentor or to an outside contact, with a purpose and a line of context.
Both get an email; the mentee records the outcome (met, not yet, no response)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mentorship import vocab
from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import Introduction, MenteeProfile, MentorProfile, Pairing, Person
from mentorship.services import ServiceError, audit, mail

MAX_CONTEXT = 300
MAX_FIELD = 200


class InvalidIntroduction(ServiceError):
    """A field of an introduction is not acceptable; `field` names it."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass
class IntroductionInput:
    """What the introducer enters: an enrolled mentor's id, or an outside contact's details."""

    purpose: str
    context: str | None = None
    mentor_id: int | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_institution: str | None = None
    contact_role: str | None = None


def mentors_of(mentee: MenteeProfile, day: dt.date) -> set[int]:
    """Person ids of the mentee's mentors with a pairing open on `day`."""
    rows = db.session.execute(
        select(MentorProfile.person_id)
        .join(Pairing, Pairing.mentor_id == MentorProfile.id)
        .where(Pairing.mentee_id == mentee.id, Pairing.open_on(day))
    ).scalars()
    return set(rows)


def may_introduce(person: Person, scope: Scope, is_staff: bool, mentee: MenteeProfile, day: dt.date) -> bool:
    """A current mentor of the mentee, or staff whose scope covers the mentee's program."""
    if is_staff and scope.covers_program(mentee.program_id):
        return True
    return person.id in mentors_of(mentee, day)


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


def validate(mentee: MenteeProfile, data: IntroductionInput) -> None:
    """Raise InvalidIntroduction naming the field unless `data` is an introduction of this mentee."""
    if data.purpose not in vocab.INTRODUCTION_PURPOSES:
        raise InvalidIntroduction("Choose a purpose from the list.", "purpose")
    if data.context and len(data.context.strip()) > MAX_CONTEXT:
        raise InvalidIntroduction(f"The context cannot be longer than {MAX_CONTEXT} characters.", "context")
    outside = any(_clean(v) for v in (data.contact_name, data.contact_email))
    if data.mentor_id is not None and outside:
        raise InvalidIntroduction(
            "Choose an enrolled mentor or enter an outside contact, not both.", "mentor_id"
        )
    if data.mentor_id is not None:
        mentor = db.session.get(MentorProfile, data.mentor_id)
        if mentor is None or mentor.person.erased_at is not None:
            raise InvalidIntroduction("Choose a mentor from the list.", "mentor_id")
        if mentor.person_id == mentee.person_id:
            raise InvalidIntroduction("A mentee cannot be introduced to themself.", "mentor_id")
        return
    if not _clean(data.contact_name):
        raise InvalidIntroduction(
            "Choose an enrolled mentor, or enter the outside contact's name.", "contact_name"
        )
    email = _clean(data.contact_email)
    if not email:
        raise InvalidIntroduction("Enter the outside contact's email.", "contact_email")
    # Imported here, as WTForms' Email() does: compiling its patterns would slow every start.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidIntroduction("Enter a valid email address.", "contact_email") from None
    if email.lower() == mentee.person.email:
        raise InvalidIntroduction("That is the mentee's own email.", "contact_email")
    for name in ("contact_name", "contact_institution", "contact_role"):
        value = _clean(getattr(data, name))
        if value and len(value) > MAX_FIELD:
            raise InvalidIntroduction(f"Keep it under {MAX_FIELD} characters.", name)


def introduce(
    mentee: MenteeProfile, data: IntroductionInput, *, by: Person, now: dt.datetime
) -> Introduction:
    """Record an introduction (the caller has checked `may_introduce`); `now` is naive UTC."""
    validate(mentee, data)
    intro = Introduction(
        mentee_id=mentee.id,
        introduced_by_id=by.id,
        mentor_id=data.mentor_id,
        contact_name=None if data.mentor_id else _clean(data.contact_name),
        contact_email=None if data.mentor_id else (_clean(data.contact_email) or "").lower() or None,
        contact_institution=None if data.mentor_id else _clean(data.contact_institution),
        contact_role=None if data.mentor_id else _clean(data.contact_role),
        purpose=data.purpose,
        context=_clean(data.context),
        created_at=now,
    )
    db.session.add(intro)
    db.session.flush()
    audit.record(by.user, "introduction.create", intro, mentee_id=mentee.id, purpose=data.purpose)
    return intro


def record_outcome(intro: Introduction, outcome: str, *, by: Person, now: dt.datetime) -> None:
    """The mentee records what came of an introduction."""
    if by.id != intro.mentee.person_id:
        raise ServiceError("Only the mentee records the outcome of an introduction.")
    if outcome not in vocab.INTRODUCTION_OUTCOMES:
        raise InvalidIntroduction("Choose met, not yet or no response.", "outcome")
    intro.outcome, intro.outcome_at = outcome, now
    audit.record(by.user, "introduction.outcome", intro, outcome=outcome)


def listed(*, made_by: Person | None = None, mentee: MenteeProfile | None = None, scope: Scope | None = None):
    """Introductions made by a person, of a mentee, or of the mentees of a staff scope; newest first."""
    query = (
        select(Introduction)
        .join(MenteeProfile, MenteeProfile.id == Introduction.mentee_id)
        .options(
            selectinload(Introduction.mentee).selectinload(MenteeProfile.person),
            selectinload(Introduction.mentor).selectinload(MentorProfile.person),
            selectinload(Introduction.introduced_by),
        )
        .order_by(Introduction.created_at.desc(), Introduction.id.desc())
    )
    if made_by is not None:
        query = query.where(Introduction.introduced_by_id == made_by.id)
    if mentee is not None:
        query = query.where(Introduction.mentee_id == mentee.id)
    if scope is not None:
        query = query.where(scope.mentees())
    return list(db.session.execute(query).scalars())


def queue_emails(intro: Introduction, *, link: Callable[[Introduction], str], now: dt.datetime) -> list[int]:
    """Queue the introduction's email to the mentee and to the colleague, once each; the outbox ids."""
    mentee = intro.mentee.person
    by = intro.introduced_by
    context: dict[str, Any] = {
        "mentee": mentee,
        "colleague_name": intro.colleague_name,
        "colleague_email": intro.colleague_email,
        "institution": intro.contact_institution if intro.mentor is None else (intro.mentor.department or ""),
        "role": intro.contact_role if intro.mentor is None else (intro.mentor.rank or ""),
        "purpose": vocab.label(vocab.INTRODUCTION_PURPOSES, intro.purpose),
        "context": intro.context or "",
        "by": by,
    }
    ids = []
    for to, to_name, for_mentee in (
        (mentee.email, mentee.full_name, True),
        (intro.colleague_email, intro.colleague_name, False),
    ):
        email = mail.render(
            "network_introduction",
            to=to,
            to_name=to_name,
            subject=f"An introduction: {mentee.full_name} and {intro.colleague_name}",
            reply_to=by.email if by else None,
            for_mentee=for_mentee,
            link=link(intro) if for_mentee else "",
            **context,
        )
        row = mail.queue(email, key=f"network-intro:{intro.id}:{to}", kind="network_introduction", now=now)
        if row is not None:
            ids.append(row.id)
    return ids
