"""Development plans in the browser: a mentee adds two goals on a phone, the mentor comments and both confirm
the review; the mentor notes "we discussed the plan" while logging a meeting; the plan page at desk width and
its printable page, each checked with axe."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import Plan, PlanDiscussion
from tests.e2e.conftest import no_horizontal_scroll

TODAY = dt.date.today()
AXE = Axe()


def _no_serious_axe_findings(page) -> None:
    found = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in AXE.run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert found == [], found


def _plan() -> Plan:
    db.session.rollback()
    db.session.expire_all()
    return db.session.execute(select(Plan)).scalar_one()


@pytest.fixture
def pair(f):
    program = f.program("Internal Medicine")
    mentor = f.mentor(f.person("mo@example.org", "Mo", "Reyes"))
    mentee = f.mentee(f.person("ria@example.org", "Ria", "Sato"), program)
    pairing = f.pairing(mentor, mentee, start_date=TODAY - dt.timedelta(days=90))
    return {"pairing": pairing, "mentor": f.user(mentor.person), "mentee": f.user(mentee.person)}


def test_mentee_adds_two_goals_on_a_phone_mentor_comments_and_both_confirm(browser, base_url, sign_in, pair):
    contexts = []

    def phone_page():
        context = browser.new_context(
            base_url=base_url, viewport={"width": 390, "height": 844}, has_touch=True
        )
        contexts.append(context)
        return context.new_page()

    try:
        mentee = sign_in(pair["mentee"], target=phone_page())
        mentee.get_by_role("link", name="Open my plan").click()
        for title, category in (
            ("Lead a QI project", "Systems-Based Practice"),
            ("Submit an abstract", "Research"),
        ):
            mentee.get_by_label("New goal").fill(title)
            mentee.get_by_label("Category").select_option(label=category)
            mentee.get_by_role("button", name="Add goal").click()
            expect(mentee.get_by_role("heading", name=title)).to_be_visible()
        assert no_horizontal_scroll(mentee)
        _no_serious_axe_findings(mentee)
        assert [g.title for g in _plan().goals] == ["Lead a QI project", "Submit an abstract"]

        mentor = sign_in(pair["mentor"], target=phone_page())
        mentor.get_by_role("link", name="Development plan of Ria Sato").click()
        mentor.get_by_label("Comment on “Lead a QI project”").fill("Start with the sepsis bundle")
        mentor.get_by_role("button", name="Add comment").first.click()
        expect(mentor.get_by_text("Start with the sepsis bundle")).to_be_visible()
        mentor.get_by_role("button", name="Confirm the review").click()
        expect(mentor.get_by_text("counts once Ria confirms it too")).to_be_visible()
        assert no_horizontal_scroll(mentor)
        _no_serious_axe_findings(mentor)

        mentee.reload()
        expect(mentee.get_by_text("Start with the sepsis bundle")).to_be_visible()
        mentee.get_by_role("button", name=f"Confirm: we reviewed this plan on {TODAY.isoformat()}").click()
        expect(mentee.get_by_text("Review recorded: you both confirmed it.")).to_be_visible()
        assert [r.counted for r in _plan().reviews] == [True]
        db.session.commit()
    finally:
        for context in contexts:
            context.close()


def test_mentor_records_we_discussed_the_plan_in_two_taps(phone, sign_in, pair, f):
    from mentorship.services.academic_year import year_of
    from mentorship.services.plans import records
    from mentorship.services.plans.rules import GoalInput

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    plan = records.open_plan(pair["pairing"].mentee, year_of(TODAY))
    records.add_goal(plan, GoalInput("Submit an abstract"), by=pair["pairing"].mentee.person, now=now)
    page = sign_in(pair["mentor"], target=phone)
    page.get_by_role("link", name="Log a meeting with Ria Sato").click()
    goal = page.get_by_text("Submit an abstract", exact=True)
    expect(goal).to_be_hidden()  # shown once the box is ticked
    page.get_by_text("We discussed the development plan").click()  # tap 1
    goal.click()  # tap 2
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("Meeting logged.")).to_be_visible()
    db.session.rollback()
    discussion = db.session.execute(select(PlanDiscussion)).scalar_one()
    assert [g.title for g in discussion.goals] == ["Submit an abstract"]
    db.session.commit()


def test_the_emailed_form_and_the_edit_form_note_the_plan(phone, page, sign_in, pair, app):
    """On a phone, the reminder's one-click form notes the plan and a goal; at desk width, the edit form
    opens as saved and unticking removes the note; both pages checked with axe."""
    from mentorship.models import Meeting
    from mentorship.services.academic_year import year_of
    from mentorship.services.plans import records
    from mentorship.services.plans.rules import GoalInput
    from tests.factories import log_link_token

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    plan = records.open_plan(pair["pairing"].mentee, year_of(TODAY))
    records.add_goal(plan, GoalInput("Submit an abstract"), by=pair["pairing"].mentee.person, now=now)
    token = log_link_token(pair["pairing"], app.config["SECRET_KEY"])
    db.session.commit()
    phone.goto(f"/meetings/quick/{token}")
    goal = phone.get_by_text("Submit an abstract", exact=True)
    expect(goal).to_be_hidden()
    phone.get_by_text("We discussed the development plan").tap()
    goal.tap()
    assert no_horizontal_scroll(phone)
    _no_serious_axe_findings(phone)
    phone.get_by_role("button", name="Save meeting").tap()
    expect(phone.get_by_role("heading", name="Meeting logged, thank you")).to_be_visible()
    db.session.rollback()
    discussion = db.session.execute(select(PlanDiscussion)).scalar_one()
    assert [g.title for g in discussion.goals] == ["Submit an abstract"]
    meeting_id = db.session.execute(select(Meeting.id)).scalar_one()
    db.session.commit()

    sign_in(pair["mentor"])
    page.goto(f"/meetings/{meeting_id}/edit")
    expect(page.get_by_label("We discussed the development plan")).to_be_checked()
    expect(page.get_by_label("Submit an abstract")).to_be_checked()
    _no_serious_axe_findings(page)
    page.get_by_text("We discussed the development plan").click()  # untick
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("Meeting saved.")).to_be_visible()
    db.session.rollback()
    assert db.session.execute(select(PlanDiscussion)).scalar_one_or_none() is None
    db.session.commit()


def test_the_plan_page_at_desk_width_and_its_printable_page(page, sign_in, pair):
    from mentorship.services.academic_year import year_of
    from mentorship.services.plans import records
    from mentorship.services.plans.rules import GoalInput

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    plan = records.open_plan(pair["pairing"].mentee, year_of(TODAY))
    for title, category in (("Teach on rounds", "professionalism"), ("Write a case report", "research")):
        records.add_goal(plan, GoalInput(title, category), by=pair["pairing"].mentee.person, now=now)
    sign_in(pair["mentee"])
    page.goto(f"/plans/mentee/{pair['pairing'].mentee_id}")
    expect(page.get_by_role("heading", name="My development plan")).to_be_visible()
    _no_serious_axe_findings(page)
    page.get_by_role("link", name="Printable page").click()
    expect(page.get_by_role("rowheader", name="Professionalism")).to_be_visible()
    expect(page.get_by_text("Mo Reyes")).to_be_visible()
    _no_serious_axe_findings(page)


def test_a_full_plan_prints_on_one_page(page, sign_in, pair, tmp_path):
    """Nine goals (one per category) with next steps and two reviews: one page of US Letter and of A4."""
    from mentorship import vocab
    from mentorship.models import PlanReview
    from mentorship.services.academic_year import year_of
    from mentorship.services.plans import records
    from mentorship.services.plans.rules import GoalInput
    from tests.reports.printing import pdf_pages

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    plan = records.open_plan(pair["pairing"].mentee, year_of(TODAY))
    for code, label in vocab.GOAL_CATEGORIES.items():
        goal = GoalInput(f"A goal in {label} that takes a whole line to say", code, TODAY, "in_progress")
        goal.next_step = "Meet the program director, then draft the plan for the next three months"
        records.add_goal(plan, goal, by=pair["pairing"].mentee.person, now=now)
    for day in (TODAY - dt.timedelta(days=1), TODAY):
        plan.reviews.append(PlanReview(reviewed_on=day, mentor_confirmed_at=now, mentee_confirmed_at=now))
    sign_in(pair["mentee"])
    page.goto(f"/plans/mentee/{pair['pairing'].mentee_id}/print")
    expect(page.get_by_text("Reviewed together on")).to_be_visible()
    for size in ("Letter", "A4"):
        out = tmp_path / f"plan-{size}.pdf"
        page.pdf(path=str(out), format=size, print_background=False)
        assert pdf_pages(out) == 1, size
