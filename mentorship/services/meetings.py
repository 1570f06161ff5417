"""Meeting logs: logging, group sessions, confirming, editing, soft deletion and one-click links from emails.

Notes are private to the pairing's two people: nothing here ever copies them into audit details or logs.
Each change is audited here, as done by the account of the person who made it (`by`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import selectinload

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import (
    LogLink,
    LogLinkUse,
    Meeting,
    MeetingTopic,
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
)
from mentorship.services import NotFound, ServiceError, audit, log_links
from mentorship.services.pairings import involving

EDIT_WINDOW_DAYS = 14
CONFIRM_ASK_DAYS = (
    30  # the home page asks to confirm meetings of the last month; older ones wait on the pairing page
)
# The field rules of a meeting, shared by the meeting form, this service and the roster import.
MIN_MINUTES, MAX_MINUTES = 1, 600
# Imports have stored notes this long since the first release, so no shorter limit can apply to them.
MAX_NOTES = 10_000
DEFAULT_MODALITY, DEFAULT_STATUS = "in_person", "held"


class InvalidMeeting(ServiceError):
    """A field of a meeting is not acceptable; `field` names it so a form can show the message beside it."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class AlreadyLogged(ServiceError):
    """This one-click form was already submitted; `meeting` is what it logged."""

    def __init__(self, meeting: Meeting | None):
        super().__init__("This meeting is already logged.")
        self.meeting = meeting


@dataclass
class MeetingInput:
    """What a person enters on the logging form."""

    date: dt.date
    duration_minutes: int = 30
    modality: str = DEFAULT_MODALITY
    status: str = DEFAULT_STATUS
    topics: Sequence[str] = field(default_factory=list)
    notes: str | None = None


def utcnow() -> dt.datetime:
    """Naive UTC now, as the database stores it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def role_in(pairing: Pairing, person_id: int) -> str | None:
    """'mentor' or 'mentee' if the person is one of the pairing's two people, else None."""
    if pairing.mentor.person_id == person_id:
        return "mentor"
    if pairing.mentee.person_id == person_id:
        return "mentee"
    return None


def other_person(pairing: Pairing, person_id: int) -> Person:
    """The pairing's other person, seen from `person_id`."""
    return pairing.mentee.person if pairing.mentor.person_id == person_id else pairing.mentor.person


def in_future(day: dt.date, today: dt.date) -> bool:
    """Whether a meeting on `day` is still to come: a log is of a meeting that happened."""
    return day > today


def notes_too_long(notes: str | None) -> bool:
    """Whether notes (trimmed, as they are stored) pass MAX_NOTES characters."""
    return notes is not None and len(notes.strip()) > MAX_NOTES


def validate(pairing: Pairing, data: MeetingInput, *, today: dt.date, allowed_topics: Iterable[str]) -> None:
    """Raise ServiceError unless `data` is a meeting this pairing could have had."""
    if data.date is None:
        raise InvalidMeeting("Enter the date of the meeting.", "date")
    if in_future(data.date, today):
        raise InvalidMeeting("The date cannot be in the future.", "date")
    if data.date < pairing.start_date:
        raise InvalidMeeting(
            f"The date cannot be before the mentorship started ({pairing.start_date.isoformat()}).", "date"
        )
    if pairing.end_date is not None and data.date > pairing.end_date:
        raise InvalidMeeting(
            f"The date cannot be after the mentorship ended ({pairing.end_date.isoformat()}).", "date"
        )
    if data.duration_minutes is None or not MIN_MINUTES <= data.duration_minutes <= MAX_MINUTES:
        raise InvalidMeeting(f"Enter {MIN_MINUTES} to {MAX_MINUTES} minutes.", "duration_minutes")
    if data.modality not in vocab.MODALITIES:
        raise InvalidMeeting("Choose how you met.", "modality")
    if data.status not in vocab.MEETING_STATUSES:
        raise InvalidMeeting("Choose whether the meeting was held.", "status")
    if set(data.topics) - set(allowed_topics):
        raise InvalidMeeting("Choose topics from the list.", "topics")
    if notes_too_long(data.notes):
        raise InvalidMeeting(f"Notes cannot be longer than {MAX_NOTES:,} characters.", "notes")


def _audit(by: Person, action: str, meeting: Meeting, **extra: object) -> None:
    """Audit `action` on a meeting by `by`'s account: never its notes."""
    details = {
        "pairing_id": meeting.pairing_id,
        "date": meeting.date,
        "status": meeting.status,
        "logged_as": meeting.logged_as,
    }
    audit.record(by.user, action, meeting, **details, **extra)


def record_created(meeting: Meeting, *, by: Person, **extra: object) -> None:
    """Audit a meeting just logged by `by` (never its notes); `extra` says how (e.g. the API token)."""
    _audit(by, "meeting.create", meeting, **extra)


def _apply(meeting: Meeting, data: MeetingInput) -> None:
    meeting.date = data.date
    meeting.duration_minutes = data.duration_minutes
    meeting.modality = data.modality
    meeting.status = data.status
    wanted = list(dict.fromkeys(data.topics))
    kept = [row for row in meeting.topic_rows if row.topic in wanted]
    have = {row.topic for row in kept}
    meeting.topic_rows = kept + [MeetingTopic(topic=t) for t in wanted if t not in have]


def log_meeting(
    pairing: Pairing,
    data: MeetingInput,
    *,
    by: Person,
    logged_as: str,
    today: dt.date,
    allowed_topics: Iterable[str],
    now: dt.datetime | None = None,
) -> Meeting:
    """Add a meeting to `pairing`, logged by `by` as 'mentor', 'mentee' or 'coordinator'."""
    if logged_as not in {"mentor", "mentee", "coordinator"}:
        raise ValueError(logged_as)
    validate(pairing, data, today=today, allowed_topics=allowed_topics)
    meeting = Meeting(pairing=pairing, logged_by_id=by.id, logged_as=logged_as, created_at=now or utcnow())
    _apply(meeting, data)
    # A coordinator logs on the pair's behalf and never writes (or reads) notes.
    meeting.notes = None if logged_as == "coordinator" else ((data.notes or "").strip() or None)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def can_edit(meeting: Meeting, person_id: int, now: dt.datetime) -> bool:
    """Only the person who logged it, within EDIT_WINDOW_DAYS of logging, and not deleted."""
    return (
        meeting.deleted_at is None
        and meeting.logged_by_id == person_id
        and meeting.created_at is not None
        and now - meeting.created_at <= dt.timedelta(days=EDIT_WINDOW_DAYS)
    )


def group_of(meeting: Meeting) -> list[Meeting]:
    """The meeting and, for a group session, the other live meetings of its group (by id)."""
    if meeting.group_id is None:
        return [meeting]
    return list(
        db.session.execute(
            select(Meeting)
            .where(Meeting.group_id == meeting.group_id, Meeting.deleted_at.is_(None))
            .order_by(Meeting.id)
        ).scalars()
    )


def _named(pairing: Pairing, exc: InvalidMeeting, group: bool) -> InvalidMeeting:
    """In a group session, say whose pairing a field rule failed for."""
    if not group:
        return exc
    return InvalidMeeting(f"{pairing.mentee.person.full_name}: {exc}", exc.field)


def update_meeting(
    meeting: Meeting,
    data: MeetingInput,
    *,
    by: Person,
    today: dt.date,
    allowed_topics: Iterable[str],
    now: dt.datetime | None = None,
) -> list[str]:
    """Change a meeting (every meeting of its group session alike); returns the names of the fields that
    changed (never their note text)."""
    now = now or utcnow()
    if not can_edit(meeting, by.id, now):
        raise ServiceError(
            f"Only the person who logged a meeting can change it, within {EDIT_WINDOW_DAYS} days."
        )
    targets = group_of(meeting)
    for target in targets:
        try:
            validate(target.pairing, data, today=today, allowed_topics=allowed_topics)
        except InvalidMeeting as exc:
            raise _named(target.pairing, exc, len(targets) > 1) from None
    changed = _update_one(meeting, data, by=by, now=now)
    for target in targets:
        if target is not meeting:
            _update_one(target, data, by=by, now=now)
    return changed


def _update_one(meeting: Meeting, data: MeetingInput, *, by: Person, now: dt.datetime) -> list[str]:
    before = (
        meeting.date,
        meeting.duration_minutes,
        meeting.modality,
        meeting.status,
        sorted(meeting.topics),
    )
    old_notes = meeting.notes
    _apply(meeting, data)
    # A coordinator's log and a group session carry no notes (a group's would be read by every mentee).
    if meeting.logged_as != "coordinator" and meeting.group_id is None:
        meeting.notes = (data.notes or "").strip() or None
    after = (meeting.date, meeting.duration_minutes, meeting.modality, meeting.status, sorted(data.topics))
    names = ("date", "duration_minutes", "modality", "status", "topics")
    changed = [n for n, b, a in zip(names, before, after, strict=True) if b != a]
    if meeting.notes != old_notes:
        changed.append("notes")
    if changed:
        meeting.updated_at = now
        # A changed meeting needs the other person's word again.
        meeting.confirmed_at = meeting.disputed_at = None
    _audit(by, "meeting.update", meeting, changed=changed)
    return changed


def delete_meeting(meeting: Meeting, *, by: Person, now: dt.datetime | None = None) -> None:
    """Soft-delete (every meeting of its group session alike): the rows stay for the audit trail, but no
    page or metric counts them."""
    now = now or utcnow()
    if not can_edit(meeting, by.id, now):
        raise ServiceError(
            f"Only the person who logged a meeting can delete it, within {EDIT_WINDOW_DAYS} days."
        )
    for target in group_of(meeting):
        target.deleted_at = now
        _audit(by, "meeting.delete", target)


def log_group_session(
    pairings: Sequence[Pairing],
    data: MeetingInput,
    *,
    nonce: str,
    by: Person,
    today: dt.date,
    allowed_topics: Iterable[str],
    now: dt.datetime | None = None,
) -> list[Meeting]:
    """Log one meeting of a mentor with several of their mentees: a held meeting of each pairing, sharing
    a group id, without notes. The form's nonce stops a double submit as in log_once."""
    if len(pairings) < 2:
        raise InvalidMeeting("Choose at least two mentees for a group session.", "pairings")
    if any(p.mentor.person_id != by.id for p in pairings):
        raise ServiceError("A group session is logged by the mentor of every pairing in it.")
    if not nonce or len(nonce) > 64:
        raise ServiceError("This form is not valid. Open it again.")
    if db.session.get(LogLinkUse, nonce) is not None:
        raise AlreadyLogged(None)
    now = now or utcnow()
    group = uuid.uuid4().hex
    meetings = []
    for pairing in pairings:
        try:
            meeting = log_meeting(
                pairing,
                replace(data, notes=None),
                by=by,
                logged_as="mentor",
                today=today,
                allowed_topics=allowed_topics,
                now=now,
            )
        except InvalidMeeting as exc:
            raise _named(pairing, exc, True) from None
        meeting.group_id = group
        meetings.append(meeting)
    db.session.add(LogLinkUse(nonce=nonce, pairing_id=pairings[0].id, meeting_id=meetings[0].id, used_at=now))
    db.session.flush()
    for meeting in meetings:
        _audit(by, "meeting.create", meeting, group_id=group)
    return meetings


def can_confirm(meeting: Meeting, person_id: int) -> bool:
    """One of the pairing's people other than the one who logged it, while it is unanswered.

    Who logged it is the logger's id and, where that is unknown (meetings loaded in bulk, or an account
    deleted since), the role it was logged as: a meeting logged as the mentor's is the mentee's to answer.
    Imported meetings are nobody's to answer."""
    role = role_in(meeting.pairing, person_id)
    return (
        meeting.deleted_at is None
        and role is not None
        and meeting.logged_as != "import"
        and meeting.logged_as != role
        and meeting.logged_by_id != person_id
        and meeting.confirmed_at is None
        and meeting.disputed_at is None
    )


def answer_meeting(meeting: Meeting, *, by: Person, agree: bool, now: dt.datetime | None = None) -> None:
    """Confirm (`agree`) or dispute a meeting the other person (or a coordinator) logged."""
    if not can_confirm(meeting, by.id):
        raise ServiceError("This meeting is not waiting for your confirmation.")
    if agree:
        meeting.confirmed_at = now or utcnow()
    else:
        meeting.disputed_at = now or utcnow()
    _audit(by, "meeting.confirm" if agree else "meeting.dispute", meeting)


def person_pairings(person: Person, *, active_on: dt.date | None = None) -> list[Pairing]:
    """The person's pairings as mentor or mentee (people loaded), active ones first, newest first."""
    query = select(Pairing).where(involving(person))
    if active_on is not None:
        query = query.where(Pairing.open_on(active_on))
    query = query.options(
        selectinload(Pairing.mentor).selectinload(MentorProfile.person),
        selectinload(Pairing.mentee).selectinload(MenteeProfile.person),
    ).order_by(Pairing.end_date.is_not(None), Pairing.start_date.desc(), Pairing.id)
    return list(db.session.execute(query).scalars())


def live_meetings(pairing_ids: Iterable[int]) -> dict[int, list[Meeting]]:
    """Not-deleted meetings per pairing id, newest first, topics loaded; two queries."""
    ids = list(pairing_ids)
    result: dict[int, list[Meeting]] = {pid: [] for pid in ids}
    if not ids:
        return result
    rows = db.session.execute(
        select(Meeting)
        .where(Meeting.pairing_id.in_(ids), Meeting.deleted_at.is_(None))
        .options(selectinload(Meeting.topic_rows))
        .order_by(Meeting.date.desc(), Meeting.id.desc())
    ).scalars()
    for meeting in rows:
        result[meeting.pairing_id].append(meeting)
    return result


def awaiting_answer(
    person: Person, pairing_ids: Iterable[int], since: dt.date | None = None
) -> list[Meeting]:
    """Meetings in these pairings (dated on or after `since`) logged by someone else that `person` has not
    confirmed or disputed."""
    ids = list(pairing_ids)
    if not ids:
        return []
    # The same rule as can_confirm, in SQL: not logged by this person, nor as their role in the pairing.
    as_mentor = select(Pairing.id).join(MentorProfile, Pairing.mentor_id == MentorProfile.id)
    as_mentee = select(Pairing.id).join(MenteeProfile, Pairing.mentee_id == MenteeProfile.id)
    return list(
        db.session.execute(
            select(Meeting)
            .where(
                Meeting.pairing_id.in_(ids),
                Meeting.deleted_at.is_(None),
                or_(Meeting.logged_by_id.is_(None), Meeting.logged_by_id != person.id),
                Meeting.logged_as != "import",
                ~and_(
                    Meeting.logged_as == "mentor",
                    Meeting.pairing_id.in_(as_mentor.where(MentorProfile.person_id == person.id)),
                ),
                ~and_(
                    Meeting.logged_as == "mentee",
                    Meeting.pairing_id.in_(as_mentee.where(MenteeProfile.person_id == person.id)),
                ),
                Meeting.confirmed_at.is_(None),
                Meeting.disputed_at.is_(None),
                Meeting.date >= since if since is not None else true(),
            )
            .options(selectinload(Meeting.topic_rows))
            .order_by(Meeting.date.desc(), Meeting.id.desc())
        ).scalars()
    )


# One-time form nonces and one-click links ----------------------------------------------------------


def link_use(nonce: str, pairing: Pairing) -> LogLinkUse | None:
    """The recorded use of a signed-in form's nonce, if any; a nonce of another pairing is refused."""
    use = db.session.get(LogLinkUse, nonce)
    if use is not None and use.pairing_id != pairing.id:
        raise ServiceError("This form belongs to another mentorship. Open it again.")
    return use


def log_once(
    pairing: Pairing,
    data: MeetingInput,
    *,
    nonce: str,
    by: Person,
    logged_as: str,
    today: dt.date,
    allowed_topics: Iterable[str],
    now: dt.datetime | None = None,
) -> Meeting:
    """Log a meeting from a form carrying a one-time nonce: a second submit raises AlreadyLogged.

    The LogLinkUse row is added in the same transaction as the meeting, so two racing submits cannot both
    commit (the loser hits the primary key); the route turns that IntegrityError into AlreadyLogged too.
    """
    if not nonce or len(nonce) > 64:
        raise ServiceError("This form is not valid. Open it again.")
    use = link_use(nonce, pairing)
    if use is not None:
        raise AlreadyLogged(db.session.get(Meeting, use.meeting_id) if use.meeting_id else None)
    now = now or utcnow()
    meeting = log_meeting(
        pairing, data, by=by, logged_as=logged_as, today=today, allowed_topics=allowed_topics, now=now
    )
    db.session.add(LogLinkUse(nonce=nonce, pairing_id=pairing.id, meeting_id=meeting.id, used_at=now))
    db.session.flush()
    _audit(by, "meeting.create", meeting)
    return meeting


def log_via_link(
    link: LogLink,
    data: MeetingInput,
    *,
    today: dt.date,
    allowed_topics: Iterable[str],
    now: dt.datetime | None = None,
) -> Meeting:
    """Log a meeting from an emailed one-click link, as the pairing's mentor: at most one per link.

    LinkError if the link no longer works; AlreadyLogged if it was used, including by a submit that raced
    this one (the claim is a conditional UPDATE; the caller rolls back the meeting this one added).
    """
    now = now or utcnow()
    if link.meeting_id is not None:
        raise AlreadyLogged(log_links.used_meeting(link))
    why = log_links.refusal(link, today=today, now=now)
    if why is not None:
        raise log_links.LinkError(why)
    pairing = link.pairing
    meeting = log_meeting(
        pairing,
        data,
        by=pairing.mentor.person,
        logged_as="mentor",
        today=today,
        allowed_topics=allowed_topics,
        now=now,
    )
    if not log_links.claim(link, meeting, now=now):
        raise AlreadyLogged(None)
    _audit(pairing.mentor.person, "meeting.create", meeting, via="link")
    return meeting


def get_meeting(meeting_id: int) -> Meeting:
    """A not-deleted meeting, or NotFound."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted_at is not None:
        raise NotFound("No such meeting.")
    return meeting
