"""Saved matching runs: stored at their own address, reloaded, shared and edited within their scope,
applied once; refreshing never meets a 405; the list of past runs says what was applied."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, MatchRun, Pairing
from mentorship.services import people as people_service
from tests.matching.test_routes import YEAR, action, draft_fields, run


@pytest.fixture
def world(f):
    prog = f.program("Surgery", specialty="Surgery")
    other = f.program("Pediatrics", specialty="Pediatrics")
    a = f.mentee(f.person("a@example.org", "Ann", "Alpha"), prog=prog, interests=["research"])
    b = f.mentee(f.person("b@example.org", "Bob", "Beta"), prog=prog, interests=["teaching"])
    x = f.mentor(f.person("x@example.org", "Xena", "X"), interests=["research"], capacity=1)
    y = f.mentor(f.person("y@example.org", "Yuri", "Y"), interests=["teaching"], capacity=1)
    first = f.user(f.person("c1@example.org", "Cleo", "First"), programs=[prog])
    second = f.user(f.person("c2@example.org", "Cary", "Second"), programs=[prog])
    outsider = f.user(f.person("c3@example.org", "Olga", "Other"), programs=[other])
    demo = f.user(f.person("c4@example.org", "Dana", "Demo"), programs=[prog], view_demographics=True)
    admin = f.user(f.person("ad@example.org", "Ada", "Admin"), is_admin=True)
    db.session.commit()
    return locals()


def pairing_count():
    return db.session.execute(select(func.count(Pairing.id))).scalar_one()


def test_a_run_is_stored_at_its_own_address_and_reloads(world, login):
    w = world
    b = login(w["first"])
    r = b.post("/matching/run", data={"program": w["prog"].id, "kind": "career", "year": YEAR})
    assert r.status_code == 303
    url = r.headers["Location"]
    assert re.fullmatch(r"/matching/runs/\d+", url)
    record = db.session.execute(select(MatchRun)).scalar_one()
    assert record.created_by_id == w["first"].id and record.kind == "career" and record.year == YEAR
    assert record.mentee_programs == [w["prog"].id] and record.pool_programs == [w["prog"].id]
    assert (
        record.settings["objective"] == "participation" and record.settings["near_peer_any_program"] is False
    )
    assert record.with_concordance is False
    assert {s["mentee"]: s["mentor"] for s in record.suggestions} == {
        "Ann Alpha": "Xena X",
        "Bob Beta": "Yuri Y",
    }
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "match.suggest")).scalar_one()
    assert event.target_type == "MatchRun" and event.target_id == record.id
    for _ in range(2):  # reloading the page is a GET of the run's address
        page = b.get(url)
        assert page.status_code == 200 and "Ann Alpha" in page.text and "Cleo First" in page.text
    # The addresses that took the POSTs answer a GET too, with a redirect rather than 405.
    assert b.get("/matching/run").status_code == 302
    assert pairing_count() == 0


def test_shared_with_another_coordinator_of_the_scope_who_edits_it(world, login):
    w = world
    html = run(login(w["first"]), w["prog"].id).get_data(as_text=True)
    url = action(html)
    other = login(w["second"])
    page = other.get(url)
    assert page.status_code == 200
    data = draft_fields(page.text)
    data[f"mentor-{w['a'].id}"] = ""
    r = other.post(url, data={**data, "start_date": "2030-01-15", "review": "1"})
    assert r.status_code == 303 and r.headers["Location"] == url
    again = login(w["first"]).get(url).text
    assert draft_fields(again)[f"mentor-{w['a'].id}"] == ""
    assert 'value="2030-01-15"' in again and "Last edited" in again and "Cary Second" in again
    # The coordinator of another program cannot open, edit or apply it.
    outsider = login(w["outsider"])
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, data={**data, "start_date": "2030-01-15", "apply": "1"}).status_code == 404
    assert pairing_count() == 0


def test_applied_once_then_it_says_by_whom_and_when(world, login):
    w = world
    first = login(w["first"])
    html = run(first, w["prog"].id).get_data(as_text=True)
    url = action(html)
    data = {**draft_fields(html), "start_date": dt.date.today().isoformat(), "apply": "1"}
    r = first.post(url, data=data, follow_redirects=True)
    assert r.status_code == 200 and "Created 2 pairings." in r.text
    assert "Applied on" in r.text and "Cleo First" in r.text and "Ann Alpha with Xena X" in r.text
    assert pairing_count() == 2
    # The other coordinator still has the draft open and applies it: nothing more is paired.
    second = login(w["second"])
    r = second.post(url, data=data, follow_redirects=True)
    assert r.status_code == 200
    assert "This run was already applied by Cleo First on" in r.text
    assert pairing_count() == 2
    assert (
        second.post(url, data={**data, "review": "1", "apply": ""}, follow_redirects=True).status_code == 200
    )
    record = db.session.execute(select(MatchRun)).scalar_one()
    assert record.applied_by_id == w["first"].id and len(record.applied) == 2
    listing = second.get("/matching/").text
    assert f"Run {record.id}" in listing and "2 pairings" in listing and "Cleo First" in listing
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "match.apply")).scalars().all()
    assert len(events) == 1 and events[0].details["run"] == record.id


def test_applying_with_a_problem_pairs_nothing_and_the_run_stays_open(world, login, f):
    w = world
    b = login(w["first"])
    html = run(b, w["prog"].id).get_data(as_text=True)
    f.pairing(w["y"], f.mentee(prog=w["prog"]), start_date=dt.date.today())
    db.session.commit()
    data = {**draft_fields(html), "start_date": dt.date.today().isoformat(), "apply": "1"}
    r = b.post(action(html), data=data)
    assert r.status_code == 400 and "no free capacity" in r.text
    assert db.session.execute(select(MatchRun)).scalar_one().applied_at is None
    assert pairing_count() == 1


def test_a_run_made_with_self_identification_opens_only_for_those_who_may_see_it(world, login):
    w = world
    people_service.set_self_identification(w["a"].person, gender=None, urim="yes")
    w["a"].concordance_urim = True
    db.session.commit()
    # A coordinator with view_demographics runs it for the program: the concordance term is in.
    url = action(run(login(w["demo"]), w["prog"].id).get_data(as_text=True))
    assert db.session.execute(select(MatchRun)).scalar_one().with_concordance is True
    refused = login(w["second"]).get(url)
    assert refused.status_code == 403 and "opens only for users who may see it" in refused.text
    assert "Ann Alpha" not in refused.text
    assert login(w["second"]).post(url, data={"apply": "1"}).status_code == 403
    assert login(w["admin"]).get(url).status_code == 200
    # An admin's run uses every program's mentors: not the scope of a program's coordinator.
    admin_url = action(run(login(w["admin"]), w["prog"].id).get_data(as_text=True))
    assert login(w["demo"]).get(admin_url).status_code == 404
    listing = login(w["second"]).get("/matching/").text
    assert "uses self-identification" in listing


def test_a_passed_over_preference_is_explained_in_the_draft(world, login, f):
    w = world
    w["b"].preferred.append(w["x"])
    db.session.commit()
    html = run(login(w["first"]), w["prog"].id).get_data(as_text=True)
    assert "preferred mentor Xena X was suggested to another mentee so that" in html
