"""The pulse check: asked after the first held meeting, then every 90 days."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, PulseCheck
from mentorship.services import pulse

TODAY = dt.date.today()
QUESTION = "How is this mentorship going?"


def _answer(pairing_id, rating="4", fit="yes"):
    return {f"pulse{pairing_id}-rating": rating, f"pulse{pairing_id}-fit": fit}


def test_is_due_rules():
    first = dt.date(2026, 1, 10)
    assert not pulse.is_due(None, None, dt.date(2026, 3, 1))
    assert pulse.is_due(first, None, first)
    answered = dt.datetime(2026, 1, 11, 9)
    assert not pulse.is_due(first, answered, dt.date(2026, 4, 10))  # 89 days
    assert pulse.is_due(first, answered, dt.date(2026, 4, 11))  # 90 days


def test_not_asked_before_the_first_held_meeting(pair, f, login):
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=3), status="cancelled")
    assert QUESTION not in login(pair.mentee_user).get("/").get_data(as_text=True)


def test_asked_after_first_meeting_then_every_90_days(pair, f, login):
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=3))
    for user in (pair.mentee_user, pair.mentor_user):
        b = login(user)
        assert QUESTION in b.get("/").get_data(as_text=True)
        r = b.post(f"/meetings/pairing/{pair.pairing.id}/pulse", data=_answer(pair.pairing.id))
        assert r.status_code == 302
        assert QUESTION not in b.get("/").get_data(as_text=True)
    checks = db.session.execute(select(PulseCheck).order_by(PulseCheck.id)).scalars().all()
    assert [(c.person_id, c.rating, c.fit) for c in checks] == [
        (pair.mentee.person_id, 4, "yes"),
        (pair.mentor.person_id, 4, "yes"),
    ]
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "pulse.answer")).scalars().all()
    assert len(events) == 2 and all("fit" not in e.details and "rating" not in e.details for e in events)
    # 90 days later, asked again
    checks[0].answered_at -= dt.timedelta(days=90)
    assert QUESTION in login(pair.mentee_user).get("/").get_data(as_text=True)
    assert QUESTION not in login(pair.mentor_user).get("/").get_data(as_text=True)


def test_bad_answer_is_refused_without_error(pair, f, login):
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=3))
    b = login(pair.mentee_user)
    for data in (_answer(pair.pairing.id, rating="9"), _answer(pair.pairing.id, fit="maybe"), {}):
        r = b.post(f"/meetings/pairing/{pair.pairing.id}/pulse", data=data, follow_redirects=True)
        assert r.status_code == 200 and "Choose a rating" in r.get_data(as_text=True)
    assert db.session.execute(select(PulseCheck)).scalars().all() == []


def test_flag_only_from_the_mentee_and_until_resolved(pair, f):
    now = dt.datetime(2026, 1, 1)
    pulse.record_answer(pair.pairing, pair.mentor.person, 1, "no", now)
    assert pulse.flagged() == {}
    pulse.record_answer(pair.pairing, pair.mentee.person, 2, "not_sure", now)
    assert pulse.flagged() == {}
    pulse.record_answer(pair.pairing, pair.mentee.person, 1, "no", now)
    assert pulse.flagged() == {pair.pairing.id: now}
    assert pulse.resolve(pair.pairing, now, actor=None) == 1
    assert pulse.flagged() == {}
