"""The mentor's record page, its PDF download and the public verification page in a real browser, at desk
width and on a phone, checked with axe-core (no serious or critical violations, no sideways scrolling)."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import IssuedRecord
from mentorship.services.records import issue
from tests.e2e.conftest import no_horizontal_scroll

AXE = Axe()
BLOCKING = {"serious", "critical"}
TODAY = dt.date.today()


@pytest.fixture
def mentor_user(f):
    program = f.program("Internal Medicine")
    mentor = f.mentor(f.person("rec.mentor@example.org", "Rae", "Recorda"), department="Medicine")
    for n, name in enumerate(("Ana Long-Hyphenated-Surname", "Bo Chen")):
        first, last = name.split(" ", 1)
        mentee = f.mentee(f.person(f"rec.mentee{n}@example.org", first, last), program, pgy=n + 1)
        pairing = f.pairing(mentor, mentee, start_date=TODAY - dt.timedelta(days=120))
        f.meeting(pairing, TODAY - dt.timedelta(days=20), 60, notes="Private note")
    user = f.user(mentor.person)
    db.session.commit()
    return user


def _blocking(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_record_page_download_and_verification(width, mentor_user, app, browser, base_url, sign_in):
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(mentor_user, target=page)
        page.get_by_role("link", name="Your mentoring record").first.click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Your mentoring record").is_visible()
        assert "Private note" not in page.content()
        problems = _blocking(page)
        assert no_horizontal_scroll(page), "the record page scrolls sideways"
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the PDF").click()
        path = download.value.path()
        assert path.read_bytes().startswith(b"%PDF") and download.value.suggested_filename.endswith(
            "rae-recorda.pdf"
        )
        db.session.expire_all()
        record = db.session.scalars(select(IssuedRecord)).one()
        code = issue.code_of(record, app.config["SECRET_KEY"])
        visitor = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
        public = visitor.new_page()
        public.goto(f"/records/verify/{code}")
        assert public.get_by_text("Valid.").is_visible()
        assert public.get_by_text("Rae Recorda").is_visible()
        problems += [f"verify: {p}" for p in _blocking(public)]
        assert no_horizontal_scroll(public), "the verification page scrolls sideways"
        public.goto(f"/records/verify/{code}x")
        assert public.get_by_text("this code was altered").is_visible()
        visitor.close()
        assert problems == []
    finally:
        context.close()
