"""The plan pages: a mentee works on their plan, the mentor comments and both confirm the review; staff see
goal text only with view_plans; due reviews on the home pages, the pair's page and the reminder; the meeting
form's "we discussed the plan"."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import Goal, Plan, PlanDiscussion, PlanReview
from mentorship.services.academic_year import year_of
from mentorship.services.plans import records
from mentorship.services.plans.rules import GoalInput

TODAY = dt.date.today()
YEAR = year_of(TODAY)
NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None)


@pytest.fixture
def window_now(app):
    """A review window open today (the current month alone)."""
    before = app.config["PLAN_REVIEW_MONTHS"]
    app.config["PLAN_REVIEW_MONTHS"] = str(TODAY.month)
    yield
    app.config["PLAN_REVIEW_MONTHS"] = before


@pytest.fixture
def no_window(app):
    before = app.config["PLAN_REVIEW_MONTHS"]
    app.config["PLAN_REVIEW_MONTHS"] = str(TODAY.month % 12 + 1)
    yield
    app.config["PLAN_REVIEW_MONTHS"] = before


def _plan():
    db.session.expire_all()
    return db.session.execute(select(Plan)).scalar_one_or_none()


def test_opening_the_page_writes_nothing_and_start_uses_the_suggestions(pair, f, login):
    admin = f.user(f.person("admin@example.org"), is_admin=True)
    records.add_template(pair.program, 1, "Present at M&M", "practice_based_learning", actor=admin)
    mentee = login(pair.mentee_user)
    page = mentee.get(f"/plans/mentee/{pair.mentee.id}")
    assert page.status_code == 200
    assert "Present at M&amp;M" in page.get_data(as_text=True)
    assert _plan() is None
    assert mentee.post(f"/plans/mentee/{pair.mentee.id}/open").status_code == 302
    assert [g.title for g in _plan().goals] == ["Present at M&M"]


def test_mentee_adds_and_updates_goals_mentor_comments_both_confirm(pair, login, no_window):
    mentee, mentor = login(pair.mentee_user), login(pair.mentor_user)
    url = f"/plans/mentee/{pair.mentee.id}"
    r = mentee.post(f"{url}/goals", {"title": "Lead a QI project", "category": "systems_based_practice"})
    assert r.status_code == 302
    mentee.post(f"{url}/goals", {"title": "Submit an abstract", "category": "research"})
    bad = mentee.post(f"{url}/goals", {"title": "", "category": "surgery"}, follow_redirects=True)
    assert "Enter the goal." in bad.get_data(as_text=True)
    goals = _plan().goals
    assert [(g.title, g.category) for g in goals] == [
        ("Lead a QI project", "systems_based_practice"),
        ("Submit an abstract", "research"),
    ]
    edit = mentee.post(
        f"/plans/goals/{goals[0].id}/edit",
        {
            "title": "Lead a QI project",
            "category": "systems_based_practice",
            "status": "in_progress",
            "target_date": "",
            "next_step": "Pick a unit",
        },
    )
    assert edit.status_code == 302
    assert mentor.post(f"/plans/goals/{goals[0].id}/edit", {"title": "x"}).status_code == 403
    assert mentor.post(f"/plans/goals/{goals[0].id}/comment", {"body": "Talk to Dr Lee"}).status_code == 302
    page = mentee.get(url).get_data(as_text=True)
    assert "Talk to Dr Lee" in page and "Pick a unit" in page and "In progress" in page
    day = TODAY.isoformat()
    mentor.post(f"{url}/review", {"reviewed_on": day})
    waiting = mentee.get(url).get_data(as_text=True)
    assert f"Confirm: we reviewed this plan on {day}" in waiting
    done = mentee.post(f"{url}/review", {"reviewed_on": day}, follow_redirects=True)
    assert "you both confirmed it" in done.get_data(as_text=True)
    assert [r.counted for r in _plan().reviews] == [True]
    future = mentee.post(
        f"{url}/review", {"reviewed_on": (TODAY + dt.timedelta(days=1)).isoformat()}, follow_redirects=True
    )
    assert "cannot be in the future" in future.get_data(as_text=True)


def test_staff_see_goal_text_only_with_view_plans(pair, f, login):
    plan = records.open_plan(pair.mentee, YEAR)
    records.add_goal(plan, GoalInput("PRIVATE-GOAL"), by=pair.mentee.person, now=NOW)
    records.add_goal(plan, GoalInput("Done one", status="done"), by=pair.mentee.person, now=NOW)
    director = f.user(f.person("pd@example.org"), programs=[pair.program], view_plans=True)
    url = f"/plans/mentee/{pair.mentee.id}"
    status = login(pair.coordinator).get(url).get_data(as_text=True)
    assert "PRIVATE-GOAL" not in status
    assert "Has a plan" in status and ">2<" in status and ">1<" in status
    assert login(pair.coordinator).get(f"{url}/print").status_code == 403
    assert "PRIVATE-GOAL" in login(director).get(url).get_data(as_text=True)
    printed = login(director).get(f"{url}/print").get_data(as_text=True)
    assert "PRIVATE-GOAL" in printed and "Riley Mentee" in printed and "Morgan Mentor" in printed
    # A past mentor is no longer a current mentor: nothing.
    pair.pairing.end_date = TODAY - dt.timedelta(days=1)
    assert login(pair.mentor_user).get(url).status_code == 404


def test_a_mentees_page_links_staff_to_the_plan(pair, login):
    url = f"/plans/mentee/{pair.mentee.id}"
    staff_page = login(pair.coordinator).get(f"/people/{pair.mentee.person_id}").get_data(as_text=True)
    assert f'href="{url}">Development plan</a>' in staff_page
    assert login(pair.coordinator).get(url).status_code == 200  # the figures, without view_plans


def test_the_grant_command_and_accounts_page_give_view_plans(pair, runner, login, f):
    result = runner.invoke(
        args=[
            "users",
            "grant",
            "coord@example.org",
            "--role",
            "coordinator",
            "--program",
            "Internal Medicine",
            "--view-plans",
        ]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert pair.coordinator.view_plans
    admin = f.user(f.person("admin@example.org"), is_admin=True)
    page = login(admin).get(f"/admin/users/{pair.coordinator.id}").get_data(as_text=True)
    assert "May read the goals of development plans" in page


def test_a_due_review_shows_on_both_home_pages_the_pairs_page_and_the_reminder(pair, login, window_now, app):
    from mentorship.services import reminders

    assert "A plan review is due" in login(pair.mentee_user).get("/").get_data(as_text=True)
    mentor_home = login(pair.mentor_user).get("/").get_data(as_text=True)
    assert "A review of Riley’s development plan is due" in mentor_home
    assert f"/plans/mentee/{pair.mentee.id}" in mentor_home
    assert 'id="plan-due"' in login(pair.mentor_user).get(f"/pairings/{pair.pairing.id}").get_data(
        as_text=True
    )
    mail = reminders.MailSettings("http://x", "k", 14, ((TODAY.month,),), 7)
    due = reminders.Due(pair.pairing, "coordinator", None)
    mentor_email, _ = reminders.compose(due, mail, NOW)
    mentor_body = mentor_email.text
    assert "development plan is due" in mentor_body and f"/plans/mentee/{pair.mentee.id}" in mentor_body
    # Reviewed inside the window: no longer due anywhere.
    plan = records.open_plan(pair.mentee, YEAR)
    plan.reviews.append(PlanReview(reviewed_on=TODAY, mentor_confirmed_at=NOW, mentee_confirmed_at=NOW))
    db.session.flush()
    assert "A plan review is due" not in login(pair.mentee_user).get("/").get_data(as_text=True)
    mentor_body = reminders.compose(due, mail, NOW)[0].text
    assert "development plan is due" not in mentor_body


def test_the_meeting_form_records_we_discussed_the_plan(pair, login):
    plan = records.open_plan(pair.mentee, YEAR)
    goal = records.add_goal(plan, GoalInput("Submit an abstract"), by=pair.mentee.person, now=NOW)
    records.add_goal(plan, GoalInput("Old", status="done"), by=pair.mentee.person, now=NOW)
    mentor = login(pair.mentor_user)
    form = mentor.get(f"/meetings/pairing/{pair.pairing.id}/new").get_data(as_text=True)
    assert "We discussed the development plan" in form and "Submit an abstract" in form and "Old" not in form
    data = {
        "nonce": secrets.token_urlsafe(12),
        "date": TODAY.isoformat(),
        "duration_minutes": "30",
        "modality": "in_person",
        "status": "held",
        "discussed_plan": "y",
        "plan_goals": [str(goal.id)],
    }
    assert mentor.post(f"/meetings/pairing/{pair.pairing.id}/new", data).status_code == 302
    discussion = db.session.execute(select(PlanDiscussion)).scalar_one()
    assert [g.title for g in discussion.goals] == ["Submit an abstract"]
    # A coordinator logging on the pair's behalf is never shown the goals.
    staff_form = (
        login(pair.coordinator).get(f"/meetings/pairing/{pair.pairing.id}/new").get_data(as_text=True)
    )
    assert "Submit an abstract" not in staff_form and "discussed" not in staff_form
    # A goal of someone else's plan is refused by the form, and nothing is logged.
    before = db.session.execute(select(Goal)).scalars().all()
    data["nonce"], data["plan_goals"] = secrets.token_urlsafe(12), ["999999"]
    assert mentor.post(f"/meetings/pairing/{pair.pairing.id}/new", data).status_code == 200
    assert len(db.session.execute(select(PlanDiscussion)).scalars().all()) == 1
    assert len(before) == 2


def test_coordinators_manage_suggested_goals_of_their_programs(pair, f, login):
    other = f.program("Surgery")
    coord = login(pair.coordinator)
    page = coord.get("/plans/templates").get_data(as_text=True)
    assert "Surgery" not in page
    r = coord.post(
        "/plans/templates",
        {"program": str(pair.program.id), "pgy": "1", "title": "Teach", "category": "professionalism"},
    )
    assert r.status_code == 302
    refused = coord.post("/plans/templates", {"program": str(other.id), "pgy": "1", "title": "X"})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    assert [t.title for t in records.suggested_goals(pair.program.id, 1)] == ["Teach"]
