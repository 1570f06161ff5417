"""Creating, ending and rematching pairings with their guards; a person's pairings.

Capacity is checked inside the caller's transaction after locking the mentor rows, so two people
pairing at the same moment are serialised: PostgreSQL takes `SELECT ... FOR UPDATE` on the mentor
profiles; SQLite starts the write transaction (a no-op UPDATE takes the database's write lock) before
counting. The callers commit once, or roll back on any ServiceError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    Select,
    false,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased, contains_eager, joinedload

from mentorship import vocab
from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import (
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
    Program,
    User,
)
from mentorship.services import ServiceError, audit, log_links


class ConcurrentChange(ServiceError):
    """Another change held the lock for too long; nothing was saved."""


def lock_mentors(mentor_ids: Iterable[int]) -> None:
    """Serialise capacity checks on these mentors until the transaction ends."""
    ids = sorted(set(mentor_ids))
    if not ids:
        return
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(
                select(MentorProfile.id)
                .where(MentorProfile.id.in_(ids))
                .order_by(MentorProfile.id)
                .with_for_update()
            )
        else:
            # SQLite has no row locks: a write takes the database's single write lock (waiting for
            # busy_timeout), so the count below and the insert cannot interleave with another writer.
            db.session.execute(
                update(MentorProfile)
                .where(MentorProfile.id.in_(ids))
                .values(capacity=MentorProfile.capacity)
                .execution_options(synchronize_session=False)
            )
    except OperationalError as exc:
        raise ConcurrentChange(
            "Someone else was saving pairings for the same mentors; nothing was saved. Please try again."
        ) from exc


def places_taken(mentor_id: int, day: dt.date) -> int:
    """The pairings holding a place of this mentor on `day`."""
    return db.session.execute(
        select(func.count(Pairing.id)).where(Pairing.mentor_id == mentor_id, Pairing.holds_place_on(day))
    ).scalar_one()


def places_taken_each(mentor_ids: Sequence[int], day: dt.date) -> dict[int, int]:
    """The pairings holding a place on `day`, per mentor (absent: none), in one query."""
    if not mentor_ids:
        return {}
    rows = db.session.execute(
        select(Pairing.mentor_id, func.count(Pairing.id))
        .where(Pairing.mentor_id.in_(mentor_ids), Pairing.holds_place_on(day))
        .group_by(Pairing.mentor_id)
    )
    return dict(rows.all())


def open_counts(role: str, profile_ids: Sequence[int], day: dt.date) -> dict[int, int]:
    """Pairings open on `day` per mentor or mentee profile id (`role`; absent: none), in one query."""
    column = Pairing.mentee_id if role == "mentee" else Pairing.mentor_id
    rows = db.session.execute(
        select(column, func.count(Pairing.id))
        .where(column.in_(profile_ids), Pairing.open_on(day))
        .group_by(column)
    )
    return dict(rows.all())


def may_override_capacity(user: User | None) -> bool:
    """Admins, and coordinators granted the right, may pair beyond a mentor's capacity."""
    return user is not None and (user.is_admin or user.can_override_capacity)


def check_rules(
    mentor: MentorProfile, mentee: MenteeProfile, kind: str, start_date: dt.date, today: dt.date
) -> None:
    """The hard rules other than capacity; raises ServiceError naming the first one broken."""
    if kind not in vocab.PAIRING_KINDS:
        raise ServiceError(f"Unknown pairing kind {kind!r}.")
    if mentor.person_id == mentee.person_id:
        raise ServiceError("A mentee cannot be their own mentor.")
    day = max(start_date, today)
    for profile in (mentee, mentor):
        if profile.left_on is not None and not profile.not_left_on(day):
            raise ServiceError(
                f"{profile.person.full_name} left the program on {profile.left_on.isoformat()}."
            )
    if any(x.id == mentor.id for x in mentee.excluded):
        raise ServiceError(f"{mentor.person.full_name} is on {mentee.person.full_name}'s do-not-match list.")
    if mentor.mentor_type == "near_peer" and (mentor.pgy is None or mentor.pgy <= mentee.pgy):
        raise ServiceError(
            f"A near-peer mentor must be in a higher PGY than the mentee "
            f"(mentor PGY {mentor.pgy or '?'}, mentee PGY {mentee.pgy})."
        )


def create_pairing(
    mentor: MentorProfile,
    mentee: MenteeProfile,
    kind: str,
    start_date: dt.date,
    actor: User | None,
    override_capacity: bool = False,
    *,
    for_matching: bool = False,
    today: dt.date | None = None,
    source: str = "manual",
) -> Pairing:
    """Pair `mentor` with `mentee` after every guard, locking the mentor so capacity holds under races.

    `for_matching` adds the rules of a matching run: the mentee has no open pairing of this kind
    and the pair never had one.
    """
    today = today or dt.date.today()
    check_rules(mentor, mentee, kind, start_date, today)
    lock_mentors([mentor.id])
    day = max(start_date, today)
    same = select(Pairing.id).where(
        Pairing.mentor_id == mentor.id, Pairing.mentee_id == mentee.id, Pairing.kind == kind
    )
    label = vocab.PAIRING_KINDS[kind].lower()
    if db.session.execute(select(same.where(Pairing.holds_place_on(start_date)).exists())).scalar_one():
        raise ServiceError(
            f"{mentor.person.full_name} and {mentee.person.full_name} already have an active {label} pairing."
        )
    if db.session.execute(select(same.where(Pairing.start_date == start_date).exists())).scalar_one():
        raise ServiceError(f"This {label} pairing already exists with that start date.")
    if for_matching:
        if db.session.execute(select(same.exists())).scalar_one():
            raise ServiceError(
                f"{mentor.person.full_name} and {mentee.person.full_name} already had a {label} pairing."
            )
        has_kind = select(Pairing.id).where(
            Pairing.mentee_id == mentee.id, Pairing.kind == kind, Pairing.holds_place_on(day)
        )
        if db.session.execute(select(has_kind.exists())).scalar_one():
            raise ServiceError(f"{mentee.person.full_name} already has an active {label} pairing.")
    load = places_taken(mentor.id, day)
    over = load >= mentor.capacity
    if over:
        if not override_capacity:
            raise ServiceError(
                f"{mentor.person.full_name} has no free capacity ({load} of {mentor.capacity} places taken)."
            )
        if not may_override_capacity(actor):
            raise ServiceError("You are not allowed to pair beyond a mentor's capacity.")
    pairing = Pairing(
        mentor=mentor,
        mentee=mentee,
        kind=kind,
        start_date=start_date,
        capacity_override=over,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(pairing)
    db.session.flush()
    details = {
        "mentor": mentor.person.email,
        "mentee": mentee.person.email,
        "kind": kind,
        "start_date": start_date,
        "source": source,
    }
    if over:
        details.update(capacity_override=True, load_before=load, capacity=mentor.capacity)
    audit.record(actor, "pairing.create", pairing, **details)
    return pairing


def end_pairing(
    pairing: Pairing,
    end_date: dt.date,
    reason: str,
    rating: int | None = None,
    comment: str | None = None,
    actor: User | None = None,
) -> None:
    """Close a pairing with a reason (and optional 1-5 rating and comment); it is never deleted."""
    if pairing.end_date is not None:
        raise ServiceError(f"This pairing already ended on {pairing.end_date.isoformat()}.")
    if reason not in vocab.END_REASONS:
        raise ServiceError("Choose a reason for ending the pairing.")
    if end_date < pairing.start_date:
        raise ServiceError("The end date cannot be before the start date.")
    if rating is not None and not 1 <= rating <= 5:
        raise ServiceError("The rating must be from 1 to 5.")
    pairing.end_date = end_date
    pairing.end_reason = reason
    pairing.end_rating = rating
    pairing.end_comment = (comment or "").strip() or None
    log_links.revoke([pairing.id])  # its emailed links stop now, whatever the end date
    audit.record(actor, "pairing.end", pairing, end_date=end_date, reason=reason, rating=rating)


def rematch(
    pairing: Pairing,
    new_mentor: MentorProfile,
    on: dt.date,
    actor: User | None,
    override_capacity: bool = False,
    *,
    today: dt.date | None = None,
) -> Pairing:
    """End `pairing` as "rematched" on `on` and pair its mentee with `new_mentor` from `on`, in one step."""
    if new_mentor.id == pairing.mentor_id:
        raise ServiceError("Choose a different mentor to rematch with.")
    end_pairing(pairing, on, "rematched", actor=actor)
    new = create_pairing(
        new_mentor, pairing.mentee, pairing.kind, on, actor, override_capacity, today=today, source="rematch"
    )
    audit.record(actor, "pairing.rematch", new, previous_pairing=pairing.id)
    return new


def involving(person: Person) -> ColumnElement[bool]:
    """Condition on Pairing: the person is its mentor or its mentee."""
    conditions = []
    if person.mentor is not None:
        conditions.append(Pairing.mentor_id == person.mentor.id)
    if person.mentee is not None:
        conditions.append(Pairing.mentee_id == person.mentee.id)
    return or_(*conditions) if conditions else false()


def history(person: Person, where: ColumnElement[bool] | None = None) -> list[Pairing]:
    """A person's pairings as mentor or mentee (and matching `where`), newest first, ended ones included."""
    query = (
        select(Pairing)
        .where(involving(person), where if where is not None else true())
        # Joined rather than selected in: four statements fewer, and each pairing has one of each.
        .options(
            joinedload(Pairing.mentor).joinedload(MentorProfile.person),
            joinedload(Pairing.mentee).joinedload(MenteeProfile.person),
        )
        .order_by(Pairing.start_date.desc(), Pairing.id.desc())
    )
    return list(db.session.execute(query).scalars())


def in_scope(pairing_id: int, scope: Scope) -> Pairing | None:
    """The pairing, if its mentee is in `scope`."""
    return db.session.execute(
        select(Pairing).where(Pairing.id == pairing_id, scope.pairings())
    ).scalar_one_or_none()


@dataclass(frozen=True)
class _Listing:
    """The Pairings list's joined statement (people and programs loaded with each row, newest first) and
    the two people it joins, built once: building them cost the page more than running them."""

    page: Select[Pairing]
    mentee_person: Any
    mentor_person: Any


@cache
def _listing() -> _Listing:
    mentee_person = aliased(Person)
    mentor_person = aliased(Person)
    page = (
        select(Pairing)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .join(mentee_person, mentee_person.id == MenteeProfile.person_id)
        .join(Program, Program.id == MenteeProfile.program_id)
        .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
        .join(mentor_person, mentor_person.id == MentorProfile.person_id)
        # The page's people and programs come with its rows, from the joins above: one query for the page.
        .options(
            contains_eager(Pairing.mentor).contains_eager(MentorProfile.person.of_type(mentor_person)),
            contains_eager(Pairing.mentee).contains_eager(MenteeProfile.person.of_type(mentee_person)),
            contains_eager(Pairing.mentee).contains_eager(MenteeProfile.program),
        )
        .order_by(Pairing.start_date.desc(), Pairing.id.desc())
    )
    return _Listing(page, mentee_person, mentor_person)


def listing(
    scope: Scope,
    *,
    today: dt.date,
    page: int,
    per_page: int,
    person: Person | None = None,
    text: str = "",
    program_id: int | None = None,
    kind: str | None = None,
    status: str = "active",
) -> Pagination:
    """A page of the Pairings list in `scope`, newest first: of `person`, with `text` in a name or email, of
    the program and kind, "active", "ended" or "all"; people and programs loaded, in one query and a count."""
    built = _listing()
    mentee_person, mentor_person = built.mentee_person, built.mentor_person
    conditions: list[ColumnExpressionArgument[bool]] = [scope.pairings()]
    if person is not None:
        conditions.append(or_(mentee_person.id == person.id, mentor_person.id == person.id))
    q = text.strip().lower()
    if q:
        like = f"%{q}%"
        conditions.append(
            or_(
                *(
                    cond
                    for p in (mentee_person, mentor_person)
                    for cond in (
                        func.lower(p.email).like(like),
                        func.lower(p.first_name + " " + p.last_name).like(like),
                    )
                )
            )
        )
    if program_id:
        conditions.append(MenteeProfile.program_id == program_id)
    if kind in vocab.PAIRING_KINDS:
        conditions.append(Pairing.kind == kind)
    if status == "active":
        conditions.append(Pairing.open_on(today))
    elif status == "ended":
        conditions.append(~Pairing.holds_place_on(today))
    query = built.page.where(*conditions)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=False)
    # Count the ids alone rather than a subquery of every selected column; without a person or text filter
    # the conditions are on pairings and mentee profiles only, so the people and programs are not joined.
    count = query.with_only_columns(func.count(Pairing.id)).order_by(None)
    if person is None and not q:
        count = (
            select(func.count(Pairing.id))
            .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
            .where(*conditions)
        )
    result.total = db.session.execute(count).scalar_one()
    return result
