"""`flask events import`: events and attendance, all or nothing, idempotent, every bad row named by sheet,
row and column; the roster's reader and cell parser with the events layout."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Event, Invitation


def _workbook(path, events, attendance):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Events"
    ws.append(["Title*", "Kind", "Start*", "End", "Place", "Programs", "Capacity"])
    for row in events:
        ws.append(row)
    ws = book.create_sheet("Attendance")
    ws.append(["event_title", "event_date", "email", "rsvp", "attended"])
    for row in attendance:
        ws.append(row)
    book.save(path)
    return str(path)


@pytest.fixture
def people(f):
    prog = f.program("Internal Medicine")
    f.program("Surgery")
    f.mentee(f.person("riley@example.org"), prog)
    f.mentor(f.person("morgan@example.org"))
    db.session.commit()


GOOD_EVENTS = [
    ("Orientation", "Orientation", dt.datetime(2025, 7, 8, 9, 0), dt.datetime(2025, 7, 8, 12, 0), "Hall A",
     "Internal Medicine; Surgery", 80),
    ("Research night", "research symposium", "2025-10-15 17:30", None, None, "Internal Medicine", None),
]  # fmt: skip
GOOD_ATTENDANCE = [
    ("Orientation", dt.date(2025, 7, 8), "Riley@Example.org", "going", "yes"),
    ("Orientation", "7/8/2025", "morgan@example.org", None, "no"),
    ("research night", "2025-10-15", "riley@example.org", "not going", None),
]


def _counts():
    return (
        db.session.execute(select(func.count(Event.id))).scalar_one(),
        db.session.execute(select(func.count(Invitation.id))).scalar_one(),
    )


def test_import_then_again_changes_nothing(runner, people, tmp_path):
    path = _workbook(tmp_path / "events.xlsx", GOOD_EVENTS, GOOD_ATTENDANCE)
    dry = runner.invoke(args=["events", "import", path, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.strip() == (
        "Dry run: no problems found; nothing was written. Importing it: "
        "Events: 2 created, 0 updated. Attendance: 3 added, 0 updated."
    )
    db.session.expire_all()
    assert _counts() == (0, 0)
    result = runner.invoke(args=["events", "import", path])
    assert result.exit_code == 0, result.output
    assert "Events: 2 created, 0 updated. Attendance: 3 added, 0 updated." in result.output
    db.session.expire_all()
    orientation = db.session.execute(select(Event).where(Event.title == "Orientation")).scalar_one()
    assert orientation.ends_at == dt.datetime(2025, 7, 8, 12) and orientation.capacity == 80
    assert [p.name for p in orientation.programs] == ["Internal Medicine", "Surgery"]
    night = db.session.execute(select(Event).where(Event.title == "Research night")).scalar_one()
    assert night.kind == "research_symposium" and night.starts_at == dt.datetime(2025, 10, 15, 17, 30)
    assert night.ends_at == dt.datetime(2025, 10, 15, 18, 30)  # no end: an hour
    attended = {(i.person.email, i.rsvp, i.attended) for i in orientation.invitations}
    assert attended == {("riley@example.org", "going", True), ("morgan@example.org", None, False)}
    again = runner.invoke(args=["events", "import", path])
    assert again.exit_code == 0 and "Nothing changed" in again.output
    dry = runner.invoke(args=["events", "import", path, "--dry-run"])
    assert dry.exit_code == 0 and dry.output.strip().endswith("Importing it: nothing would change.")
    assert _counts() == (2, 3)
    assert (
        db.session.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "events.import")
        ).scalar()
        == 2
    )


def test_a_changed_row_updates_the_event_identified_by_title_and_date(runner, people, tmp_path):
    runner.invoke(args=["events", "import", _workbook(tmp_path / "a.xlsx", GOOD_EVENTS, GOOD_ATTENDANCE)])
    moved = [("Orientation", "orientation", dt.datetime(2025, 7, 8, 10, 0), None, "Hall B", None, None)]
    later = [("Orientation", dt.date(2025, 7, 8), "morgan@example.org", None, "yes")]
    result = runner.invoke(args=["events", "import", _workbook(tmp_path / "b.xlsx", moved, later)])
    assert result.exit_code == 0, result.output
    assert "Events: 0 created, 1 updated. Attendance: 0 added, 1 updated." in result.output
    db.session.expire_all()
    event = db.session.execute(select(Event).where(Event.title == "Orientation")).scalar_one()
    assert (event.starts_at.hour, event.place, event.capacity) == (10, "Hall B", 80)


def test_bad_rows_are_named_and_nothing_is_written(runner, people, tmp_path):
    events = [
        *GOOD_EVENTS,
        ("", "social", "2025-11-01 18:00", None, None, None, None),  # row 4: no title
        ("Party", "rave", "2025-11-01 18:00", None, None, None, None),  # row 5: unknown kind
        ("Panel", "career_panel", "soon", None, None, None, None),  # row 6: not a date
        ("Panel 2", None, "2025-11-02 18:00", "2025-11-02 17:00", None, "Dermatology", 0),  # row 7
        ("Orientation", None, dt.datetime(2025, 7, 8, 14, 0), None, None, None, None),  # row 8: duplicate
        ("Late", None, "2025-11-03 25:00", None, None, None, None),  # row 9: no such hour
    ]
    attendance = [
        *GOOD_ATTENDANCE,
        ("Orientation", dt.date(2025, 7, 9), "riley@example.org", None, "yes"),  # row 5: no such event
        ("Orientation", dt.date(2025, 7, 8), "nobody@example.org", "maybe", "perhaps"),  # row 6
        ("Orientation", dt.date(2025, 7, 8), "riley@example.org", None, None),  # row 7: twice
    ]
    bad = _workbook(tmp_path / "bad.xlsx", events, attendance)
    result = runner.invoke(args=["events", "import", bad])
    assert result.exit_code == 1
    lines = set(result.output.splitlines())
    dry = runner.invoke(args=["events", "import", bad, "--dry-run"])
    assert dry.exit_code == 1 and set(dry.output.splitlines()) == lines
    expected = {
        "Events row 4, column title: is required",
        'Events row 5, column kind: "rave" is not a kind of event (allowed: orientation, networking, '
        "research symposium, career panel, workshop, journal club, social, other)",
        'Events row 6, column start: "soon" is not a date (use YYYY-MM-DD or M/D/YYYY)',
        "Events row 7, column end: is before the start",
        'Events row 7, column programs: "Dermatology" is not a program (add it first, or fix the name)',
        'Events row 7, column capacity: "0" is not a whole number from 1 to 100000',
        "Events row 8, column title: the same event (title and date) as row 2",
        'Events row 9, column start: "2025-11-03 25:00" has no such time of day',
        'Attendance row 5, column event_title: no event "Orientation" on 2025-07-09 in the Events sheet or '
        "the database",
        'Attendance row 6, column email: "nobody@example.org" is not anyone enrolled '
        "(import the roster first)",
        'Attendance row 6, column rsvp: "maybe" is not an answer (allowed: going, not going)',
        'Attendance row 6, column attended: "perhaps" is not yes or no',
        "Attendance row 7, column email: the same person at the same event as row 2",
    }
    assert expected <= lines, "\n".join(sorted(lines - expected))
    assert "problems found; nothing was imported." in result.output
    assert _counts() == (0, 0)


def test_refused_files(runner, tmp_path):
    bad = tmp_path / "events.xlsx"
    bad.write_text("not a workbook")
    result = runner.invoke(args=["events", "import", str(bad)])
    assert result.exit_code == 1 and "is not an Excel workbook" in result.output
    other = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Mentors"
    book.save(other)
    result = runner.invoke(args=["events", "import", str(other)])
    assert result.exit_code == 1 and "has none of the sheets Events or Attendance" in result.output
