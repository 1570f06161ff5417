"""Loading a matching problem from the database: the mentees of a run, the mentor pool with their places
taken, the pairs' history; and one mentee's candidates for pairing by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.orm import selectinload

from mentorship.extensions import db
from mentorship.models import MenteeProfile, MentorProfile, Pairing, Person, SelfIdentification
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
        preferred_names=tuple((p.id, p.person.full_name) for p in x.preferred),
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


def _mentee_options():
    return (
        selectinload(MenteeProfile.person)
        .selectinload(Person.self_identification)
        .selectinload(SelfIdentification.races),
        selectinload(MenteeProfile.program),
        selectinload(MenteeProfile.interest_rows),
        selectinload(MenteeProfile.preferred).selectinload(MentorProfile.person),
        selectinload(MenteeProfile.excluded),
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
    return scoring.Problem(
        mentees=tuple(_mentee_in(x, categories) for x in mentees),
        mentors=mentors,
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
