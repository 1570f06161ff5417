"""Browser tests: the app served on a loopback port, driven by Debian's Chromium through Playwright.

The server runs in a thread of the test process against the same database as the other tests, so each test
builds its data with the factories and sees it in the browser. Failing tests leave a screenshot (from
pytest-playwright) and the page's HTML under test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from mentorship.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The flags a root sandbox and a closed network need.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SKIP_REASON = "Chromium not found (install Debian's `chromium` package): browser tests skipped"
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)
    if report.when == "call" and report.failed and "browser" in item.funcargs:
        # Every page of every open context (the test's page, a phone, a second signed-in person), saved
        # while the test's fixtures are still open.
        save_artifacts(item.nodeid, item.funcargs["browser"])


def save_artifacts(nodeid: str, browser) -> None:
    folder = ARTIFACTS / nodeid.replace("/", "-").replace("::", "-")
    shutil.rmtree(folder, ignore_errors=True)  # only this run's pages
    folder.mkdir(parents=True, exist_ok=True)
    index = 0
    for context in browser.contexts:
        for open_page in context.pages:
            try:
                (folder / f"page-{index}.html").write_text(open_page.content())
                open_page.screenshot(path=str(folder / f"page-{index}.png"), full_page=True)
            except Exception as exc:  # a page that is closing: keep what we have
                (folder / f"page-{index}.error.txt").write_text(repr(exc))
            index += 1
    print(f"\nBrowser artifacts of {nodeid}: {folder}")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser(launch_browser):
    """Playwright's browser (this folder replaces the test-client `browser` of tests/conftest.py)."""
    launched = launch_browser()
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free loopback port, in a server thread, for the whole session."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture(autouse=True)
def _page_setup(page, browser):
    """Every test has a desk-sized `page`; failures save every open page (see pytest_runtest_makereport)."""
    page.set_default_timeout(10_000)


@pytest.fixture
def sign_in(page):
    """sign_in(user) signs the browser in through the login form, as a person would."""
    from tests.factories import PASSWORD

    def _sign_in(user, password: str = PASSWORD, target=page):
        db.session.commit()
        target.goto("/auth/login")
        target.get_by_label("Email").fill(user.email)
        target.get_by_label("Password").fill(password)
        target.get_by_role("button", name="Sign in").click()
        target.wait_for_load_state()
        return target

    return _sign_in


@pytest.fixture
def phone(browser, base_url):
    """A page the size of a phone (390 × 844, touch)."""
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def no_horizontal_scroll(page) -> bool:
    """True if nothing on the page is wider than the viewport.

    Compared with the viewport the test asked for, not window.innerWidth: a mobile browser widens its layout
    viewport to fit content that overflows, and innerWidth grows with it.
    """
    # A page just navigated to may be measured before its stylesheets apply (seen once after a redirect).
    page.wait_for_load_state("load")
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    return width <= page.viewport_size["width"]
