"""Saved matching runs: make one, open it within its scope, edit its choices, apply it once, list them.

A run stores what it was asked (scope, kind, year, settings), what it suggested and the coordinators'
edits. Its draft is scored again on the current data when it is opened (capacity may have changed
since), with the run's own settings. Applying claims the run with a conditional UPDATE first, so of two
coordinators applying the same run at once one applies and the other is told who did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import MatchRun, Pairing, User
from mentorship.services import ServiceError, audit, execute_dml
from mentorship.services.academic_year import AcademicYear
from mentorship.services.matching import applying, assignment, candidates, runs, scoring

# The list of past runs reads at most this many of the newest runs (scope is checked on each).
LIST_LIMIT = 500


class AlreadyApplied(ServiceError):
    """The run was applied before; it says by whom and when."""

    def __init__(self, record: MatchRun):
        who = _name(record.applied_by) or "someone"
        when = record.applied_at.strftime("%Y-%m-%d %H:%M") if record.applied_at else "earlier"
        super().__init__(f"This run was already applied by {who} on {when} UTC; nothing more was paired.")
        self.record = record


def _name(user: User | None) -> str | None:
    return (user.person.full_name or user.email) if user is not None else None


def _ids(programs: frozenset[int] | None) -> list[int] | None:
    return None if programs is None else sorted(programs)


def _covers(scope: Scope, programs: Sequence[int] | None) -> bool:
    if scope.program_ids is None:
        return True
    return programs is not None and set(programs) <= scope.program_ids


def in_scope(record: MatchRun, scope: Scope) -> bool:
    """Whether `scope` covers the run's mentees and mentor pool (a coordinator of the same programs)."""
    return _covers(scope, record.mentee_programs) and _covers(scope, record.pool_programs)


def may_open(record: MatchRun, scope: Scope, can_view_demographics: bool) -> bool:
    """In scope, and a run scored with the concordance term only for users who may see self-identification
    (its suggestions and reasons depend on people's answers)."""
    return in_scope(record, scope) and (can_view_demographics or not record.with_concordance)


def weights_of(record: MatchRun) -> scoring.Weights:
    """The weights and objective the run was made with."""
    s = record.settings
    return scoring.Weights(
        interests=s["interests"],
        fit=s["fit"],
        preference=s["preference"],
        concordance=s["concordance"],
        spread=s["spread"],
        objective=s["objective"],
    )


def run_of(record: MatchRun, *, ay: AcademicYear, today: dt.date, urim_categories: Sequence[str]) -> runs.Run:
    """The run's question, asked again on today's data."""
    return runs.Run(
        kind=record.kind,
        ay=ay,
        today=today,
        mentee_programs=None if record.mentee_programs is None else frozenset(record.mentee_programs),
        pool_programs=None if record.pool_programs is None else frozenset(record.pool_programs),
        urim_categories=tuple(urim_categories),
        weights=weights_of(record),
        show_concordance=record.with_concordance,
        near_peer_any_program=bool(record.settings.get("near_peer_any_program")),
    )


def create(
    run: runs.Run,
    *,
    actor: User,
    program_id: int | None,
    year: int,
    start_date: dt.date,
    now: dt.datetime,
) -> MatchRun:
    """Score `run`, store it with its suggestions (also its first choices), audited as `match.suggest`."""
    _, suggestions = runs.draft(run)
    w = run.weights
    record = MatchRun(
        created_at=now,
        created_by_id=actor.id,
        program_id=program_id,
        mentee_programs=_ids(run.mentee_programs),
        pool_programs=_ids(run.pool_programs),
        kind=run.kind,
        year=year,
        run_date=candidates.run_date(run.ay, run.today),
        settings={
            "interests": w.interests,
            "fit": w.fit,
            "preference": w.preference,
            "concordance": w.concordance if run.show_concordance else 0.0,
            "spread": w.spread,
            "objective": w.objective,
            "near_peer_any_program": run.near_peer_any_program,
        },
        with_concordance=run.show_concordance,
        suggestions=[_suggestion_row(s) for s in suggestions],
        choices={str(s.mentee.id): (s.mentor.id if s.mentor else None) for s in suggestions},
        start_date=start_date,
        applied=[],
    )
    db.session.add(record)
    db.session.flush()
    matched = sum(1 for s in suggestions if s.mentor is not None)
    audit.record(
        actor,
        "match.suggest",
        record,
        via="web",
        program_id=program_id,
        year=year,
        kind=run.kind,
        suggestions=matched,
        unmatched=len(suggestions) - matched,
    )
    return record


def _suggestion_row(s: assignment.Suggestion) -> dict:
    return {
        "mentee_id": s.mentee.id,
        "mentee": s.mentee.name or s.mentee.email,
        "mentor_id": s.mentor.id if s.mentor else None,
        "mentor": (s.mentor.name or s.mentor.email) if s.mentor else None,
        "score": s.score,
        "reason": s.reason,
    }


def choices_of(record: MatchRun) -> dict[int, int | None]:
    """The run's current mentor per mentee id (None: no mentor)."""
    return {int(k): v for k, v in record.choices.items()}


def suggested_of(record: MatchRun) -> dict[int, int | None]:
    """The mentor the run first suggested per mentee id."""
    return {row["mentee_id"]: row["mentor_id"] for row in record.suggestions}


def save_choices(
    record: MatchRun,
    choices: Mapping[int, int | None],
    start_date: dt.date,
    *,
    known_mentees: Collection[int],
    actor: User,
    now: dt.datetime,
) -> int:
    """Store edited choices (mentee id -> mentor id or None) and the start date; how many changed.

    Mentees must be among `known_mentees` (the run's current draft); an applied run cannot change.
    """
    if record.applied_at is not None:
        raise AlreadyApplied(record)
    unknown = [m for m in choices if m not in known_mentees]
    if unknown:
        raise ServiceError("The draft lists a mentee who is not in this run any more. Reload the run.")
    current = choices_of(record)
    changed = {m: v for m, v in choices.items() if current.get(m, "unset") != v}
    if changed or start_date != record.start_date:
        record.choices = {str(k): v for k, v in {**current, **choices}.items()}
        record.start_date = start_date
        record.updated_at = now
        record.updated_by_id = actor.id
        audit.record(actor, "match.edit", record, changed=len(changed), start_date=start_date)
    return len(changed)


def apply(
    record: MatchRun,
    rows: Sequence[applying.ApplyRow],
    choices: Mapping[int, int | None],
    start_date: dt.date,
    *,
    scope: Scope,
    actor: User,
    now: dt.datetime,
    near_peer_any_program: bool,
) -> list[Pairing]:
    """Apply the run once: claim it, store the final choices, create the pairings of `rows` (all or
    nothing, see `applying.apply_rows`) and record what was created. The caller rolls back on an error."""
    claimed = execute_dml(
        update(MatchRun)
        .where(MatchRun.id == record.id, MatchRun.applied_at.is_(None))
        .values(applied_at=now, applied_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.refresh(record)
        raise AlreadyApplied(record)
    db.session.refresh(record)
    record.choices = {str(k): v for k, v in {**choices_of(record), **choices}.items()}
    record.start_date = start_date
    created = applying.apply_rows(
        rows,
        actor,
        start_date,
        mentee_programs=scope.program_ids,
        pool_programs=scope.program_ids,
        source="match.apply",
        near_peer_any_program=near_peer_any_program,
        via="web",
        run=record.id,
        program_id=record.program_id,
        kind=record.kind,
    )
    record.applied = [
        {
            "pairing_id": p.id,
            "mentee_id": p.mentee_id,
            "mentee": p.mentee.person.full_name,
            "mentor_id": p.mentor_id,
            "mentor": p.mentor.person.full_name,
        }
        for p in created
    ]
    return created


def listing(scope: Scope, limit: int = 50) -> list[MatchRun]:
    """The newest runs in `scope`, newest first, with who made and applied them; two queries and a few.

    Scope is a list of programs per run (JSON), so it is checked here on the newest LIST_LIMIT runs.
    """
    query = (
        select(MatchRun)
        .options(
            selectinload(MatchRun.created_by).selectinload(User.person),
            selectinload(MatchRun.applied_by).selectinload(User.person),
            selectinload(MatchRun.program),
        )
        .order_by(MatchRun.created_at.desc(), MatchRun.id.desc())
        .limit(LIST_LIMIT)
    )
    return [r for r in db.session.execute(query).scalars() if in_scope(r, scope)][:limit]
