"""Introduction emails: on every new pairing, both people learn who the other is and how to reach them.

Each email is queued in the outbox under `intro:<pairing>:<person>` (a resend adds its own suffix), so
applying a run twice, a retried job or a re-run command introduces nobody twice. Only the mentor's email
carries a one-click log link; it is issued only when that email is really queued.

Building and sending run as a job (`introduce_soon`): a page that applies 300 matches only enqueues it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import MenteeProfile, MentorProfile, OutboundEmail, Pairing, Person, User
from mentorship.models.accounts import coordinator_programs
from mentorship.services import ServiceError, audit, jobs, log_links, mail
from mentorship.services.meetings import utcnow
from mentorship.services.reminders import NEVER_MET_DAYS

KIND = "introduction"


@dataclass(frozen=True)
class IntroSettings:
    """What an introduction needs from the app's settings."""

    base_url: str
    secret_key: str
    link_days: int
    engagement_target: int
    agendas: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> IntroSettings:
        """The settings of the running app (docs/configuration.md, Introductions)."""
        return cls(
            config["BASE_URL"].rstrip("/"),
            config["SECRET_KEY"],
            config["LOG_LINK_DAYS"],
            config["ENGAGEMENT_TARGET"],
            config["INTRO_AGENDAS"],
        )


@dataclass(frozen=True)
class Coordinator:
    """Whom the pair writes to with questions: who made the pairing, else a coordinator of the program."""

    name: str
    email: str


def contact_details(person: Person) -> list[tuple[str, str]]:
    """The ways to reach `person` that their pair may see, as (label, value) lines.

    The place for every contact field a profile has: each optional one is added here when present.
    """
    lines = [("Email", person.email)]
    if person.phone:
        lines.append(("Phone", person.phone))
    if person.contact_method:
        lines.append(("Prefers", vocab.label(vocab.CONTACT_METHODS, person.contact_method).lower()))
    if person.availability:
        lines.append(("Available", person.availability))
    return lines


def key_for(pairing_id: int, person_id: int, event: str = "") -> str:
    """The outbox key of one person's introduction to one pairing (`event` tells resends apart)."""
    return f"intro:{pairing_id}:{person_id}" + (f":{event}" if event else "")


def resend(pairing: Pairing, actor: User) -> str:
    """Record a coordinator's resend of `pairing`'s introduction (audited); the event name to pass to
    `introduce_soon` after the commit. Each resend is its own event, so it is a new email to both."""
    if pairing.end_date is not None:
        raise ServiceError("This pairing has ended: there is nobody to introduce.")
    event = "resend-" + secrets.token_hex(6)
    audit.record(actor, "pairing.introduction_resend", pairing, event=event)
    return event


@dataclass(frozen=True)
class Sent:
    """What a pairing's page says of its introductions: how many emails, and the last one's time."""

    count: int
    last: dt.datetime | None


def sent_for(pairing_id: int) -> Sent:
    """The introduction emails of `pairing_id` that went out."""
    count, last = db.session.execute(
        select(func.count(), func.max(OutboundEmail.sent_at)).where(
            OutboundEmail.kind == KIND,
            OutboundEmail.key.like(f"intro:{pairing_id}:%"),
            OutboundEmail.status == "sent",
        )
    ).one()
    return Sent(count, last)


def _coordinator(pairing: Pairing) -> Coordinator | None:
    creator = db.session.get(User, pairing.created_by_id) if pairing.created_by_id else None
    if creator is None or not (creator.is_coordinator or creator.is_admin):
        creator = db.session.scalars(
            select(User)
            .join(coordinator_programs, coordinator_programs.c.user_id == User.id)
            .join(Person, Person.id == User.person_id)
            .where(coordinator_programs.c.program_id == pairing.mentee.program_id, User.is_coordinator)
            .order_by(Person.last_name, Person.first_name, User.id)
            .limit(1)
        ).first()
    if creator is None:
        return None
    return Coordinator(creator.person.full_name, creator.person.email)


def _day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def subject_for(other: Person, program: str) -> str:
    """The subject line: "You are paired with Dr Lena Park — General Surgery mentorship"."""
    return f"You are paired with {other.full_name} — {program} mentorship"


def _email(
    pairing: Pairing, role: str, settings: IntroSettings, coordinator: Coordinator | None, link: str | None
) -> mail.Email:
    me, other = (
        (pairing.mentor.person, pairing.mentee.person)
        if role == "mentor"
        else (pairing.mentee.person, pairing.mentor.person)
    )
    program = pairing.mentee.program.name
    first_meeting_by = max(pairing.start_date, dt.date.today()) + dt.timedelta(days=NEVER_MET_DAYS)
    return mail.render(
        KIND,
        to=me.email,
        to_name=me.full_name,
        subject=subject_for(other, program),
        reply_to=coordinator.email if coordinator else None,
        role=role,
        me=me,
        other=other,
        other_role="mentee" if role == "mentor" else "mentor",
        program=program,
        kind=vocab.label(vocab.PAIRING_KINDS, pairing.kind).lower(),
        mentor_type=vocab.label(vocab.MENTOR_TYPES, pairing.mentor.mentor_type),
        pgy=pairing.mentee.pgy,
        trainee="fellow" if pairing.mentee.program.kind == "fellowship" else "resident",
        start=_day(pairing.start_date),
        contact=contact_details(other),
        first_meeting_days=NEVER_MET_DAYS,
        first_meeting_by=_day(first_meeting_by),
        target=settings.engagement_target,
        agenda=settings.agendas.get(pairing.kind, ()),
        coordinator=coordinator,
        link=link,
        link_days=settings.link_days,
        base_url=settings.base_url,
    )


def queue_for(
    pairings: Sequence[Pairing], *, settings: IntroSettings, now: dt.datetime, event: str = ""
) -> list[int]:
    """Queue the introductions of `pairings` to both people (those not queued before under `event`);
    the outbox ids queued. The caller commits, then delivers them."""
    keys = {
        key_for(p.id, person_id, event): (p, role)
        for p in pairings
        for role, person_id in (("mentor", p.mentor.person_id), ("mentee", p.mentee.person_id))
    }
    known = set(db.session.scalars(select(OutboundEmail.key).where(OutboundEmail.key.in_(list(keys)))))
    coordinators: dict[int, Coordinator | None] = {}
    queued = []
    for key, (pairing, role) in keys.items():
        if key in known:
            continue
        if pairing.id not in coordinators:
            coordinators[pairing.id] = _coordinator(pairing)
        link = None
        if role == "mentor":
            record = log_links.issue(pairing, now=now, days=settings.link_days, sent_with=KIND)
            link = log_links.url_for_link(settings.base_url, record, settings.secret_key)
        row = mail.queue(
            _email(pairing, role, settings, coordinators[pairing.id], link), key=key, kind=KIND, now=now
        )
        if row is not None:
            queued.append(row.id)
    db.session.flush()
    return queued


def _load(pairing_ids: Sequence[int]) -> list[Pairing]:
    return list(
        db.session.scalars(
            select(Pairing)
            .where(Pairing.id.in_(list(pairing_ids)), Pairing.end_date.is_(None))
            .order_by(Pairing.id)
            .options(
                selectinload(Pairing.mentor).selectinload(MentorProfile.person),
                selectinload(Pairing.mentee).selectinload(MenteeProfile.person),
                selectinload(Pairing.mentee).selectinload(MenteeProfile.program),
            )
        )
    )


def introduce(pairing_ids: list[int], event: str = "") -> dict[str, int]:
    """Job: queue and send the introductions of `pairing_ids` (the job runner commits)."""
    now = utcnow()
    ids = queue_for(
        _load(pairing_ids), settings=IntroSettings.from_config(current_app.config), now=now, event=event
    )
    result = mail.deliver(ids, now=now)
    return {"queued": len(ids), "sent": len(result.sent), "failed": len(result.failed)}


def introduce_soon(pairing_ids: Sequence[int], event: str = "") -> jobs.Job | None:
    """Introduce the people of `pairing_ids` in a job (None when there are none); in a request it starts
    after the view's commit, elsewhere commit first."""
    if not pairing_ids:
        return None
    return jobs.enqueue(f"{__name__}:introduce", list(pairing_ids), event, description="introductions")
