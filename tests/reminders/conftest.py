"""Fixtures for the meeting tests: a pair of people with accounts, and a coordinator."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

TODAY = dt.date.today()


@pytest.fixture
def pair(f):
    """A mentor and a mentee (both with accounts) paired 100 days ago, and a coordinator of their program."""
    prog = f.program("Internal Medicine")
    mentor = f.mentor(f.person("mentor@example.org", "Morgan", "Mentor"))
    mentee = f.mentee(f.person("mentee@example.org", "Riley", "Mentee"), prog)
    pairing = f.pairing(mentor, mentee, start_date=TODAY - dt.timedelta(days=100))
    return SimpleNamespace(
        program=prog,
        mentor=mentor,
        mentee=mentee,
        pairing=pairing,
        mentor_user=f.user(mentor.person),
        mentee_user=f.user(mentee.person),
        coordinator=f.user(f.person("coord@example.org", "Casey", "Coord"), programs=[prog]),
    )
