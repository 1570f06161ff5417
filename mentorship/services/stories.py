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
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, ColumnElement, Executable, Select, and_, bindparam, case, null, select
from sqlalchemy.orm import aliased

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import Meeting, MeetingTopic, Pairing, Person, Reminder
from mentorship.services import pulse
from mentorship.services.academic_year import AcademicYear
from mentorship.services.metrics.definitions import STATUS_LABELS, MetricSettings, PairingMetrics
from mentorship.services.metrics.queries import pairing_metrics_of_meetings

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

    # The labels the timeline shows, made here: a long pairing's hundreds of template macro calls cost more.
    @property
    def modality_label(self) -> str:
        return vocab.label(vocab.MODALITIES, self.modality)

    @property
    def status_label(self) -> str:
        return vocab.label(vocab.MEETING_STATUSES, self.status) or self.status

    @property
    def logged(self) -> str:
        """Who logged it: "Name (the mentor)", or only the role when the person is unknown."""
        role = LOGGED_AS.get(self.logged_as, self.logged_as)
        return f"{self.logged_by} ({role})" if self.logged_by else role


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
    meetings: list[TimelineMeeting] = field(default_factory=list)  # newest first, the latest asked for
    meeting_count: int = 0  # every meeting in the timeline, listed or not
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
    latest: int | None = None,
) -> dict[int, Story]:
    """The story of each pairing for this viewer, keyed by pairing id; four queries whatever the number.
    Its timeline lists the `latest` meetings (None: all); the figures count every meeting.

    Figures and status follow the metrics service's rules (one definition for every screen). Notes are kept
    for a pairing only when the viewer is its mentor or mentee; the check-in flag only for staff.
    """
    ids = [p.id for p in pairings]
    if not ids:
        return {}
    pair_people = {p.id: {p.mentor.person_id, p.mentee.person_id} for p in pairings}
    own = [pid for pid, people in pair_people.items() if viewer_person_id in people]
    statements = _statements()
    if own:
        rows = db.session.execute(statements.meetings_with_notes, {"ids": ids, "own": own}).all()
    else:
        rows = db.session.execute(statements.meetings, {"ids": ids}).all()
    counted: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    listed = []
    for row in rows:
        if row.status == "held":
            counted[row.pairing_id].append((row.date, row.duration_minutes))
        counts[row.pairing_id] += 1
        if latest is None or counts[row.pairing_id] <= latest:
            listed.append(row)
    topics: dict[int, list[str]] = defaultdict(list)
    if latest is None:
        found = db.session.execute(statements.topics, {"ids": ids})
    else:  # the topics of the meetings listed only
        found = db.session.execute(statements.topics_of, {"meeting_ids": [row.id for row in listed]})
    for meeting_id, topic in found:
        topics[meeting_id].append(topic)
    meetings: dict[int, list[TimelineMeeting]] = defaultdict(list)
    for (
        mid,
        pid,
        date,
        minutes,
        modality,
        status,
        logged_as,
        confirmed,
        disputed,
        notes,
        first,
        last,
    ) in listed:
        meetings[pid].append(
            TimelineMeeting(
                id=mid,
                date=date,
                minutes=minutes,
                modality=modality,
                status=status,
                topics=tuple(topics.get(mid, ())),
                logged_as=logged_as,
                logged_by=" ".join(x for x in (first, last) if x) or None,
                confirmed=confirmed is not None,
                disputed=disputed is not None,
                notes=notes,
            )
        )
    figures = pairing_metrics_of_meetings(pairings, counted, ay, as_of, settings)
    reminders: dict[int, list[SentReminder]] = defaultdict(list)
    for pid, sent_at, reason in db.session.execute(statements.reminders, {"ids": ids}):
        reminders[pid].append(SentReminder(sent_at, REMINDER_REASONS.get(reason, reason)))
    # The flag is for the office to act on; the pair themselves never see it (nor anyone the answers).
    staff_only = [p.id for p in pairings if viewer_is_staff and viewer_person_id not in pair_people[p.id]]
    flags: dict[int, dt.datetime] = {}
    if staff_only:
        flags = dict(db.session.execute(statements.flags, {"ids": staff_only}).all())
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
            meeting_count=counts.get(p.id, 0),
            reminders=reminders.get(p.id, []),
            flagged_at=flags.get(p.id),
        )
    return result


class _Statements(NamedTuple):
    topics: Executable
    topics_of: Executable  # of the meetings in "meeting_ids"
    meetings: Executable
    meetings_with_notes: Executable  # the notes of the pairings in "own"; None for the others
    reminders: Executable
    flags: Select[int, dt.datetime]


@cache
def _statements() -> _Statements:
    """The story's statements, of the pairings in the "ids" parameter, built once: building them cost the
    pairing page more than running them."""
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    shown = and_(Meeting.pairing_id.in_(ids), Meeting.deleted_at.is_(None))
    topics = select(MeetingTopic.meeting_id, MeetingTopic.topic).order_by(
        MeetingTopic.meeting_id, MeetingTopic.topic
    )
    logger = aliased(Person)

    def meetings(notes: ColumnElement[Any]) -> Select[Any]:
        # Columns rather than Meeting objects (a long pairing has hundreds); the notes of a pairing that is
        # not the viewer's own are not even read.
        return (
            select(
                Meeting.id,
                Meeting.pairing_id,
                Meeting.date,
                Meeting.duration_minutes,
                Meeting.modality,
                Meeting.status,
                Meeting.logged_as,
                Meeting.confirmed_at,
                Meeting.disputed_at,
                notes,
                logger.first_name,
                logger.last_name,
            )
            .outerjoin(logger, logger.id == Meeting.logged_by_id)
            .where(shown)
            .order_by(Meeting.date.desc(), Meeting.id.desc())
        )

    own: BindParameter[list[int]] = bindparam("own", expanding=True)
    return _Statements(
        topics=topics.where(MeetingTopic.meeting_id.in_(select(Meeting.id).where(shown))),
        topics_of=topics.where(MeetingTopic.meeting_id.in_(bindparam("meeting_ids", expanding=True))),
        meetings=meetings(null()),
        meetings_with_notes=meetings(case((Meeting.pairing_id.in_(own), Meeting.notes))),
        reminders=select(Reminder.pairing_id, Reminder.sent_at, Reminder.reason)
        .where(Reminder.pairing_id.in_(ids))
        .order_by(Reminder.sent_at.desc()),
        flags=pulse.flagged_query(Pairing.id.in_(ids)),
    )
