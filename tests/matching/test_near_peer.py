"""Near-peer mentors mentor only residents of their own program unless NEAR_PEER_ANY_PROGRAM."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorship.extensions import db
from mentorship.services.matching import applying

TODAY = dt.date.today()


@pytest.fixture
def world(f):
    surgery, peds = f.program("Surgery"), f.program("Pediatrics")
    mentee = f.mentee(f.person("res@example.org", "Robin", "Resident"), prog=surgery, pgy=1)
    outsider = f.mentor(
        f.person("np@example.org", "Nia", "Peds"), mentor_type="near_peer", pgy=3, program_id=peds.id
    )
    admin = f.user(is_admin=True)
    db.session.commit()
    return locals()


def test_applying_a_near_peer_of_another_program_is_refused_unless_allowed(world):
    rows = [applying.ApplyRow(1, "res@example.org", "np@example.org", "peer")]
    with pytest.raises(applying.ApplyErrors) as caught:
        applying.apply_rows(rows, None, TODAY, today=TODAY)
    assert caught.value.errors == [
        (1, "np@example.org is a near-peer of another program than res@example.org's.")
    ]
    db.session.rollback()
    (created,) = applying.apply_rows(rows, None, TODAY, today=TODAY, near_peer_any_program=True)
    assert created.mentor.person.email == "np@example.org"


def test_pairing_by_hand_follows_the_same_rule(world, login, app):
    w = world
    b = login(w["admin"])
    url = f"/pairings/new?mentee={w['mentee'].person_id}&kind=peer"
    assert "Nia Peds" not in b.get(url).text
    data = {"mentor_id": str(w["outsider"].id), "kind": "peer", "start_date": TODAY.isoformat()}
    refused = b.post(url, data=data)
    assert refused.status_code == 400
    assert "A near-peer mentor mentors only residents of their own program." in refused.text
    app.config["NEAR_PEER_ANY_PROGRAM"] = True
    try:
        assert "Nia Peds" in b.get(url).text
        assert b.post(url, data=data).status_code == 302
    finally:
        app.config["NEAR_PEER_ANY_PROGRAM"] = False
