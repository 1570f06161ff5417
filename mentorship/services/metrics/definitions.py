"""The figures of docs/metrics.md as pure functions over plain values: no database, no Flask.

The queries (services.metrics.queries) load plain rows and hand them here, so the rules are read, and
tested, without SQL: a pairing's meetings and status, the Summary KPIs of a program, a year's figures.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from mentorship.models.pairings import span_active_during, span_open_on
from mentorship.models.people import enrolled_during
from mentorship.services.academic_year import AcademicYear

NEW_PAIRING_GRACE_DAYS = 30  # a pairing younger than this is never overdue, and without a meeting is new
STATUSES = ("on_track", "behind", "new", "overdue", "ended")  # the order every status list and chart follows
STATUS_LABELS = {
    "on_track": "On track",
    "behind": "Behind",
    "new": "New",
    "overdue": "Overdue",
    "ended": "Ended",
}
ALL_PROGRAMS = "All programs"
BEFORE_THE_YEARS = -1  # the stretch of a pairing's meetings dated before the first year loaded


@dataclass(frozen=True)
class MetricSettings:
    """The two settings the figures depend on: the engagement target and the overdue threshold."""

    engagement_target: int = 4
    overdue_days: int = 60

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MetricSettings:
        """The settings of a Flask config mapping."""
        return cls(config["ENGAGEMENT_TARGET"], config["OVERDUE_DAYS"])


@dataclass(frozen=True)
class PairingMetrics:
    """The figures of one pairing in academic year `ay` as of report date `as_of`."""

    pairing_id: int
    start_date: dt.date
    end_date: dt.date | None
    meetings: int
    minutes: int
    first_meeting: dt.date | None
    last_meeting: dt.date | None
    days_to_first_meeting: int | None
    days_since_last_meeting: int
    active_at_report_date: bool
    engaged: bool
    overdue: bool
    status: str  # one of STATUSES
    mentee_id: int
    mentor_id: int
    program_id: int  # the mentee's program
    kind: str

    @property
    def hours(self) -> float:
        """Minutes of the meetings in Y, in hours."""
        return self.minutes / 60


class HeldMeetings(NamedTuple):
    """A pairing's counted meetings for one year: how many and their minutes in the year, and the first and
    last of all its counted meetings up to the year's report date."""

    meetings: int
    minutes: int
    first: dt.date | None
    last: dt.date | None


class LoadedPairing(NamedTuple):
    """A pairing as loaded, with its counted meetings for each year loaded."""

    pairing_id: int
    start_date: dt.date
    end_date: dt.date | None
    mentee_id: int
    mentor_id: int
    program_id: int
    kind: str
    held: tuple[HeldMeetings, ...]  # one per year loaded, in the order asked for


def check_spans(spans: Sequence[tuple[AcademicYear, dt.date]]) -> None:
    """Refuse years that are not consecutive, or an earlier year whose report date is not its last day.

    Then a counted meeting up to the last report date lies in exactly one stretch: before the first year,
    in one of the years, or (when the last report date is after its year) after the last year.
    """
    for (ay, as_of), (later, _later_as_of) in zip(spans, spans[1:], strict=False):
        if as_of != ay.end or later.start != ay.end + dt.timedelta(days=1):
            raise ValueError("years must be consecutive, each earlier one as of its last day")


def held_per_year(stretches: Sequence[tuple[int, HeldMeetings]], years: int) -> tuple[HeldMeetings, ...]:
    """A pairing's HeldMeetings for each of `years` consecutive years, from its meetings per stretch.

    `stretches` are (stretch, meetings) in stretch order: BEFORE_THE_YEARS, the year numbers, then `years`
    for those after the last year. The first and last meeting of a year are over every stretch up to its
    report date: the earlier ones, and for the last year the one after it too.
    """
    out = []
    i, first, last = 0, None, None
    for k in range(years):
        limit = years if k == years - 1 else k
        meetings = minutes = 0
        while i < len(stretches) and stretches[i][0] <= limit:
            part, held = stretches[i]
            if part == k:
                meetings, minutes = held.meetings, held.minutes
            first = held.first if first is None else first
            last = held.last
            i += 1
        out.append(HeldMeetings(meetings, minutes, first, last))
    return tuple(out)


class LoadedMentee(NamedTuple):
    """A mentee as loaded: program and enrolment dates."""

    mentee_id: int
    program_id: int
    enrolled_on: dt.date
    left_on: dt.date | None


@functools.lru_cache(maxsize=256)
def on_track_threshold(ay: AcademicYear, as_of: dt.date, target: int, start: dt.date | None = None) -> int:
    """⌊target × f⌋, f = days from the later of Y's start and the pairing's `start` to D (inclusive) / days
    in Y, capped at 1: a pairing that starts mid-year is judged on its own months."""
    begin = ay.start if start is None else max(ay.start, start)
    elapsed = (as_of - begin).days + 1
    fraction = min(max(elapsed, 0) / ay.days, 1.0)
    return math.floor(target * fraction)


def classify(
    *,
    start_date: dt.date,
    end_date: dt.date | None,
    meetings: int,
    last_meeting: dt.date | None,
    ay: AcademicYear,
    as_of: dt.date,
    settings: MetricSettings,
) -> tuple[int, bool, bool, str]:
    """Days since last meeting, open-on-D, overdue flag and status flag of one pairing.

    `last_meeting` is its last held meeting on or before D in any year: None means it has never met.
    """
    days_since = (as_of - (last_meeting or start_date)).days
    active = span_open_on(start_date, end_date, as_of)
    age = (as_of - start_date).days
    overdue = active and age >= NEW_PAIRING_GRACE_DAYS and days_since > settings.overdue_days
    if end_date is not None and end_date <= as_of:
        status = "ended"
    elif overdue:
        status = "overdue"
    elif age < NEW_PAIRING_GRACE_DAYS and last_meeting is None:
        status = "new"
    elif last_meeting is None or meetings < on_track_threshold(
        ay, as_of, settings.engagement_target, start_date
    ):
        status = "behind"
    else:
        status = "on_track"
    return days_since, active, overdue, status


def pairing_figures(
    p: LoadedPairing, year: int, ay: AcademicYear, as_of: dt.date, settings: MetricSettings
) -> PairingMetrics:
    """The PairingMetrics of `p` in academic year `ay` as of `as_of`, the year loaded as number `year`."""
    meetings, minutes, first, last = p.held[year]
    days_since, active, overdue, status = classify(
        start_date=p.start_date,
        end_date=p.end_date,
        meetings=meetings,
        last_meeting=last,
        ay=ay,
        as_of=as_of,
        settings=settings,
    )
    return PairingMetrics(
        pairing_id=p.pairing_id,
        start_date=p.start_date,
        end_date=p.end_date,
        meetings=meetings,
        minutes=minutes,
        first_meeting=first,
        last_meeting=last,
        days_to_first_meeting=(first - p.start_date).days if first is not None else None,
        days_since_last_meeting=days_since,
        active_at_report_date=active,
        engaged=meetings >= settings.engagement_target,
        overdue=overdue,
        status=status,
        mentee_id=p.mentee_id,
        mentor_id=p.mentor_id,
        program_id=p.program_id,
        kind=p.kind,
    )


def pairings_of_year(
    pairings: Iterable[LoadedPairing],
    spans: Sequence[tuple[AcademicYear, dt.date]],
    year: int,
    settings: MetricSettings,
) -> dict[int, PairingMetrics]:
    """The figures of the pairings active in year number `year` of `spans`, by pairing id."""
    ay, as_of = spans[year]
    return {
        p.pairing_id: pairing_figures(p, year, ay, as_of, settings)
        for p in pairings
        if span_active_during(p.start_date, p.end_date, ay.start, ay.end)
    }


def median(values: Iterable[float | int | None]) -> float | None:
    """The median of the non-blank values; None (blank) when there are none."""
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def share(part: int | float, whole: int | float) -> float | None:
    """part / whole as a fraction, blank when whole is 0."""
    return part / whole if whole else None


@dataclass(frozen=True)
class SummaryRow:
    """The Summary KPIs of a program, or of "All programs", in one year."""

    program_id: int | None
    program: str
    mentees_enrolled: int
    mentees_with_mentor: int
    active_pairings: int
    meetings: int
    minutes: int
    engaged_pairings: int
    overdue_pairings: int
    median_days_to_first_meeting: float | None
    mentees_reviewed_twice: int = 0  # enrolled mentees whose development plan was reviewed twice in Y

    @property
    def coverage(self) -> float | None:
        """Share of mentees enrolled in Y with at least one pairing active in Y."""
        return share(self.mentees_with_mentor, self.mentees_enrolled)

    @property
    def hours(self) -> float:
        """Minutes of the meetings in Y, in hours."""
        return self.minutes / 60

    @property
    def engaged_share(self) -> float | None:
        """Engaged pairings / pairings active in Y."""
        return share(self.engaged_pairings, self.active_pairings)

    @property
    def overdue_share(self) -> float | None:
        """Overdue pairings / pairings active in Y."""
        return share(self.overdue_pairings, self.active_pairings)

    @property
    def plans_reviewed_twice(self) -> float | None:
        """Share of the mentees enrolled in Y whose plan was reviewed at least twice in Y."""
        return share(self.mentees_reviewed_twice, self.mentees_enrolled)


def summarize(
    program: str,
    program_id: int | None,
    enrolled_mentee_ids: Collection[int],
    pairings: Iterable[PairingMetrics],
    reviewed_twice: Collection[int] = frozenset(),
) -> SummaryRow:
    """The Summary KPIs of a set of enrolled mentees and the pairings (active in Y) of a program or scope;
    `reviewed_twice`: the mentees whose plan was reviewed at least twice in Y."""
    pairings = list(pairings)
    enrolled = set(enrolled_mentee_ids)
    paired = {p.mentee_id for p in pairings} & enrolled
    return SummaryRow(
        program_id=program_id,
        program=program,
        mentees_enrolled=len(enrolled),
        mentees_with_mentor=len(paired),
        active_pairings=len(pairings),
        meetings=sum(p.meetings for p in pairings),
        minutes=sum(p.minutes for p in pairings),
        engaged_pairings=sum(p.engaged for p in pairings),
        overdue_pairings=sum(p.overdue for p in pairings),
        median_days_to_first_meeting=median(p.days_to_first_meeting for p in pairings),
        mentees_reviewed_twice=len(enrolled & set(reviewed_twice)),
    )


@dataclass(frozen=True)
class YearMetrics:
    """Every figure of one academic year, report date and scope."""

    ay: AcademicYear
    as_of: dt.date
    settings: MetricSettings
    programs: dict[int, str]  # id -> name, in name order
    enrolled_mentees: dict[int, int]  # mentee id -> program id, for mentees enrolled in Y
    pairings: dict[int, PairingMetrics]  # pairings active in Y of the scope's mentees
    reviewed_twice: frozenset[int] = frozenset()  # mentees whose plan had two or more reviews in Y by D

    def summary(self) -> list[SummaryRow]:
        """One row per program of the scope, then "All programs"."""
        by_program: dict[int, list[PairingMetrics]] = defaultdict(list)
        for p in self.pairings.values():
            by_program[p.program_id].append(p)
        mentees: dict[int, list[int]] = defaultdict(list)
        for mentee_id, program_id in self.enrolled_mentees.items():
            mentees[program_id].append(mentee_id)
        rows = [
            summarize(name, pid, mentees[pid], by_program[pid], self.reviewed_twice)
            for pid, name in self.programs.items()
        ]
        rows.append(self.total())
        return rows

    def total(self) -> SummaryRow:
        """The "All programs" row."""
        return summarize(
            ALL_PROGRAMS, None, self.enrolled_mentees, self.pairings.values(), self.reviewed_twice
        )

    def for_program(self, program_id: int) -> SummaryRow:
        """The Summary row of one program."""
        return summarize(
            self.programs[program_id],
            program_id,
            [m for m, p in self.enrolled_mentees.items() if p == program_id],
            [p for p in self.pairings.values() if p.program_id == program_id],
            self.reviewed_twice,
        )

    def status_counts(self, program_id: int | None = None) -> dict[str, int]:
        """Pairings active in Y by status flag (every status present, zero if none)."""
        counts = Counter(
            p.status for p in self.pairings.values() if program_id is None or p.program_id == program_id
        )
        return {status: counts.get(status, 0) for status in STATUSES}


def years_of(
    spans: Sequence[tuple[AcademicYear, dt.date]],
    settings: MetricSettings,
    programs: dict[int, str],
    mentees: Sequence[LoadedMentee],
    pairings: Sequence[LoadedPairing],
    reviewed_twice: Sequence[frozenset[int]] = (),
) -> list[YearMetrics]:
    """The YearMetrics of each year of `spans`, from the mentees and pairings loaded over all of them (and
    each year's mentees whose plan was reviewed twice, when given)."""
    years = []
    for k, (ay, as_of) in enumerate(spans):
        enrolled = {
            m.mentee_id: m.program_id
            for m in mentees
            if enrolled_during(m.enrolled_on, m.left_on, ay.start, ay.end)
        }
        figures = pairings_of_year(pairings, spans, k, settings)
        twice = reviewed_twice[k] if reviewed_twice else frozenset()
        years.append(YearMetrics(ay, as_of, settings, programs, enrolled, figures, twice))
    return years


@dataclass(frozen=True)
class SelfIdentificationView:
    """The answers of a SelfIdentification that the metrics read, loaded without the ORM (same attributes)."""

    gender: str | None
    race_prefer_not: bool
    urim: str | None
    img: str | None
    first_generation: str | None
    race_codes: tuple[str, ...]

    @property
    def races(self) -> tuple[str, ...]:
        """The race/ethnicity codes, as the model's `races` gives them."""
        return self.race_codes


@dataclass(frozen=True)
class MentorLoad:
    """A mentor of the scope: the pairings open at the report date (all programs) against capacity."""

    mentor_id: int
    name: str
    sort_name: str
    email: str
    mentor_type: str
    department: str | None
    program: str | None
    capacity: int
    active_pairings: int  # pairings open at D, in any program: the mentor's real load
    enrolled: bool
    selfid: SelfIdentificationView | None = field(default=None, compare=False, repr=False)

    @property
    def load_share(self) -> float | None:
        """Share of capacity in use."""
        return share(self.active_pairings, self.capacity)
