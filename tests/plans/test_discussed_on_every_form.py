""" "We discussed the development plan" on the meeting edit form and on the one-click form of the reminder
email: the boxes start as saved, changes are saved, goals of another mentee's plan are refused with nothing
half-written, and opening the emailed link still writes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import LogLink, Meeting, Plan, PlanDiscussion
from mentorship.services import log_links
from mentorship.services.academic_year import year_of
from mentorship.services.plans import records
from mentorship.services.plans.rules import GoalInput
from tests.conftest import csrf_from
from tests.factories import log_link_token
from tests.security import world as W

TODAY = dt.date.today()
YEAR = year_of(TODAY)
NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None)
REFUSED = "Choose goals of this mentee’s development plan."


@pytest.fixture
def goals(pair, f):
    """Two open goals of the pair's mentee, a finished one, and an open goal of another mentee's plan."""
    plan = records.open_plan(pair.mentee, YEAR)
    by = pair.mentee.person
    first = records.add_goal(plan, GoalInput("Submit an abstract"), by=by, now=NOW)
    second = records.add_goal(plan, GoalInput("Learn ultrasound"), by=by, now=NOW)
    records.add_goal(plan, GoalInput("Finished one", status="done"), by=by, now=NOW)
    other = f.mentee(f.person("other@example.org", "Other", "Mentee"), pair.program)
    foreign = records.add_goal(
        records.open_plan(other, YEAR), GoalInput("Someone else's goal"), by=other.person, now=NOW
    )
    db.session.commit()
    return first, second, foreign


def _answers(**overrides) -> dict:
    data = {"date": TODAY.isoformat(), "duration_minutes": "30", "modality": "in_person", "status": "held"}
    data.update(overrides)
    return data


def _discussion() -> PlanDiscussion | None:
    db.session.expire_all()
    return db.session.execute(select(PlanDiscussion)).scalar_one_or_none()


def _ticked(page: str, name: str) -> list[str]:
    """The values of the ticked checkboxes called `name` on the page."""
    tags = [t for t in re.findall(r"<input[^>]*>", page) if f'name="{name}"' in t and " checked" in t]
    return [re.search(r'value="([^"]*)"', t).group(1) for t in tags]


def _titles() -> list[str] | None:
    discussion = _discussion()
    return None if discussion is None else [g.title for g in discussion.goals]


# The edit form


def _mentors_meeting(pair, f) -> Meeting:
    meeting = f.meeting(pair.pairing, TODAY - dt.timedelta(days=2), logged_by_id=pair.mentor.person_id)
    db.session.commit()
    return meeting


def test_edit_starts_as_saved_and_saves_ticks_and_unticks(pair, f, login, goals):
    first, second, foreign = goals
    meeting = _mentors_meeting(pair, f)
    mentor = login(pair.mentor_user)
    url = f"/meetings/{meeting.id}/edit"
    page = mentor.get(url).get_data(as_text=True)
    assert "We discussed the development plan" in page and "Submit an abstract" in page
    assert "Finished one" not in page and "Someone else" not in page
    assert 'name="discussed_plan"' in page and _ticked(page, "discussed_plan") == []
    # Ticked, with one goal: saved, and the form opens again as saved.
    r = mentor.post(url, _answers(discussed_plan="y", plan_goals=[str(first.id)]))
    assert r.status_code == 302
    assert _titles() == ["Submit an abstract"]
    page = mentor.get(url).get_data(as_text=True)
    assert _ticked(page, "discussed_plan") == ["y"] and _ticked(page, "plan_goals") == [str(first.id)]
    # The other goal instead: replaced.
    assert mentor.post(url, _answers(discussed_plan="y", plan_goals=[str(second.id)])).status_code == 302
    assert _titles() == ["Learn ultrasound"]
    # A goal finished since is still offered (it was discussed), so saving the form unchanged keeps it.
    records.update_goal(second, GoalInput("Learn ultrasound", status="done"), by=pair.mentee.person, now=NOW)
    db.session.commit()
    assert "Learn ultrasound" in mentor.get(url).get_data(as_text=True)
    assert mentor.post(url, _answers(discussed_plan="y", plan_goals=[str(second.id)])).status_code == 302
    assert _titles() == ["Learn ultrasound"]
    # Unticked: the note is gone, the meeting stays.
    assert mentor.post(url, _answers(duration_minutes="45")).status_code == 302
    assert _discussion() is None
    assert db.session.get(Meeting, meeting.id).duration_minutes == 45


def test_edit_refuses_another_mentees_goal_and_changes_nothing(pair, f, login, goals):
    first, _, foreign = goals
    meeting = _mentors_meeting(pair, f)
    mentor = login(pair.mentor_user)
    url = f"/meetings/{meeting.id}/edit"
    assert mentor.post(url, _answers(discussed_plan="y", plan_goals=[str(first.id)])).status_code == 302
    before = W.snapshot()
    r = mentor.post(url, _answers(duration_minutes="50", discussed_plan="y", plan_goals=[str(foreign.id)]))
    assert r.status_code == 200 and REFUSED in r.get_data(as_text=True)
    assert "Someone else" not in r.get_data(as_text=True)
    assert W.snapshot() == before
    assert _titles() == ["Submit an abstract"]
    assert db.session.get(Meeting, meeting.id).duration_minutes == 30


def test_the_service_refuses_another_plans_goal_after_the_meeting_changed_and_rolls_back(
    pair, f, login, goals, monkeypatch
):
    """Even past the form (a stale page's choices), the service's check leaves the meeting unchanged."""
    from mentorship.meetings import forms

    first, _, foreign = goals
    meeting = _mentors_meeting(pair, f)
    monkeypatch.setattr(forms.GoalsField, "pre_validate", lambda self, form: None)
    r = login(pair.mentor_user).post(
        f"/meetings/{meeting.id}/edit",
        _answers(duration_minutes="50", discussed_plan="y", plan_goals=[str(foreign.id)]),
    )
    assert r.status_code == 200 and "Choose goals of this plan." in r.get_data(as_text=True)
    assert _discussion() is None
    assert db.session.get(Meeting, meeting.id).duration_minutes == 60  # the factory's, unchanged


def test_a_coordinators_or_a_group_sessions_edit_form_has_no_plan(pair, f, login, goals):
    logged = f.meeting(pair.pairing, TODAY - dt.timedelta(days=2), logged_by_id=pair.coordinator.person_id)
    logged.logged_as = "coordinator"
    db.session.commit()
    page = login(pair.coordinator).get(f"/meetings/{logged.id}/edit").get_data(as_text=True)
    assert "discussed" not in page and "Submit an abstract" not in page


# The one-click form of the reminder email


def _link(app, pair) -> str:
    token = log_link_token(pair.pairing, app.config["SECRET_KEY"])
    db.session.commit()
    return log_links.QUICK_PATH.format(token=token)


def _open(client, url) -> str:
    db.session.commit()
    r = client.get(url)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def _count(model) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_the_emailed_form_offers_the_mentees_open_goals_and_saves_the_ticks(pair, app, client, goals):
    first, second, _ = goals
    url = _link(app, pair)
    page = _open(client, url)
    assert "We discussed the development plan" in page
    assert "Submit an abstract" in page and "Learn ultrasound" in page
    assert "Finished one" not in page and "Someone else" not in page
    both = [str(first.id), str(second.id)]
    data = _answers(csrf_token=csrf_from(page), discussed_plan="y", plan_goals=both)
    assert client.post(url, data=data).status_code == 302
    meeting = db.session.execute(select(Meeting)).scalar_one()
    discussion = _discussion()
    assert discussion.meeting_id == meeting.id
    assert sorted(g.title for g in discussion.goals) == ["Learn ultrasound", "Submit an abstract"]


def test_the_emailed_form_unticked_logs_the_meeting_alone(pair, app, client, goals):
    url = _link(app, pair)
    page = _open(client, url)
    data = _answers(csrf_token=csrf_from(page), plan_goals=[str(goals[0].id)])  # a goal without the box
    assert client.post(url, data=data).status_code == 302
    assert _count(Meeting) == 1 and _discussion() is None


def test_the_emailed_form_ticked_without_a_plan_opens_one(pair, app, client):
    url = _link(app, pair)
    page = _open(client, url)
    assert _count(Plan) == 0  # opening the form made no plan
    assert client.post(url, data=_answers(csrf_token=csrf_from(page), discussed_plan="y")).status_code == 302
    discussion = _discussion()
    assert discussion is not None and discussion.goals == []
    assert db.session.get(Plan, discussion.plan_id).mentee_id == pair.mentee.id


def test_the_emailed_form_refuses_another_mentees_goal_and_logs_nothing(pair, app, client, goals):
    url = _link(app, pair)
    page = _open(client, url)
    before = W.snapshot()
    data = _answers(csrf_token=csrf_from(page), discussed_plan="y", plan_goals=[str(goals[2].id)])
    r = client.post(url, data=data)
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and REFUSED in text and "Someone else" not in text
    assert W.snapshot() == before
    assert _count(Meeting) == 0 and _count(PlanDiscussion) == 0
    assert db.session.execute(select(LogLink)).scalar_one().meeting_id is None  # the link still works
    data["plan_goals"] = [str(goals[0].id)]
    assert client.post(url, data=data).status_code == 302
    assert _titles() == ["Submit an abstract"]


def test_opening_the_emailed_link_with_goals_writes_nothing(pair, app):
    url = _link(app, pair)
    before = W.snapshot()
    plans = _count(Plan)
    for method in ("GET", "HEAD", "GET"):
        assert app.test_client().open(url, method=method).status_code == 200
    assert W.snapshot() == before and _count(Plan) == plans and _count(PlanDiscussion) == 0
