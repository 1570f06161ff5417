"""Creating, ending and rematching pairings with their guards; building and applying matching runs.

Capacity is checked inside the caller's transaction after locking the mentor rows, so two people
pairing at the same moment are serialised: PostgreSQL takes `SELECT ... FOR UPDATE` on the mentor
profiles; SQLite starts the write transaction (a no-op UPDATE takes the database's write lock) before
counting. The callers commit once, or roll back on any ServiceError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, false, func, or_, select, true, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import (
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
    SelfIdentification,
    User,
)
from mentorship.services import ServiceError, audit, log_links
from mentorship.services import matching as m
from mentorship.services.academic_year import AcademicYear
from mentorship.services.people import effective_urim, normalise_email


class ConcurrentChange(ServiceError):
    """Another change held the lock for too long; nothing was saved."""


class ApplyErrors(ServiceError):
    """A suggestion file or draft has problems; nothing was applied."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} problem(s); nothing was paired.")
        self.errors = errors


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


def mentor_load(mentor_id: int, day: dt.date) -> int:
    """The pairings holding a place of this mentor on `day`."""
    return db.session.execute(
        select(func.count(Pairing.id)).where(Pairing.mentor_id == mentor_id, Pairing.holds_place_on(day))
    ).scalar_one()


def mentor_loads(mentor_ids: Sequence[int], day: dt.date) -> dict[int, int]:
    """Load of many mentors in one query."""
    if not mentor_ids:
        return {}
    rows = db.session.execute(
        select(Pairing.mentor_id, func.count(Pairing.id))
        .where(Pairing.mentor_id.in_(mentor_ids), Pairing.holds_place_on(day))
        .group_by(Pairing.mentor_id)
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
    if mentee.left_on is not None and mentee.left_on < day:
        raise ServiceError(f"{mentee.person.full_name} left the program on {mentee.left_on.isoformat()}.")
    if mentor.left_on is not None and mentor.left_on < day:
        raise ServiceError(f"{mentor.person.full_name} left the program on {mentor.left_on.isoformat()}.")
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
    load = mentor_load(mentor.id, day)
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
        .options(
            selectinload(Pairing.mentor).selectinload(MentorProfile.person),
            selectinload(Pairing.mentee).selectinload(MenteeProfile.person),
        )
        .order_by(Pairing.start_date.desc(), Pairing.id.desc())
    )
    return list(db.session.execute(query).scalars())


# ---- matching runs -------------------------------------------------------------------------------


def mentor_pool(program_ids: frozenset[int] | None) -> ColumnElement[bool]:
    """Mentors a matching run in these programs may use: faculty without a home program and those of the
    programs (everyone for an unrestricted scope)."""
    if program_ids is None:
        return true()
    return or_(MentorProfile.program_id.is_(None), MentorProfile.program_id.in_(program_ids))


def run_date(ay: AcademicYear, today: dt.date) -> dt.date:
    """The day a run for `ay` looks at: today, or the year's start (future year) or end (past year)."""
    return min(max(today, ay.start), ay.end)


def _gender(selfid: SelfIdentification | None) -> str | None:
    if selfid is None or selfid.gender in (None, "prefer_not"):
        return None
    if selfid.gender == "self_described":
        return (
            f"self_described:{(selfid.gender_description or '').strip().lower()}"
            if selfid.gender_description
            else None
        )
    return selfid.gender


def _urim(selfid: SelfIdentification | None, categories: Iterable[str]) -> bool | None:
    value = effective_urim(selfid, categories)
    return None if value is None else value == "yes"


def _mentee_in(x: MenteeProfile, categories: tuple[str, ...]) -> m.MenteeIn:
    return m.MenteeIn(
        id=x.id,
        person_id=x.person_id,
        email=normalise_email(x.person.email),
        name=x.person.full_name,
        pgy=x.pgy,
        program_id=x.program_id,
        program_specialty=x.program.specialty,
        interests=tuple(x.interests),
        preferred=frozenset(p.id for p in x.preferred),
        excluded=frozenset(p.id for p in x.excluded),
        wants_gender_concordance=x.concordance_gender,
        wants_urim_concordance=x.concordance_urim,
        gender=_gender(x.person.self_identification),
        urim=_urim(x.person.self_identification, categories),
    )


def _mentor_in(x: MentorProfile, load: int, categories: tuple[str, ...]) -> m.MentorIn:
    return m.MentorIn(
        id=x.id,
        person_id=x.person_id,
        email=normalise_email(x.person.email),
        name=x.person.full_name,
        capacity=x.capacity,
        load=load,
        mentor_type=x.mentor_type,
        pgy=x.pgy,
        program_id=x.program_id,
        department=x.department,
        specialty=x.specialty,
        interests=tuple(x.interests),
        gender=_gender(x.person.self_identification),
        urim=_urim(x.person.self_identification, categories),
    )


def _mentee_options():
    return (
        selectinload(MenteeProfile.person)
        .selectinload(Person.self_identification)
        .selectinload(SelfIdentification.races),
        selectinload(MenteeProfile.program),
        selectinload(MenteeProfile.interest_rows),
        selectinload(MenteeProfile.preferred),
        selectinload(MenteeProfile.excluded),
    )


def pool_mentors(
    pool_programs: frozenset[int] | None, on: dt.date, enrolled_by: dt.date, categories: tuple[str, ...]
) -> tuple[list[MentorProfile], tuple[m.MentorIn, ...]]:
    """Mentors of the pool enrolled by `enrolled_by` and not left before `on`, with their load on `on`."""
    query = (
        select(MentorProfile)
        .where(MentorProfile.enrolled_on <= enrolled_by)
        .where(MentorProfile.not_left_on(on))
        .where(mentor_pool(pool_programs))
        .options(
            selectinload(MentorProfile.person)
            .selectinload(Person.self_identification)
            .selectinload(SelfIdentification.races),
            selectinload(MentorProfile.interest_rows),
            selectinload(MentorProfile.program),
        )
    )
    mentors = list(db.session.execute(query).scalars())
    loads = mentor_loads([x.id for x in mentors], on)
    return mentors, tuple(_mentor_in(x, loads.get(x.id, 0), categories) for x in mentors)


def matching_problem(
    *,
    kind: str,
    ay: AcademicYear,
    on: dt.date,
    mentee_programs: frozenset[int] | None,
    pool_programs: frozenset[int] | None,
    urim_categories: Iterable[str],
) -> m.Problem:
    """Load a matching problem: mentees of the programs enrolled in `ay`, still there on `on`, with no open
    pairing of `kind`; every enrolled mentor of the pool with their load on `on`."""
    categories = tuple(urim_categories)
    has_kind = exists().where(
        Pairing.mentee_id == MenteeProfile.id, Pairing.kind == kind, Pairing.holds_place_on(on)
    )
    query = (
        select(MenteeProfile)
        .where(MenteeProfile.enrolled_on <= ay.end)
        .where(MenteeProfile.not_left_on(on))
        .where(~has_kind)
        .options(*_mentee_options())
    )
    if mentee_programs is not None:
        query = query.where(MenteeProfile.program_id.in_(mentee_programs) if mentee_programs else false())
    mentees = list(db.session.execute(query).scalars())
    _, mentors = pool_mentors(pool_programs, on, ay.end, categories)
    ids = [x.id for x in mentees]
    history: set[tuple[int, int]] = set()
    for start in range(0, len(ids), 900):
        rows = db.session.execute(
            select(Pairing.mentee_id, Pairing.mentor_id).where(
                Pairing.kind == kind, Pairing.mentee_id.in_(ids[start : start + 900])
            )
        )
        history.update((mentee_id, mentor_id) for mentee_id, mentor_id in rows)
    return m.Problem(
        mentees=tuple(_mentee_in(x, categories) for x in mentees),
        mentors=mentors,
        kind=kind,
        history=frozenset(history),
    )


def manual_candidates(
    mentee: MenteeProfile,
    kind: str,
    pool_programs: frozenset[int] | None,
    today: dt.date,
    urim_categories: Iterable[str],
    weights: m.Weights,
    show_concordance: bool,
) -> tuple[m.ScoreTable, dict[int, MentorProfile]]:
    """Score every pool mentor for one mentee (manual pairing). Only a pair already running this kind
    counts as "already had it": a coordinator may pair an earlier pair again by hand. `show_concordance`
    is whether the viewer may see self-identification (see `matching.score`)."""
    categories = tuple(urim_categories)
    profiles, mentors = pool_mentors(pool_programs, today, today, categories)
    running = db.session.execute(
        select(Pairing.mentor_id).where(
            Pairing.mentee_id == mentee.id, Pairing.kind == kind, Pairing.holds_place_on(today)
        )
    ).scalars()
    problem = m.Problem(
        mentees=(_mentee_in(mentee, categories),),
        mentors=mentors,
        kind=kind,
        history=frozenset((mentee.id, r) for r in running),
    )
    return m.score(problem, weights, show_concordance=show_concordance), {x.id: x for x in profiles}


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
) -> list[Pairing]:
    """Create the pairings of `rows` (blank mentor = skipped), all or nothing.

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
        if (
            pool_programs is not None
            and mentor.program_id is not None
            and mentor.program_id not in pool_programs
        ):
            errors.append((r.row, f"{mentor_email} is not a mentor available to your programs."))
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
    return created
