"""Capacity holds when two people pair with the same mentor at the same moment (both databases)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import MenteeProfile, MentorProfile, Pairing
from mentorship.services import ServiceError
from mentorship.services import pairings as svc
from mentorship.services.matching import applying

TODAY = __import__("datetime").date(2025, 9, 1)


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the window between counting a mentor's load and inserting, so an unlocked race would lose."""
    original = svc.places_taken

    def slow(mentor_id, day):
        value = original(mentor_id, day)
        time.sleep(0.4)
        return value

    monkeypatch.setattr(svc, "places_taken", slow)


def run_together(app, jobs):
    """Run each job in its own thread with its own app context (and so its own session), at once."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def worker(index, job):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                job()
                db.session.commit()
                outcomes[index] = "ok"
            except ServiceError as exc:
                db.session.rollback()
                outcomes[index] = exc
            except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
                db.session.rollback()
                outcomes[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return outcomes


def pair_job(mentor_id, mentee_id, delay=0.0):
    def job():
        time.sleep(delay)
        mentor = db.session.get(MentorProfile, mentor_id)
        mentee = db.session.get(MenteeProfile, mentee_id)
        svc.create_pairing(mentor, mentee, "career", TODAY, None, today=TODAY)

    return job


def load_of(mentor_id):
    return db.session.execute(
        select(func.count(Pairing.id)).where(Pairing.mentor_id == mentor_id)
    ).scalar_one()


def test_two_concurrent_manual_pairings_never_exceed_capacity(app, f, slow_count):
    mentor = f.mentor(capacity=1)
    a, b = f.mentee(), f.mentee()
    ids = mentor.id, a.id, b.id
    db.session.commit()
    outcomes = run_together(app, [pair_job(ids[0], ids[1]), pair_job(ids[0], ids[2])])
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, ServiceError) and "no free capacity (1 of 1 places taken)" in str(loser)
    db.session.expire_all()
    assert load_of(ids[0]) == 1


def test_manual_pairing_racing_a_batch_apply(app, f, slow_count):
    mentor = f.mentor(capacity=2)
    batch = [f.mentee(), f.mentee()]
    manual = f.mentee()
    mentor_email = mentor.person.email
    rows = [applying.ApplyRow(i + 2, m.person.email, mentor_email, "career") for i, m in enumerate(batch)]
    mentor_id, manual_id = mentor.id, manual.id
    db.session.commit()

    def apply_job():
        applying.apply_rows(rows, None, TODAY, today=TODAY)

    # The manual pairing counts while the batch is between its last count and its commit: without the
    # lock it would see a free place and make three.
    outcomes = run_together(app, [apply_job, pair_job(mentor_id, manual_id, delay=0.5)])
    db.session.expire_all()
    assert load_of(mentor_id) <= 2
    assert sum(o == "ok" for o in outcomes) == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, ServiceError), loser
    # Either the whole batch went in (2) or the manual pairing did and the batch was refused whole (1).
    assert load_of(mentor_id) == (2 if outcomes[0] == "ok" else 1)


def test_two_coordinators_applying_the_same_saved_run_at_once_apply_it_once(app, f):
    from mentorship.access import Scope
    from mentorship.models import MatchRun, User
    from mentorship.services.matching import saved
    from tests.security.world import matching_run

    prog = f.program()
    mentees = [f.mentee(prog=prog), f.mentee(prog=prog)]
    mentor = f.mentor(capacity=5)
    first, second = f.user(programs=[prog]), f.user(programs=[prog])
    record = matching_run(first, frozenset({prog.id}))
    rows = [
        applying.ApplyRow(i + 1, m.person.email, mentor.person.email, "career") for i, m in enumerate(mentees)
    ]
    run_id, user_ids, scope = record.id, (first.id, second.id), Scope(frozenset({prog.id}))
    db.session.commit()

    def apply_as(user_id):
        def job():
            run = db.session.get(MatchRun, run_id)
            saved.apply(
                run,
                rows,
                {},
                TODAY,
                scope=scope,
                actor=db.session.get(User, user_id),
                now=__import__("datetime").datetime(2025, 9, 1, 12),
                near_peer_any_program=False,
            )
            time.sleep(0.3)  # hold the claim while the other tries

        return job

    outcomes = run_together(app, [apply_as(u) for u in user_ids])
    assert sum(o == "ok" for o in outcomes) == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, saved.AlreadyApplied) and "already applied by" in str(loser)
    db.session.expire_all()
    assert load_of(mentor.id) == 2
