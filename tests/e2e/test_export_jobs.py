"""A large workbook in the browser, at 390 px and 1280 px: the dashboard's button leads to a page that
starts the job, then a progress page whose status text says where the job is and changes by itself
(in place with a script; by a meta refresh of the whole page without one), then the file. Every page is
axe clean and fits. The queue is the real Redis of TEST_REDIS_URL, run by a burst worker in the test."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from rq import SimpleWorker

from mentorship.services import jobs
from tests.e2e import test_accessibility as a11y
from tests.mail.test_jobs import redis_queue  # noqa: F401 (a fixture)

institution, checker = a11y.institution, a11y.checker


@pytest.mark.parametrize("width", ["390px", "1280px"])
def test_a_large_workbook_waits_on_a_progress_page_then_downloads(
    width,
    app,
    institution,
    checker,
    sign_in,
    monkeypatch,
    redis_queue,  # noqa: F811 (the fixture)
):
    monkeypatch.setitem(app.config, "LARGE_EXPORT_PAIRINGS", 1)
    check = checker(phone=width == "390px")
    page = check.page
    sign_in(institution["coordinator"], target=page)
    page.goto("/dashboard/")
    page.get_by_role("button", name="Engagement (.xlsx)").click()
    expect(page.get_by_role("heading", name=re.compile("Engagement workbook"))).to_be_visible()
    check("export start page")
    page.get_by_role("button", name="Prepare the workbook").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("waiting for its turn")
    check("export progress page")

    SimpleWorker([jobs.job_queue()], connection=jobs.redis_connection()).work(burst=True)
    # The status changes by itself (the page's script asks again) and then offers the file.
    expect(status).to_contain_text("Your workbook is ready.", timeout=15_000)
    check("export ready page")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Download engagement-AY\d+-internal-medicine")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert check.problems == [], "\n".join(check.problems)


def test_without_javascript_the_progress_page_reloads_itself(
    app,
    institution,
    browser,
    base_url,
    sign_in,
    monkeypatch,
    redis_queue,  # noqa: F811 (the fixture)
):
    monkeypatch.setitem(app.config, "LARGE_EXPORT_PAIRINGS", 1)
    context = browser.new_context(
        base_url=base_url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        sign_in(institution["coordinator"], target=page)
        page.goto("/dashboard/export/inclusivity")
        page.get_by_role("button", name="Prepare the workbook").click()
        expect(page.get_by_role("status")).to_contain_text("waiting for its turn")
        SimpleWorker([jobs.job_queue()], connection=jobs.redis_connection()).work(burst=True)
        expect(page.get_by_role("status")).to_contain_text("Your workbook is ready.", timeout=15_000)
    finally:
        context.close()
