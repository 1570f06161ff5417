"""Planned meetings: plan, change, cancel, their calendar files, and "Did it happen?".

A planned meeting is not a meeting: it lives in its own table, so no figure counts it. Its outcome is
recorded once, as a Meeting made by the meetings service, when one of the pair says what happened.

The agenda is private to the pair, like notes: nothing here copies it into audit details, emails,
calendar files or logs (a calendar is often shared with an assistant), and a coordinator never sees it.
Times are entered and shown in the `TIMEZONE` setting and stored as naive UTC.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import Meeting, MenteeProfile, MentorProfile, Pairing, Person, PlannedMeeting
from mentorship.services import ServiceError, audit, calendar, execute_dml
from mentorship.services import meetings as meetings_service

MAX_PLACE = 300
MAX_AGENDA = 2000
DEFAULT_MINUTES = 30


class InvalidPlan(ServiceError):
    """A field of a planned meeting is not acceptable; `field` names it for the form."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class NotPlanned(ServiceError):
    """The planned meeting was already cancelled or its outcome recorded; `meeting` is that outcome."""

    def __init__(self, plan: PlannedMeeting):
        done = "cancelled" if plan.state == "cancelled" else "already recorded"
        super().__init__(f"This planned meeting was {done}.")
        self.plan = plan


@dataclass
class PlanInput:
    """What a person enters when planning a meeting: local date and time in the office's zone."""

    day: dt.date
    time: dt.time
    minutes: int = DEFAULT_MINUTES
    place: str = ""
    agenda: str | None = None


def to_utc(day: dt.date, time: dt.time, tz: str) -> dt.datetime:
    """The naive UTC moment of `day` at `time` in zone `tz` (a time skipped by a clock change moves on)."""
    local = dt.datetime.combine(day, time, tzinfo=calendar.zone(tz))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def local_start(plan: PlannedMeeting, tz: str) -> dt.datetime:
    """When `plan` starts, as an aware time in zone `tz`."""
    return plan.starts_at.replace(tzinfo=dt.UTC).astimezone(calendar.zone(tz))


def local_day(moment: dt.datetime, tz: str) -> dt.date:
    """The date in zone `tz` of a naive UTC `moment`."""
    return moment.replace(tzinfo=dt.UTC).astimezone(calendar.zone(tz)).date()


def modality_of(place: str) -> str:
    """How the pair meets, read from the place: a link is a video call."""
    return "video" if place.lower().startswith(("http://", "https://")) else "in_person"


def _validate(pairing: Pairing, data: PlanInput, *, now: dt.datetime, tz: str) -> str:
    if data.day is None:
        raise InvalidPlan("Enter the date of the meeting.", "day")
    if data.time is None:
        raise InvalidPlan("Enter the time of the meeting.", "time")
    if to_utc(data.day, data.time, tz) <= now:
        raise InvalidPlan("Plan a meeting in the future; log a meeting that already happened.", "day")
    if data.day < pairing.start_date:
        raise InvalidPlan(f"The mentorship starts on {pairing.start_date.isoformat()}.", "day")
    if pairing.end_date is not None and data.day >= pairing.end_date:
        raise InvalidPlan(f"The mentorship ends on {pairing.end_date.isoformat()}.", "day")
    low, high = meetings_service.MIN_MINUTES, meetings_service.MAX_MINUTES
    if data.minutes is None or not low <= data.minutes <= high:
        raise InvalidPlan(f"Enter {low} to {high} minutes.", "minutes")
    place = (data.place or "").strip()
    if not place:
        raise InvalidPlan("Enter where you will meet, or the video link.", "place")
    if len(place) > MAX_PLACE:
        raise InvalidPlan(f"Keep the place under {MAX_PLACE} characters.", "place")
    if data.agenda is not None and len(data.agenda.strip()) > MAX_AGENDA:
        raise InvalidPlan(f"Keep the agenda under {MAX_AGENDA:,} characters.", "agenda")
    return place


def _audit(by: Person, action: str, plan: PlannedMeeting) -> None:
    # Never the agenda; the place and time are what the pair's coordinator may see anyway.
    audit.record(
        by.user, action, plan, pairing_id=plan.pairing_id, starts_at=plan.starts_at, sequence=plan.sequence
    )


def plan_meeting(
    pairing: Pairing, data: PlanInput, *, by: Person, now: dt.datetime, tz: str, staff: bool
) -> PlannedMeeting:
    """Plan a meeting of `pairing`; `staff` (a coordinator planning for the pair) sets no agenda."""
    place = _validate(pairing, data, now=now, tz=tz)
    plan = PlannedMeeting(
        pairing=pairing,
        starts_at=to_utc(data.day, data.time, tz),
        minutes=data.minutes,
        place=place,
        agenda=None if staff else ((data.agenda or "").strip() or None),
        uid=f"{secrets.token_hex(16)}@planned.mentorship",
        sequence=0,
        state="planned",
        created_at=now,
        created_by_id=by.id,
    )
    db.session.add(plan)
    db.session.flush()
    _audit(by, "planned_meeting.plan", plan)
    return plan


def _still_planned(plan: PlannedMeeting) -> None:
    if plan.state != "planned":
        raise NotPlanned(plan)


def change_meeting(
    plan: PlannedMeeting, data: PlanInput, *, by: Person, now: dt.datetime, tz: str, staff: bool
) -> None:
    """Move or edit a planned meeting: same UID, SEQUENCE + 1; a coordinator's change keeps the agenda."""
    _still_planned(plan)
    place = _validate(plan.pairing, data, now=now, tz=tz)
    plan.starts_at = to_utc(data.day, data.time, tz)
    plan.minutes = data.minutes
    plan.place = place
    if not staff:
        plan.agenda = (data.agenda or "").strip() or None
    plan.sequence += 1
    plan.updated_at = now
    _audit(by, "planned_meeting.change", plan)


def cancel_meeting(plan: PlannedMeeting, *, by: Person, now: dt.datetime) -> None:
    """Call a planned meeting off: SEQUENCE + 1 and METHOD:CANCEL to both calendars."""
    _still_planned(plan)
    plan.state = "cancelled"
    plan.sequence += 1
    plan.updated_at = now
    _audit(by, "planned_meeting.cancel", plan)


def can_resolve(plan: PlannedMeeting, *, today: dt.date, tz: str) -> bool:
    """Whether the pair can say what happened: still planned, and its date (in `tz`) is before `today`."""
    return plan.state == "planned" and local_start(plan, tz).date() < today


def resolve(
    plan: PlannedMeeting,
    outcome: str,
    *,
    by: Person,
    logged_as: str,
    now: dt.datetime,
    today: dt.date,
    tz: str,
    allowed_topics: Iterable[str],
) -> Meeting:
    """Record what happened to `plan` ("held", "cancelled" or "no_show") as one Meeting, exactly once.

    Two taps, or both people at once, race here: the conditional UPDATE moves the plan from `planned` to
    `resolved` for one of them only (on PostgreSQL the second waits for the first to commit, then matches
    no row); the other gets NotPlanned and no second meeting is made.
    """
    if outcome not in vocab.PLANNED_OUTCOMES:
        raise InvalidPlan("Choose held, cancelled or no-show.", "outcome")
    if not can_resolve(plan, today=today, tz=tz):
        if plan.state != "planned":
            raise NotPlanned(plan)
        raise InvalidPlan("You can say what happened from the day after the meeting.", "outcome")
    claimed = execute_dml(
        update(PlannedMeeting)
        .where(PlannedMeeting.id == plan.id, PlannedMeeting.state == "planned")
        .values(state="resolved", resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.refresh(plan)
        raise NotPlanned(plan)
    data = meetings_service.MeetingInput(
        date=local_start(plan, tz).date(),
        duration_minutes=plan.minutes,
        modality=modality_of(plan.place),
        status=outcome,
    )
    meeting = meetings_service.log_meeting(
        plan.pairing, data, by=by, logged_as=logged_as, today=today, allowed_topics=allowed_topics, now=now
    )
    plan.state, plan.resolved_at, plan.meeting = "resolved", now, meeting
    audit.record(by.user, "planned_meeting.resolve", plan, pairing_id=plan.pairing_id, outcome=outcome)
    return meeting


def get_plan(plan_id: int) -> PlannedMeeting | None:
    """The planned meeting `plan_id` with its pairing's people loaded, or None."""
    return db.session.execute(
        select(PlannedMeeting)
        .where(PlannedMeeting.id == plan_id)
        .options(
            selectinload(PlannedMeeting.pairing)
            .selectinload(Pairing.mentor)
            .selectinload(MentorProfile.person),
            selectinload(PlannedMeeting.pairing)
            .selectinload(Pairing.mentee)
            .selectinload(MenteeProfile.person),
        )
    ).scalar_one_or_none()


def upcoming(pairing_ids: Sequence[int], *, now: dt.datetime) -> dict[int, list[PlannedMeeting]]:
    """Planned meetings still to come, per pairing, soonest first (one query)."""
    found: dict[int, list[PlannedMeeting]] = {pid: [] for pid in pairing_ids}
    if not pairing_ids:
        return found
    rows = db.session.execute(
        select(PlannedMeeting)
        .where(
            PlannedMeeting.pairing_id.in_(pairing_ids),
            PlannedMeeting.state == "planned",
            PlannedMeeting.starts_at > now,
        )
        .order_by(PlannedMeeting.starts_at)
    ).scalars()
    for plan in rows:
        found[plan.pairing_id].append(plan)
    return found


def awaiting_outcome(pairing_ids: Sequence[int], *, today: dt.date, tz: str) -> list[PlannedMeeting]:
    """Planned meetings of `pairing_ids` dated before `today` (in `tz`) whose outcome nobody gave yet."""
    if not pairing_ids:
        return []
    midnight = to_utc(today, dt.time(0, 0), tz)
    return list(
        db.session.execute(
            select(PlannedMeeting)
            .where(
                PlannedMeeting.pairing_id.in_(pairing_ids),
                PlannedMeeting.state == "planned",
                PlannedMeeting.starts_at < midnight,
            )
            .order_by(PlannedMeeting.starts_at)
        ).scalars()
    )


@dataclass(frozen=True)
class CalendarSettings:
    """What a calendar file needs from the settings: the zone, the organizer, the site's address."""

    timezone: str
    organizer_email: str
    organizer_name: str
    base_url: str


def calendar_event(plan: PlannedMeeting, settings: CalendarSettings) -> calendar.CalendarEvent:
    """The calendar event of `plan`: both people attend, the office organizes; never the agenda."""
    pairing = plan.pairing
    mentor, mentee = pairing.mentor.person, pairing.mentee.person
    page = f"{settings.base_url.rstrip('/')}/pairings/{pairing.id}"
    return calendar.CalendarEvent(
        uid=plan.uid,
        starts_at=plan.starts_at.replace(tzinfo=dt.UTC),
        minutes=plan.minutes,
        summary=f"Mentorship meeting: {mentor.full_name} and {mentee.full_name}",
        sequence=plan.sequence,
        location=plan.place,
        description=f"{vocab.label(vocab.PAIRING_KINDS, pairing.kind)} mentorship. The pair's page: {page}",
        organizer=calendar.CalendarPerson(settings.organizer_email, settings.organizer_name),
        attendees=(
            calendar.CalendarPerson(mentor.email, mentor.full_name),
            calendar.CalendarPerson(mentee.email, mentee.full_name),
        ),
        status="CANCELLED" if plan.state == "cancelled" else "CONFIRMED",
        url=page,
    )


def method_of(plan: PlannedMeeting) -> str:
    """The iTIP method of `plan`'s current file: CANCEL once cancelled, else REQUEST."""
    return "CANCEL" if plan.state == "cancelled" else "REQUEST"


def ics(plan: PlannedMeeting, settings: CalendarSettings) -> bytes:
    """The .ics file of `plan` as it stands (a request, or the cancellation).

    Its DTSTAMP is when this version (this SEQUENCE) was made, so the emailed file and every later
    download of the same version are the same bytes.
    """
    return calendar.event_bytes(
        calendar_event(plan, settings),
        method=method_of(plan),
        timezone=settings.timezone,
        stamp=(plan.updated_at or plan.created_at).replace(tzinfo=dt.UTC),
    )


def when_text(plan: PlannedMeeting, tz: str) -> str:
    """The planned time as people read it: "Thursday 14 January 2027, 4:30 pm to 5:15 pm"."""
    start = local_start(plan, tz)
    end = start + dt.timedelta(minutes=plan.minutes)
    return f"{start:%A} {start.day} {start:%B %Y}, {clock(start)} to {clock(end)}"


def clock(moment: dt.datetime) -> str:
    """A time of day as "4:30 pm"."""
    return f"{moment.hour % 12 or 12}:{moment:%M} {'am' if moment.hour < 12 else 'pm'}"


def outcome_line(plan: PlannedMeeting, meeting: Meeting | None, tz: str) -> str:
    """One readable line for what became of `plan` ("the meeting of ... is logged as held (45 minutes)")."""
    when = when_text(plan, tz)
    if plan.state == "cancelled":
        return f"the meeting planned for {when} was called off before it happened"
    if plan.state == "planned" or meeting is None:
        return f"the meeting planned for {when} has no outcome yet"
    label = vocab.label(vocab.MEETING_STATUSES, meeting.status).lower()
    return f"the meeting of {when} is logged as {label} ({meeting.duration_minutes} minutes)"
