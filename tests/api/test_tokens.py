"""Personal access tokens: the command line, and Profile → API tokens (create, list with last use, revoke)."""

from __future__ import annotations

import re

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import ApiToken, AuditEvent
from tests.api.helpers import bearer


def test_cli_prints_the_token_once_and_stores_its_hash(app, client, pair):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["api", "token", "create", "MENTOR@example.org", "--name", "dash", "--write", "--days", "7"]
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("mpm_") and "\n" not in token
    row = db.session.execute(select(ApiToken)).scalar_one()
    assert row.can_write and row.name == "dash" and token not in (row.token_hash, row.prefix)
    assert (row.expires_at - row.created_at).days == 7
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["email"] == "mentor@example.org"
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "api_token.create")).scalar_one()


def test_cli_refuses_bad_input(app, pair):
    db.session.commit()
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["api", "token", "create", "nobody@example.org", "--name", "x"])
    assert unknown.exit_code == 1 and "No person" in unknown.output
    long_life = runner.invoke(
        args=["api", "token", "create", "mentor@example.org", "--name", "x", "--days", "999"]
    )
    assert long_life.exit_code == 1 and "days" in long_life.output
    blank = runner.invoke(args=["api", "token", "create", "mentor@example.org", "--name", " "])
    assert blank.exit_code == 1 and "Name" in blank.output
    assert db.session.execute(select(ApiToken)).first() is None


def test_profile_page_creates_lists_and_revokes(client, pair, login):
    browser = login(pair.mentor_user)
    page = browser.post("/profile/tokens", data={"name": "dashboard", "days": "30"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = re.search(r"mpm_[\w-]+", page.get_data(as_text=True)).group(0)
    row = db.session.execute(select(ApiToken)).scalar_one()
    assert not row.can_write and row.user_id == pair.mentor_user.id
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    listing = browser.get("/profile/tokens").get_data(as_text=True)
    assert "dashboard" in listing and token not in listing and "Never" not in listing
    # Someone else cannot revoke it.
    other = login(pair.mentee_user)
    assert other.post(f"/profile/tokens/{row.id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert browser.post(f"/profile/tokens/{row.id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert "Revoked" in browser.get("/profile/tokens").get_data(as_text=True)


def test_profile_form_errors_write_nothing(pair, login):
    browser = login(pair.coordinator)
    page = browser.post("/profile/tokens", data={"name": "", "days": "0"})
    assert page.status_code == 200 and "Name the token" in page.get_data(as_text=True)
    assert db.session.execute(select(ApiToken)).first() is None
