"""flask users and flask demo from the command line."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Meeting, MenteeProfile, MentorProfile, Pairing, Person, User
from mentorship.services import academic_year
from mentorship.services.metrics.definitions import MetricSettings
from mentorship.services.metrics.queries import pairing_metrics


def test_create_admin_then_sign_in(runner, client):
    result = runner.invoke(
        args=["users", "create-admin", "Boss@Example.org", "--password", "a-long-passphrase"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(
        select(User).join(Person).where(Person.email == "boss@example.org")
    ).scalar_one()
    assert user.is_admin and user.can_view_demographics and user.check_password("a-long-passphrase")


def test_create_admin_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["users", "create-admin", "p@example.org"], input="a-long-passphrase\na-long-passphrase\n"
    )
    assert result.exit_code == 0, result.output


def test_create_admin_refuses_a_weak_password(runner):
    result = runner.invoke(args=["users", "create-admin", "boss@example.org", "--password", "password"])
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert db.session.execute(select(func.count(Person.id))).scalar() == 0


def test_set_password(runner, f):
    person = f.person("doc@example.org")
    db.session.commit()
    result = runner.invoke(
        args=["users", "set-password", "DOC@example.org", "--password", "another-passphrase"]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert person.user.check_password("another-passphrase")
    result = runner.invoke(
        args=["users", "set-password", "nobody@example.org", "--password", "another-passphrase"]
    )
    assert result.exit_code == 1 and "No person with email nobody@example.org" in result.output


def test_grant_coordinator_and_errors(runner, f):
    f.person("coord@example.org")
    f.program("Pediatrics")
    db.session.commit()
    ok = runner.invoke(
        args=[
            "users",
            "grant",
            "coord@example.org",
            "--role",
            "coordinator",
            "--program",
            " pediatrics ",
            "--view-demographics",
        ]
    )
    assert ok.exit_code == 0, ok.output
    user = db.session.execute(
        select(User).join(Person).where(Person.email == "coord@example.org")
    ).scalar_one()
    assert (
        user.is_coordinator and [p.name for p in user.programs] == ["Pediatrics"] and user.view_demographics
    )
    bad = runner.invoke(
        args=["users", "grant", "coord@example.org", "--role", "coordinator", "--program", "Nope"]
    )
    assert bad.exit_code == 1 and "Unknown program: Nope." in bad.output
    bad = runner.invoke(args=["users", "grant", "coord@example.org", "--role", "coordinator"])
    assert bad.exit_code == 1 and "at least one --program" in bad.output
    bad = runner.invoke(args=["users", "grant", "coord@example.org", "--role", "emperor"])
    assert bad.exit_code == 2
    assert (
        db.session.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "grants.change")
        ).scalar()
        == 1
    )


def _snapshot():
    people = db.session.execute(select(Person.email, Person.first_name).order_by(Person.id)).all()
    meetings = db.session.execute(
        select(Meeting.pairing_id, Meeting.date, Meeting.duration_minutes, Meeting.status).order_by(
            Meeting.id
        )
    ).all()
    return people, meetings


def test_small_demo_is_deterministic_and_shows_every_status(runner, app):
    today = dt.date(2026, 11, 22)
    result = runner.invoke(args=["demo", "seed", "--size", "small", "--today", today.isoformat()])
    assert result.exit_code == 0, result.output
    assert "admin@demo.example.org" in result.output and "demo-mentor-2026" in result.output
    assert db.session.execute(select(func.count(MentorProfile.id))).scalar() == 20
    assert db.session.execute(select(func.count(MenteeProfile.id))).scalar() == 40
    assert (
        db.session.execute(
            select(func.count(Person.id)).where(Person.mentor.has(), Person.mentee.has())
        ).scalar()
        == 1
    )
    ay = academic_year.academic_year(2026)
    statuses = Counter(
        m.status for m in pairing_metrics(ay, today, MetricSettings.from_config(app.config)).values()
    )
    assert set(statuses) == {"on_track", "behind", "new", "overdue", "ended"}
    first = _snapshot()
    again = runner.invoke(args=["demo", "seed", "--size", "small", "--today", today.isoformat()])
    assert "no demo data was added" in again.output
    # Same date, same data: wipe and seed again.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    runner.invoke(args=["demo", "seed", "--size", "small", "--today", today.isoformat()])
    assert _snapshot() == first


def test_demo_logins_work(runner, client):
    runner.invoke(args=["demo", "seed", "--size", "small"])
    from tests.conftest import csrf_from

    for email in ("admin@demo.example.org", "coordinator@demo.example.org"):
        token = csrf_from(client.get("/auth/login").get_data(as_text=True))
        response = client.post(
            "/auth/login", data={"email": email, "password": "demo-mentor-2026", "csrf_token": token}
        )
        assert response.status_code == 302
        client.post(
            "/auth/logout",
            data={"csrf_token": csrf_from(client.get("/auth/password").get_data(as_text=True))},
        )
    assert db.session.execute(select(func.count(Pairing.id))).scalar() > 30
