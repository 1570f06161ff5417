"""A matching run as the web and the command line make it: load the problem, score it, suggest, audit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mentorship.models import User
from mentorship.services import audit
from mentorship.services.academic_year import AcademicYear
from mentorship.services.matching import assignment, candidates, scoring


@dataclass(frozen=True)
class Run:
    """What a run matches: mentees of `mentee_programs` without a `kind` pairing in `ay`, as of `today`,
    with the mentors of `pool_programs` (None: every program); `show_concordance` as in `scoring.score`."""

    kind: str
    ay: AcademicYear
    today: dt.date
    mentee_programs: frozenset[int] | None
    pool_programs: frozenset[int] | None
    urim_categories: tuple[str, ...]
    weights: scoring.Weights
    show_concordance: bool
    near_peer_any_program: bool = False


def draft(run: Run) -> tuple[scoring.ScoreTable, list[assignment.Suggestion]]:
    """The run's scored problem and its optimal suggestions (not audited: a draft shown again, or re-read
    before applying)."""
    problem = candidates.matching_problem(
        kind=run.kind,
        ay=run.ay,
        on=candidates.run_date(run.ay, run.today),
        mentee_programs=run.mentee_programs,
        pool_programs=run.pool_programs,
        urim_categories=run.urim_categories,
        near_peer_any_program=run.near_peer_any_program,
    )
    table = scoring.score(problem, run.weights, show_concordance=run.show_concordance)
    return table, assignment.suggest_from(table)


def suggest(
    run: Run, *, actor: User | None, **audit_details: Any
) -> tuple[scoring.ScoreTable, list[assignment.Suggestion]]:
    """A new run's `draft`, audited as `match.suggest` with how many mentees were matched."""
    table, suggestions = draft(run)
    matched = sum(1 for s in suggestions if s.mentor is not None)
    audit.record(
        actor,
        "match.suggest",
        None,
        **audit_details,
        kind=run.kind,
        suggestions=matched,
        unmatched=len(suggestions) - matched,
    )
    return table, suggestions
