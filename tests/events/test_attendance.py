"""The check-in window's edges, double check-in, walk-ins and the organizer's bulk marking."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorship.services import ServiceError
from mentorship.services.events import attendance
from tests.events import helpers as h

HOUR = dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def event(f):
    prog = f.program()
    f.mentee(prog=prog)
    return h.event(program_ids=[prog.id], for_mentors=False)


@pytest.mark.parametrize(
    ("at", "open_"),
    [
        (h.START - HOUR - SECOND, False),
        (h.START - HOUR, True),
        (h.START + 2 * HOUR + HOUR, True),  # the event ends two hours after its start
        (h.START + 3 * HOUR + SECOND, False),
    ],
)
def test_window_edges(event, at, open_):
    inv = event.invitations[0]
    if open_:
        assert attendance.check_in(inv, now=at) is True
        assert inv.attended and inv.checked_in_at == at
    else:
        with pytest.raises(attendance.OutsideWindow):
            attendance.check_in(inv, now=at)
        assert not inv.attended


def test_checking_in_twice_counts_once(event):
    inv = event.invitations[0]
    assert attendance.check_in(inv, now=h.START) is True
    assert attendance.check_in(inv, now=h.START + HOUR) is False
    assert inv.checked_in_at == h.START
    assert sum(i.attended for i in event.invitations) == 1


def test_a_cancelled_event_has_no_check_in(event):
    event.cancelled_at = h.NOW
    with pytest.raises(attendance.OutsideWindow, match="cancelled"):
        attendance.check_in(event.invitations[0], now=h.START)


def test_a_walk_in_counts_as_attending_not_invited(event, f):
    walk_in = f.mentor().person
    assert attendance.check_in_person(event, walk_in, now=h.START) is True
    assert attendance.check_in_person(event, walk_in, now=h.START) is False
    inv = attendance.invitation_for(event, walk_in)
    assert inv.attended and not inv.invited
    with pytest.raises(ServiceError, match="Only mentors and mentees"):
        attendance.check_in_person(event, f.person(), now=h.START)


def test_bulk_marking_sets_exactly_the_chosen(event, f):
    organizer = h.organizer()
    inv = event.invitations[0]
    assert attendance.mark_attendance(event, [inv.id], by=organizer) == 1
    assert inv.attended
    assert attendance.mark_attendance(event, [inv.id], by=organizer) == 0
    assert attendance.mark_attendance(event, [], by=organizer) == 1
    assert not inv.attended
    with pytest.raises(ServiceError):
        attendance.mark_attendance(event, [inv.id + 999], by=organizer)
