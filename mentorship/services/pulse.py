"""The pulse check: after a pairing's first held meeting, then every 90 days, each person is asked
"How is this mentorship going?" (1-5) and "Is this a good fit?" (yes / not sure / no).

A mentee's "no" flags the pairing for the coordinator until the coordinator resolves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, and_, func, select, true

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import Meeting, MenteeProfile, Pairing, Person, PulseCheck, User
from mentorship.services import ServiceError, audit
from mentorship.services.metrics.queries import counted_meeting

PULSE_INTERVAL_DAYS = 90


def first_meetings(pairing_ids: Iterable[int], as_of: dt.date) -> dict[int, dt.date]:
    """Date of each pairing's first held meeting on or before `as_of` (pairings without one are absent)."""
    ids = list(pairing_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Meeting.pairing_id, func.min(Meeting.date))
        .where(Meeting.pairing_id.in_(ids), counted_meeting(), Meeting.date <= as_of)
        .group_by(Meeting.pairing_id)
    )
    return dict(rows.all())


def last_answers(person_id: int, pairing_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When `person_id` last answered the pulse check of each pairing."""
    ids = list(pairing_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(PulseCheck.pairing_id, func.max(PulseCheck.answered_at))
        .where(PulseCheck.pairing_id.in_(ids), PulseCheck.person_id == person_id)
        .group_by(PulseCheck.pairing_id)
    )
    return dict(rows.all())


def is_due(first_meeting: dt.date | None, last_answer: dt.datetime | None, today: dt.date) -> bool:
    """Due once the first held meeting happened, then again PULSE_INTERVAL_DAYS after the last answer."""
    if first_meeting is None:
        return False
    if last_answer is None:
        return True
    return (today - last_answer.date()).days >= PULSE_INTERVAL_DAYS


def due_pairings(person: Person, pairings: list[Pairing], today: dt.date) -> list[Pairing]:
    """Of `pairings` (active ones), those whose pulse check `person` should answer now; two queries."""
    ids = [p.id for p in pairings]
    firsts = first_meetings(ids, today)
    answers = last_answers(person.id, ids)
    return [p for p in pairings if is_due(firsts.get(p.id), answers.get(p.id), today)]


def record_answer(pairing: Pairing, person: Person, rating: int, fit: str, now: dt.datetime) -> PulseCheck:
    """Store one person's answer; the route has checked that they belong to the pairing."""
    if rating not in range(1, 6):
        raise ServiceError("Choose a rating from 1 to 5.")
    if fit not in vocab.PULSE_FIT:
        raise ServiceError("Choose whether this is a good fit.")
    if person.id not in (pairing.mentor.person_id, pairing.mentee.person_id):
        raise ServiceError("You are not part of this mentorship.")
    check = PulseCheck(pairing_id=pairing.id, person_id=person.id, answered_at=now, rating=rating, fit=fit)
    db.session.add(check)
    db.session.flush()
    # The answer itself stays out of the audit trail; the flag is what the coordinator acts on.
    audit.record(person.user, "pulse.answer", check, pairing_id=pairing.id)
    return check


def _mentee_no():
    """Condition on PulseCheck: an unresolved "no" given by the pairing's mentee."""
    mentee_person = (
        select(MenteeProfile.person_id)
        .join(Pairing, Pairing.mentee_id == MenteeProfile.id)
        .where(Pairing.id == PulseCheck.pairing_id)
        .scalar_subquery()
    )
    return and_(
        PulseCheck.fit == "no", PulseCheck.resolved_at.is_(None), PulseCheck.person_id == mentee_person
    )


def flagged_query(where: ColumnElement[bool] | None = None) -> Select[int, dt.datetime]:
    """The query of `flagged`: (pairing id, latest such answer)."""
    return (
        select(PulseCheck.pairing_id, func.max(PulseCheck.answered_at))
        .join(Pairing, Pairing.id == PulseCheck.pairing_id)
        .where(_mentee_no(), where if where is not None else true())
        .group_by(PulseCheck.pairing_id)
    )


def flagged(where: ColumnElement[bool] | None = None) -> dict[int, dt.datetime]:
    """Pairings (matching `where`, a condition on Pairing) flagged by their mentee's "no", with the latest
    such answer; one query."""
    return dict(db.session.execute(flagged_query(where)).all())


def resolve(pairing: Pairing, now: dt.datetime, *, actor: User | None) -> int:
    """Mark the pairing's open flags resolved, audited; returns how many there were."""
    checks = db.session.execute(
        select(PulseCheck).where(PulseCheck.pairing_id == pairing.id, _mentee_no())
    ).scalars()
    count = 0
    for check in checks:
        check.resolved_at = now
        count += 1
    if not count:
        raise ServiceError("This pairing has no open flag.")
    audit.record(actor, "pulse.resolve", pairing, flags=count)
    return count
