"""The coordinator's needs-attention list, "remind now", and pulse-check flags."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, PulseCheck, Reminder

TODAY = dt.date.today()


def _reminders():
    db.session.expire_all()
    return db.session.execute(select(Reminder)).scalars().all()


def _setup(pair, f):
    """pair: overdue; never: never met; flagged: met recently; fine; and an overdue pair elsewhere."""
    never = f.pairing(
        mentee_=f.mentee(f.person("e2@example.org", "Alex", "Never"), pair.program),
        start_date=TODAY - dt.timedelta(days=22),
    )
    flagged = f.pairing(
        mentee_=f.mentee(f.person("e3@example.org", "Jo", "Flagged"), pair.program),
        start_date=TODAY - dt.timedelta(days=40),
    )
    f.meeting(flagged, TODAY - dt.timedelta(days=5))
    fine = f.pairing(
        mentee_=f.mentee(f.person("e4@example.org", "Fin", "Fine"), pair.program),
        start_date=TODAY - dt.timedelta(days=40),
    )
    f.meeting(fine, TODAY - dt.timedelta(days=5))
    elsewhere = f.pairing(
        mentee_=f.mentee(f.person("e5@example.org", "Els", "Where"), f.program("Surgery")),
        start_date=TODAY - dt.timedelta(days=100),
    )
    return never, flagged, fine, elsewhere


def test_attention_lists_overdue_never_met_and_flagged_in_scope(pair, f, login):
    never, flagged, fine, elsewhere = _setup(pair, f)
    b = login(pair.mentee_user)
    # the mentee of `flagged` is someone else; make them answer "no" through the page
    flagged_user = f.user(flagged.mentee.person)
    fb = login(flagged_user)
    r = fb.post(
        f"/meetings/pairing/{flagged.id}/pulse",
        data={f"pulse{flagged.id}-rating": "2", f"pulse{flagged.id}-fit": "no"},
    )
    assert r.status_code == 302
    page = login(pair.coordinator).get("/reminders/attention")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Internal Medicine" in html
    assert "Riley Mentee" in html and "Overdue" in html
    assert "Alex Never" in html and "Never met" in html
    assert "Jo Flagged" in html and "Flagged" in html
    assert "Fin Fine" not in html
    assert "Els Where" not in html  # another program
    assert html.count("Remind now") == 3
    assert html.count("Mark resolved") == 1
    assert b.get("/reminders/attention").status_code == 403  # a mentee is not staff


def test_remind_now_sends_once_and_is_audited(pair, f, login):
    never, *_ = _setup(pair, f)
    b = login(pair.coordinator)
    r = b.post(f"/reminders/pairing/{never.id}/remind", follow_redirects=True)
    assert "Reminder sent" in r.get_data(as_text=True)
    [rem] = _reminders()
    assert (rem.pairing_id, rem.reason, rem.sent_by_id) == (never.id, "never_met", pair.coordinator.id)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "reminder.send")).scalar_one()
    assert event.details == {"pairing_id": never.id, "reason": "never_met"}
    # not twice within the interval
    again = b.post(f"/reminders/pairing/{never.id}/remind", follow_redirects=True)
    assert "reminders go at most every 14 days" in again.get_data(as_text=True)
    assert len(_reminders()) == 1
    # the page no longer offers it for that pair
    html = b.get("/reminders/attention").get_data(as_text=True)
    assert html.count("Remind now") == 1  # only `pair` (overdue) is left; flagged has no flag here


def test_remind_now_outside_scope_is_404(pair, f, login):
    *_, elsewhere = _setup(pair, f)
    b = login(pair.coordinator)
    assert b.post(f"/reminders/pairing/{elsewhere.id}/remind").status_code == 404
    assert _reminders() == []
    assert login(pair.mentor_user).post(f"/reminders/pairing/{pair.pairing.id}/remind").status_code == 403


def test_mark_resolved_clears_the_flag(pair, f, login):
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=3))
    answer = {f"pulse{pair.pairing.id}-rating": "1", f"pulse{pair.pairing.id}-fit": "no"}
    assert (
        login(pair.mentee_user).post(f"/meetings/pairing/{pair.pairing.id}/pulse", data=answer).status_code
        == 302
    )
    b = login(pair.coordinator)
    assert "Mark resolved" in b.get("/reminders/attention").get_data(as_text=True)
    b.post(f"/reminders/pairing/{pair.pairing.id}/resolve")
    db.session.expire_all()
    [check] = db.session.execute(select(PulseCheck)).scalars().all()
    assert check.resolved_at is not None
    assert "Riley Mentee" not in b.get("/reminders/attention").get_data(as_text=True)
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "pulse.resolve")).scalar_one()


def test_a_mentors_no_does_not_flag(pair, f, login):
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=3))
    answer = {f"pulse{pair.pairing.id}-rating": "2", f"pulse{pair.pairing.id}-fit": "no"}
    login(pair.mentor_user).post(f"/meetings/pairing/{pair.pairing.id}/pulse", data=answer)
    assert "Riley Mentee" not in login(pair.coordinator).get("/reminders/attention").get_data(as_text=True)


def test_attention_page_query_count_is_fixed(pair, f, login, count_queries):
    b = login(pair.coordinator)

    def count():
        n, html = count_queries(lambda: b.get("/reminders/attention").get_data(as_text=True))
        return n, html.count("Remind now")

    few = count()
    for i in range(5):
        f.pairing(mentee_=f.mentee(prog=pair.program), start_date=TODAY - dt.timedelta(days=90 + i))
    many = count()
    assert (few[1], many[1]) == (1, 6)
    assert many[0] == few[0]
