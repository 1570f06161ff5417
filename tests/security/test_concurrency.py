"""20 clients log meetings at once through the web, against gunicorn, on the test database.

Every meeting must be stored and no request may get a 5xx. Bounded: 20 clients × 5 meetings, timeouts on
every request and on the server's start, loopback only, the server killed at the end.

Two concurrent pairing applies never exceeding a mentor's capacity is proved in
tests/pairings/test_concurrency.py (both databases).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import Meeting
from tests import factories as F
from tests.servers import Client, gunicorn

CLIENTS = 20
MEETINGS_EACH = 5
NONCE_RE = re.compile(r'name="nonce" type="hidden" value="([^"]+)"')


@pytest.fixture
def server(app, tmp_path):
    """gunicorn serving the app on the test database, on a free loopback port."""
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path) as base:
        yield base


def _log_meetings(base: str, email: str, pairing_id: int, errors: list[str], statuses: list[int]):
    client = Client(base)
    try:
        status = client.sign_in(email, F.PASSWORD)
        assert status == 302, f"sign-in of {email} gave {status}"
        for k in range(MEETINGS_EACH):
            status, form = client.request(f"/meetings/pairing/{pairing_id}/new")
            assert status == 200, f"form gave {status}"
            data = {
                "csrf_token": client.token(form),
                "nonce": NONCE_RE.search(form).group(1),
                "date": (dt.date.today() - dt.timedelta(days=k + 1)).isoformat(),
                "duration_minutes": "30",
                "modality": "video",
                "status": "held",
                "topics": ["research"],
                "notes": f"meeting {k} of {email}",
            }
            status, page = client.request(f"/meetings/pairing/{pairing_id}/new", data)
            assert status == 302, f"meeting {k} of {email} gave {status}: {page[:300]}"
    except Exception as exc:  # collected and reported by the test
        errors.append(f"{email}: {exc}")
    finally:
        statuses.extend(client.statuses)


def test_twenty_clients_log_meetings_at_once(app, server):
    pairings = []
    for i in range(CLIENTS):
        mentor = F.mentor(F.person(f"busy-mentor{i}@example.org", "Busy", f"Mentor{i}"))
        pairing = F.pairing(mentor, start_date=dt.date.today() - dt.timedelta(days=100))
        F.user(mentor.person)
        pairings.append((mentor.person.email, pairing.id))
    db.session.commit()
    errors: list[str] = []
    statuses: list[int] = []
    threads = [
        threading.Thread(target=_log_meetings, args=(server, email, pid, errors, statuses))
        for email, pid in pairings
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not errors, errors
    assert not [s for s in statuses if s >= 500], statuses
    assert len(statuses) == CLIENTS * (2 + 2 * MEETINGS_EACH)
    db.session.expire_all()
    stored = db.session.execute(
        select(Meeting.pairing_id, func.count(Meeting.id))
        .where(Meeting.deleted_at.is_(None))
        .group_by(Meeting.pairing_id)
    ).all()
    assert dict(stored) == {pid: MEETINGS_EACH for _email, pid in pairings}
    notes = db.session.execute(
        select(func.count(Meeting.id)).where(Meeting.notes.like("meeting % of busy-mentor%"))
    ).scalar_one()
    assert notes == CLIENTS * MEETINGS_EACH
    assert elapsed < 90, f"{elapsed:.1f} s"  # generous: CI machines are slow, the work is 240 requests
