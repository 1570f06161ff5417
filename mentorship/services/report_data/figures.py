"""The pairings behind a figure of the dashboard: the rows of the engagement workbook's Pairings sheet,
narrowed to a status or a measure, so that a list's count is the figure it was opened from."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import MenteeProfile, Person, Program, User
from mentorship.services import audit
from mentorship.services.metrics import network
from mentorship.services.metrics.definitions import STATUS_LABELS, STATUSES, PairingMetrics
from mentorship.services.metrics.queries import programs_in_scope, year_metrics
from mentorship.services.report_data.engagement import pairing_rows_of
from mentorship.services.report_data.request import ReportRequest, cover
from reports import engagement
from reports.engagement import PairingRow

# What a list of the year's pairings may be narrowed to, besides a status flag.
MEASURES = {
    "engaged": "engaged",
    "met": "with a first meeting",
}


class FigureList(NamedTuple):
    """The pairings behind a figure: their workbook rows with ids, and the totals the figures sum."""

    rows: list[tuple[int, PairingRow]]
    meetings: int
    minutes: int
    year_to_date: bool


def _keep(p: PairingMetrics, status: str | None, measure: str | None) -> bool:
    if status is not None and p.status != status:
        return False
    if measure == "engaged":
        return p.engaged
    if measure == "met":
        return p.days_to_first_meeting is not None
    return True


def pairings_behind(req: ReportRequest, status: str | None, measure: str | None) -> FigureList:
    """The pairings active in the request's year and programs, of `status` and `measure` (None: all)."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if measure is not None and measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    year = year_metrics(req.ay, req.as_of, req.settings.metrics, req.program_ids)
    kept = [p for p in year.pairings.values() if _keep(p, status, measure)]
    return FigureList(
        rows=pairing_rows_of(year, kept, req.program_ids),
        meetings=sum(p.meetings for p in kept),
        minutes=sum(p.minutes for p in kept),
        year_to_date=req.as_of < req.ay.end,
    )


class MenteeItem(NamedTuple):
    """A mentee behind a mentee count: who, which program, and whether they have a pairing active in Y."""

    person_id: int
    name: str
    email: str
    program: str
    pgy: int
    with_mentor: bool


def mentees_behind(
    req: ReportRequest, with_mentor: bool, reviewed_twice: bool = False, at_event: bool = False
) -> list[MenteeItem]:
    """The mentees enrolled in the request's year and programs (only those with a mentor, or whose plan was
    reviewed twice, or who attended an event, when asked)."""
    year = year_metrics(req.ay, req.as_of, req.settings.metrics, req.program_ids)
    paired = {p.mentee_id for p in year.pairings.values()}
    ids = [
        m
        for m in year.enrolled_mentees
        if (m in paired or not with_mentor) and (m in year.reviewed_twice or not reviewed_twice)
    ]
    if at_event:
        attended = network.events_attended(req.ay, req.as_of, req.program_ids)
        ids = [m for m in ids if attended.get(m, 0) > 0]
    if not ids:
        return []
    query = (
        select(MenteeProfile.id, Person.id, Person.first_name, Person.last_name, Person.email, Program.name)
        .add_columns(MenteeProfile.pgy)
        .join(Person, Person.id == MenteeProfile.person_id)
        .join(Program, Program.id == MenteeProfile.program_id)
        .where(MenteeProfile.id.in_(ids))
        .order_by(Program.name, Person.last_name, Person.first_name, MenteeProfile.id)
    )
    return [
        MenteeItem(person_id, f"{first} {last}".strip(), email, program, pgy, mentee_id in paired)
        for mentee_id, person_id, first, last, email, program, pgy in db.session.execute(query)
    ]


def export_pairings(actor: User | None, req: ReportRequest, status: str | None, measure: str | None) -> bytes:
    """The pairings behind a figure as a workbook (the engagement workbook's Pairings rows), audited."""
    found = pairings_behind(req, status, measure)
    year_programs = programs_in_scope(req.program_ids)
    narrowed = ", ".join(
        part
        for part in (
            f"status {STATUS_LABELS[status]}" if status else "",
            MEASURES[measure] if measure else "",
        )
        if part
    )
    sheet_cover = replace(
        cover(
            req,
            "engagement",
            year_programs,
            [f"Only the pairings active in the year with {narrowed}."] if narrowed else [],
        ),
        report="Pairings list",
    )
    content = engagement.build_pairings(sheet_cover, [row for _id, row in found.rows])
    audit.record(
        actor,
        "report.export",
        None,
        report="pairings-list",
        year=req.year,
        programs=list(year_programs.values()) if req.program_ids is not None else "all",
        status=status or "any",
        measure=measure or "any",
        via="web",
    )
    return content
