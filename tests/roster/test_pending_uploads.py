"""An uploaded roster waits in the database, for the user who uploaded it only, until it is confirmed,
cancelled, they sign out, or a day has passed; any instance of the app can confirm it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from config import TestConfig
from mentorship import create_app
from mentorship.extensions import db
from mentorship.models import Person, RosterUpload
from tests.conftest import Browser, IsolatedClient
from tests.roster.helpers import xlsx

ROSTER = xlsx(
    {
        "Mentees": [
            ["email", "first_name", "last_name", "program", "pgy"],
            ["new@x.org", "Nia", "New", "IM", 1],
        ]
    }
)
FIRST = "Upload a roster file first."


def _pending() -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(RosterUpload)).scalar_one()


def _imported() -> bool:
    db.session.expire_all()
    return (
        db.session.execute(select(Person).where(Person.email == "new@x.org")).scalar_one_or_none() is not None
    )


@pytest.fixture
def admins(f):
    f.program("IM")
    return f.user(f.person("first@x.org"), is_admin=True), f.user(f.person("second@x.org"), is_admin=True)


def _upload(browser: Browser) -> None:
    response = browser.post("/roster/", data={"files": (io.BytesIO(ROSTER), "roster.xlsx")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/roster/preview")


def _says_upload_first(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].endswith("/roster/")


def test_the_next_person_on_the_browser_after_sign_out_gets_nothing(app, admins):
    first, second = admins
    browser = Browser(app.test_client()).login(first)
    _upload(browser)
    assert _pending() == 1 and "Import now" in browser.get("/roster/preview").get_data(as_text=True)
    assert browser.post("/auth/logout").status_code == 302
    assert _pending() == 0  # deleted on sign-out
    browser.login(second)
    assert _says_upload_first(browser.get("/roster/preview"))
    assert FIRST in browser.get("/roster/").get_data(as_text=True)
    assert _says_upload_first(browser.post("/roster/confirm"))
    assert not _imported()


def test_another_user_holding_the_token_gets_nothing(app, admins):
    first, second = admins
    owner = Browser(app.test_client()).login(first)
    _upload(owner)
    with owner.client.session_transaction() as session:
        token = session["roster_upload"]
    other = Browser(app.test_client()).login(second)
    with other.client.session_transaction() as session:
        session["roster_upload"] = token  # as if the cookie's contents were known
    assert _says_upload_first(other.get("/roster/preview"))
    assert _says_upload_first(other.post("/roster/confirm"))
    other.post("/roster/cancel")
    assert _pending() == 1 and not _imported()  # the owner's upload is untouched
    assert owner.post("/roster/confirm").headers["Location"].endswith("/roster/result")
    assert _imported() and _pending() == 0
    # The result page belongs to its user too.
    with other.client.session_transaction() as session, owner.client.session_transaction() as mine:
        session["roster_result"] = mine["roster_result"]
    assert _says_upload_first(other.get("/roster/result"))
    assert "The import is complete." in owner.get("/roster/result").get_data(as_text=True)


def test_an_upload_older_than_a_day_is_gone_and_removed(app, admins):
    first, second = admins
    browser = Browser(app.test_client()).login(first)
    _upload(browser)
    db.session.execute(
        db.update(RosterUpload).values(created_at=RosterUpload.created_at - dt.timedelta(hours=25))
    )
    db.session.commit()
    assert _says_upload_first(browser.get("/roster/preview"))
    assert _pending() == 1
    _upload(Browser(app.test_client()).login(second))  # any new upload sweeps the stale ones
    assert _pending() == 1


def test_a_preview_on_one_instance_is_confirmed_on_another(app, admins):
    class OtherInstance(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]

    other = create_app(OtherInstance)
    other.test_client_class = IsolatedClient
    first, _second = admins
    browser = Browser(app.test_client()).login(first)
    _upload(browser)
    assert "Import now" in browser.get("/roster/preview").get_data(as_text=True)
    second_instance = other.test_client()
    second_instance.set_cookie(
        "session",
        browser.client.get_cookie("session").value,
        domain=browser.client.get_cookie("session").domain,
    )
    with other.app_context():
        response = second_instance.post("/roster/confirm", data={"csrf_token": browser.token()})
        db.session.remove()
    with other.app_context():
        db.engine.dispose()
    assert response.status_code == 302 and response.headers["Location"].endswith("/roster/result")
    assert _imported() and _pending() == 0
