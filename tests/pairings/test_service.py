"""Pairing guards, ending, rematching and history (services/pairings.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Pairing
from mentorship.services import ServiceError
from mentorship.services import pairings as svc

TODAY = dt.date(2025, 9, 1)


def create(mentor, mentee, actor=None, kind="career", start=TODAY, **kw):
    return svc.create_pairing(mentor, mentee, kind, start, actor, today=TODAY, **kw)


def test_creates_a_pairing_and_audits_it(f):
    admin = f.user(is_admin=True)
    mentor, mentee = f.mentor(), f.mentee()
    p = create(mentor, mentee, admin)
    assert (p.mentor_id, p.mentee_id, p.kind, p.start_date, p.capacity_override) == (
        mentor.id,
        mentee.id,
        "career",
        TODAY,
        False,
    )
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "pairing.create")).scalar_one()
    assert event.target_id == p.id and event.actor_id == admin.id
    assert event.details["mentee"] == mentee.person.email


def test_capacity_counts_pairings_open_today(f):
    mentor = f.mentor(capacity=2)
    f.pairing(mentor, f.mentee(), start_date=dt.date(2024, 7, 1), end_date=dt.date(2025, 6, 30))  # ended
    f.pairing(mentor, f.mentee(), start_date=dt.date(2025, 7, 1))
    create(mentor, f.mentee())
    with pytest.raises(ServiceError, match=r"no free capacity \(2 of 2 places taken\)"):
        create(mentor, f.mentee())


def test_capacity_override_needs_the_right_and_the_tick(f):
    mentor = f.mentor(capacity=1)
    create(mentor, f.mentee())
    coordinator = f.user(programs=[f.program()])
    with pytest.raises(ServiceError, match="no free capacity"):
        create(mentor, f.mentee(), coordinator)
    with pytest.raises(ServiceError, match="not allowed to pair beyond"):
        create(mentor, f.mentee(), coordinator, override_capacity=True)
    coordinator.can_override_capacity = True
    p = create(mentor, f.mentee(), coordinator, override_capacity=True)
    assert p.capacity_override is True
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "pairing.create", AuditEvent.target_id == p.id)
    ).scalar_one()
    assert event.details["capacity_override"] is True
    # Ticking override with room to spare does not mark the pairing as an override.
    roomy = f.mentor(capacity=3)
    assert create(roomy, f.mentee(), coordinator, override_capacity=True).capacity_override is False


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("self", "cannot be their own mentor"),
        ("do_not_match", "do-not-match list"),
        ("near_peer_same_pgy", "higher PGY"),
        ("duplicate", "already have an active career pairing"),
        ("mentee_left", "left the program"),
        ("mentor_left", "left the program"),
    ],
)
def test_guards(f, setup, message):
    prog = f.program()
    mentee = f.mentee(prog=prog, pgy=2)
    mentor = f.mentor()
    if setup == "self":
        mentor = f.mentor(who=mentee.person)
    elif setup == "do_not_match":
        mentee.excluded.append(mentor)
    elif setup == "near_peer_same_pgy":
        mentor = f.mentor(mentor_type="near_peer", pgy=2, program_id=prog.id)
    elif setup == "duplicate":
        f.pairing(mentor, mentee, start_date=dt.date(2025, 7, 1))
    elif setup == "mentee_left":
        mentee.left_on = dt.date(2025, 8, 1)
    elif setup == "mentor_left":
        mentor.left_on = dt.date(2025, 8, 1)
    db.session.flush()
    with pytest.raises(ServiceError, match=message):
        create(mentor, mentee)
    assert db.session.execute(select(Pairing).where(Pairing.start_date == TODAY)).first() is None


def test_near_peer_above_the_mentee_and_another_kind_are_fine(f):
    prog = f.program()
    mentee = f.mentee(prog=prog, pgy=1)
    senior = f.mentor(mentor_type="near_peer", pgy=3, program_id=prog.id)
    create(senior, mentee, kind="peer")
    create(senior, mentee, kind="career")  # a mentoring team: different kinds at once
    assert len(svc.history(mentee.person)) == 2


def test_matching_rules_refuse_a_pair_that_already_had_the_kind(f):
    mentor, mentee = f.mentor(), f.mentee()
    f.pairing(mentor, mentee, start_date=dt.date(2024, 7, 1), end_date=dt.date(2025, 6, 30))
    with pytest.raises(ServiceError, match="already had a career pairing"):
        create(mentor, mentee, for_matching=True)
    create(mentor, mentee)  # a coordinator may still re-pair them by hand


def test_end_pairing_keeps_it_with_reason_and_rating(f):
    p = f.pairing()
    with pytest.raises(ServiceError, match="reason"):
        svc.end_pairing(p, TODAY, "bored")
    with pytest.raises(ServiceError, match="1 to 5"):
        svc.end_pairing(p, TODAY, "completed", rating=6)
    with pytest.raises(ServiceError, match="before the start"):
        svc.end_pairing(p, dt.date(2020, 1, 1), "completed")
    svc.end_pairing(p, TODAY, "completed", rating=4, comment="  Great year ")
    db.session.flush()
    assert (p.end_date, p.end_reason, p.end_rating, p.end_comment) == (TODAY, "completed", 4, "Great year")
    with pytest.raises(ServiceError, match="already ended"):
        svc.end_pairing(p, TODAY, "other")
    assert db.session.get(Pairing, p.id) is not None


def test_ending_frees_a_place(f):
    mentor = f.mentor(capacity=1)
    p = create(mentor, f.mentee(), start=dt.date(2025, 7, 1))
    svc.end_pairing(p, dt.date(2025, 8, 1), "completed")
    create(mentor, f.mentee())


def test_rematch_ends_and_pairs_in_one_step(f):
    admin = f.user(is_admin=True)
    old = f.pairing(start_date=dt.date(2025, 7, 1), kind="research")
    new_mentor = f.mentor()
    with pytest.raises(ServiceError, match="different mentor"):
        svc.rematch(old, old.mentor, TODAY, admin, today=TODAY)
    new = svc.rematch(old, new_mentor, TODAY, admin, today=TODAY)
    assert (old.end_date, old.end_reason) == (TODAY, "rematched")
    assert (new.mentor_id, new.mentee_id, new.kind, new.start_date) == (
        new_mentor.id,
        old.mentee_id,
        "research",
        TODAY,
    )


def test_rematch_to_a_full_mentor_fails_without_ending(f):
    full = f.mentor(capacity=1)
    f.pairing(full, f.mentee())
    old = f.pairing(start_date=dt.date(2025, 7, 1))
    db.session.commit()
    with pytest.raises(ServiceError, match="no free capacity"):
        svc.rematch(old, full, TODAY, None, today=TODAY)
    db.session.rollback()
    assert db.session.get(Pairing, old.id).end_date is None


def test_a_pairing_ended_today_frees_its_place_and_its_mentee(f):
    """Open on D: a pairing whose end date is today has ended, for capacity and for matching."""
    mentor = f.mentor(capacity=1)
    mentee = f.mentee()
    f.pairing(mentor, mentee, start_date=dt.date(2024, 7, 1), end_date=TODAY)
    assert svc.places_taken(mentor.id, TODAY) == 0
    other = f.mentor()
    create(other, mentee, for_matching=True)  # no open career pairing blocks the mentee any more
    create(mentor, f.mentee())  # the mentor's place is free
