"""The metric definitions of docs/metrics.md, in SQL. Dashboard, pages and workbooks all use these."""

from __future__ import annotations

import datetime as dt
import functools
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, case, extract, func, or_, select, true

from mentorship.extensions import db
from mentorship.models import (
    Meeting,
    MeetingTopic,
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
    Program,
    RaceEthnicity,
    SelfIdentification,
)
from mentorship.models.pairings import span_active_during, span_open_on
from mentorship.models.people import enrolled_during
from mentorship.services.academic_year import AcademicYear
from mentorship.services.people import SelfIdentificationAnswers, effective_urim

NEW_PAIRING_GRACE_DAYS = 30  # a pairing younger than this is never overdue


@dataclass(frozen=True)
class MetricSettings:
    engagement_target: int = 4
    overdue_days: int = 60

    @classmethod
    def from_config(cls, config) -> MetricSettings:
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
    status: str  # "overdue", "on_track" or "behind"
    mentee_id: int
    mentor_id: int
    program_id: int  # the mentee's program
    kind: str

    @property
    def hours(self) -> float:
        return self.minutes / 60


def counted_meeting() -> ColumnElement[bool]:
    """Meetings that count: held and not deleted."""
    return and_(Meeting.status == "held", Meeting.deleted_at.is_(None))


@functools.lru_cache(maxsize=256)
def on_track_threshold(ay: AcademicYear, as_of: dt.date, target: int) -> int:
    """⌊target × f⌋ with f the elapsed share of the year (inclusive), capped at 1."""
    elapsed = (as_of - ay.start).days + 1
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
    """Days since last meeting, active-at-D, overdue flag and status flag of one pairing."""
    days_since = (as_of - (last_meeting or start_date)).days
    active = span_open_on(start_date, end_date, as_of)
    overdue = (
        active and (as_of - start_date).days >= NEW_PAIRING_GRACE_DAYS and days_since > settings.overdue_days
    )
    if overdue:
        status = "overdue"
    elif meetings >= on_track_threshold(ay, as_of, settings.engagement_target):
        status = "on_track"
    else:
        status = "behind"
    return days_since, active, overdue, status


def pairing_metrics(
    ay: AcademicYear,
    as_of: dt.date,
    settings: MetricSettings,
    where: ColumnElement[bool] | None = None,
) -> dict[int, PairingMetrics]:
    """The metrics of every pairing active in `ay` (and matching `where`), keyed by pairing id; one query."""
    condition = where if where is not None else true()
    held = and_(counted_meeting(), Meeting.date <= as_of)
    in_year = and_(Meeting.date >= ay.start, Meeting.date <= ay.end)
    # Only the meetings of the pairings asked for are aggregated.
    wanted = (
        select(Pairing.id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(Pairing.active_in(ay), condition)
    )
    stats = (
        select(
            Meeting.pairing_id.label("pairing_id"),
            func.count(case((in_year, Meeting.id))).label("meetings"),
            func.coalesce(func.sum(case((in_year, Meeting.duration_minutes), else_=0)), 0).label("minutes"),
            func.min(Meeting.date).label("first_meeting"),
            func.max(Meeting.date).label("last_meeting"),
        )
        .where(held, Meeting.pairing_id.in_(wanted))
        .group_by(Meeting.pairing_id)
        .subquery()
    )
    query = (
        select(
            Pairing.id,
            Pairing.start_date,
            Pairing.end_date,
            stats.c.meetings,
            stats.c.minutes,
            stats.c.first_meeting,
            stats.c.last_meeting,
            Pairing.mentee_id,
            Pairing.mentor_id,
            MenteeProfile.program_id,
            Pairing.kind,
        )
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .outerjoin(stats, stats.c.pairing_id == Pairing.id)
        .where(Pairing.active_in(ay), condition)
        .order_by(Pairing.id)
    )
    return {
        row[0]: _pairing_of(row[0], *row[1:], ay=ay, as_of=as_of, settings=settings)
        for row in db.session.execute(query)
    }


def _pairing_of(
    pid: int,
    start: dt.date,
    end: dt.date | None,
    meetings: int | None,
    minutes: int | None,
    first: dt.date | None,
    last: dt.date | None,
    mentee_id: int,
    mentor_id: int,
    program_id: int,
    kind: str,
    *,
    ay: AcademicYear,
    as_of: dt.date,
    settings: MetricSettings,
) -> PairingMetrics:
    """The PairingMetrics of one pairing from its aggregated meetings (held, not deleted, up to `as_of`)."""
    meetings, minutes = meetings or 0, int(minutes or 0)
    days_since, active, overdue, status = classify(
        start_date=start,
        end_date=end,
        meetings=meetings,
        last_meeting=last,
        ay=ay,
        as_of=as_of,
        settings=settings,
    )
    return PairingMetrics(
        pairing_id=pid,
        start_date=start,
        end_date=end,
        meetings=meetings,
        minutes=minutes,
        first_meeting=first,
        last_meeting=last,
        days_to_first_meeting=(first - start).days if first is not None else None,
        days_since_last_meeting=days_since,
        active_at_report_date=active,
        engaged=meetings >= settings.engagement_target,
        overdue=overdue,
        status=status,
        mentee_id=mentee_id,
        mentor_id=mentor_id,
        program_id=program_id,
        kind=kind,
    )


def years_metrics(
    spans: Sequence[tuple[AcademicYear, dt.date]],
    settings: MetricSettings,
    program_ids: Collection[int] | None = None,
) -> list[YearMetrics]:
    """`year_metrics` of consecutive academic years, oldest first, each with its report date; four queries.

    The same definitions as `year_metrics`: the held meetings are aggregated once per pairing and year
    (a meeting belongs to the year it is dated in) instead of once per year over the whole history.
    Years that are not consecutive, or an earlier year whose report date is before its end, fall back to
    `year_metrics` per year.
    """
    spans = list(spans)
    consecutive = all(
        spans[k][1] == spans[k][0].end and spans[k + 1][0].start == spans[k][0].end + dt.timedelta(days=1)
        for k in range(len(spans) - 1)
    )
    if not spans or not consecutive or spans[-1][1] < spans[-1][0].start:
        return [year_metrics(ay, as_of, settings, program_ids) for ay, as_of in spans]
    programs = programs_in_scope(program_ids)
    scope = mentee_scope(program_ids)
    first_start, last_end, last_as_of = spans[0][0].start, spans[-1][0].end, spans[-1][1]
    mentees = db.session.execute(
        select(MenteeProfile.id, MenteeProfile.program_id, MenteeProfile.enrolled_on, MenteeProfile.left_on)
        .where(
            MenteeProfile.enrolled_in(AcademicYear(spans[0][0].year, first_start, last_end)),
            scope,
        )
        .order_by(MenteeProfile.id)
    ).all()
    spanned = Pairing.active_in(AcademicYear(spans[0][0].year, first_start, last_end))
    pairing_rows = db.session.execute(
        select(
            Pairing.id,
            Pairing.start_date,
            Pairing.end_date,
            Pairing.mentee_id,
            Pairing.mentor_id,
            MenteeProfile.program_id,
            Pairing.kind,
        )
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(spanned, scope)
        .order_by(Pairing.id)
    ).all()
    # Year k of the spans holds the meetings dated from its start to its report date; -1 = before them all.
    year_of_meeting = case(
        (Meeting.date < first_start, -1),
        *((Meeting.date <= as_of, k) for k, (_ay, as_of) in enumerate(spans[:-1])),
        else_=len(spans) - 1,
    )
    wanted = (
        select(Pairing.id).join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id).where(spanned, scope)
    )
    per_year: dict[int, dict[int, tuple]] = defaultdict(dict)
    for pid, k, n, minutes, first, last in db.session.execute(
        select(
            Meeting.pairing_id,
            year_of_meeting,
            func.count(Meeting.id),
            func.coalesce(func.sum(Meeting.duration_minutes), 0),
            func.min(Meeting.date),
            func.max(Meeting.date),
        )
        .where(counted_meeting(), Meeting.date <= last_as_of, Meeting.pairing_id.in_(wanted))
        .group_by(Meeting.pairing_id, year_of_meeting)
    ):
        per_year[pid][int(k)] = (n, minutes, first, last)
    years = []
    for k, (ay, as_of) in enumerate(spans):
        enrolled = {
            mid: program_id
            for mid, program_id, enrolled_on, left_on in mentees
            if enrolled_during(enrolled_on, left_on, ay.start, ay.end)
        }
        pairings = {}
        for pid, start, end, mentee_id, mentor_id, program_id, kind in pairing_rows:
            if not span_active_during(start, end, ay.start, ay.end):
                continue
            buckets = per_year.get(pid, {})
            upto = [buckets[b] for b in sorted(buckets) if b <= k]
            n, minutes = buckets[k][:2] if k in buckets else (0, 0)
            pairings[pid] = _pairing_of(
                pid,
                start,
                end,
                n,
                minutes,
                upto[0][2] if upto else None,
                upto[-1][3] if upto else None,
                mentee_id,
                mentor_id,
                program_id,
                kind,
                ay=ay,
                as_of=as_of,
                settings=settings,
            )
        years.append(YearMetrics(ay, as_of, settings, programs, enrolled, pairings))
    return years


# ---------------------------------------------------------------------------------------------------------
# Scope, enrolment and the per-program Summary.

STATUSES = ("on_track", "behind", "overdue")


def mentee_scope(program_ids: Collection[int] | None) -> ColumnElement[bool]:
    """Condition on MenteeProfile: mentees of `program_ids` (None = every program)."""
    if program_ids is None:
        return true()
    return MenteeProfile.program_id.in_(sorted(program_ids))


def median(values: Iterable[float | int | None]) -> float | None:
    """The median of the non-blank values; None (blank) when there are none."""
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def share(part: int, whole: int) -> float | None:
    """part / whole as a fraction, blank when whole is 0."""
    return part / whole if whole else None


@dataclass(frozen=True)
class SummaryRow:
    """One row of the engagement workbook's Summary: a program, or "All programs"."""

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

    @property
    def coverage(self) -> float | None:
        """Share of mentees enrolled in Y with at least one pairing active in Y."""
        return share(self.mentees_with_mentor, self.mentees_enrolled)

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def engaged_share(self) -> float | None:
        """Engaged pairings / pairings active in Y."""
        return share(self.engaged_pairings, self.active_pairings)

    @property
    def overdue_share(self) -> float | None:
        """Overdue pairings / pairings active in Y."""
        return share(self.overdue_pairings, self.active_pairings)


def summarize(
    program: str,
    program_id: int | None,
    enrolled_mentee_ids: Collection[int],
    pairings: Iterable[PairingMetrics],
) -> SummaryRow:
    """The Summary KPIs of a set of enrolled mentees and the pairings (active in Y) of a program or scope."""
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
    )


ALL_PROGRAMS = "All programs"


@dataclass(frozen=True)
class YearMetrics:
    """Every figure of one academic year, report date and scope (loaded in three queries)."""

    ay: AcademicYear
    as_of: dt.date
    settings: MetricSettings
    programs: dict[int, str]  # id -> name, in name order
    enrolled_mentees: dict[int, int]  # mentee id -> program id, for mentees enrolled in Y
    pairings: dict[int, PairingMetrics]  # pairings active in Y of the scope's mentees

    def summary(self) -> list[SummaryRow]:
        """One row per program of the scope, then "All programs"."""
        by_program: dict[int, list[PairingMetrics]] = defaultdict(list)
        for p in self.pairings.values():
            by_program[p.program_id].append(p)
        mentees: dict[int, list[int]] = defaultdict(list)
        for mentee_id, program_id in self.enrolled_mentees.items():
            mentees[program_id].append(mentee_id)
        rows = [summarize(name, pid, mentees[pid], by_program[pid]) for pid, name in self.programs.items()]
        rows.append(summarize(ALL_PROGRAMS, None, self.enrolled_mentees, self.pairings.values()))
        return rows

    def total(self) -> SummaryRow:
        """The "All programs" row."""
        return summarize(ALL_PROGRAMS, None, self.enrolled_mentees, self.pairings.values())

    def for_program(self, program_id: int) -> SummaryRow:
        """The Summary row of one program."""
        return summarize(
            self.programs[program_id],
            program_id,
            [m for m, p in self.enrolled_mentees.items() if p == program_id],
            [p for p in self.pairings.values() if p.program_id == program_id],
        )

    def status_counts(self, program_id: int | None = None) -> dict[str, int]:
        """Pairings active in Y by status flag (every status present, zero if none)."""
        counts = Counter(
            p.status for p in self.pairings.values() if program_id is None or p.program_id == program_id
        )
        return {status: counts.get(status, 0) for status in STATUSES}


def programs_in_scope(program_ids: Collection[int] | None) -> dict[int, str]:
    """Programs of the scope, id -> name, ordered by name."""
    query = select(Program.id, Program.name).order_by(Program.name)
    if program_ids is not None:
        query = query.where(Program.id.in_(sorted(program_ids)))
    return dict(db.session.execute(query).all())


def year_metrics(
    ay: AcademicYear, as_of: dt.date, settings: MetricSettings, program_ids: Collection[int] | None = None
) -> YearMetrics:
    """Load the figures of year `ay` as of `as_of` over `program_ids` (None = every program)."""
    programs = programs_in_scope(program_ids)
    scope = mentee_scope(program_ids)
    enrolled = dict(
        db.session.execute(
            select(MenteeProfile.id, MenteeProfile.program_id).where(MenteeProfile.enrolled_in(ay), scope)
        ).all()
    )
    return YearMetrics(ay, as_of, settings, programs, enrolled, pairing_metrics(ay, as_of, settings, scope))


# ---------------------------------------------------------------------------------------------------------
# Mentors, meetings, topics and months.


@dataclass(frozen=True)
class MentorLoad:
    """A mentor of the scope: load at the report date (all programs) against capacity."""

    mentor_id: int
    name: str
    sort_name: str
    email: str
    mentor_type: str
    department: str | None
    program: str | None
    capacity: int
    active_pairings: int  # pairings active at D, in any program: the mentor's real load
    enrolled: bool
    selfid: SelfIdentificationView | None = field(default=None, compare=False, repr=False)

    @property
    def load_share(self) -> float | None:
        """Share of capacity in use."""
        return share(self.active_pairings, self.capacity)


def mentor_loads(
    ay: AcademicYear,
    as_of: dt.date,
    program_ids: Collection[int] | None = None,
    with_identity: bool = False,
) -> list[MentorLoad]:
    """Mentors enrolled in Y in the scope, plus every mentor of a pairing active in Y in the scope."""
    scope = mentee_scope(program_ids)
    paired = (
        select(Pairing.mentor_id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(Pairing.active_in(ay), scope)
    )
    in_scope: ColumnElement[bool] = true()
    if program_ids is not None:
        ever = (
            select(Pairing.mentor_id)
            .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
            .where(MenteeProfile.program_id.in_(sorted(program_ids)))
        )
        in_scope = or_(MentorProfile.program_id.in_(sorted(program_ids)), MentorProfile.id.in_(ever))
    load = (
        select(Pairing.mentor_id.label("mentor_id"), func.count(Pairing.id).label("n"))
        .where(Pairing.open_on(as_of))
        .group_by(Pairing.mentor_id)
        .subquery()
    )
    enrolled = MentorProfile.enrolled_in(ay)
    query = (
        select(
            MentorProfile.id,
            MentorProfile.person_id,
            Person.first_name,
            Person.last_name,
            Person.email,
            MentorProfile.mentor_type,
            MentorProfile.department,
            Program.name,
            MentorProfile.capacity,
            func.coalesce(load.c.n, 0),
            enrolled,
        )
        .join(Person, Person.id == MentorProfile.person_id)
        .outerjoin(Program, Program.id == MentorProfile.program_id)
        .outerjoin(load, load.c.mentor_id == MentorProfile.id)
        .where(or_(and_(enrolled, in_scope), MentorProfile.id.in_(paired)))
        .order_by(Person.last_name, Person.first_name, MentorProfile.id)
    )
    found = db.session.execute(query).all()
    selfids = _self_identifications([row[1] for row in found]) if with_identity else {}
    return [
        MentorLoad(
            mentor_id=mentor_id,
            name=f"{first} {last}".strip(),
            sort_name=f"{last}, {first}",
            email=email,
            mentor_type=mentor_type,
            department=department,
            program=program,
            capacity=capacity,
            active_pairings=int(active),
            enrolled=bool(is_enrolled),
            selfid=selfids.get(person_id),
        )
        for (
            mentor_id,
            person_id,
            first,
            last,
            email,
            mentor_type,
            department,
            program,
            capacity,
            active,
            is_enrolled,
        ) in found
    ]


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
        return self.race_codes


def _self_identifications(person_ids: Collection[int]) -> dict[int, SelfIdentificationView]:
    """Self-identification answers of `person_ids`, by person id; two queries per 5,000 people."""
    result: dict[int, SelfIdentificationView] = {}
    ids = sorted(set(person_ids))
    for i in range(0, len(ids), 5000):
        chunk = ids[i : i + 5000]
        races: dict[int, list[str]] = defaultdict(list)
        for sid, category in db.session.execute(
            select(RaceEthnicity.self_identification_id, RaceEthnicity.category)
            .join(SelfIdentification, SelfIdentification.id == RaceEthnicity.self_identification_id)
            .where(SelfIdentification.person_id.in_(chunk))
            .order_by(RaceEthnicity.self_identification_id, RaceEthnicity.category)
        ):
            races[sid].append(category)
        for sid, person_id, gender, race_prefer_not, urim, img, first_generation in db.session.execute(
            select(
                SelfIdentification.id,
                SelfIdentification.person_id,
                SelfIdentification.gender,
                SelfIdentification.race_prefer_not,
                SelfIdentification.urim,
                SelfIdentification.img,
                SelfIdentification.first_generation,
            ).where(SelfIdentification.person_id.in_(chunk))
        ):
            result[person_id] = SelfIdentificationView(
                gender, bool(race_prefer_not), urim, img, first_generation, tuple(races.get(sid, ()))
            )
    return result


def _meetings_in_report(ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None):
    """Meetings (not deleted) dated in Y and not after D, of the scope's mentees' pairings."""
    return and_(
        Meeting.deleted_at.is_(None),
        Meeting.date >= ay.start,
        Meeting.date <= min(ay.end, as_of),
        mentee_scope(program_ids),
    )


@dataclass(frozen=True)
class MeetingRow:
    meeting_id: int
    pairing_id: int
    program: str
    mentee: str
    mentor: str
    date: dt.date
    minutes: int
    modality: str
    status: str
    logged_as: str
    confirmed: bool
    topics: tuple[str, ...]


def meeting_rows(
    ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None = None
) -> list[MeetingRow]:
    """Every meeting of Y up to D in the scope, any status (notes are never read); two queries."""
    mentee_person = Person.__table__.alias("mentee_person")
    mentor_person = Person.__table__.alias("mentor_person")
    query = (
        select(
            Meeting.id,
            Meeting.pairing_id,
            Program.name,
            mentee_person.c.first_name,
            mentee_person.c.last_name,
            mentor_person.c.first_name,
            mentor_person.c.last_name,
            Meeting.date,
            Meeting.duration_minutes,
            Meeting.modality,
            Meeting.status,
            Meeting.logged_as,
            Meeting.confirmed_at.is_not(None),
        )
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .join(Program, Program.id == MenteeProfile.program_id)
        .join(mentee_person, mentee_person.c.id == MenteeProfile.person_id)
        .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
        .join(mentor_person, mentor_person.c.id == MentorProfile.person_id)
        .where(_meetings_in_report(ay, as_of, program_ids))
        .order_by(Meeting.date, Meeting.id)
    )
    topics: dict[int, list[str]] = defaultdict(list)
    topic_query = (
        select(MeetingTopic.meeting_id, MeetingTopic.topic)
        .join(Meeting, Meeting.id == MeetingTopic.meeting_id)
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(_meetings_in_report(ay, as_of, program_ids))
        .order_by(MeetingTopic.meeting_id, MeetingTopic.topic)
    )
    for meeting_id, topic in db.session.execute(topic_query):
        topics[meeting_id].append(topic)
    return [
        MeetingRow(
            meeting_id=mid,
            pairing_id=pid,
            program=program,
            mentee=f"{mf} {ml}".strip(),
            mentor=f"{tf} {tl}".strip(),
            date=date,
            minutes=minutes,
            modality=modality,
            status=status,
            logged_as=logged_as,
            confirmed=bool(confirmed),
            topics=tuple(topics.get(mid, ())),
        )
        for (mid, pid, program, mf, ml, tf, tl, date, minutes, modality, status, logged_as, confirmed) in (
            db.session.execute(query)
        )
    ]


def topic_counts(
    ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None = None
) -> dict[tuple[int, str], int]:
    """Counted meetings (held, in Y, up to D) per (program id, topic); one aggregate query."""
    query = (
        select(MenteeProfile.program_id, MeetingTopic.topic, func.count(Meeting.id))
        .join(Meeting, Meeting.id == MeetingTopic.meeting_id)
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(_meetings_in_report(ay, as_of, program_ids), Meeting.status == "held")
        .group_by(MenteeProfile.program_id, MeetingTopic.topic)
    )
    return {(pid, topic): int(n) for pid, topic, n in db.session.execute(query)}


def meetings_per_month(
    ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None = None
) -> list[tuple[dt.date, int, float]]:
    """Counted meetings and hours per calendar month of Y (every month of Y listed); one aggregate query."""
    year, month = extract("year", Meeting.date), extract("month", Meeting.date)
    query = (
        select(year, month, func.count(Meeting.id), func.coalesce(func.sum(Meeting.duration_minutes), 0))
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(_meetings_in_report(ay, as_of, program_ids), Meeting.status == "held")
        .group_by(year, month)
    )
    found = {(int(y), int(m)): (int(n), int(minutes) / 60) for y, m, n, minutes in db.session.execute(query)}
    rows, day = [], ay.start.replace(day=1)
    while day <= ay.end:
        n, hours = found.get((day.year, day.month), (0, 0.0))
        rows.append((day, n, hours))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return rows


# ---------------------------------------------------------------------------------------------------------
# Groups for the inclusivity report (aggregate only; suppression is applied by the report, docs/privacy.md).

DIMENSIONS = ("gender", "urim", "img", "first_generation", "pgy")


def identity_groups(
    selfid: SelfIdentificationAnswers | None, urim_categories: Collection[str]
) -> dict[str, str | None]:
    """A person's group code per self-identified dimension; None = not disclosed (blank or prefer not)."""

    def answer(value: str | None, allowed: Collection[str]) -> str | None:
        return value if value in allowed else None

    return {
        "gender": answer(selfid.gender if selfid else None, ("woman", "man", "nonbinary", "self_described")),
        "urim": effective_urim(selfid, urim_categories),
        "img": answer(selfid.img if selfid else None, ("yes", "no")),
        "first_generation": answer(selfid.first_generation if selfid else None, ("yes", "no")),
    }


@dataclass(frozen=True)
class MenteeIdentity:
    mentee_id: int
    program_id: int
    groups: dict[str, str | None]  # dimension -> group code (pgy as "1".."10")
    concordance_gender: bool
    concordance_urim: bool


def mentee_identities(
    ay: AcademicYear, program_ids: Collection[int] | None, urim_categories: Collection[str]
) -> list[MenteeIdentity]:
    """Mentees enrolled in Y in the scope with their groups; a fixed number of queries."""
    mentees = db.session.execute(
        select(
            MenteeProfile.id,
            MenteeProfile.person_id,
            MenteeProfile.program_id,
            MenteeProfile.pgy,
            MenteeProfile.concordance_gender,
            MenteeProfile.concordance_urim,
        )
        .where(MenteeProfile.enrolled_in(ay), mentee_scope(program_ids))
        .order_by(MenteeProfile.id)
    ).all()
    selfids = _self_identifications([m.person_id for m in mentees])
    return [
        MenteeIdentity(
            mentee_id=mentee_id,
            program_id=program_id,
            groups={**identity_groups(selfids.get(person_id), urim_categories), "pgy": str(pgy)},
            concordance_gender=concordance_gender,
            concordance_urim=concordance_urim,
        )
        for mentee_id, person_id, program_id, pgy, concordance_gender, concordance_urim in mentees
    ]


@dataclass(frozen=True)
class GroupStats:
    """The figures of a group of mentees, with the number of people each figure rests on (for suppression)."""

    mentees: int
    with_mentor: int
    pairings: int
    pairing_people: int  # distinct mentees behind the pairing figures
    median_meetings: float | None
    engaged_pairings: int
    median_days_to_first_meeting: float | None
    first_meeting_people: int  # distinct mentees behind the median days to first meeting

    @property
    def coverage(self) -> float | None:
        return share(self.with_mentor, self.mentees)

    @property
    def engaged_share(self) -> float | None:
        return share(self.engaged_pairings, self.pairings)


def group_stats(mentee_ids: Collection[int], pairings: Iterable[PairingMetrics]) -> GroupStats:
    """Figures of enrolled mentees `mentee_ids` over their pairings active in Y (from `pairings`)."""
    ids = set(mentee_ids)
    mine = [p for p in pairings if p.mentee_id in ids]
    first = [p for p in mine if p.days_to_first_meeting is not None]
    return GroupStats(
        mentees=len(ids),
        with_mentor=len({p.mentee_id for p in mine}),
        pairings=len(mine),
        pairing_people=len({p.mentee_id for p in mine}),
        median_meetings=median(p.meetings for p in mine),
        engaged_pairings=sum(p.engaged for p in mine),
        median_days_to_first_meeting=median(p.days_to_first_meeting for p in first),
        first_meeting_people=len({p.mentee_id for p in first}),
    )


CONCORDANCE_NOT_PAIRED, CONCORDANCE_PAIRED, CONCORDANCE_MET = 0, 1, 2


def concordance_outcomes(
    kind: str,
    mentees: Iterable[MenteeIdentity],
    pairings: Iterable[PairingMetrics],
    mentor_groups: dict[int, dict[str, str | None]],
) -> list[tuple[MenteeIdentity, int]]:
    """Each mentee who asked for `kind` ("gender" or "urim") concordance, with the outcome in Y.

    Not paired (no pairing active in Y), paired, or met: a pairing active in Y is with a mentor of the same
    disclosed gender (gender) or both are URiM (URiM).
    """
    by_mentee: dict[int, list[int]] = defaultdict(list)
    for p in pairings:
        by_mentee[p.mentee_id].append(p.mentor_id)
    result = []
    for m in mentees:
        if not (m.concordance_gender if kind == "gender" else m.concordance_urim):
            continue
        mentors = by_mentee.get(m.mentee_id, [])
        mine = m.groups[kind]
        wanted = mine is not None and (kind == "gender" or mine == "yes")
        if wanted and any(mentor_groups.get(x, {}).get(kind) == mine for x in mentors):
            result.append((m, CONCORDANCE_MET))
        else:
            result.append((m, CONCORDANCE_PAIRED if mentors else CONCORDANCE_NOT_PAIRED))
    return result
