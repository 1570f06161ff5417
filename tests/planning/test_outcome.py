""" "Did it happen?": from the day after, one tap on either home page (or the page of the reminder's link)
records the planned meeting as one Meeting, exactly once, however many taps and whoever taps."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import Meeting, PlannedMeeting
from mentorship.services import planning, planning_links
from mentorship.services.meetings import utcnow
from tests.conftest import csrf_from
from tests.pairings.test_concurrency import run_together
from tests.security import world as W

TZ = "America/New_York"


def _planned(pair, *, days_ago: int, minutes: int = 45, place: str = "Clinic B, room 4") -> PlannedMeeting:
    """A planned meeting of `pair` `days_ago` days ago at 10 am in New York."""
    plan = W.planned(pair.pairing, days=-days_ago, agenda="AGENDA-private")
    plan.minutes, plan.place = minutes, place
    db.session.commit()
    return plan


def _meetings() -> list[Meeting]:
    db.session.expire_all()
    return list(db.session.execute(select(Meeting)).scalars())


def _tap(browser, plan, outcome="held"):
    return browser.post(f"/planned/{plan.id}/outcome", data={"outcome": outcome})


def test_both_home_pages_ask_from_the_day_after_and_not_before(app, pair, login):
    past = _planned(pair, days_ago=1)
    soon = W.planned(pair.pairing, days=1)
    db.session.commit()
    for user in (pair.mentor_user, pair.mentee_user):
        page = login(user).get("/").get_data(as_text=True)
        assert "Did it happen?" in page
        assert f"/planned/{past.id}/outcome" in page and f"/planned/{soon.id}/outcome" not in page
        assert "Held as planned" in page and "No-show" in page


@pytest.mark.parametrize(
    ("outcome", "status"), [("held", "held"), ("cancelled", "cancelled"), ("no_show", "no_show")]
)
def test_one_tap_records_the_meeting_with_the_planned_date_and_minutes(app, pair, login, outcome, status):
    plan = _planned(pair, days_ago=2, minutes=50, place="https://video.example/j/1")
    r = _tap(login(pair.mentee_user), plan, outcome)
    assert r.status_code == 302
    [meeting] = _meetings()
    assert meeting.status == status and meeting.duration_minutes == 50 and meeting.modality == "video"
    assert meeting.date == planning.local_start(plan, TZ).date() and meeting.logged_as == "mentee"
    assert meeting.notes is None  # the agenda is not copied anywhere
    db.session.refresh(plan)
    assert plan.state == "resolved" and plan.meeting_id == meeting.id
    home = login(pair.mentee_user).get("/").get_data(as_text=True)
    assert f"/planned/{plan.id}/outcome" not in home


def test_tapped_twice_and_by_both_people_records_one_meeting(app, pair, login):
    plan = _planned(pair, days_ago=3)
    mentee, mentor = login(pair.mentee_user), login(pair.mentor_user)
    assert _tap(mentee, plan).status_code == 302
    second = _tap(mentee, plan, "no_show")
    assert second.status_code == 302
    third = _tap(mentor, plan, "cancelled")
    assert "already recorded" in mentor.get(third.headers["Location"]).get_data(as_text=True)
    [meeting] = _meetings()
    assert meeting.status == "held"


def test_both_people_tapping_at_the_same_moment_record_one_meeting(app, pair):
    plan = _planned(pair, days_ago=1)
    plan_id, mentor_id, mentee_id = plan.id, pair.mentor.person_id, pair.mentee.person_id

    def tap(person_id, role, outcome):
        def job():
            from mentorship.models import Person

            fresh = db.session.get(PlannedMeeting, plan_id)
            by = db.session.get(Person, person_id)
            planning.resolve(
                fresh,
                outcome,
                by=by,
                logged_as=role,
                now=utcnow(),
                today=planning.local_day(utcnow(), TZ),
                tz=TZ,
                allowed_topics=(),
            )

        return job

    outcomes = run_together(app, [tap(mentor_id, "mentor", "held"), tap(mentee_id, "mentee", "no_show")])
    assert sorted(type(o).__name__ if o != "ok" else "ok" for o in outcomes) == ["NotPlanned", "ok"], outcomes
    assert len(_meetings()) == 1


def test_too_early_is_refused_and_nothing_is_written(app, pair, login):
    plan = W.planned(pair.pairing, days=0)  # today: "Did it happen?" starts tomorrow
    db.session.commit()
    browser = login(pair.mentee_user)
    r = _tap(browser, plan)
    assert "from the day after the meeting" in browser.get(r.headers["Location"]).get_data(as_text=True)
    assert _meetings() == []


def test_a_bad_outcome_or_a_coordinator_changes_nothing(app, pair, login):
    plan = _planned(pair, days_ago=2)
    assert _tap(login(pair.mentee_user), plan, "maybe").status_code == 302
    assert _tap(login(pair.coordinator), plan).status_code == 404
    assert _meetings() == []


def test_the_reminder_link_opens_a_page_and_only_its_post_records(app, pair, client, capsys):
    plan = _planned(pair, days_ago=2)
    url = planning_links.OUTCOME_PATH.format(token=planning_links.token_for(plan, app.config["SECRET_KEY"]))
    before = W.snapshot()
    first = client.get(url)  # a mail scanner, then the person
    second = client.get(url)
    head = client.head(url)
    assert first.status_code == second.status_code == head.status_code == 200
    assert W.snapshot() == before, "opening the link wrote something"
    page = second.get_data(as_text=True)
    assert "Did it happen?" in page and "Riley Mentee" in page and "AGENDA" not in page
    assert first.headers["Cache-Control"] == "no-store"
    done = client.post(url, data={"csrf_token": csrf_from(page), "outcome": "held"})
    again = client.post(url, data={"csrf_token": csrf_from(page), "outcome": "no_show"})
    reopened = client.get(url)
    [meeting] = _meetings()
    assert meeting.status == "held" and meeting.logged_as == "mentor"
    line = re.sub(r"\s+", " ", re.search(r"Thank you: (.*?)\.</p>", done.get_data(as_text=True)).group(1))
    assert "logged as held (45 minutes)" in line
    assert line in again.get_data(as_text=True) and line in reopened.get_data(as_text=True)
    with capsys.disabled():
        print(
            "\nDid-it-happen link: GET, GET, HEAD changed nothing; POST, POST -> 1 meeting. "
            f"Page says: {line}"
        )


def test_a_forged_or_expired_link_is_refused(app, pair, client, monkeypatch):
    plan = _planned(pair, days_ago=2)
    token = planning_links.token_for(plan, app.config["SECRET_KEY"])
    assert client.get(planning_links.OUTCOME_PATH.format(token=token + "x")).status_code == 400
    monkeypatch.setitem(app.config, "LOG_LINK_DAYS", 0)
    import time

    time.sleep(1.1)
    r = client.get(planning_links.OUTCOME_PATH.format(token=token))
    assert r.status_code == 400 and "expired" in r.get_data(as_text=True)


def test_outcome_path_matches_the_route(app):
    from flask import url_for

    with app.test_request_context():
        assert url_for("planning.outcome_link", token="abc") == planning_links.OUTCOME_PATH.format(
            token="abc"
        )


def test_the_mentors_next_reminder_lists_it_with_the_link_and_the_mentees_does_not(app, pair, runner, smtp):
    plan = _planned(pair, days_ago=2)  # the pair is overdue too: no meeting in 100 days
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    bodies = {rcpts[0]: msg.get_body(("plain",)).get_content() for rcpts, msg in smtp.messages}
    mentor_body, mentee_body = bodies["mentor@example.org"], bodies["mentee@example.org"]
    assert "Did these planned meetings happen?" in mentor_body
    assert planning.when_text(plan, TZ) in mentor_body
    link = re.search(r"http://localhost(/planned/outcome/\S+)", mentor_body)
    assert (
        link
        and planning_links.read(link.group(1).rsplit("/", 1)[1], app.config["SECRET_KEY"], days=14).id
        == plan.id
    )
    assert "/planned/outcome/" not in mentee_body
    assert "AGENDA" not in mentor_body and "Clinic B" not in mentor_body


def test_no_figure_of_the_pairs_home_page_moves(app, pair, login):
    before = login(pair.mentee_user).get("/").get_data(as_text=True)
    meetings_line = re.search(r"Meetings this year</dt>\s*<dd[^>]*>(\d+)", before).group(1)
    _planned(pair, days_ago=3)
    W.planned(pair.pairing, days=5)
    db.session.commit()
    after = login(pair.mentee_user).get("/").get_data(as_text=True)
    assert re.search(r"Meetings this year</dt>\s*<dd[^>]*>(\d+)", after).group(1) == meetings_line == "0"
    assert db.session.execute(select(func.count(Meeting.id))).scalar_one() == 0
