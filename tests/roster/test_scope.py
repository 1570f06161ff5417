"""A coordinator's import never touches a person outside their scope: every such row is an error naming
its sheet, row and column, and nothing is written. Admins (and the command line) may."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.services import roster as ri
from tests.roster.helpers import TOPICS, clock, dump, snapshot, xlsx
from tests.security import world as W

MAX = 10 * 1024 * 1024
MENTOR = ["email", "first_name", "last_name", "program", "capacity", "department", "gender"]
MENTEE = ["email", "first_name", "last_name", "program", "pgy", "interests", "urim"]
ELSEWHERE = "is already enrolled elsewhere; ask the GME office to add them to your program."


@pytest.fixture
def world(app):
    """Programs A and B; mentor_b is a faculty mentor of B, paired only with mentee_b; an admin."""
    return W.build_world()


def _errors(sheets, scope) -> list[str]:
    before = snapshot()
    with pytest.raises(ri.ImportInvalid) as caught:
        ri.import_roster(
            ri.read_files([("roster.xlsx", xlsx(sheets))], MAX), scope=scope, **clock(), topics=TOPICS
        )
    db.session.rollback()
    assert snapshot() == before, "a refused import writes nothing"
    return [str(e) for e in caught.value.errors]


def _scope_a(world) -> Scope:
    return Scope(frozenset({world.prog_a.id}))


def _import(sheets, scope):
    result = ri.import_roster(
        ri.read_files([("roster.xlsx", xlsx(sheets))], MAX), scope=scope, **clock(), topics=TOPICS
    )
    db.session.commit()
    return result


def test_coordinator_cannot_import_an_existing_admin_as_a_mentor_of_their_program(world):
    sheets = {"Mentors": [MENTOR, ["Admin@Example.org", "Ada", "Admin", "Program A", 3, None, None]]}
    assert _errors(sheets, _scope_a(world)) == [f"Mentors row 2, column email: admin@example.org {ELSEWHERE}"]
    assert world.users["admin"].person.mentor is None
    # The GME office may.
    _import(sheets, None)
    assert world.users["admin"].person.mentor is not None


@pytest.mark.parametrize(
    ("what", "row"),
    [
        ("a new mentor profile", ["mentee-b@example.org", "Mentee", "MenteeB", "Program A", 3, None, None]),
        ("a name", ["mentor-b@example.org", "Mentor", "Renamed", None, None, None, None]),
        ("a capacity", ["mentor-b@example.org", "Mentor", "MentorB", None, 9, None, None]),
        ("a department", ["mentor-b@example.org", "Mentor", "MentorB", None, None, "Surgery", None]),
        ("self-identification", ["mentor-b@example.org", "Mentor", "MentorB", None, None, None, "woman"]),
        ("a program move", ["mentor-b@example.org", "Mentor", "MentorB", "Program A", None, None, None]),
        ("nothing at all", ["mentor-b@example.org", "Mentor", "MentorB", None, None, None, None]),
    ],
)
def test_mentors_rows_of_people_outside_scope_are_errors(world, what, row):
    email = row[0]
    assert _errors({"Mentors": [MENTOR, row]}, _scope_a(world)) == [
        f"Mentors row 2, column email: {email} {ELSEWHERE}"
    ]


@pytest.mark.parametrize(
    ("what", "row"),
    [
        (
            "a move to their program",
            ["mentee-b@example.org", "Mentee", "MenteeB", "Program A", 1, None, None],
        ),
        ("a name", ["mentee-b@example.org", "Mentee", "Renamed", "Program B", 1, None, None]),
        ("a PGY", ["mentee-b@example.org", "Mentee", "MenteeB", "Program B", 3, None, None]),
        ("interests", ["mentee-b@example.org", "Mentee", "MenteeB", "Program B", 1, "research", None]),
        ("self-identification", ["mentee-b@example.org", "Mentee", "MenteeB", "Program B", 1, None, "no"]),
        ("a new mentee profile", ["mentor-b@example.org", "Mentor", "MentorB", "Program A", 1, None, None]),
        ("an admin as a mentee", ["admin@example.org", "Ada", "Admin", "Program A", 1, None, None]),
    ],
)
def test_mentees_rows_of_people_outside_scope_are_errors(world, what, row):
    messages = _errors({"Mentees": [MENTEE, row]}, _scope_a(world))
    assert f"Mentees row 2, column email: {row[0]} {ELSEWHERE}" in messages, messages


def test_a_person_on_both_sheets_is_an_error_on_each_row(world):
    sheets = {
        "Mentors": [MENTOR, ["mentee-b@example.org", "Mentee", "MenteeB", "Program A", None, None, None]],
        "Mentees": [MENTEE, ["mentee-b@example.org", "Mentee", "MenteeB", "Program A", 1, None, None]],
    }
    assert _errors(sheets, _scope_a(world)) == [
        f"Mentors row 2, column email: mentee-b@example.org {ELSEWHERE}",
        f"Mentees row 2, column email: mentee-b@example.org {ELSEWHERE}",
    ]


def test_pairings_and_meetings_rows_involving_someone_outside_scope_are_errors(world):
    day = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    sheets = {
        "Pairings": [
            ["mentor_email", "mentee_email", "start_date", "kind"],
            ["mentor-b@example.org", "mentee-a@example.org", day, "research"],
            ["admin@example.org", "mentee-a@example.org", day, "wellness"],
            ["mentor-a@example.org", "mentee-b@example.org", day, "research"],
        ],
        "Meetings": [
            ["mentor_email", "mentee_email", "date", "duration_minutes"],
            ["mentor-b@example.org", "mentee-b@example.org", day, 30],
        ],
    }
    assert _errors(sheets, _scope_a(world)) == [
        f"Pairings row 2, column mentor_email: mentor-b@example.org {ELSEWHERE}",
        f"Pairings row 3, column mentor_email: admin@example.org {ELSEWHERE}",
        f"Pairings row 4, column mentee_email: mentee-b@example.org {ELSEWHERE}",
        f"Meetings row 2, column mentor_email: mentor-b@example.org {ELSEWHERE}",
        f"Meetings row 2, column mentee_email: mentee-b@example.org {ELSEWHERE}",
    ]


def test_people_in_scope_are_still_updated(world, f):
    # mentor_b is in program A's scope once paired with one of A's mentees.
    f.pairing(
        world.mentor_b, world.mentee_a, kind="research", start_date=dt.date.today() - dt.timedelta(days=5)
    )
    db.session.commit()
    sheets = {
        "Mentors": [
            MENTOR,
            ["mentor-b@example.org", "Mentor", "MentorB", None, 4, None, None],
            ["mentor-a@example.org", "Mentor", "MentorA", "Program A", 2, None, None],
            ["new.faculty@example.org", "New", "Faculty", "Program A", 2, None, None],
        ],
        "Mentees": [MENTEE, ["mentee-a@example.org", "Mentee", "MenteeA", "Program A", 2, None, None]],
    }
    result = _import(sheets, _scope_a(world))
    assert result.preview.counts["mentors"] == {"create": 1, "update": 2, "unchanged": 0}
    people = dump()["people"]
    assert (
        people["mentor-b@example.org"]["mentor"][6] == 4 and people["mentee-a@example.org"]["mentee"][1] == 2
    )


def test_web_import_by_a_coordinator_names_the_row_and_writes_nothing(world, login):
    browser = login(world.users["coordA"])
    data = xlsx({"Mentors": [MENTOR, ["admin@example.org", "Ada", "Admin", "Program A", 3, None, None]]})
    assert browser.post("/roster/", data={"files": (io.BytesIO(data), "roster.xlsx")}).status_code == 302
    before = W.snapshot(skip_audit=True)
    page = browser.get("/roster/preview")
    assert page.status_code == 422
    assert f"<td>Mentors</td><td>2</td><td>email</td><td>admin@example.org {ELSEWHERE}</td>" in page.get_data(
        as_text=True
    )
    assert browser.post("/roster/confirm").status_code == 302
    db.session.expire_all()
    assert W.snapshot(skip_audit=True) == before
