"""Workbooks of large scopes with REDIS_URL: a job on the real Redis queue, a progress page that refreshes
itself, the file for its asker only (scope checked again), one audit event.

Redis is the one at TEST_REDIS_URL, with a queue of this test only (the `redis_queue` fixture of the job
tests); a burst worker runs the queue inside the test.
"""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from rq import SimpleWorker
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, ExportJob
from mentorship.services import exports, jobs
from tests.mail.test_jobs import redis_queue  # noqa: F401 (a fixture)

REFRESH = re.compile(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>')


def _exports() -> int:
    db.session.expire_all()
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "report.export")
    return db.session.execute(query).scalar_one()


def _work() -> None:
    SimpleWorker([jobs.job_queue()], connection=jobs.redis_connection()).work(burst=True)


def _start(browser, report: str = "engagement") -> str:
    """Ask for a workbook as a person does (the page, then its button); returns the progress page's path."""
    page = browser.get(f"/dashboard/export/{report}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Prepare the workbook" in page.get_data(as_text=True)
    started = browser.post(f"/dashboard/export/{report}/job")
    assert started.status_code == 302
    return started.headers["Location"]


def test_a_large_workbook_is_built_by_a_worker_for_its_asker_only(
    app,
    pair,
    login,
    monkeypatch,
    redis_queue,  # noqa: F811 (the fixture)
):
    monkeypatch.setitem(app.config, "LARGE_EXPORT_PAIRINGS", 1)
    browser = login(pair.coordinator)
    progress = _start(browser)
    assert re.fullmatch(r"/dashboard/exports/\d+", progress)
    assert _exports() == 0  # asking writes the request, not the export

    waiting = browser.get(progress).get_data(as_text=True)
    assert REFRESH.search(waiting) and 'role="status"' in waiting and "waiting for its turn" in waiting
    assert browser.get(progress + "/file").headers["Location"] == progress  # nothing to download yet

    _work()
    ready = browser.get(progress).get_data(as_text=True)
    assert not REFRESH.search(ready) and "Your workbook is ready." in ready
    download = browser.get(progress + "/file")
    assert download.status_code == 200 and download.mimetype == exports.XLSX
    assert "attachment" in download.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(download.get_data()))
    assert "Summary" in book.sheetnames
    assert browser.get(progress + "/file").get_data() == download.get_data()
    assert _exports() == 1  # built once, audited once, however often it is downloaded
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "report.export")).scalar_one()
    assert event.actor_id == pair.coordinator.id and event.details["programs"] == ["Internal Medicine"]

    # Another worker run of the same request (a retry) builds and audits nothing again.
    record = db.session.execute(select(ExportJob)).scalar_one()
    jobs.enqueue("mentorship.services.export_jobs:build", record.id)
    _work()
    assert _exports() == 1


def test_only_the_asker_sees_it_and_only_while_in_scope(app, f, pair, login, monkeypatch, redis_queue):  # noqa: F811
    monkeypatch.setitem(app.config, "LARGE_EXPORT_PAIRINGS", 1)
    progress = _start(login(pair.coordinator))
    _work()
    other = login(f.user(f.person(), programs=[pair.program]))  # same program, not the asker
    assert other.get(progress).status_code == 404
    assert other.get(progress + "/file").status_code == 404
    admin = login(f.user(is_admin=True))
    assert admin.get(progress + "/file").status_code == 404
    # The asker loses the program: the file is refused at download.
    pair.coordinator.programs = [f.program("Surgery")]
    db.session.commit()
    assert login(pair.coordinator).get(progress + "/file").status_code == 403


def test_a_failed_build_says_so_and_audits_nothing(app, pair, login, monkeypatch, redis_queue):  # noqa: F811
    monkeypatch.setitem(app.config, "LARGE_EXPORT_PAIRINGS", 1)

    def broken(_report, _req):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "build_report", broken)
    browser = login(pair.coordinator)
    progress = _start(browser)
    _work()
    page = browser.get(progress).get_data(as_text=True)
    assert "could not be prepared" in page and not REFRESH.search(page) and "disk full" not in page
    assert _exports() == 0


def test_a_small_scope_is_built_in_the_request_even_with_redis(app, pair, login, monkeypatch, redis_queue):  # noqa: F811
    monkeypatch.setitem(app.config, "LARGE_EXPORT_PAIRINGS", 50)
    response = login(pair.coordinator).get("/dashboard/export/engagement")
    assert response.status_code == 200 and response.mimetype == exports.XLSX
    assert _exports() == 1 and db.session.execute(select(ExportJob)).first() is None


def test_without_redis_every_workbook_is_built_in_the_request(app, pair, login, monkeypatch):
    monkeypatch.setitem(app.config, "LARGE_EXPORT_PAIRINGS", 0)
    browser = login(pair.coordinator)
    response = browser.get("/dashboard/export/inclusivity")
    assert response.status_code == 200 and response.mimetype == exports.XLSX
    # The job's button, posted anyway, goes back to the download.
    again = browser.post("/dashboard/export/inclusivity/job")
    assert again.status_code == 302 and again.headers["Location"].endswith("/dashboard/export/inclusivity")
