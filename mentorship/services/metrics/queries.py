"""Loading the figures of docs/metrics.md: select() queries, aggregates in SQL, a fixed number of queries.

Each function loads plain rows and hands them to services.metrics.definitions, which holds the rules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, or_, select, true, union_all

from mentorship.extensions import db
from mentorship.models import (
    Meeting,
    MenteeProfile,
    MentorProfile,
    Pairing,
    PairingYearTotal,
    Person,
    Program,
    RaceEthnicity,
    SelfIdentification,
)
from mentorship.services.academic_year import AcademicYear
from mentorship.services.metrics import kept
from mentorship.services.metrics.definitions import (
    BEFORE_THE_YEARS,
    HeldMeetings,
    LoadedMentee,
    LoadedPairing,
    MentorLoad,
    MetricSettings,
    PairingMetrics,
    SelfIdentificationView,
    YearMetrics,
    check_spans,
    held_per_year,
    pairings_of_year,
    years_of,
)
from mentorship.services.metrics.groups import MenteeIdentity, identity_groups
from mentorship.services.metrics.plans import reviewed_twice_by_year

Spans = Sequence[tuple[AcademicYear, dt.date]]


def counted_meeting() -> ColumnElement[bool]:
    """Meetings that count: held and not deleted."""
    return and_(Meeting.status == "held", Meeting.deleted_at.is_(None))


def mentee_scope(program_ids: Collection[int] | None) -> ColumnElement[bool]:
    """Condition on MenteeProfile: mentees of `program_ids` (None = every program)."""
    if program_ids is None:
        return true()
    return MenteeProfile.program_id.in_(sorted(program_ids))


def programs_in_scope(program_ids: Collection[int] | None) -> dict[int, str]:
    """Programs of the scope, id -> name, ordered by name."""
    query = select(Program.id, Program.name).order_by(Program.name)
    if program_ids is not None:
        query = query.where(Program.id.in_(sorted(program_ids)))
    return dict(db.session.execute(query).all())


def _whole(spans: Spans) -> AcademicYear:
    """One span from the first day of the first year to the last day of the last."""
    return AcademicYear(spans[0][0].year, spans[0][0].start, spans[-1][0].end)


Stretch = Callable[[Any], ColumnElement[int]]


def _held_live(spans: Spans, wanted: Select[Any], stretch: Stretch) -> Subquery:
    """Counted meetings of the `wanted` pairings per stretch, aggregated from every meeting."""
    part = stretch(Meeting.date)  # one expression for SELECT and GROUP BY (PostgreSQL matches them)
    return (
        select(
            Meeting.pairing_id.label("pairing_id"),
            part.label("stretch"),
            func.count(Meeting.id).label("n"),
            func.coalesce(func.sum(Meeting.duration_minutes), 0).label("minutes"),
            func.min(Meeting.date).label("first"),
            func.max(Meeting.date).label("last"),
        )
        .where(counted_meeting(), Meeting.date <= spans[-1][1], Meeting.pairing_id.in_(wanted))
        .group_by(Meeting.pairing_id, part)
        .subquery()
    )


def _kept_usable(spans: Spans) -> bool:
    """Whether the kept yearly totals fit these years: they start in the configured month, as the kept
    rows' years do (`flask metrics rebuild` after changing ACADEMIC_YEAR_START_MONTH)."""
    first = spans[0][0].start
    return first.day == 1 and first.month == kept.start_month()


def _held_kept(spans: Spans, wanted: Select[Any], stretch: Stretch) -> Subquery:
    """The same aggregates as `_held_live`, from the kept yearly totals (services.metrics.kept).

    A kept year lies inside one stretch, so its row is used whole when its last meeting is on or before the
    last report date; a year with meetings on both sides of that date (the current one, with meetings
    logged ahead) is aggregated from its meetings up to the date; a year that starts after it adds nothing.
    """
    as_of = spans[-1][1]
    totals = PairingYearTotal
    whole = select(
        totals.pairing_id.label("pairing_id"),
        stretch(totals.year_start).label("stretch"),
        totals.meetings.label("n"),
        totals.minutes.label("minutes"),
        totals.first_held.label("first"),
        totals.last_held.label("last"),
    ).where(totals.pairing_id.in_(wanted), totals.last_held <= as_of)
    by_date = stretch(Meeting.date)  # one expression for SELECT and GROUP BY (PostgreSQL matches them)
    part = (
        select(
            Meeting.pairing_id,
            by_date,
            func.count(Meeting.id),
            func.coalesce(func.sum(Meeting.duration_minutes), 0),
            func.min(Meeting.date),
            func.max(Meeting.date),
        )
        .join(
            totals,
            and_(
                totals.pairing_id == Meeting.pairing_id,
                totals.year_start <= Meeting.date,
                Meeting.date <= totals.year_end,
            ),
        )
        .where(
            totals.pairing_id.in_(wanted),
            totals.first_held <= as_of,
            totals.last_held > as_of,
            counted_meeting(),
            Meeting.date <= as_of,
        )
        .group_by(Meeting.pairing_id, by_date)
    )
    both = union_all(whole, part).subquery()
    return (
        select(
            both.c.pairing_id,
            both.c.stretch,
            func.sum(both.c.n).label("n"),
            func.sum(both.c.minutes).label("minutes"),
            func.min(both.c.first).label("first"),
            func.max(both.c.last).label("last"),
        )
        .group_by(both.c.pairing_id, both.c.stretch)
        .subquery()
    )


def _load_pairings(spans: Spans, condition: ColumnElement[bool]) -> list[LoadedPairing]:
    """The pairings active in any of the consecutive years `spans` (and matching `condition`), each with its
    counted meetings in each year; one query, the meetings aggregated once per pairing and stretch."""
    check_spans(spans)
    spanned = and_(Pairing.active_in(_whole(spans)), condition)

    def stretch(day: Any) -> ColumnElement[int]:
        # A counted meeting up to the last report date lies in one stretch (see check_spans, held_per_year).
        return case(
            (day < spans[0][0].start, BEFORE_THE_YEARS),
            *((day <= min(ay.end, as_of), k) for k, (ay, as_of) in enumerate(spans)),
            else_=len(spans),
        )

    # Only the meetings of the pairings asked for are aggregated.
    wanted = select(Pairing.id).join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id).where(spanned)
    held = _held_kept(spans, wanted, stretch) if _kept_usable(spans) else _held_live(spans, wanted, stretch)
    query = (
        select(
            Pairing.id,
            Pairing.start_date,
            Pairing.end_date,
            Pairing.mentee_id,
            Pairing.mentor_id,
            MenteeProfile.program_id,
            Pairing.kind,
            held.c.stretch,
            held.c.n,
            held.c.minutes,
            held.c.first,
            held.c.last,
        )
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .outerjoin(held, held.c.pairing_id == Pairing.id)
        .where(spanned)
    )
    pairings: dict[int, tuple[int, dt.date, dt.date | None, int, int, int, str]] = {}
    db.session.flush()  # the connection below skips the session's autoflush: pending changes must count
    stretches: dict[int, list[tuple[int, HeldMeetings]]] = defaultdict(list)
    for (
        pid,
        start,
        end,
        mentee_id,
        mentor_id,
        program_id,
        kind,
        part,
        n,
        minutes,
        first,
        last,
    ) in db.session.connection().execute(query):  # Core rows: the ORM's row handling doubled the time
        if pid not in pairings:
            pairings[pid] = (pid, start, end, mentee_id, mentor_id, program_id, kind)
        if part is not None:
            stretches[pid].append((int(part), HeldMeetings(int(n), int(minutes), first, last)))
    # Ordered here rather than in SQL, where sorting the joined rows costs more than the join.
    return [
        LoadedPairing(*pairings[pid], held=held_per_year(sorted(stretches.get(pid, ())), len(spans)))
        for pid in sorted(pairings)
    ]


def pairing_metrics(
    ay: AcademicYear,
    as_of: dt.date,
    settings: MetricSettings,
    where: ColumnElement[bool] | None = None,
) -> dict[int, PairingMetrics]:
    """The metrics of every pairing active in `ay` (and matching `where`), keyed by pairing id; one query."""
    spans = [(ay, as_of)]
    condition = where if where is not None else true()
    return pairings_of_year(_load_pairings(spans, condition), spans, 0, settings)


def pairing_metrics_of_meetings(
    pairings: Sequence[Pairing],
    counted: dict[int, list[tuple[dt.date, int]]],
    ay: AcademicYear,
    as_of: dt.date,
    settings: MetricSettings,
) -> dict[int, PairingMetrics]:
    """The metrics of `pairings` active in `ay`, as `pairing_metrics` gives them, from their counted meetings
    (date, minutes) a caller has read already (a pairing page's timeline: building and running the metrics
    query cost it more than the rest of its story). Each meeting goes in the stretch `_load_pairings` puts
    it in, for one year."""
    loaded = []
    for p in pairings:
        parts: dict[int, tuple[int, int, dt.date, dt.date]] = {}
        for date, minutes in counted.get(p.id, ()):
            if date > as_of:
                continue
            part = BEFORE_THE_YEARS if date < ay.start else 0 if date <= ay.end else 1
            n, total, first, last = parts.get(part, (0, 0, date, date))
            parts[part] = (n + 1, total + minutes, min(first, date), max(last, date))
        held = held_per_year(sorted((k, HeldMeetings(*v)) for k, v in parts.items()), 1)
        loaded.append(
            LoadedPairing(
                p.id, p.start_date, p.end_date, p.mentee_id, p.mentor_id, p.mentee.program_id, p.kind, held
            )
        )
    return pairings_of_year(loaded, [(ay, as_of)], 0, settings)


def pairing_metrics_of_years(
    spans: Spans, settings: MetricSettings, where: ColumnElement[bool]
) -> list[dict[int, PairingMetrics]]:
    """For each of the consecutive years `spans`, the metrics of the pairings matching `where` active in
    it, keyed by pairing id; one query (every year but the last as of its last day, as in years_metrics)."""
    if not spans:
        return []
    loaded = _load_pairings(spans, where)
    return [pairings_of_year(loaded, spans, k, settings) for k in range(len(spans))]


def years_metrics(
    spans: Spans, settings: MetricSettings, program_ids: Collection[int] | None = None
) -> list[YearMetrics]:
    """The figures of consecutive academic years, oldest first, each as of its report date; four queries.

    Every year but the last must be over (its report date its last day): a counted meeting then belongs to
    the year it is dated in, and the meetings are aggregated once per pairing and year.
    """
    if not spans:
        return []
    scope = mentee_scope(program_ids)
    programs = programs_in_scope(program_ids)
    mentees = [
        LoadedMentee(*row)
        for row in db.session.execute(
            select(
                MenteeProfile.id, MenteeProfile.program_id, MenteeProfile.enrolled_on, MenteeProfile.left_on
            )
            .where(MenteeProfile.enrolled_in(_whole(spans)), scope)
            .order_by(MenteeProfile.id)
        )
    ]
    twice = reviewed_twice_by_year(spans, scope)
    return years_of(spans, settings, programs, mentees, _load_pairings(spans, scope), twice)


def year_metrics(
    ay: AcademicYear, as_of: dt.date, settings: MetricSettings, program_ids: Collection[int] | None = None
) -> YearMetrics:
    """The figures of year `ay` as of `as_of` over `program_ids` (None = every program); four queries."""
    return years_metrics([(ay, as_of)], settings, program_ids)[0]


def mentors_with_open_pairings(
    ay: AcademicYear,
    as_of: dt.date,
    program_ids: Collection[int] | None = None,
    with_identity: bool = False,
) -> list[MentorLoad]:
    """The mentors of the scope, each with the pairings open at `as_of` (any program) against capacity.

    The mentors of the scope: those enrolled in Y of its programs or ever paired with its mentees, and
    every mentor of a pairing active in Y of its mentees.
    """
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
    selfids = self_identifications([row[1] for row in found]) if with_identity else {}
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


def self_identifications(person_ids: Collection[int]) -> dict[int, SelfIdentificationView]:
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
    selfids = self_identifications([m.person_id for m in mentees])
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
