"""What a report is asked for (year, programs, who, when, settings) and what its cover sheet says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mentorship.services import ServiceError
from mentorship.services.academic_year import AcademicYear, academic_year, report_date
from mentorship.services.metrics.definitions import NEW_PAIRING_GRACE_DAYS, MetricSettings
from reports.xlsx import Cover

REPORTS = {
    "engagement": "Engagement",
    "inclusivity": "Inclusivity",
    "annual-review": "Annual program review",
}
ACTIVE_PAIRINGS_NOTE = (
    "Active pairings = pairings active in the academic year: started on or before its last day and not ended "
    "before its first day (they may have ended during the year). A pairing belongs to its mentee's program."
)


@dataclass(frozen=True)
class ReportSettings:
    """The settings a report depends on, read once from the app config."""

    metrics: MetricSettings
    min_cell_size: int
    start_month: int
    urim_categories: tuple[str, ...]
    topics: tuple[str, ...]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ReportSettings:
        """The settings of a Flask config mapping."""
        return cls(
            MetricSettings.from_config(config),
            int(config["MIN_CELL_SIZE"]),
            int(config["ACADEMIC_YEAR_START_MONTH"]),
            tuple(config["URIM_CATEGORIES"]),
            tuple(config["MEETING_TOPICS"]),
        )


@dataclass(frozen=True)
class ReportRequest:
    """Which report, for which year and programs, for whom and when."""

    year: int
    program_ids: tuple[int, ...] | None  # None = every program
    today: dt.date
    generated_at: dt.datetime
    generated_by: str
    settings: ReportSettings

    @property
    def ay(self) -> AcademicYear:
        """The academic year reported on."""
        return academic_year(self.year, self.settings.start_month)

    @property
    def as_of(self) -> dt.date:
        """The report date: today, or the last day of the year if it is over."""
        return report_date(self.ay, self.today)


def resolve_programs(names: Collection[str] | None) -> tuple[int, ...] | None:
    """Program ids of `names` (any case); None for every program; ServiceError for an unknown name."""
    if not names:
        return None
    from mentorship.services.programs import find_program

    ids = []
    for name in names:
        program = find_program(name)
        if program is None:
            raise ServiceError(f"No program called {name.strip()!r}.")
        ids.append(program.id)
    return tuple(sorted(set(ids)))


def _programs_label(req: ReportRequest, programs: Mapping[int, str]) -> str:
    if req.program_ids is None:
        return f"All programs ({len(programs)})"
    return "; ".join(programs.values()) or "(none)"


def cover(req: ReportRequest, report: str, programs: Mapping[int, str], notes: Sequence[str]) -> Cover:
    """The cover sheet of `report`: what, for which year and programs, who, when, settings and notes."""
    s = req.settings
    ay = req.ay
    return Cover(
        report=REPORTS[report],
        academic_year=f"{ay.label} ({ay.start.isoformat()} to {ay.end.isoformat()})"
        + (", year to date" if req.as_of < ay.end else ""),
        report_date=req.as_of,
        programs=_programs_label(req, programs),
        generated_at=req.generated_at,
        generated_by=req.generated_by,
        settings=[
            ("Engagement target (held meetings in the year)", s.metrics.engagement_target),
            ("Overdue after (days without a meeting)", s.metrics.overdue_days),
            ("Suppression threshold (MIN_CELL_SIZE)", s.min_cell_size),
            ("Academic year starts in month", s.start_month),
        ],
        notes=[
            *(
                [f"{ay.label} is still running: its yearly figures are year to date."]
                if req.as_of < ay.end
                else []
            ),
            "Figures follow the metric definitions (docs/metrics.md) as of the report date: today, or the "
            "last day of the year if it is over.",
            ACTIVE_PAIRINGS_NOTE,
            "Meetings and hours count held meetings dated in the year and not after the report date; "
            "cancelled, no-show and deleted meetings are not counted.",
            "Coverage = mentees enrolled in the year with at least one pairing active in the year, "
            "over mentees enrolled in the year. Rates are fractions formatted as percentages.",
            f"Engaged = at least {s.metrics.engagement_target} held meetings in the year. "
            f"Overdue = open at the report date (a pairing whose end date is the report date has ended), "
            f"started {NEW_PAIRING_GRACE_DAYS} or more days before it, and more than "
            f"{s.metrics.overdue_days} days since the last held meeting (or the start).",
            "Status, the first that applies: Ended (end date on or before the report date), Overdue, "
            f"New (started fewer than {NEW_PAIRING_GRACE_DAYS} days before it, no held meeting yet), Behind "
            "(never met, or fewer meetings than the target times the share of the year the pairing has run), "
            "On track.",
            "Medians ignore blanks; a group with no values is left blank.",
            *notes,
        ],
    )
