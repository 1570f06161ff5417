"""Pairing pages: the list, manual pairing with ranking and guards, ending, rematch, permissions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Pairing

TODAY = dt.date.today()


@pytest.fixture
def world(f):
    prog = f.program("Surgery", specialty="Surgery")
    other = f.program("Pediatrics", specialty="Pediatrics")
    mentee = f.mentee(
        f.person("res@example.org", "Robin", "Resident"), prog=prog, interests=["research", "qi"]
    )
    best = f.mentor(
        f.person("best@example.org", "Bea", "Best"), interests=["research", "qi"], specialty="Surgery"
    )
    okay = f.mentor(f.person("okay@example.org", "Otto", "Okay"), department="Medicine")
    banned = f.mentor(f.person("ban@example.org", "Ben", "Banned"), interests=["research", "qi"])
    outsider = f.mentor(
        f.person("np@example.org", "Nia", "Peds"), mentor_type="near_peer", pgy=3, program_id=other.id
    )
    mentee.excluded.append(banned)
    admin = f.user(is_admin=True)
    coordinator = f.user(programs=[prog])
    other_coordinator = f.user(programs=[other])
    db.session.commit()
    return locals()


def test_candidates_are_ranked_with_reasons_and_exclude_forbidden_mentors(world, login):
    w = world
    page = login(w["coordinator"]).get(f"/pairings/new?mentee={w['mentee'].person.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index("Bea") < html.index("Otto")
    assert "2 shared interests: qi, research; specialty fits the program" in html
    assert "Ben" not in html  # do-not-match
    assert "Nia" not in html  # near-peer of another program: outside a coordinator's pool


def test_candidate_filters(world, login):
    w = world
    b = login(w["admin"])
    html = b.get(f"/pairings/new?mentee={w['mentee'].person.id}&department=medic").get_data(as_text=True)
    assert "Otto" in html and "Bea" not in html
    html = b.get(f"/pairings/new?mentee={w['mentee'].person.id}&interest=qi").get_data(as_text=True)
    assert "Bea" in html and "Otto" not in html
    html = b.get(f"/pairings/new?mentee={w['mentee'].person.id}&specialty=surgery").get_data(as_text=True)
    assert "Bea" in html and "Otto" not in html


def test_pair_from_the_page_then_end_it(world, login):
    w = world
    b = login(w["coordinator"])
    r = b.post(
        f"/pairings/new?mentee={w['mentee'].person.id}",
        data={"mentor_id": w["best"].id, "kind": "career", "start_date": TODAY.isoformat()},
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    pairing = db.session.execute(select(Pairing)).scalar_one()
    assert (pairing.mentor_id, pairing.mentee_id, pairing.created_by_id) == (
        w["best"].id,
        w["mentee"].id,
        w["coordinator"].id,
    )
    listing = b.get("/pairings/").get_data(as_text=True)
    assert "Resident, Robin" in listing and "Best, Bea" in listing
    # End it: the reason is required; the rating is optional.
    r = b.post(f"/pairings/{pairing.id}/end", data={"end_date": TODAY.isoformat(), "reason": ""})
    assert r.status_code == 400 and "Choose a reason." in r.get_data(as_text=True)
    r = b.post(
        f"/pairings/{pairing.id}/end",
        data={"end_date": TODAY.isoformat(), "reason": "completed", "rating": "5", "comment": "Thanks"},
    )
    assert r.status_code == 302
    db.session.expire_all()
    pairing = db.session.get(Pairing, pairing.id)
    assert (pairing.end_reason, pairing.end_rating, pairing.end_comment) == ("completed", 5, "Thanks")
    history = b.get(f"/pairings/?person={w['mentee'].person.id}").get_data(as_text=True)
    assert "Pairing history of Robin Resident" in history and "Completed" in history


def test_guard_message_is_shown_next_to_the_choice(world, login, f):
    w = world
    f.pairing(w["best"], w["mentee"], start_date=TODAY - dt.timedelta(days=10))
    db.session.commit()
    b = login(w["admin"])
    r = b.post(
        f"/pairings/new?mentee={w['mentee'].person.id}",
        data={"mentor_id": w["banned"].id, "kind": "career", "start_date": TODAY.isoformat()},
    )
    assert r.status_code == 400
    assert "do-not-match list" in r.get_data(as_text=True)


def test_capacity_override_needs_the_right(world, login, f):
    w = world
    w["okay"].capacity = 1
    f.pairing(w["okay"], f.mentee(prog=w["prog"]), start_date=TODAY - dt.timedelta(days=3))
    db.session.commit()
    data = {
        "mentor_id": w["okay"].id,
        "kind": "career",
        "start_date": TODAY.isoformat(),
        "override_capacity": "y",
    }
    url = f"/pairings/new?mentee={w['mentee'].person.id}"
    r = login(w["coordinator"]).post(url, data=data)
    assert r.status_code == 400 and "not allowed to pair beyond" in r.get_data(as_text=True)
    page = login(w["coordinator"]).get(url).get_data(as_text=True)
    assert "override_capacity" not in page
    r = login(w["admin"]).post(url, data=data)
    assert r.status_code == 302
    p = db.session.execute(select(Pairing).where(Pairing.mentee_id == w["mentee"].id)).scalar_one()
    assert p.capacity_override is True


def test_rematch_in_one_step(world, login, f):
    w = world
    old = f.pairing(w["okay"], w["mentee"], start_date=TODAY - dt.timedelta(days=100))
    db.session.commit()
    b = login(w["coordinator"])
    page = b.get(f"/pairings/{old.id}").get_data(as_text=True)
    link = re.search(r'href="(/pairings/new\?[^"]+rematch=[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "Otto" not in b.get(link).get_data(as_text=True).split("Mentors, best match first")[1]
    r = b.post(link, data={"mentor_id": w["best"].id, "kind": "career", "start_date": TODAY.isoformat()})
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pairing, old.id).end_reason == "rematched"
    new = db.session.execute(select(Pairing).where(Pairing.end_date.is_(None))).scalar_one()
    assert new.mentor_id == w["best"].id
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "pairing.rematch")).scalar_one()


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_mentors_and_mentees_get_403(world, login, f, who):
    """The pair see their own pairing's page, without the staff actions; nothing else of Pairings."""
    w = world
    pairing = f.pairing(w["best"], w["mentee"])
    profile = w["best"] if who == "mentor" else w["mentee"]
    user = f.user(profile.person)
    db.session.commit()
    b = login(user)
    for url in ("/pairings/", f"/pairings/new?mentee={w['mentee'].person.id}"):
        assert b.get(url).status_code == 403, url
    page = b.get(f"/pairings/{pairing.id}")
    assert page.status_code == 200
    assert "End this pairing" not in page.text and "One-click links" not in page.text
    assert b.post(f"/pairings/{pairing.id}/end", data={"reason": "completed"}).status_code == 403


def test_coordinator_of_another_program_cannot_reach_it(world, login, f):
    w = world
    pairing = f.pairing(w["best"], w["mentee"])
    db.session.commit()
    b = login(w["other_coordinator"])
    assert "Resident" not in b.get("/pairings/").get_data(as_text=True)
    assert b.get(f"/pairings/{pairing.id}").status_code == 404
    assert b.get(f"/pairings/new?mentee={w['mentee'].person.id}").status_code == 404
    assert b.get(f"/pairings/?person={w['mentee'].person.id}").status_code == 404
    r = b.post(f"/pairings/{pairing.id}/end", data={"end_date": TODAY.isoformat(), "reason": "completed"})
    assert r.status_code == 404
    db.session.expire_all()
    assert db.session.get(Pairing, pairing.id).end_date is None


def test_bad_query_strings_do_not_500(world, login):
    b = login(world["admin"])
    for query, label in (("program=abc", "Program"), ("person=x", "Person"), ("status=zzz", "Status")):
        response = b.get(f"/pairings/?{query}")
        assert response.status_code == 400 and f"{label}: " in response.get_data(as_text=True), query
    assert b.get("/pairings/new?mentee=abc").status_code == 400
    assert "Mentee: Choose a mentee." in b.get("/pairings/new").get_data(as_text=True)
    missing = b.get("/pairings/?person=9999")
    assert missing.status_code == 404 and "no such person" in missing.get_data(as_text=True)
    for person in ("0", "-1", str(2**31), str(2**63), str(10**30)):
        response = b.get(f"/pairings/?person={person}")
        assert response.status_code == 400, person
        assert "Person: There is no such record." in response.get_data(as_text=True), person
