"""Who is invited: programs, PGY range, mentors and/or mentees, enrolment on the day; kept in step on edit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import Pairing
from mentorship.services.events import events as svc
from tests.events import helpers as h


def invited(event) -> set[str]:
    return {inv.person.email for inv in event.invitations if inv.invited}


@pytest.fixture
def people(f):
    a, b = f.program("Program A"), f.program("Program B")
    mentees = {
        "a1": f.mentee(f.person("a1@example.org"), a, pgy=1),
        "a3": f.mentee(f.person("a3@example.org"), a, pgy=3),
        "b2": f.mentee(f.person("b2@example.org"), b, pgy=2),
        "gone": f.mentee(f.person("gone@example.org"), a, pgy=2, left_on=dt.date(2025, 9, 1)),
        "later": f.mentee(f.person("later@example.org"), a, pgy=2, enrolled_on=dt.date(2025, 11, 1)),
    }
    faculty = f.mentor(f.person("faculty@example.org"))  # no program: invited through an open pairing
    f.pairing(faculty, mentees["a1"], start_date=dt.date(2025, 7, 1))
    near_peer = f.mentor(f.person("peer-b@example.org"), mentor_type="near_peer", program_id=b.id, pgy=4)
    unpaired = f.mentor(f.person("unpaired@example.org"))
    return {"a": a, "b": b, **mentees, "faculty": faculty, "near_peer": near_peer, "unpaired": unpaired}


def test_every_program_invites_everyone_enrolled_on_the_day(people):
    event = h.event()
    assert invited(event) == {
        "a1@example.org",
        "a3@example.org",
        "b2@example.org",
        "faculty@example.org",
        "peer-b@example.org",
        "unpaired@example.org",
    }


def test_a_program_invites_its_mentees_and_their_mentors(people):
    event = h.event(program_ids=[people["a"].id])
    assert invited(event) == {"a1@example.org", "a3@example.org", "faculty@example.org"}


def test_pgy_range_applies_to_mentees_and_roles_can_be_chosen(people):
    assert invited(h.event(pgy_min=2, pgy_max=3, for_mentors=False)) == {"a3@example.org", "b2@example.org"}
    assert invited(h.event(for_mentees=False, program_ids=[people["b"].id])) == {"peer-b@example.org"}


def test_an_ended_pairing_no_longer_brings_its_mentor(people):
    pairing = db.session.execute(
        select(Pairing).where(Pairing.mentor_id == people["faculty"].id)
    ).scalar_one()
    pairing.end_date = dt.date(2025, 10, 15)  # ends on the event's day: not open that day
    event = h.event(program_ids=[people["a"].id])
    assert "faculty@example.org" not in invited(event)


def test_editing_the_audience_adds_and_drops_unanswered_invitations(people):
    organizer = h.organizer()
    event = h.event(by=organizer, program_ids=[people["a"].id], for_mentors=False)
    a3 = next(inv for inv in event.invitations if inv.person.email == "a3@example.org")
    a3.rsvp, a3.rsvp_at = "not_going", h.NOW
    new = svc.update_event(
        event,
        h.data(program_ids=[people["b"].id], for_mentors=False),
        by=organizer,
        scope=Scope(None),
        now=h.NOW,
    )
    assert [inv.person.email for inv in new] == ["b2@example.org"]
    # a1 never answered and leaves; a3 answered, so the answer is kept.
    assert invited(event) == {"a3@example.org", "b2@example.org"}
    assert event.sequence == 1


def test_a_coordinator_organizes_only_for_their_programs(people):
    scope = Scope(frozenset({people["a"].id}))
    with pytest.raises(svc.InvalidEvent) as exc:
        svc.validate(h.data(program_ids=[people["b"].id]), scope)
    assert exc.value.field == "program_ids"
    with pytest.raises(svc.InvalidEvent) as exc:
        svc.validate(h.data(), scope)
    assert exc.value.field == "program_ids"
    svc.validate(h.data(program_ids=[people["a"].id]), scope)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"kind": "party"}, "kind"),
        ({"ends_at": h.START - dt.timedelta(minutes=1)}, "ends_at"),
        ({"pgy_min": 0}, "pgy_min"),
        ({"pgy_min": 3, "pgy_max": 2}, "pgy_max"),
        ({"for_mentors": False, "for_mentees": False}, "for_mentees"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_bad_fields_are_named(fields, field):
    with pytest.raises(svc.InvalidEvent) as exc:
        svc.validate(h.data(**fields), Scope(None))
    assert exc.value.field == field
