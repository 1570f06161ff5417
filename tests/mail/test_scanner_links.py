"""Every link the app emails survives a mail scanner (Microsoft 365 Safe Links and others open each link
before the person does): the one-click log link of an introduction, the invitation and the password reset.

Each link is taken from the email as the SMTP server received it, opened twice with GET and twice with
HEAD by cookie-less clients (nothing may change), then completed by the person with the page's POST
(exactly one change), and opened by the scanner again (still nothing). Run with -s to read the outcome.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import Meeting, User
from mentorship.services import introductions
from tests.conftest import csrf_from
from tests.factories import PASSWORD
from tests.mail.smtp import text
from tests.security import world as W

LINK = re.compile(r"http://localhost(/\S+)")
NEW_PASSWORD = "correct-horse-battery-staple-42"


def _scan(app, path: str, label: str) -> list[str]:
    """A scanner's visit: GET, HEAD, GET, HEAD, each from a new client; nothing in the database changes."""
    before = W.snapshot()
    statuses = []
    for method in ("GET", "HEAD", "GET", "HEAD"):
        response = app.test_client().open(path, method=method)
        statuses.append(f"{method} {response.status_code}")
        assert response.status_code == 200, (label, method, response.status_code)
    assert W.snapshot() == before, f"{label}: a scanner's visit changed the database"
    return statuses


def _link(smtp, address: str, fragment: str) -> str:
    [path] = [p for p in LINK.findall(text(smtp.to(address)[-1])) if fragment in p]
    return path


def _report(label: str, statuses: list[str], change: str, after: str) -> None:
    print(f"{label}: scanner {', '.join(statuses)} -> nothing changed; person's POST -> {change}; {after}")


def _meetings() -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count(Meeting.id))).scalar_one()


def test_emailed_links_survive_get_and_head_and_then_work_once(app, f, smtp):
    program = f.program("General Surgery")
    mentor = f.mentor(f.person("lena@example.org", "Lena", "Park"), program_id=program.id)
    mentee = f.mentee(f.person("riley@example.org", "Riley", "Chen"), program)
    pairing = f.pairing(mentor, mentee, start_date=dt.date.today())
    reader = f.user(f.person("reader@example.org", "Rea", "Der"))
    admin = f.user(f.person("ada@example.org", "Ada", "Admin"), is_admin=True)
    db.session.commit()
    print()

    # 1. The one-click log link of the mentor's introduction.
    introductions.introduce([pairing.id])
    path = _link(smtp, "lena@example.org", "/meetings/quick/")
    statuses = _scan(app, path, "log link")
    person = app.test_client()
    page = person.get(path).get_data(as_text=True)
    assert "Log a meeting with" in page
    form = {
        "csrf_token": csrf_from(page),
        **dict(re.findall(r'<input type="hidden" name="(nonce|started)" value="([^"]*)"', page)),
        "date": dt.date.today().isoformat(),
        "duration_minutes": "30",
        "modality": "in_person",
    }
    assert person.post(path, data=form).status_code == 302
    assert _meetings() == 1
    assert person.post(path, data=form).status_code in (200, 302, 409) and _meetings() == 1
    _scan(app, path, "log link (used)")
    assert _meetings() == 1
    _report(
        "log link", statuses, "1 meeting logged (a second POST logs none)", "scanner again -> nothing changed"
    )

    # 2. An invitation to sign in.
    browser = app.test_client()
    login = browser.get("/auth/login").get_data(as_text=True)
    browser.post(
        "/auth/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": csrf_from(login)}
    )
    token = csrf_from(browser.get(f"/people/{mentee.person_id}").get_data(as_text=True))
    assert browser.post(f"/people/{mentee.person_id}/invite", data={"csrf_token": token}).status_code == 302
    path = _link(smtp, "riley@example.org", "/auth/password/invite/")
    statuses = _scan(app, path, "invitation")
    _choose_password(app, path)
    _report("invitation link", statuses, "password set once", "the used link is refused")

    # 3. A password reset.
    person = app.test_client()
    page = person.get("/auth/forgot").get_data(as_text=True)
    person.post("/auth/forgot", data={"email": reader.email, "csrf_token": csrf_from(page)})
    path = _link(smtp, "reader@example.org", "/auth/password/reset/")
    statuses = _scan(app, path, "reset")
    _choose_password(app, path)
    _report("reset link", statuses, "password set once", "the used link is refused")


def _choose_password(app, path: str) -> None:
    person = app.test_client()
    page = person.get(path).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert re.search(r"Welcome|Reset your password", page), page[:500]
    db.session.expire_all()
    before = {u.id: u.session_version for u in db.session.scalars(select(User))}
    assert person.post(path, data=data).status_code == 302
    db.session.expire_all()
    after = {u.id: u.session_version for u in db.session.scalars(select(User))}
    changed = [uid for uid in after if after[uid] != before.get(uid)]
    assert len(changed) == 1 and db.session.get(User, changed[0]).check_password(NEW_PASSWORD)
    # Used: the page now refuses the link, and setting it again changes nothing.
    again = app.test_client().get(path)
    assert again.status_code == 302
    assert {u.id: u.session_version for u in db.session.scalars(select(User))} == after
