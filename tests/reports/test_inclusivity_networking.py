"""Event attendance and introductions by group in the inclusivity workbook, cell by cell (docs/privacy.md).

The hand-built institution (tests/reports/institution.py) with its events and introductions
(tests/events/network_world.py) and its self-identification, plus Delta Pediatrics: ten men, PGY-2,
international medical graduates. Five of them check in at the door of the Delta welcome (walk-ins, first
generation "no"); the other five never go to an event (first generation "yes"). Of the five who went, Hal
and Ian were introduced (Hal's met), and Hal and Jon had a group session with their mentor (held meetings:
a connection each, but neither an event nor an introduction).

Enrolled mentees, AY 2024 as of 2025-03-31, with (at an event, introduced, introduction met):
Alpha: Ada woman PGY-1 (yes, yes, yes), Ben woman PGY-2 (yes, yes, no), Clark man PGY-3, Al Late not
disclosed PGY-1. Beta: Dee woman PGY-1 (yes, no, no), Eve woman PGY-2, Fay woman PGY-1, Gus man PGY-3.
Delta: the ten men above. Nobody in Alpha or Beta answered IMG or first generation.
"""

from __future__ import annotations

import datetime as dt

import pytest

from mentorship.extensions import db
from mentorship.services import exports
from mentorship.services import meetings as svc
from mentorship.services.events import attendance
from mentorship.services.people import set_self_identification
from mentorship.services.suppression import tables
from mentorship.services.suppression.grid import Published
from tests.events import network_world as N
from tests.reports import institution
from tests.reports.helpers import load, request, values

d = dt.date
NETWORK_HEADERS = ("% at an event", "% introduced", "% with an introduction met")
BLANK = (None, None, None)


def _delta(f, objs) -> None:
    delta = objs["delta"] = f.program("Delta Pediatrics")
    mentor = f.mentor(f.person("kim.kerr@example.org", "Kim", "Kerr"))
    names = ["Hal", "Ian", "Jon", "Kai", "Lev", "Max", "Ned", "Oto", "Pio", "Quy"]
    mentees = []
    for i, name in enumerate(names):
        m = f.mentee(f.person(f"{name.lower()}.delta@example.org", name, "Delta"), delta, 2 if i < 5 else 4)
        set_self_identification(m.person, gender="man", img="yes", first_generation="no" if i < 5 else "yes")
        mentees.append(m)
    start = dt.datetime(2024, 9, 12, 17)
    welcome = N.event("Delta welcome", "networking", start, [delta], [])
    for m in mentees[:5]:
        assert attendance.check_in_person(welcome, m.person, now=start + dt.timedelta(minutes=5))
    N.intro(mentees[0], mentor, d(2024, 10, 2), "met", contact=("Ro Reed", "ro.reed@elsewhere.edu"))
    N.intro(mentees[1], mentor, d(2024, 10, 3), "not_yet", contact=("Ro Reed", "ro.reed@elsewhere.edu"))
    pairings = [f.pairing(mentor, m, d(2024, 9, 1)) for m in mentees[:3:2]]
    svc.log_group_session(
        pairings,
        svc.MeetingInput(date=d(2024, 10, 10), duration_minutes=60, status="held"),
        nonce="delta-group",
        by=mentor.person,
        today=institution.D,
        allowed_topics=[],
    )
    db.session.flush()


@pytest.fixture
def objs(f):
    objs = institution.build(f)
    N.add_network(objs)
    institution.identify(objs)
    _delta(f, objs)
    return objs


def _rows(wb, sheet="Mentee groups"):
    rows = values(wb[sheet])
    return rows[0], {(r[0], r[1], r[2]): r[3:] for r in rows[1:]}


def _shown(rows) -> dict:
    """The rows with any networking share shown: (count, the three shares)."""
    return {key: (r[0], *r[-3:]) for key, r in rows.items() if r[-3:] != BLANK}


def test_the_shares_are_the_network_figures_of_each_group(app, objs):
    # The engagement workbook's Networking sheet is the one definition the shares are counted from.
    networking = values(load(exports.build_report("engagement", request(app)))["Networking"])
    delta = [r for r in networking[1:] if r[0] == "Delta Pediatrics"]
    assert [r[4:7] for r in delta] == [(1, 1, 1), (1, 1, 0), (1, 0, 0), (1, 0, 0), (1, 0, 0)] + [
        (0, 0, 0)
    ] * 5
    assert [r[7] for r in delta[:3]] == [2, 0, 1]  # Hal and Jon: the group session is a connection

    header, rows = _rows(load(exports.build_report("inclusivity", request(app))))
    assert header[-3:] == NETWORK_HEADERS
    inst = "Institution"
    # Every other share of the institution is blank: its count is hidden or below 5 (the 13 women and 12
    # men hide around the one not disclosed, and Alpha's and Beta's small cells), or 0 people.
    assert _shown(rows) == {
        # Delta's ten: Hal to Oto at an event, Hal and Ian introduced, Hal's met.
        (inst, "International medical graduate", "Yes"): (10, 0.5, 0.2, 0.1),
        (inst, "First-generation", "No"): (5, 1, 0.4, 0.2),  # Hal to Oto
        (inst, "PGY", "PGY-4"): (5, 0, 0, 0),  # a group of 5 with no attendee: 0 %
    }
    # First generation "yes" (Delta's five who never went) would show 0 % too, and "not disclosed" 3 of 8.
    # Either one beside "no" (5 of 5, all Delta's) and the programs' totals (the engagement workbook:
    # Alpha 2 at an event) leaves Alpha's two attendees in its not-disclosed group, fewer than 5 people:
    # both are left blank.
    assert rows[(inst, "First-generation", "Yes")][0] == 5
    assert rows[(inst, "First-generation", "Not disclosed")][:2] == (8, 0.75)
    assert rows[(inst, "First-generation", "Yes")][-3:] == BLANK
    assert rows[(inst, "First-generation", "Not disclosed")][-3:] == BLANK
    assert rows[(inst, "Gender", "Not disclosed")] == ("<5", *[None] * 7)  # below 5: every figure blank


def test_each_program_and_the_checked_pattern(app, objs):
    ids = [objs["alpha"].id, objs["beta"].id, objs["gamma"].id, objs["delta"].id]
    _header, rows = _rows(load(exports.build_report("inclusivity", request(app, program_ids=ids))))
    delta = "Delta Pediatrics"
    # Alpha and Beta have four mentees each and Gamma none: every share of theirs is blank.
    assert _shown(rows) == {
        (delta, "Gender", "Man"): (10, 0.5, 0.2, 0.1),
        (delta, "URiM", "Not disclosed"): (10, 0.5, 0.2, 0.1),
        (delta, "International medical graduate", "Yes"): (10, 0.5, 0.2, 0.1),
        (delta, "First-generation", "No"): (5, 1, 0.4, 0.2),
        (delta, "PGY", "PGY-2"): (5, 1, 0.4, 0.2),
        (delta, "PGY", "PGY-4"): (5, 0, 0, 0),
    }
    assert rows[(delta, "First-generation", "Yes")][0] == "*"  # the mentee pattern hides it here
    _req, result = exports.check_suppression(app.config, institution.YEAR, institution.D)
    assert result.ok and result.checked > 0, result


def test_the_check_catches_shares_shown_without_the_networking_pattern(app, objs, monkeypatch):
    # Every share shown by the rule of the rates alone: first generation "yes" at 0 % and "no" at 5 of 5
    # (all Delta's) give Alpha's and Beta's not-disclosed attendees away, and the check says so.
    monkeypatch.setattr(
        tables, "decide_around", lambda table, start, fixed, min_cell: Published(table.layout, start)
    )
    tables._network_pattern.cache_clear()
    try:
        _req, result = exports.check_suppression(app.config, institution.YEAR, institution.D)
    finally:
        tables._network_pattern.cache_clear()
    found = {(p.kind, p.dimension, p.program, p.group): p.value for p in result.pinned}
    alpha = ("Networking", "First-generation", "Alpha Medicine")
    assert found == {
        (*alpha, "Not disclosed: at an event"): 2,  # Ada and Ben
        (*alpha, "Not disclosed: introduced"): 2,
        (*alpha, "Not disclosed: introduction met"): 1,
        ("Networking", "First-generation", "Beta Surgery", "Not disclosed: at an event"): 1,  # Dee
    }
    assert not result.ok


def test_the_annual_review_summary_carries_the_shares(app, objs):
    rows = values(load(exports.build_report("annual-review", request(app)))["Delta Pediatrics"])
    incl = next(i for i, r in enumerate(rows) if (r[0] or "").startswith("Inclusivity summary"))
    assert rows[incl + 1][6:9] == NETWORK_HEADERS
    by = {(r[1], r[2]): r[3:9] for r in rows[incl + 2 :]}
    assert by[("First-generation", "No")] == (5, 0.4, None, 1, 0.4, 0.2)
    assert by[("Gender", "Man")] == (10, 0.2, None, 0.5, 0.2, 0.1)
