"""Privacy operations: erase a person, export a person's own data.

Erasure keeps the numbers of closed academic years as they were. A person's pairings, meetings
(dates, minutes, status, topics), enrolment dates and program stay, because every metric of
docs/metrics.md counts them. What identifies the person or is private goes:

- name → "Erased person #id"; email → `erased-<id>@erased.invalid` (the `.invalid` top-level
  domain can never route, RFC 2606, and the id keeps it unique);
- the login account is deleted (password hash, grants, program scopes);
- the notes of every meeting of their pairings and the free-text end comments of those pairings;
- the agendas of those pairings' planned meetings (those still planned are cancelled);
- their phone, preferred contact method and availability note;
- interests, preferred and do-not-match lists; the free-text gender description;
- their email in the audit trail (actor email and "email" details of events about them).

Self-identification: the inclusivity report of a closed year counts people by gender, URiM, IMG
and first-generation answers. If the person was enrolled in a year that is already closed, the
structured answers (codes only, no free text) stay attached to the de-identified record so that
those aggregates do not move; no page or export shows an erased person's answers individually.
If the person was never enrolled in a closed year, nothing depends on the answers and they are
deleted. Open pairings end on the day of erasure and open enrolments are closed that day, which
changes only the current year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, or_, select, update

from mentorship.extensions import db
from mentorship.models import (
    AccountInvitation,
    AuditEvent,
    Meeting,
    OutboundEmail,
    Pairing,
    Person,
    PlannedMeeting,
    PulseCheck,
    User,
)
from mentorship.services import ServiceError, audit, log_links
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.pairings import involving

ERASED_DOMAIN = "erased.invalid"


def erased_email(person_id: int) -> str:
    """The placeholder email of an erased person: unique, and never deliverable."""
    return f"erased-{person_id}@{ERASED_DOMAIN}"


def _pairings_of(person: Person) -> list[Pairing]:
    return list(db.session.execute(select(Pairing).where(involving(person)).order_by(Pairing.id)).scalars())


def counted_in_closed_year(person: Person, today: dt.date, start_month: int) -> bool:
    """True if a profile of `person` was enrolled in an academic year that ended before `today`."""
    current_start = academic_year(year_of(today, start_month), start_month).start
    return any(
        profile is not None and profile.enrolled_on < current_start
        for profile in (person.mentor, person.mentee)
    )


def _scrub_outbox(person: Person, old_email: str, pairing_ids: list[int]) -> None:
    """Forget the emails to `person` (address, subject, any unsent body) and their invitations; the
    introductions of their pairings to others keep their row (nobody is introduced twice) without the name
    in the subject."""
    db.session.execute(delete(OutboundEmail).where(OutboundEmail.recipient == old_email))
    db.session.execute(delete(AccountInvitation).where(AccountInvitation.person_id == person.id))
    for pairing_id in pairing_ids:
        db.session.execute(
            update(OutboundEmail)
            .where(OutboundEmail.key.like(f"intro:{pairing_id}:%"))
            .values(subject="Introduction (to a person since erased)", message=None)
        )
        db.session.execute(
            update(OutboundEmail)
            .where(OutboundEmail.key.like(f"intro:{pairing_id}:%"), OutboundEmail.status == "queued")
            .values(status="failed", error="Not sent: a person of the pairing was erased.")
        )


def erase_person(
    person: Person, actor: User | None, *, today: dt.date | None = None, start_month: int = 7
) -> dict[str, Any]:
    """Erase `person` as described in the module docstring; returns what was done (no personal data)."""
    if person.erased_at is not None:
        raise ServiceError("This person was already erased.")
    if actor is not None and actor.person_id == person.id:
        raise ServiceError("You cannot erase yourself; ask another admin.")
    today = today or dt.date.today()
    old_email = person.email
    user = person.user
    pairings = _pairings_of(person)

    notes_removed = 0
    if pairings:
        meetings = db.session.execute(
            select(Meeting).where(Meeting.pairing_id.in_([p.id for p in pairings]))
        ).scalars()
        for meeting in meetings:
            if meeting.notes:
                notes_removed += 1
            meeting.notes = None
        # Agendas are as private as notes; a meeting still planned with an erased person will not happen.
        planned = db.session.execute(
            select(PlannedMeeting).where(PlannedMeeting.pairing_id.in_([p.id for p in pairings]))
        ).scalars()
        for plan in planned:
            plan.agenda = None
            if plan.state == "planned":
                plan.state = "cancelled"
    log_links.revoke([p.id for p in pairings])
    for pairing in pairings:
        pairing.end_comment = None
        if pairing.end_date is None or pairing.end_date > today:
            pairing.end_date = max(today, pairing.start_date)
            pairing.end_reason = pairing.end_reason or "other"

    for profile in (person.mentor, person.mentee):
        if profile is None:
            continue
        profile.interest_rows = []
        if profile.left_on is None or profile.left_on > today:
            profile.left_on = max(today, profile.enrolled_on)
    if person.mentee is not None:
        person.mentee.preferred = []
        person.mentee.excluded = []

    retained = False
    selfid = person.self_identification
    if selfid is not None:
        if counted_in_closed_year(person, today, start_month):
            selfid.gender_description = None  # free text: never kept
            retained = True
        else:
            person.self_identification = None  # delete-orphan removes it and its race rows

    _scrub_audit(person, user, old_email)
    _scrub_outbox(person, old_email, [p.id for p in pairings])
    if user is not None:
        user.programs = []
        db.session.delete(user)

    person.phone = person.contact_method = person.availability = None
    person.first_name = "Erased"
    person.last_name = f"person #{person.id}"
    person.email = erased_email(person.id)
    person.erased_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    done = {
        "pairings": len(pairings),
        "notes_removed": notes_removed,
        "account_removed": user is not None,
        "self_identification": "kept de-identified for closed years" if retained else "deleted",
    }
    audit.record(actor, "person.erase", person, **done)
    return done


def _scrub_audit(person: Person, user: User | None, old_email: str) -> None:
    """Replace the person's email in audit events about them or by them with the placeholder."""
    new_email = erased_email(person.id)
    targets = [("Person", person.id)]
    if person.mentor is not None:
        targets.append(("MentorProfile", person.mentor.id))
    if person.mentee is not None:
        targets.append(("MenteeProfile", person.mentee.id))
    if user is not None:
        targets.append(("User", user.id))
    conditions = [AuditEvent.actor_email == old_email]
    if user is not None:
        conditions.append(AuditEvent.actor_id == user.id)
    conditions += [(AuditEvent.target_type == t) & (AuditEvent.target_id == i) for t, i in targets]
    for event in db.session.execute(select(AuditEvent).where(or_(*conditions))).scalars():
        if event.actor_email == old_email:
            event.actor_email = new_email
        event.details = _replace(event.details or {}, old_email, new_email)


def _replace(value: Any, old: str, new: str) -> Any:
    if isinstance(value, dict):
        return {k: _replace(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    if isinstance(value, str) and value.strip().lower() == old:
        return new
    return value


def export_person(person: Person, *, include_notes: bool, actor: User | None, by: str) -> dict[str, Any]:
    """The person's own data as a JSON-ready dict: profile, pairings, meetings, self-identification;
    audited as downloaded `by` "self" or "admin".

    Meeting notes belong to the pairing's two people: they are included when the person downloads
    their own data, and withheld (`include_notes=False`) when an admin downloads it for them.
    """
    if person.erased_at is not None:
        raise ServiceError("This person was erased; there is no personal data left to export.")
    data: dict[str, Any] = {
        "exported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat(),
        "person": {
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "phone": person.phone,
            "contact_method": person.contact_method,
            "availability": person.availability,
            "created_at": _iso(person.created_at),
        },
        "mentor_profile": None,
        "mentee_profile": None,
        "self_identification": None,
        "pairings": [],
        "pulse_checks": [],
    }
    if person.mentor is not None:
        m = person.mentor
        data["mentor_profile"] = {
            "mentor_type": m.mentor_type,
            "department": m.department,
            "specialty": m.specialty,
            "rank": m.rank,
            "program": m.program.name if m.program else None,
            "pgy": m.pgy,
            "capacity": m.capacity,
            "interests": m.interests,
            "enrolled_on": _iso(m.enrolled_on),
            "left_on": _iso(m.left_on),
        }
    if person.mentee is not None:
        mentee = person.mentee
        data["mentee_profile"] = {
            "program": mentee.program.name,
            "pgy": mentee.pgy,
            "interests": mentee.interests,
            "preferred_mentors": sorted(x.person.email for x in mentee.preferred),
            "do_not_match": sorted(x.person.email for x in mentee.excluded),
            "concordance_request": {"gender": mentee.concordance_gender, "urim": mentee.concordance_urim},
            "enrolled_on": _iso(mentee.enrolled_on),
            "left_on": _iso(mentee.left_on),
        }
    s = person.self_identification
    if s is not None:
        data["self_identification"] = {
            "gender": s.gender,
            "gender_description": s.gender_description,
            "race_ethnicity": s.race_codes,
            "race_prefer_not": s.race_prefer_not,
            "urim": s.urim,
            "img": s.img,
            "first_generation": s.first_generation,
            "given_on": _iso(s.given_on),
        }
    pairings = _pairings_of(person)
    meetings: dict[int, list[Meeting]] = {p.id: [] for p in pairings}
    if pairings:
        for meeting in db.session.execute(
            select(Meeting)
            .where(Meeting.pairing_id.in_(list(meetings)), Meeting.deleted_at.is_(None))
            .order_by(Meeting.date, Meeting.id)
        ).scalars():
            meetings[meeting.pairing_id].append(meeting)
    for p in pairings:
        role = "mentor" if person.mentor is not None and p.mentor_id == person.mentor.id else "mentee"
        other = p.mentee.person if role == "mentor" else p.mentor.person
        data["pairings"].append(
            {
                "my_role": role,
                "with": {"name": other.full_name, "email": other.email},
                "kind": p.kind,
                "start_date": _iso(p.start_date),
                "end_date": _iso(p.end_date),
                "end_reason": p.end_reason,
                "meetings": [_meeting(m, person.id, include_notes) for m in meetings[p.id]],
            }
        )
    checks = db.session.execute(
        select(PulseCheck, Pairing.start_date)
        .join(Pairing, Pairing.id == PulseCheck.pairing_id)
        .where(PulseCheck.person_id == person.id)
        .order_by(PulseCheck.id)
    ).all()
    for check, pairing_start in checks:
        data["pulse_checks"].append(
            {
                "pairing_start": _iso(pairing_start),
                "answered_at": _iso(check.answered_at),
                "rating": check.rating,
                "fit": check.fit,
            }
        )
    if not include_notes:
        data["notes_withheld"] = (
            "Meeting notes are visible only to the two people of a pairing; "
            "the person can download them from their own profile page."
        )
    audit.record(actor, "person.export", person, by=by, notes=include_notes)
    return data


def _meeting(meeting: Meeting, person_id: int, include_notes: bool) -> dict[str, Any]:
    row = {
        "date": _iso(meeting.date),
        "duration_minutes": meeting.duration_minutes,
        "modality": meeting.modality,
        "status": meeting.status,
        "topics": meeting.topics,
        "logged_by_me": meeting.logged_by_id == person_id,
        "confirmed": meeting.confirmed_at is not None,
    }
    if include_notes:
        row["notes"] = meeting.notes
    return row


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
