"""`flask reminders send` started twice at once (two hosts' cron) sends each reminder once.

Two real processes on the test database (PostgreSQL when TEST_DATABASE_URL is set, else a shared SQLite
file) and one real SMTP server on loopback that answers slowly, so that the runs overlap.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, LogLink, Reminder
from tests.conftest import free_port
from tests.mail.smtp import Inbox

PAIRS = 12
ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).with_name("flask")


class SlowInbox(Inbox):
    """An inbox that takes a moment per message, as a real relay does: a run lasts long enough to overlap."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def _run(database_url: str, port: int) -> subprocess.Popen:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "FLASK_APP": "app",
        "APP_ENV": "test",
        "SECRET_KEY": "two-runs-secret-key",
        "DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
    }
    return subprocess.Popen(  # noqa: S603 (fixed argv, our own venv's flask)
        [str(FLASK), "reminders", "send"],
        cwd=str(ROOT),
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_runs_at_once_send_each_reminder_once(app, f):
    program = f.program("Surgery")
    start = dt.date.today() - dt.timedelta(days=100)
    for i in range(PAIRS):
        mentor = f.mentor(f.person(f"mentor{i}@example.org"))
        f.pairing(mentor, f.mentee(f.person(f"mentee{i}@example.org"), program), start_date=start)
    db.session.commit()
    inbox = SlowInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        database = app.config["SQLALCHEMY_DATABASE_URI"]
        runs = [_run(database, port), _run(database, port)]
        outputs = [run.communicate(timeout=180)[0] for run in runs]
    finally:
        controller.stop()
    assert [run.returncode for run in runs] == [0, 0], outputs

    received = Counter(address for recipients, _message in inbox.messages for address in recipients)
    expected = {f"{who}{i}@example.org" for who in ("mentor", "mentee") for i in range(PAIRS)}
    assert set(received) == expected and set(received.values()) == {1}, received
    db.session.expire_all()
    count = db.session.execute(select(func.count()).select_from(Reminder)).scalar_one()
    links = db.session.execute(select(func.count()).select_from(LogLink)).scalar_one()
    assert (count, links) == (PAIRS, PAIRS)
    audited = db.session.execute(select(AuditEvent).where(AuditEvent.action == "reminders.send")).scalars()
    assert sum(len(event.details["pairings"]) for event in audited) == PAIRS
    # Each run says what it did, and what it left to the other.
    print(*(output.splitlines()[-1] for output in outputs), sep="\n")
