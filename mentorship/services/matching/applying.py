"""Applying a reviewed matching run (a suggestion file or the web draft): its pairings, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import Pairing, Person, User
from mentorship.services import ServiceError, audit
from mentorship.services.matching.candidates import in_pool, near_peer_allowed
from mentorship.services.pairings import ConcurrentChange, create_pairing, lock_mentors
from mentorship.services.people import normalise_email


class ApplyErrors(ServiceError):
    """A suggestion file or draft has problems; nothing was applied."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} problem(s); nothing was paired.")
        self.errors = errors


@dataclass(frozen=True)
class ApplyRow:
    """One row of a suggestion file or draft: `row` is its number as the person sees it."""

    row: int
    mentee_email: str
    mentor_email: str
    kind: str


def apply_rows(
    rows: Sequence[ApplyRow],
    actor: User | None,
    start_date: dt.date,
    *,
    mentee_programs: frozenset[int] | None = None,
    pool_programs: frozenset[int] | None = None,
    today: dt.date | None = None,
    source: str = "match.apply",
    near_peer_any_program: bool = False,
    **audit_details: Any,
) -> list[Pairing]:
    """Create the pairings of `rows` (blank mentor = skipped), all or nothing, audited as `match.apply`
    (with `audit_details`) besides each pairing's own event.

    Every row is checked against the matching rules and capacity at this moment, with the mentors locked;
    on any problem ApplyErrors lists them by row and the caller rolls back.
    """
    errors: list[tuple[int, str]] = []
    wanted = [r for r in rows if r.mentor_email.strip()]
    emails = {normalise_email(r.mentee_email) for r in wanted} | {
        normalise_email(r.mentor_email) for r in wanted
    }
    people = {}
    email_list = sorted(e for e in emails if e)
    for start in range(0, len(email_list), 900):
        for person in db.session.execute(
            select(Person)
            .where(func.lower(func.trim(Person.email)).in_(email_list[start : start + 900]))
            .options(selectinload(Person.mentor), selectinload(Person.mentee))
        ).scalars():
            people[normalise_email(person.email)] = person
    lock_mentors(p.mentor.id for p in people.values() if p.mentor is not None)
    seen: dict[tuple[str, str], int] = {}
    created = []
    for r in wanted:
        mentee_email, mentor_email = normalise_email(r.mentee_email), normalise_email(r.mentor_email)
        kind = vocab.match_choice(r.kind, vocab.PAIRING_KINDS) if r.kind.strip() else "career"
        if not mentee_email:
            errors.append((r.row, "mentee_email is empty."))
            continue
        mentee_person, mentor_person = people.get(mentee_email), people.get(mentor_email)
        if mentee_person is None or mentee_person.mentee is None:
            errors.append((r.row, f"No mentee with email {mentee_email}."))
            continue
        if mentor_person is None or mentor_person.mentor is None:
            errors.append((r.row, f"No mentor with email {mentor_email}."))
            continue
        if kind is None:
            errors.append((r.row, f"Unknown kind {r.kind!r}; use one of {', '.join(vocab.PAIRING_KINDS)}."))
            continue
        mentee, mentor = mentee_person.mentee, mentor_person.mentor
        if mentee_programs is not None and mentee.program_id not in mentee_programs:
            errors.append((r.row, f"{mentee_email} is not a mentee of your programs."))
            continue
        if not in_pool(mentor, pool_programs):
            errors.append((r.row, f"{mentor_email} is not a mentor available to your programs."))
            continue
        if not near_peer_allowed(mentor, mentee, near_peer_any_program):
            errors.append((r.row, f"{mentor_email} is a near-peer of another program than {mentee_email}'s."))
            continue
        if (mentee_email, kind) in seen:
            errors.append((r.row, f"{mentee_email} already has a {kind} row ({seen[(mentee_email, kind)]})."))
            continue
        seen[(mentee_email, kind)] = r.row
        try:
            created.append(
                create_pairing(
                    mentor, mentee, kind, start_date, actor, for_matching=True, today=today, source=source
                )
            )
        except ConcurrentChange:
            raise
        except ServiceError as exc:
            errors.append((r.row, str(exc)))
    if errors:
        raise ApplyErrors(errors)
    audit.record(actor, "match.apply", None, **audit_details, created=len(created))
    return created
