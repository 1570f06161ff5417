"""One-click "log a meeting" links sent by email (docs/guides/mentor.md, docs/privacy.md).

Each emailed link is a LogLink row; the link's token is its random id, signed with SECRET_KEY (so an id
read from a backup is not a working link). A link logs at most one meeting, works only until it expires,
while its pairing is open and both people are enrolled, and not after it was revoked (a coordinator's
"withdraw links", or the pairing ending). Opening a link never writes: mail scanners open every link
before the person does. The POST that uses one is `services.meetings.log_via_link`.
"""

from __future__ import annotations

import datetime as dt
import secrets

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import func, select, update

from mentorship.extensions import db
from mentorship.models import LogLink, Meeting, Pairing, User
from mentorship.services import ServiceError, audit, execute_dml

LOG_LINK_SALT = "log-link"
# The path of the one-click form; the meetings blueprint serves it (a test checks they agree).
QUICK_PATH = "/meetings/quick/{token}"

NOT_VALID = "This link is not valid. Sign in to log the meeting."


class LinkError(ServiceError):
    """A one-click link is not valid or no longer works; the message says why, and names nothing else."""


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=LOG_LINK_SALT)


def issue(pairing: Pairing, *, now: dt.datetime, days: int, sent_with: str = "reminder") -> LogLink:
    """A new link for `pairing`, valid `days` days from `now` (committed with the record of its email)."""
    link = LogLink(
        id=secrets.token_urlsafe(24),
        pairing=pairing,
        sent_with=sent_with,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    db.session.add(link)
    return link


def token_for(link: LogLink, secret_key: str) -> str:
    """The signed token that names `link` in its URL."""
    return _serializer(secret_key).dumps({"l": link.id})


def url_for_link(base_url: str, link: LogLink, secret_key: str) -> str:
    """The absolute address of the one-click form of `link`."""
    return base_url.rstrip("/") + QUICK_PATH.format(token=token_for(link, secret_key))


def read(token: str, secret_key: str) -> LogLink:
    """The link a token names; LinkError if the token is forged, mangled, or names no link."""
    try:
        data = _serializer(secret_key).loads(token)
    except BadData as exc:  # a bad signature, or a signed value that is not ours (an older link's format)
        raise LinkError(NOT_VALID) from exc
    link_id = data.get("l") if isinstance(data, dict) else None
    link = db.session.get(LogLink, link_id) if isinstance(link_id, str) and len(link_id) <= 64 else None
    if link is None:
        raise LinkError(NOT_VALID)
    return link


GONE = "This link no longer works. Sign in to log the meeting."


def gone(link: LogLink) -> bool:
    """True once either person of the link's pairing was erased: the link then shows nothing at all."""
    pairing = link.pairing
    return pairing.mentor.person.erased_at is not None or pairing.mentee.person.erased_at is not None


def refusal(link: LogLink, *, today: dt.date, now: dt.datetime) -> str | None:
    """Why `link` cannot log a meeting now, or None if it can (whether it was used is the caller's concern).

    Open on `today` as the metrics define it: started, and no end date or one after today.
    """
    pairing = link.pairing
    mentor, mentee = pairing.mentor, pairing.mentee
    if gone(link):
        return GONE
    if link.revoked_at is not None:
        return "This link was withdrawn, so it no longer works. Sign in to log the meeting."
    if link.expires_at <= now:
        return "This link has expired. Sign in to log the meeting, or wait for the next reminder."
    if pairing.start_date > today:
        return "This mentorship has not started yet, so no meeting can be logged for it."
    if pairing.end_date is not None and pairing.end_date <= today:
        return "This mentorship has ended, so this link no longer works."
    if not mentor.enrolled_on_day(today) or not mentee.enrolled_on_day(today):
        return "One of you is no longer enrolled in the program, so this link no longer works."
    return None


def used_meeting(link: LogLink) -> Meeting | None:
    """The meeting this link logged, unless it was deleted since."""
    meeting = link.meeting
    return meeting if meeting is not None and meeting.deleted_at is None else None


def claim(link: LogLink, meeting: Meeting, *, now: dt.datetime) -> bool:
    """Record that `link` logged `meeting`; False if another request used (or someone revoked) it first.

    One conditional UPDATE: of two racing submits the second waits for the first's row (PostgreSQL) or
    write lock (SQLite), then finds `meeting_id` set and changes nothing.
    """
    result = execute_dml(
        update(LogLink)
        .where(
            LogLink.id == link.id,
            LogLink.meeting_id.is_(None),
            LogLink.revoked_at.is_(None),
            LogLink.expires_at > now,
        )
        .values(meeting_id=meeting.id, used_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(link, ["meeting_id", "used_at", "meeting"])
    return result.rowcount == 1


def _live(now: dt.datetime):
    return (LogLink.meeting_id.is_(None), LogLink.revoked_at.is_(None), LogLink.expires_at > now)


def revoke(pairing_ids: list[int], *, now: dt.datetime | None = None) -> int:
    """Withdraw every unused link of these pairings; returns how many (used ones still show their meeting)."""
    if not pairing_ids:
        return 0
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    result = execute_dml(
        update(LogLink).where(LogLink.pairing_id.in_(pairing_ids), *_live(now)).values(revoked_at=now),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def withdraw(pairing: Pairing, *, actor: User | None) -> int:
    """Withdraw a pairing's unused links at a person's request, audited; returns how many."""
    count = revoke([pairing.id])
    audit.record(actor, "log_links.revoke", pairing, revoked=count)
    return count


def live_count(pairing_id: int, *, now: dt.datetime) -> int:
    """How many of the pairing's links could still log a meeting (unused, not revoked, not expired)."""
    return db.session.execute(
        select(func.count()).select_from(LogLink).where(LogLink.pairing_id == pairing_id, *_live(now))
    ).scalar_one()
