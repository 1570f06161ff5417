"""One rule set for grants, from the web's Accounts page and from `flask users grant`/`revoke`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, User
from mentorship.services import grants


@pytest.fixture
def site(f):
    program = f.program("Pediatrics")
    admin = f.user(f.person("admin@example.org"), is_admin=True)
    f.person("coord@example.org")
    db.session.commit()  # a command that fails rolls back to here
    return {"program": program, "admin": admin}


def _grant_events() -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == "grants.change").order_by(AuditEvent.id)
    return list(db.session.execute(query).scalars())


def test_the_service_refuses_the_last_admin_and_an_admin_removing_their_own_right(site, f):
    admin = site["admin"]
    with pytest.raises(grants.LastAdmin):
        grants.change_grants(admin, grants.Grants(), actor=None)
    with pytest.raises(grants.OwnAdminRight):
        grants.change_grants(admin, grants.Grants(), actor=admin)
    other = f.user(f.person("second@example.org"), is_admin=True)
    with pytest.raises(grants.OwnAdminRight):
        grants.change_grants(admin, grants.Grants(), actor=admin)
    grants.change_grants(admin, grants.Grants(coordinator=True), actor=other)
    assert not admin.is_admin and admin.is_coordinator
    assert _grant_events()[-1].details["before"]["admin"] is True


def test_the_web_removes_another_admins_right_but_never_your_own(site, f, login):
    admin = site["admin"]
    other = f.user(f.person("second@example.org"), is_admin=True)
    browser = login(admin)
    response = browser.post(f"/admin/users/{admin.id}", {"is_coordinator": "y"})
    assert b"You cannot remove your own admin grant." in response.data
    assert db.session.get(User, admin.id).is_admin
    response = browser.post(f"/admin/users/{other.id}", {"view_demographics": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, other.id).is_admin
    assert _grant_events()[-1].actor_email == "admin@example.org"


def test_the_command_line_keeps_the_last_admin(site, runner):
    result = runner.invoke(args=["users", "revoke", "admin@example.org", "--role", "admin"])
    assert result.exit_code == 1 and "is the last admin" in result.output
    assert db.session.get(User, site["admin"].id).is_admin
    result = runner.invoke(args=["users", "grant", "coord@example.org", "--role", "admin"])
    assert result.exit_code == 0, result.output
    # Run by the operator, not by an account: the command line may remove the right of any admin but the last.
    result = runner.invoke(args=["users", "revoke", "admin@example.org", "--role", "admin"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not db.session.get(User, site["admin"].id).is_admin
    event = _grant_events()[-1]
    assert event.actor_email is None and event.details["via"] == "cli"
    assert event.details["before"]["admin"] and not event.details["after"]["admin"]


def test_revoking_coordinator_removes_its_programs(site, runner):
    args = ["users", "grant", "coord@example.org", "--role", "coordinator", "--program", "Pediatrics"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=["users", "revoke", "coord@example.org", "--role", "coordinator"])
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.id != site["admin"].id)).scalar_one()
    assert not user.is_coordinator and user.programs == []
    assert _grant_events()[-1].details["after"]["programs"] == []
