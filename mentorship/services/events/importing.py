"""`flask events import PATH`: events and their attendance from a workbook (or CSV files), all or nothing.

Sheets `Events` (title*, kind, start*, end, place, programs, capacity) and `Attendance` (event_title*,
event_date*, email*, rsvp, attended), read by the roster's reader and cell parser with their own layout.
An event is identified by its title and the date it starts: a row naming one that exists updates it, and
importing the same file twice changes nothing the second time. Every problem names its sheet, row and
column, and a file with any problem writes nothing. Imported events record what happened: they invite
nobody and send no email; the invitations are the Attendance rows.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import Event, Invitation, Person, Program
from mentorship.services import audit
from mentorship.services.events.events import MAX_PLACE, MAX_TITLE
from mentorship.services.roster.cells import YES_NO_TEXT, At, Cells, quote, split_list
from mentorship.services.roster.columns import Layout
from mentorship.services.roster.errors import ImportInvalid, RowError
from mentorship.services.roster.reader import Roster

LAYOUT = Layout(
    sheets=("Events", "Attendance"),
    columns={
        "Events": ("title", "kind", "start", "end", "place", "programs", "capacity"),
        "Attendance": ("event_title", "event_date", "email", "rsvp", "attended"),
    },
    required={
        "Events": frozenset({"title", "start"}),
        "Attendance": frozenset({"event_title", "event_date", "email"}),
    },
    aliases={"event": "event_title", "date": "event_date", "e_mail": "email", "name": "title"},
)
TIME_RE = re.compile(r"[ T](\d{1,2}):(\d{2})(?::\d{2})?\s*$")
RSVP_CHOICES = {"going": "Going", "not_going": "Not going"}
DEFAULT_LENGTH = dt.timedelta(hours=1)


@dataclass(frozen=True)
class EventRow:
    number: int
    title: str
    kind: str | None
    start: dt.datetime
    end: dt.datetime | None
    place: str | None
    program_ids: tuple[int, ...] | None
    capacity: int | None


@dataclass(frozen=True)
class AttendanceRow:
    number: int
    key: tuple[str, dt.date]
    person_id: int
    rsvp: str | None
    attended: bool | None


@dataclass
class EventsImport:
    """What an import did (or, with errors, nothing)."""

    events_created: int = 0
    events_updated: int = 0
    invitations_created: int = 0
    invitations_updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (self.events_created, self.events_updated, self.invitations_created, self.invitations_updated)
        )


def _key(title: str, day: dt.date) -> tuple[str, dt.date]:
    return (" ".join(title.split()).casefold(), day)


def _when(cells: Cells, column: str, required: bool = False) -> dt.datetime | None:
    """A date and time: an Excel date-time, or a date (YYYY-MM-DD or M/D/YYYY) with an optional HH:MM."""
    value = cells.values.get(column)
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0)
    day = cells.date(column, required)
    if day is None:
        return None
    match = TIME_RE.search(cells.raw(column))
    if match is None:
        return dt.datetime.combine(day, dt.time())
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        cells.error(column, f"{quote(cells.raw(column))} has no such time of day")
        return None
    return dt.datetime.combine(day, dt.time(hour, minute))


def _event_rows(roster: Roster, errors: list[RowError]) -> list[EventRow]:
    programs = {name.casefold(): pid for pid, name in db.session.execute(select(Program.id, Program.name))}
    rows: list[EventRow] = []
    seen: dict[tuple[str, dt.date], int] = {}
    sheet = roster.sheets.get("Events")
    for number, values in sheet.rows if sheet else []:
        cells = Cells(At("Events", number), values, errors)
        cells.check_characters()
        title = cells.text("title", required=True, max_len=MAX_TITLE)
        kind = cells.choice("kind", vocab.EVENT_KINDS, "a kind of event")
        start = _when(cells, "start", required=True)
        end = _when(cells, "end")
        if start and end and end < start:
            cells.error("end", "is before the start")
        if start and end and end - start > dt.timedelta(days=7):
            cells.error("end", "is more than a week after the start")
        place = cells.text("place", max_len=MAX_PLACE)
        program_ids = None
        if cells.has("programs"):
            program_ids = []
            for name in split_list(cells.raw("programs")):
                if name.casefold() in programs:
                    program_ids.append(programs[name.casefold()])
                else:
                    cells.error("programs", f"{quote(name)} is not a program (add it first, or fix the name)")
        capacity = cells.whole("capacity", (1, 100_000))
        if title and start:
            key = _key(title, start.date())
            if key in seen:
                cells.error("title", f"the same event (title and date) as row {seen[key]}")
            seen[key] = number
        if cells.ok and title and start:
            ids = tuple(sorted(set(program_ids))) if program_ids is not None else None
            rows.append(EventRow(number, title, kind, start, end, place, ids, capacity))
    return rows


def _attendance_rows(
    roster: Roster, known: set[tuple[str, dt.date]], errors: list[RowError]
) -> list[AttendanceRow]:
    sheet = roster.sheets.get("Attendance")
    if sheet is None:
        return []
    people = {
        email: pid
        for pid, email in db.session.execute(
            select(Person.id, Person.email).where(Person.erased_at.is_(None))
        )
    }
    rows: list[AttendanceRow] = []
    seen: dict[tuple[tuple[str, dt.date], int], int] = {}
    for number, values in sheet.rows:
        cells = Cells(At("Attendance", number), values, errors)
        cells.check_characters()
        title = cells.text("event_title", required=True, max_len=MAX_TITLE)
        day = cells.date("event_date", required=True)
        email = cells.email("email", required=True)
        rsvp = cells.choice("rsvp", RSVP_CHOICES, "an answer")
        attended = None
        if cells.has("attended"):
            answer = YES_NO_TEXT.get(vocab.slug(cells.raw("attended")))
            if answer is None:
                cells.error("attended", f"{quote(cells.raw('attended'))} is not yes or no")
            attended = answer == "yes"
        key = _key(title, day) if title and day else None
        if key is not None and key not in known:
            cells.error(
                "event_title", f"no event {quote(title or '')} on {day} in the Events sheet or the database"
            )
        person_id = people.get(email) if email else None
        if email and person_id is None:
            cells.error("email", f"{quote(email)} is not anyone enrolled (import the roster first)")
        if key and person_id:
            if (key, person_id) in seen:
                cells.error("email", f"the same person at the same event as row {seen[key, person_id]}")
            seen[key, person_id] = number
        if cells.ok and key and person_id:
            rows.append(AttendanceRow(number, key, person_id, rsvp, attended))
    return rows


def _stored(keys: Sequence[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], Event]:
    """Stored events by (title, date), loaded once."""
    found: dict[tuple[str, dt.date], Event] = {}
    titles = sorted({title for title, _day in keys})
    if not titles:
        return found
    query = select(Event).where(func.lower(Event.title).in_(titles))
    for event in db.session.execute(query).scalars():
        found.setdefault(_key(event.title, event.starts_at.date()), event)
    return found


def import_events(roster: Roster, *, now: dt.datetime) -> EventsImport:
    """Check every row, then write them all, or raise ImportInvalid (nothing written)."""
    errors = list(roster.errors)
    event_rows = _event_rows(roster, errors)
    attendance_sheet = roster.sheets.get("Attendance")
    wanted = [(_key(r.title, r.start.date())) for r in event_rows]
    if attendance_sheet:
        for _number, values in attendance_sheet.rows:
            cells = Cells(At("Attendance", 0), values, [])
            title, day = cells.text("event_title"), cells.date("event_date")
            if title and day:
                wanted.append(_key(title, day))
    stored = _stored(wanted)
    known = set(stored) | {_key(r.title, r.start.date()) for r in event_rows}
    attendance_rows = _attendance_rows(roster, known, errors)
    if errors:
        raise ImportInvalid(errors)
    result = EventsImport()
    programs = {p.id: p for p in db.session.execute(select(Program)).scalars()}
    for row in event_rows:
        key = _key(row.title, row.start.date())
        event = stored.get(key)
        if event is None:
            event = Event(
                title=row.title,
                kind=row.kind or "other",
                starts_at=row.start,
                ends_at=row.end or row.start + DEFAULT_LENGTH,
                place=row.place,
                capacity=row.capacity,
                checkin_key=secrets.token_urlsafe(24),
                sequence=0,
                created_at=now,
                programs=[programs[i] for i in row.program_ids or ()],
            )
            db.session.add(event)
            stored[key] = event
            result.events_created += 1
            continue
        before = _snapshot(event)
        event.kind = row.kind or event.kind
        event.starts_at = row.start
        event.ends_at = row.end or (
            event.ends_at if event.ends_at >= row.start else row.start + DEFAULT_LENGTH
        )
        event.place = row.place if row.place is not None else event.place
        event.capacity = row.capacity if row.capacity is not None else event.capacity
        if row.program_ids is not None:
            event.programs = [programs[i] for i in row.program_ids]
        if _snapshot(event) != before:
            result.events_updated += 1
    db.session.flush()
    for att in attendance_rows:
        event = stored[att.key]
        invitation = db.session.execute(
            select(Invitation).where(Invitation.event_id == event.id, Invitation.person_id == att.person_id)
        ).scalar_one_or_none()
        if invitation is None:
            db.session.add(
                Invitation(
                    event_id=event.id,
                    person_id=att.person_id,
                    token=secrets.token_urlsafe(24),
                    invited=True,
                    rsvp=att.rsvp,
                    rsvp_at=now if att.rsvp else None,
                    attended=bool(att.attended),
                )
            )
            result.invitations_created += 1
            continue
        changed = False
        if att.rsvp is not None and invitation.rsvp != att.rsvp:
            invitation.rsvp, invitation.rsvp_at, changed = att.rsvp, now, True
        if att.attended is not None and invitation.attended != att.attended:
            invitation.attended, changed = att.attended, True
        result.invitations_updated += changed
    db.session.flush()
    audit.record(
        None,
        "events.import",
        None,
        file=roster.filename,
        events_created=result.events_created,
        events_updated=result.events_updated,
        invitations_created=result.invitations_created,
        invitations_updated=result.invitations_updated,
    )
    return result


def _snapshot(event: Event) -> tuple:
    return (
        event.kind,
        event.starts_at,
        event.ends_at,
        event.place,
        event.capacity,
        tuple(sorted(p.id for p in event.programs)),
    )
