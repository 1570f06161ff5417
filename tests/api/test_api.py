"""The JSON API: tokens, access through the web's rules, meetings logged through the meetings service,
problem documents, limits and the Summary rows against the workbook's."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import ApiToken, AuditEvent, Meeting
from tests.api.helpers import bearer, token_for

TODAY = dt.date.today()
NOTE = "Private words of the pair"


def test_me_needs_a_bearer_token_and_a_session_cookie_is_not_one(client, pair, login):
    assert client.get("/api/v1/me").status_code == 401
    signed_in = login(pair.mentor_user)
    response = signed_in.client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.get_json()
    assert body["status"] == 401 and body["title"] == "Unauthorized" and "Bearer" in body["detail"]
    # A write with the browser's cookie and its CSRF token still does nothing.
    before = db.session.scalar(select(db.func.count(Meeting.id)))
    posted = signed_in.client.post(
        f"/api/v1/pairings/{pair.pairing.id}/meetings", json={"date": TODAY.isoformat()}
    )
    assert posted.status_code == 401
    assert db.session.scalar(select(db.func.count(Meeting.id))) == before


def test_me_with_a_token(client, pair):
    token = token_for(pair.mentor_user)
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json() == {
        "email": "mentor@example.org",
        "name": "Morgan Mentor",
        "roles": ["mentor"],
    }
    row = db.session.execute(select(ApiToken)).scalar_one()
    assert row.last_used_at is not None
    assert row.token_hash != token and token not in row.token_hash and len(row.token_hash) == 64


def test_expired_revoked_and_made_up_tokens_are_refused(client, pair):
    token = token_for(pair.mentor_user)
    row = db.session.execute(select(ApiToken)).scalar_one()
    row.expires_at = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    other = token_for(pair.mentor_user, name="second")
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200
    db.session.execute(select(ApiToken).where(ApiToken.name == "second")).scalar_one().revoked_at = TODAY
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer("mpm_" + "x" * 43)).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_mentor_logs_a_meeting_through_the_meetings_service(client, pair):
    token = token_for(pair.mentor_user, name="phone shortcut")
    body = {
        "date": TODAY.isoformat(),
        "duration_minutes": 45,
        "modality": "video",
        "topics": ["research", "wellness"],
        "notes": NOTE,
    }
    response = client.post(f"/api/v1/pairings/{pair.pairing.id}/meetings", json=body, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    meeting = response.get_json()
    assert meeting["date"] == TODAY.isoformat() and meeting["duration_minutes"] == 45
    assert meeting["logged_as"] == "mentor" and meeting["topics"] == ["research", "wellness"]
    assert meeting["notes"] == NOTE and meeting["status"] == "held" and meeting["confirmed"] is False
    stored = db.session.get(Meeting, meeting["id"])
    assert stored.logged_by_id == pair.mentor.person_id and stored.notes == NOTE
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "meeting.create")).scalar_one()
    assert event.actor_email == "mentor@example.org"
    assert event.details["via"] == "api" and event.details["token"] == "phone shortcut"
    assert NOTE not in str(event.details)
    # The mentee sees it (with the notes); the coordinator sees it without them.
    mentee = client.get(
        f"/api/v1/pairings/{pair.pairing.id}/meetings", headers=bearer(token_for(pair.mentee_user))
    )
    assert mentee.get_json()["items"][0]["notes"] == NOTE
    staff = client.get(
        f"/api/v1/pairings/{pair.pairing.id}/meetings", headers=bearer(token_for(pair.coordinator))
    )
    assert staff.status_code == 200
    assert "notes" not in staff.get_json()["items"][0] and NOTE not in staff.get_data(as_text=True)


def test_a_read_only_token_cannot_write(client, pair):
    token = token_for(pair.mentor_user, write=False)
    response = client.post(
        f"/api/v1/pairings/{pair.pairing.id}/meetings",
        json={"date": TODAY.isoformat()},
        headers=bearer(token),
    )
    assert response.status_code == 403 and "only read" in response.get_json()["detail"]
    assert db.session.scalar(select(db.func.count(Meeting.id))) == 0


def test_bad_meetings_are_422_naming_the_field(client, pair):
    token = token_for(pair.mentor_user)
    url = f"/api/v1/pairings/{pair.pairing.id}/meetings"
    cases = [
        ({}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"date": (TODAY + dt.timedelta(days=3)).isoformat()}, "date"),
        ({"date": TODAY.isoformat(), "duration_minutes": "45"}, "duration_minutes"),
        ({"date": TODAY.isoformat(), "duration_minutes": 0}, "duration_minutes"),
        ({"date": TODAY.isoformat(), "modality": "carrier pigeon"}, "modality"),
        ({"date": TODAY.isoformat(), "status": "planned-ish"}, "status"),
        ({"date": TODAY.isoformat(), "topics": "research"}, "topics"),
        ({"date": TODAY.isoformat(), "topics": ["astrology"]}, "topics"),
        ({"date": TODAY.isoformat(), "notes": 12}, "notes"),
        ({"date": TODAY.isoformat(), "mood": "good"}, "mood"),
    ]
    for body, field in cases:
        response = client.post(url, json=body, headers=bearer(token))
        assert response.status_code == 422, (body, response.get_json())
        problem = response.get_json()
        assert response.mimetype == "application/problem+json"
        assert problem["errors"][0]["field"] == field, (body, problem)
        assert problem["errors"][0]["message"]
    assert client.post(url, data="not json", headers=bearer(token)).status_code == 415
    wrong = client.post(url, data="[1]", content_type="application/json", headers=bearer(token))
    assert wrong.status_code == 400 and wrong.mimetype == "application/problem+json"
    assert db.session.scalar(select(db.func.count(Meeting.id))) == 0


def test_a_coordinator_logs_on_the_pairs_behalf_without_notes(client, pair):
    token = token_for(pair.coordinator)
    url = f"/api/v1/pairings/{pair.pairing.id}/meetings"
    refused = client.post(url, json={"date": TODAY.isoformat(), "notes": NOTE}, headers=bearer(token))
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "notes"
    response = client.post(url, json={"date": TODAY.isoformat()}, headers=bearer(token))
    assert response.status_code == 201 and response.get_json()["logged_as"] == "coordinator"


def test_other_people_see_no_pairing(client, pair, f):
    stranger = f.user(f.mentor(f.person("other@example.org", "Other", "Mentor")).person)
    other_coord = f.user(f.person("coordb@example.org", "Co", "B"), programs=[f.program("Surgery")])
    for user in (stranger, other_coord):
        token = token_for(user)
        for url in (f"/api/v1/pairings/{pair.pairing.id}", f"/api/v1/pairings/{pair.pairing.id}/meetings"):
            assert client.get(url, headers=bearer(token)).status_code == 404, (user, url)
        posted = client.post(
            f"/api/v1/pairings/{pair.pairing.id}/meetings",
            json={"date": TODAY.isoformat()},
            headers=bearer(token),
        )
        assert posted.status_code == 404
    mine = client.get("/api/v1/pairings", headers=bearer(token_for(stranger))).get_json()
    assert mine["items"] == [] and mine["total"] == 0
    assert client.get("/api/v1/people?role=mentee", headers=bearer(token_for(stranger))).status_code == 403


def test_pairings_list_filters_and_paging(client, pair, f):
    for n in range(3):
        f.pairing(
            f.mentor(f.person(f"m{n}@example.org", "M", f"Mentor{n}")),
            pair.mentee,
            kind="research" if n else "wellness",
        )
    db.session.commit()
    token = token_for(pair.coordinator)
    listed = client.get("/api/v1/pairings?per_page=2", headers=bearer(token)).get_json()
    assert listed["total"] == 4 and len(listed["items"]) == 2 and listed["per_page"] == 2
    page2 = client.get("/api/v1/pairings?per_page=2&page=2", headers=bearer(token)).get_json()
    assert {p["id"] for p in listed["items"]}.isdisjoint({p["id"] for p in page2["items"]})
    research = client.get("/api/v1/pairings?kind=research", headers=bearer(token)).get_json()
    assert research["total"] == 2 and all(p["kind"] == "research" for p in research["items"])
    assert client.get("/api/v1/pairings?per_page=101", headers=bearer(token)).status_code == 422
    bad = client.get("/api/v1/pairings?status=great", headers=bearer(token)).get_json()
    assert bad["status"] == 422 and bad["errors"][0]["field"] == "status"
    mentor = client.get("/api/v1/pairings", headers=bearer(token_for(pair.mentor_user))).get_json()
    assert [p["id"] for p in mentor["items"]] == [pair.pairing.id]
    assert mentor["items"][0]["year"]["status"] in ("on_track", "behind", "new", "overdue")


def test_people_demographics_only_with_view_demographics(client, pair, f):
    from mentorship.services import people as people_service

    people_service.set_self_identification(
        pair.mentee.person, gender="self_described", gender_description="SELFDESC-api"
    )
    demo_coord = f.user(
        f.person("demo@example.org", "De", "Mo"), programs=[pair.program], view_demographics=True
    )
    db.session.commit()
    plain = client.get("/api/v1/people?role=mentee", headers=bearer(token_for(pair.coordinator)))
    assert plain.status_code == 200 and plain.get_json()["total"] == 1
    assert "SELFDESC-api" not in plain.get_data(as_text=True)
    assert "self_identification" not in plain.get_json()["items"][0]
    shown = client.get("/api/v1/people?role=mentee", headers=bearer(token_for(demo_coord))).get_json()
    assert shown["items"][0]["self_identification"]["gender_description"] == "SELFDESC-api"
    assert (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "demographics.view")).scalars().all()
    )
    assert client.get("/api/v1/people", headers=bearer(token_for(pair.coordinator))).status_code == 422


def _summary_sheet(content: bytes) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Summary"]
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Program")
    header = rows[start]
    return [dict(zip(header, row, strict=True)) for row in rows[start + 1 :] if row and row[0]]


def test_summary_agrees_with_the_workbook(client, pair, f, login):
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=20), minutes=50)
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=5), minutes=40)
    other = f.mentee(f.person("lone@example.org", "Lone", "Mentee"), pair.program)
    db.session.commit()
    assert other.id
    admin = f.user(f.person("admin@example.org", "Ad", "Min"), is_admin=True)
    db.session.commit()
    api = client.get("/api/v1/metrics/summary", headers=bearer(token_for(admin)))
    assert api.status_code == 200, api.get_json()
    workbook = login(admin).get("/dashboard/export/engagement")
    sheet = _summary_sheet(workbook.get_data())
    items = api.get_json()["items"]
    assert (
        [i["Program"] for i in items]
        == [r["Program"] for r in sheet]
        == ["Internal Medicine", "All programs"]
    )
    for item, row in zip(items, sheet, strict=True):
        assert set(item) == set(row)
        for key, value in item.items():
            # The workbook keeps 15 significant digits, as Excel does; the API the full float.
            expected = row[key] if row[key] != "" else None
            wanted = pytest.approx(expected, rel=1e-12) if isinstance(expected, float) else expected
            assert value == wanted, key
    assert items[0]["Mentees enrolled"] == 2 and items[0]["Meetings"] == 2
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "report.export")).scalars().all()
    assert (
        client.get("/api/v1/metrics/summary", headers=bearer(token_for(pair.mentor_user))).status_code == 403
    )


def test_unknown_api_addresses_and_methods_are_problems(client, pair):
    token = token_for(pair.mentor_user)
    missing = client.get("/api/v1/nothing", headers=bearer(token))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/me", headers=bearer(token))
    assert wrong.status_code == 405 and wrong.mimetype == "application/problem+json"


def test_rate_limited_per_token(app, client, pair, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    token, other = token_for(pair.mentor_user), token_for(pair.mentor_user, name="other")
    codes = [client.get("/api/v1/me", headers=bearer(token)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/me", headers=bearer(token))
    assert limited.mimetype == "application/problem+json"
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200


def _event(f, organizer, programs, title):
    from mentorship.access import Scope
    from mentorship.services.events import events as event_service

    start = dt.datetime.combine(TODAY + dt.timedelta(days=7), dt.time(17))
    data = event_service.EventInput(
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        program_ids=[p.id for p in programs],
    )
    return event_service.create_event(data, organizer=organizer, scope=Scope(None), now=dt.datetime.now())


def test_events_staff_see_their_programs_invitees_their_invitations(client, pair, f):
    surgery = f.program("Surgery")
    db.session.commit()
    _event(f, pair.coordinator.person, [pair.program], "IM career panel")
    _event(f, pair.coordinator.person, [surgery], "Surgery social")
    db.session.commit()
    staff = client.get("/api/v1/events", headers=bearer(token_for(pair.coordinator))).get_json()
    assert [e["title"] for e in staff["items"]] == ["IM career panel"]
    mentee = client.get("/api/v1/events", headers=bearer(token_for(pair.mentee_user))).get_json()
    assert [e["title"] for e in mentee["items"]] == ["IM career panel"]
    assert (
        mentee["items"][0]["my_rsvp"] is None
        and mentee["items"][0]["programs"][0]["name"] == "Internal Medicine"
    )
