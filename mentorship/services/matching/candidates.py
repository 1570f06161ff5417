"""Loading a matching problem from the database: the mentees of a run, the mentor pool with their places
taken, the pairs' history; and one mentee's candidates for pairing by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, String, cast, exists, false, func, or_, select, true
from sqlalchemy.orm import selectinload

from mentorship.extensions import db
from mentorship.models import (
    MenteeInterest,
    MenteeProfile,
    MentorInterest,
    MentorProfile,
    Pairing,
    Person,
    Program,
    RaceEthnicity,
    SelfIdentification,
    do_not_match,
    preferred_mentors,
)
from mentorship.services.academic_year import AcademicYear
from mentorship.services.matching import scoring
from mentorship.services.pairings import places_taken_each
from mentorship.services.people import effective_urim, normalise_email


def mentor_pool(program_ids: frozenset[int] | None) -> ColumnElement[bool]:
    """Mentors a matching run in these programs may use: faculty without a home program and those of the
    programs (everyone for an unrestricted scope)."""
    if program_ids is None:
        return true()
    return or_(MentorProfile.program_id.is_(None), MentorProfile.program_id.in_(program_ids))


def in_pool(mentor: MentorProfile, program_ids: frozenset[int] | None) -> bool:
    """Whether a run or a pairing in these programs may use `mentor` (`mentor_pool` for one profile)."""
    return program_ids is None or mentor.program_id is None or mentor.program_id in program_ids


def near_peer_allowed(mentor: MentorProfile, mentee: MenteeProfile, any_program: bool) -> bool:
    """A near-peer mentors only residents of their own program, unless `any_program`
    (NEAR_PEER_ANY_PROGRAM); faculty mentor anyone."""
    return any_program or mentor.mentor_type != "near_peer" or mentor.program_id == mentee.program_id


def run_date(ay: AcademicYear, today: dt.date) -> dt.date:
    """The day a run for `ay` looks at: today, or the year's start (future year) or end (past year)."""
    return min(max(today, ay.start), ay.end)


def _gender(selfid: SelfIdentification | _SelfId | None) -> str | None:
    if selfid is None or selfid.gender in (None, "prefer_not"):
        return None
    if selfid.gender == "self_described":
        return (
            f"self_described:{(selfid.gender_description or '').strip().lower()}"
            if selfid.gender_description
            else None
        )
    return selfid.gender


def _urim(selfid: SelfIdentification | _SelfId | None, categories: Iterable[str]) -> bool | None:
    value = effective_urim(selfid, categories)
    return None if value is None else value == "yes"


def _mentee_in(x: MenteeProfile, categories: tuple[str, ...]) -> scoring.MenteeIn:
    return scoring.MenteeIn(
        id=x.id,
        person_id=x.person_id,
        email=normalise_email(x.person.email),
        name=x.person.full_name,
        pgy=x.pgy,
        program_id=x.program_id,
        program_specialty=x.program.specialty,
        interests=tuple(x.interests),
        preferred=frozenset(p.id for p in x.preferred),
        preferred_names=tuple((p.id, p.person.full_name) for p in sorted(x.preferred, key=lambda p: p.id)),
        excluded=frozenset(p.id for p in x.excluded),
        wants_gender_concordance=x.concordance_gender,
        wants_urim_concordance=x.concordance_urim,
        gender=_gender(x.person.self_identification),
        urim=_urim(x.person.self_identification, categories),
    )


def _mentor_in(x: MentorProfile, load: int, categories: tuple[str, ...]) -> scoring.MentorIn:
    return scoring.MentorIn(
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


def pool_mentors(
    pool_programs: frozenset[int] | None, on: dt.date, enrolled_by: dt.date, categories: tuple[str, ...]
) -> tuple[list[MentorProfile], tuple[scoring.MentorIn, ...]]:
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
    loads = places_taken_each([x.id for x in mentors], on)
    return mentors, tuple(_mentor_in(x, loads.get(x.id, 0), categories) for x in mentors)


class _SelfId(NamedTuple):
    """The self-identification answers matching reads, loaded as columns (SelfIdentificationAnswers)."""

    gender: str | None
    gender_description: str | None
    urim: str | None
    race_prefer_not: bool
    race_codes: tuple[str, ...]
    img: str | None = None
    first_generation: str | None = None

    @property
    def races(self) -> tuple[str, ...]:
        return self.race_codes


# Lists are gathered into one string per person with this separator, which no name or label contains.
_SEP = "\x1f"


def _split(value: str | None) -> list[str]:
    return value.split(_SEP) if value else []


def _ids(value: str | None) -> list[int]:
    return sorted(int(x) for x in _split(value))


class _Lists:
    """Correlated subqueries gathering each row's list-valued attributes into one string column, so that a
    person and all their lists come in one row of one statement (an IN list per 900 ids cost more to
    compile than to run)."""

    def __init__(self) -> None:
        # SQLite before 3.44 cannot order inside group_concat; Python's order of strings is its BINARY
        # collation, so the labels are sorted after loading there, and by the database's collation
        # (that of the ORM relationships' ORDER BY) everywhere else.
        self.sort_after = db.session.get_bind().dialect.name == "sqlite"

    def labels(self, column: Any, *where: ColumnElement[bool]) -> Any:
        aggregate: Any = func.aggregate_strings(column, _SEP)
        if not self.sort_after:
            aggregate = aggregate.aggregate_order_by(column)
        return select(aggregate).where(*where).scalar_subquery()

    def sorted_labels(self, value: str | None) -> tuple[str, ...]:
        labels = _split(value)
        return tuple(sorted(labels) if self.sort_after else labels)

    @staticmethod
    def ids(column: Any, *where: ColumnElement[bool]) -> Any:
        return select(func.aggregate_strings(cast(column, String), _SEP)).where(*where).scalar_subquery()


def _self_identification(lists: _Lists) -> tuple[Any, ...]:
    """The columns of the (outer-joined) self-identification matching reads."""
    return (
        SelfIdentification.gender,
        SelfIdentification.gender_description,
        SelfIdentification.urim,
        SelfIdentification.race_prefer_not,
        lists.labels(
            RaceEthnicity.category, RaceEthnicity.self_identification_id == SelfIdentification.id
        ).label("races"),
    )


class _Identities:
    """(gender, URiM) of each distinct self-identification: thousands of people give only a few."""

    def __init__(self, categories: tuple[str, ...]) -> None:
        self.categories = categories
        self.known: dict[tuple[Any, ...], tuple[str | None, bool | None]] = {}

    def of(self, row: Any) -> tuple[str | None, bool | None]:
        key = (row.gender, row.gender_description, row.urim, row.race_prefer_not, row.races)
        found = self.known.get(key)
        if found is None:
            selfid = (
                None
                if row.race_prefer_not is None  # no self-identification row (outer join)
                else _SelfId(
                    row.gender,
                    row.gender_description,
                    row.urim,
                    bool(row.race_prefer_not),
                    tuple(_split(row.races)),
                )
            )
            found = self.known[key] = (_gender(selfid), _urim(selfid, self.categories))
        return found


def _pool_inputs(
    pool_programs: frozenset[int] | None, on: dt.date, enrolled_by: dt.date, identities: _Identities
) -> tuple[scoring.MentorIn, ...]:
    """`pool_mentors` loaded as columns in one statement: the MentorIn of each mentor of the pool."""
    lists = _Lists()
    load = (
        select(func.count(Pairing.id))
        .where(Pairing.mentor_id == MentorProfile.id, Pairing.holds_place_on(on))
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            MentorProfile.id,
            MentorProfile.person_id,
            Person.email,
            Person.first_name,
            Person.last_name,
            MentorProfile.capacity,
            load.label("load"),
            MentorProfile.mentor_type,
            MentorProfile.pgy,
            MentorProfile.program_id,
            MentorProfile.department,
            MentorProfile.specialty,
            lists.labels(MentorInterest.interest, MentorInterest.mentor_id == MentorProfile.id).label(
                "interests"
            ),
            *_self_identification(lists),
        )
        .join(Person, Person.id == MentorProfile.person_id)
        .outerjoin(SelfIdentification, SelfIdentification.person_id == Person.id)
        .where(MentorProfile.enrolled_on <= enrolled_by)
        .where(MentorProfile.not_left_on(on))
        .where(mentor_pool(pool_programs))
        .order_by(MentorProfile.id)
    )
    mentors = []
    for r in rows:
        gender, urim = identities.of(r)
        mentors.append(
            scoring.MentorIn(
                id=r.id,
                person_id=r.person_id,
                email=normalise_email(r.email),
                name=f"{r.first_name} {r.last_name}".strip(),
                capacity=r.capacity,
                load=r.load,
                mentor_type=r.mentor_type,
                pgy=r.pgy,
                program_id=r.program_id,
                department=r.department,
                specialty=r.specialty,
                interests=lists.sorted_labels(r.interests),
                gender=gender,
                urim=urim,
            )
        )
    return tuple(mentors)


def matching_problem(
    *,
    kind: str,
    ay: AcademicYear,
    on: dt.date,
    mentee_programs: frozenset[int] | None,
    pool_programs: frozenset[int] | None,
    urim_categories: Iterable[str],
    near_peer_any_program: bool = False,
) -> scoring.Problem:
    """Load a matching problem: mentees of the programs enrolled in `ay`, still there on `on`, with no open
    pairing of `kind`; every enrolled mentor of the pool with their load on `on`."""
    identities = _Identities(tuple(urim_categories))
    lists = _Lists()
    mentee = MenteeProfile.id
    has_kind = exists().where(Pairing.mentee_id == mentee, Pairing.kind == kind, Pairing.holds_place_on(on))
    query = (
        select(
            MenteeProfile.id,
            MenteeProfile.person_id,
            Person.email,
            Person.first_name,
            Person.last_name,
            MenteeProfile.pgy,
            MenteeProfile.program_id,
            Program.specialty,
            MenteeProfile.concordance_gender,
            MenteeProfile.concordance_urim,
            lists.labels(MenteeInterest.interest, MenteeInterest.mentee_id == mentee).label("interests"),
            lists.ids(preferred_mentors.c.mentor_id, preferred_mentors.c.mentee_id == mentee).label(
                "preferred"
            ),
            lists.ids(do_not_match.c.mentor_id, do_not_match.c.mentee_id == mentee).label("excluded"),
            lists.ids(Pairing.mentor_id, Pairing.mentee_id == mentee, Pairing.kind == kind).label("history"),
            *_self_identification(lists),
        )
        .join(Person, Person.id == MenteeProfile.person_id)
        .join(Program, Program.id == MenteeProfile.program_id)
        .outerjoin(SelfIdentification, SelfIdentification.person_id == Person.id)
        .where(MenteeProfile.enrolled_on <= ay.end)
        .where(MenteeProfile.not_left_on(on))
        .where(~has_kind)
        .order_by(MenteeProfile.id)
    )
    if mentee_programs is not None:
        query = query.where(MenteeProfile.program_id.in_(mentee_programs) if mentee_programs else false())
    # Columns, not ORM objects: loading thousands of profiles with their relationships cost more than the
    # assignment itself.
    rows = db.session.execute(query).all()
    names = dict(
        db.session.execute(
            select(MentorProfile.id, Person.first_name + " " + Person.last_name)
            .join(Person, Person.id == MentorProfile.person_id)
            .where(MentorProfile.id.in_(select(preferred_mentors.c.mentor_id)))
        ).all()
    )
    history: set[tuple[int, int]] = set()
    mentees = []
    for r in rows:
        preferred = _ids(r.preferred)
        history.update((r.id, mentor_id) for mentor_id in _ids(r.history))
        gender, urim = identities.of(r)
        mentees.append(
            scoring.MenteeIn(
                id=r.id,
                person_id=r.person_id,
                email=normalise_email(r.email),
                name=f"{r.first_name} {r.last_name}".strip(),
                pgy=r.pgy,
                program_id=r.program_id,
                program_specialty=r.specialty,
                interests=lists.sorted_labels(r.interests),
                preferred=frozenset(preferred),
                preferred_names=tuple((m, str(names[m]).strip()) for m in preferred),
                excluded=frozenset(_ids(r.excluded)),
                wants_gender_concordance=r.concordance_gender,
                wants_urim_concordance=r.concordance_urim,
                gender=gender,
                urim=urim,
            )
        )
    return scoring.Problem(
        mentees=tuple(mentees),
        mentors=_pool_inputs(pool_programs, on, ay.end, identities),
        kind=kind,
        history=frozenset(history),
        near_peer_any_program=near_peer_any_program,
    )


def manual_candidates(
    mentee: MenteeProfile,
    kind: str,
    pool_programs: frozenset[int] | None,
    today: dt.date,
    urim_categories: Iterable[str],
    weights: scoring.Weights,
    show_concordance: bool,
    near_peer_any_program: bool = False,
) -> tuple[scoring.ScoreTable, dict[int, MentorProfile]]:
    """Score every pool mentor for one mentee (manual pairing). Only a pair already running this kind
    counts as "already had it": a coordinator may pair an earlier pair again by hand. `show_concordance`
    is whether the viewer may see self-identification (see `scoring.score`)."""
    categories = tuple(urim_categories)
    profiles, mentors = pool_mentors(pool_programs, today, today, categories)
    running = db.session.execute(
        select(Pairing.mentor_id).where(
            Pairing.mentee_id == mentee.id, Pairing.kind == kind, Pairing.holds_place_on(today)
        )
    ).scalars()
    problem = scoring.Problem(
        mentees=(_mentee_in(mentee, categories),),
        mentors=mentors,
        kind=kind,
        history=frozenset((mentee.id, r) for r in running),
        near_peer_any_program=near_peer_any_program,
    )
    return scoring.score(problem, weights, show_concordance=show_concordance), {x.id: x for x in profiles}
