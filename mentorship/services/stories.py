"""A pairing's story: this year's figures and status, its meetings, reminders, check-in flag and end.

One loader for the pairing page and the person page, in a fixed number of queries for any number of
pairings. Notes travel only to the pair's two people; the check-in flag only to staff, and never the
answers behind it (docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from mentorship.extensions import db
from mentorship.models import Meeting, Pairing, Person, Reminder
from mentorship.services import pulse
from mentorship.services.academic_year import AcademicYear
from mentorship.services.metrics.definitions import STATUS_LABELS, MetricSettings, PairingMetrics
from mentorship.services.metrics.queries import pairing_metrics

REMINDER_REASONS = {
    "overdue": "overdue",
    "never_met": "not met yet",
    "coordinator": "sent by a coordinator",
}
LOGGED_AS = {
    "mentor": "the mentor",
    "mentee": "the mentee",
    "coordinator": "a coordinator",
    "import": "an import",
}


@dataclass(frozen=True)
class TimelineMeeting:
    """One meeting as the viewer may see it: `notes` is None unless the viewer is one of the pair."""

    id: int
    date: dt.date
    minutes: int
    modality: str
    status: str
    topics: tuple[str, ...]
    logged_as: str
    logged_by: str | None  # the name of who logged it, if known
    confirmed: bool
    disputed: bool
    notes: str | None


@dataclass(frozen=True)
class SentReminder:
    """A reminder sent to both people of the pairing."""

    sent_at: dt.datetime
    reason: str


@dataclass
class Story:
    """Everything the pairing page shows of one pairing, for one viewer."""

    pairing: Pairing
    ay: AcademicYear
    metrics: PairingMetrics | None  # None: not active in `ay`
    status: str
    meetings: list[TimelineMeeting] = field(default_factory=list)
    reminders: list[SentReminder] = field(default_factory=list)
    flagged_at: dt.datetime | None = None  # staff only

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def stories(
    pairings: Sequence[Pairing],
    *,
    ay: AcademicYear,
    as_of: dt.date,
    settings: MetricSettings,
    viewer_person_id: int | None,
    viewer_is_staff: bool,
) -> dict[int, Story]:
    """The story of each pairing for this viewer, keyed by pairing id; five queries whatever the number.

    Figures and status come from the metrics service (one definition for every screen). Notes are kept
    for a pairing only when the viewer is its mentor or mentee; the check-in flag only for staff.
    """
    ids = [p.id for p in pairings]
    if not ids:
        return {}
    figures = pairing_metrics(ay, as_of, settings, Pairing.id.in_(ids))
    logger = aliased(Person)
    rows = db.session.execute(
        select(Meeting, logger.first_name, logger.last_name)
        .outerjoin(logger, logger.id == Meeting.logged_by_id)
        .where(Meeting.pairing_id.in_(ids), Meeting.deleted_at.is_(None))
        .options(selectinload(Meeting.topic_rows))
        .order_by(Meeting.date.desc(), Meeting.id.desc())
    ).all()
    pair_people = {p.id: {p.mentor.person_id, p.mentee.person_id} for p in pairings}
    meetings: dict[int, list[TimelineMeeting]] = defaultdict(list)
    for meeting, first, last in rows:
        own = viewer_person_id is not None and viewer_person_id in pair_people[meeting.pairing_id]
        meetings[meeting.pairing_id].append(
            TimelineMeeting(
                id=meeting.id,
                date=meeting.date,
                minutes=meeting.duration_minutes,
                modality=meeting.modality,
                status=meeting.status,
                topics=tuple(meeting.topics),
                logged_as=meeting.logged_as,
                logged_by=" ".join(x for x in (first, last) if x) or None,
                confirmed=meeting.confirmed_at is not None,
                disputed=meeting.disputed_at is not None,
                notes=meeting.notes if own else None,
            )
        )
    reminders: dict[int, list[SentReminder]] = defaultdict(list)
    for reminder in db.session.execute(
        select(Reminder).where(Reminder.pairing_id.in_(ids)).order_by(Reminder.sent_at.desc())
    ).scalars():
        reminders[reminder.pairing_id].append(
            SentReminder(reminder.sent_at, REMINDER_REASONS.get(reminder.reason, reminder.reason))
        )
    # The flag is for the office to act on; the pair themselves never see it (nor anyone the answers).
    staff_only = [p.id for p in pairings if viewer_is_staff and viewer_person_id not in pair_people[p.id]]
    flags = pulse.flagged(Pairing.id.in_(staff_only)) if staff_only else {}
    result = {}
    for p in pairings:
        m = figures.get(p.id)
        if m is not None:
            status = m.status
        elif p.end_date is not None and p.end_date <= as_of:
            status = "ended"
        else:
            # Not active in this year: it starts after it (a future pairing has no figures yet).
            status = "new"
        result[p.id] = Story(
            pairing=p,
            ay=ay,
            metrics=m,
            status=status,
            meetings=meetings.get(p.id, []),
            reminders=reminders.get(p.id, []),
            flagged_at=flags.get(p.id),
        )
    return result
