"""Nudges for quiet pairs: overdue pairings (docs/metrics.md) and pairings with no held meeting NEVER_MET_DAYS
after their start, at most once every REMINDER_INTERVAL_DAYS per pairing (docs/command-line.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    String,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    true,
)
from sqlalchemy.orm import selectinload

from mentorship.extensions import db
from mentorship.models import MenteeProfile, MentorProfile, Pairing, Reminder, User
from mentorship.services import ServiceError, audit, log_links, planning, planning_links
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.mail import Email, outbox, render
from mentorship.services.metrics.definitions import MetricSettings, PairingMetrics
from mentorship.services.metrics.queries import pairing_metrics
from mentorship.services.plans.reviews import due_mentees
from mentorship.services.plans.rules import Windows

NEVER_MET_DAYS = 21


@dataclass(frozen=True)
class Due:
    """A pairing that should be reminded, and why."""

    pairing: Pairing
    reason: str  # "overdue", "never_met" or "coordinator"
    metrics: PairingMetrics | None

    @property
    def why(self) -> str:
        m = self.metrics
        if self.reason == "overdue" and m is not None:
            if m.last_meeting is None:
                return f"overdue: no held meeting in the {m.days_since_last_meeting} days since the start"
            return f"overdue: last meeting {m.last_meeting.isoformat()}, {m.days_since_last_meeting} days ago"
        if self.reason == "never_met" and m is not None:
            return f"never met: started {m.start_date.isoformat()}, {m.days_since_last_meeting} days ago"
        return "reminder sent by a coordinator"

    @property
    def mentor_email(self) -> str:
        return self.pairing.mentor.person.email

    @property
    def mentee_email(self) -> str:
        return self.pairing.mentee.person.email


def reason_for(m: PairingMetrics, today: dt.date) -> str | None:
    """'overdue', 'never_met' (active, 21+ days since start, no held meeting) or None."""
    if not m.active_at_report_date:
        return None
    if m.overdue:
        return "overdue"
    if m.first_meeting is None and (today - m.start_date).days >= NEVER_MET_DAYS:
        return "never_met"
    return None


def quiet_pairings(
    today: dt.date, settings: MetricSettings, start_month: int, where: ColumnElement[bool] | None = None
) -> dict[int, tuple[str, PairingMetrics]]:
    """Active pairings (matching `where`) that are overdue or never met, keyed by id; one query."""
    ay = academic_year(year_of(today, start_month), start_month)
    condition = and_(Pairing.open_on(today), where if where is not None else true())
    result = {}
    for pid, m in pairing_metrics(ay, today, settings, where=condition).items():
        reason = reason_for(m, today)
        if reason is not None:
            result[pid] = (reason, m)
    return result


def last_reminders(pairing_ids: list[int]) -> dict[int, dt.datetime]:
    """When each pairing was last reminded."""
    if not pairing_ids:
        return {}
    rows = db.session.execute(
        select(Reminder.pairing_id, func.max(Reminder.sent_at))
        .where(Reminder.pairing_id.in_(pairing_ids))
        .group_by(Reminder.pairing_id)
    )
    return dict(rows.all())


def recently_reminded(last: dt.datetime | None, now: dt.datetime, interval_days: int) -> bool:
    """True if a reminder went out less than `interval_days` ago."""
    return last is not None and last > _not_before(now, interval_days)


def _not_before(now: dt.datetime, interval_days: int) -> dt.datetime:
    """A reminder sent after this moment is recent: the pair is not reminded again yet."""
    return now - dt.timedelta(days=interval_days)


def load_pairings(ids: list[int]) -> dict[int, Pairing]:
    """Pairings with both people loaded, in a fixed number of queries."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Pairing)
        .where(Pairing.id.in_(ids))
        .options(
            selectinload(Pairing.mentor).selectinload(MentorProfile.person),
            selectinload(Pairing.mentee).selectinload(MenteeProfile.person),
            selectinload(Pairing.mentee).selectinload(MenteeProfile.program),
        )
    ).scalars()
    return {p.id: p for p in rows}


def find_due(
    *,
    today: dt.date,
    now: dt.datetime,
    settings: MetricSettings,
    start_month: int,
    interval_days: int,
    where: ColumnElement[bool] | None = None,
) -> list[Due]:
    """Every pairing to remind now, ordered by program, mentor and mentee.

    A pairing whose mentor or mentee has left is not reminded: nobody would act on the email, and it stays on
    the coordinator's attention list to be ended.
    """
    enrolled = and_(
        Pairing.mentor_id.in_(select(MentorProfile.id).where(MentorProfile.not_left_on(today))),
        Pairing.mentee_id.in_(select(MenteeProfile.id).where(MenteeProfile.not_left_on(today))),
        where if where is not None else true(),
    )
    quiet = quiet_pairings(today, settings, start_month, enrolled)
    last = last_reminders(list(quiet))
    ids = [pid for pid in quiet if not recently_reminded(last.get(pid), now, interval_days)]
    pairings = load_pairings(ids)
    due = [Due(pairings[pid], *quiet[pid]) for pid in ids]
    due.sort(
        key=lambda d: (
            d.pairing.mentee.program.name,
            d.mentor_email,
            d.mentee_email,
            d.pairing.id,
        )
    )
    return due


def due_one(
    pairing: Pairing,
    *,
    today: dt.date,
    now: dt.datetime,
    settings: MetricSettings,
    start_month: int,
    interval_days: int,
) -> Due:
    """The reminder a coordinator's "remind now" sends for one pairing; ServiceError if it cannot go."""
    if not pairing.open_on(today):
        raise ServiceError("This pairing is not active, so it is not reminded.")
    last = last_reminders([pairing.id]).get(pairing.id)
    if last is not None and recently_reminded(last, now, interval_days):
        raise ServiceError(
            f"This pair was reminded on {last.date().isoformat()}; "
            f"reminders go at most every {interval_days} days."
        )
    quiet = quiet_pairings(today, settings, start_month, Pairing.id == pairing.id)
    if pairing.id in quiet:
        return Due(pairing, *quiet[pairing.id])
    return Due(pairing, "coordinator", None)


@dataclass(frozen=True)
class MailSettings:
    base_url: str
    secret_key: str
    link_days: int
    # PLAN_REVIEW_MONTHS, parsed: in an open window the mentor's email says the plan review is due.
    review_windows: Windows = ()
    start_month: int = 7
    # TIMEZONE: planned meetings' dates are counted and written in it (callers pass the setting).
    timezone: str = "America/New_York"


def _awaiting(pairing: Pairing, mail: MailSettings, now: dt.datetime) -> list[tuple[str, str]]:
    """The mentor's "Did it happen?" list: (when, link) for each past planned meeting with no outcome.

    Only the time of each (never its place or agenda): the mentor's copy may be read by an assistant.
    """
    today = planning.local_day(now, mail.timezone)
    plans = planning.awaiting_outcome([pairing.id], today=today, tz=mail.timezone)
    return [
        (
            planning.when_text(plan, mail.timezone),
            planning_links.url_for_plan(mail.base_url, plan, mail.secret_key),
        )
        for plan in plans
    ]


def compose(due: Due, mail: MailSettings, now: dt.datetime) -> list[Email]:
    """The mentor's email (with a new one-click link) and the mentee's, text and HTML."""
    pairing = due.pairing
    mentor, mentee = pairing.mentor.person, pairing.mentee.person
    record = log_links.issue(pairing, now=now, days=mail.link_days, sent_with="reminder")
    link = log_links.url_for_link(mail.base_url, record, mail.secret_key)
    home = mail.base_url.rstrip("/") + "/"
    m = due.metrics
    if m is not None and m.last_meeting is not None:
        since = f"Your last logged meeting was on {m.last_meeting.isoformat()}."
    else:
        since = f"No meeting has been logged since your mentorship began on {pairing.start_date.isoformat()}."
    today, review_link = now.date(), None
    year = year_of(today, mail.start_month)
    if pairing.mentee_id in due_mentees([pairing.mentee_id], year, today, mail.review_windows):
        review_link = f"{home}plans/mentee/{pairing.mentee_id}"
    subject = "Time to check in with your mentorship"
    context: dict[str, Any] = {
        "mentor": mentor,
        "mentee": mentee,
        "since": since,
        "base_url": home.rstrip("/"),
    }
    return [
        render(
            "reminder_mentor",
            to=mentor.email,
            to_name=mentor.full_name,
            subject=subject,
            link=link,
            link_days=mail.link_days,
            review_link=review_link,
            awaiting=_awaiting(pairing, mail, now),
            **context,
        ),
        render("reminder_mentee", to=mentee.email, to_name=mentee.full_name, subject=subject, **context),
    ]


def send(due: Due, *, mail: MailSettings, now: dt.datetime, sent_by: User | None) -> Reminder:
    """Record the reminder of `due` and email both people, audited as sent by `sent_by` (None: the command
    line's run, which audits itself with `record_run`); OSError if the mail did not go; the caller commits."""
    reminder = Reminder(
        pairing_id=due.pairing.id, sent_at=now, reason=due.reason, sent_by_id=sent_by.id if sent_by else None
    )
    db.session.add(reminder)
    db.session.flush()
    deliver(due, reminder.id, mail=mail, now=now)
    if sent_by is not None:
        audit.record(sent_by, "reminder.send", reminder, pairing_id=due.pairing.id, reason=due.reason)
    return reminder


def claim(due: Due, *, now: dt.datetime, interval_days: int) -> int | None:
    """Record the reminder of `due` before its mail goes (returns its id), or None if another run has
    reminded the pair recently or is reminding it now; the caller commits at once, so that every other run
    sees the claim.

    `flask reminders send` may start on two hosts at once, both finding the same pairs due. The check and
    the insert are one statement (INSERT ... SELECT ... WHERE NOT EXISTS), which SQLite runs under its
    single write lock; PostgreSQL runs concurrent statements side by side, so there the pairing's row is
    locked first (FOR NO KEY UPDATE SKIP LOCKED: a pair that another run holds is its to remind; a meeting
    being logged for the pair does not conflict) and the statement, run after the lock, sees any reminder
    a run committed meanwhile.
    """
    pid = due.pairing.id
    if db.session.get_bind().dialect.name == "postgresql":
        mine = select(Pairing.id).where(Pairing.id == pid).with_for_update(skip_locked=True, key_share=True)
        if db.session.execute(mine).scalar_one_or_none() is None:
            return None
    recent = exists().where(Reminder.pairing_id == pid, Reminder.sent_at > _not_before(now, interval_days))
    row = select(
        literal(pid, Integer), literal(now, DateTime), literal(due.reason, String), literal(None, Integer)
    ).where(~recent)
    statement = (
        insert(Reminder)
        .from_select(["pairing_id", "sent_at", "reason", "sent_by_id"], row)
        .returning(Reminder.id)
    )
    return db.session.execute(statement).scalar_one_or_none()


def deliver(due: Due, reminder_id: int, *, mail: MailSettings, now: dt.datetime) -> None:
    """Email both people of `due` (the mentor with a new one-click link) through the outbox, once for the
    reminder `reminder_id`; OSError if either email did not go; the caller commits the link and the rows."""
    ids = []
    for email, who in zip(compose(due, mail, now), ("mentor", "mentee"), strict=True):
        row = outbox.queue(
            email, key=f"reminder:{due.pairing.id}:{reminder_id}:{who}", kind="reminder", now=now
        )
        if row is not None:
            ids.append(row.id)
    db.session.flush()
    result = outbox.deliver(ids, now=now)
    if result.failed:
        raise OSError(f"{len(result.failed)} reminder email(s) not sent")


def release(reminder_id: int) -> None:
    """Forget a claimed reminder whose mail could not go, so that the next run tries the pair again."""
    db.session.execute(delete(Reminder).where(Reminder.id == reminder_id))


def record_run(sent: list[int], failed: list[int]) -> None:
    """Audit a run of `flask reminders send`: the pairings reminded and those whose mail failed."""
    audit.record(None, "reminders.send", None, via="cli", pairings=sent, failed=failed)
