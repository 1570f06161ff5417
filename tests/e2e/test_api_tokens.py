"""A mentor makes an API token in Profile → API tokens, uses it from a script, and revokes it: at desk
width and on a phone, with axe on each state of the page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from mentorship.extensions import db
from tests.e2e.test_accessibility import Checker, checker  # noqa: F401  (the fixture)
from tests.factories import PASSWORD

TODAY = dt.date.today()


@pytest.mark.parametrize("narrow", [False, True], ids=["1280px", "390px"])
def test_make_use_and_revoke_a_token(narrow, checker, f, client):  # noqa: F811
    mentor = f.mentor(f.person("tokens@example.org", "Tia", "Token-Maker-With-A-Long-Name"))
    mentee = f.mentee(f.person("res@example.org", "Ria", "Sato"), f.program("Internal Medicine"))
    pairing = f.pairing(mentor, mentee, start_date=TODAY - dt.timedelta(days=40))
    user = f.user(mentor.person)
    db.session.commit()
    check: Checker = checker(narrow)
    page = check.page
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    check.visit("/profile/tokens")
    page.get_by_label("Name (what will use it)").fill("phone shortcut")
    page.get_by_label("Allow writes (logging meetings)").check()
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("mpm_")
    check("token made")
    response = client.post(
        f"/api/v1/pairings/{pairing.id}/meetings",
        json={"date": TODAY.isoformat(), "duration_minutes": 20},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201
    page.goto("/profile/tokens")
    row = page.get_by_role("row").filter(has_text="phone shortcut")
    expect(row).not_to_contain_text("Never")  # its last use is listed
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("row").filter(has_text="phone shortcut")).to_contain_text("Revoked")
    check("token revoked")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert not check.problems, "\n".join(check.problems)
