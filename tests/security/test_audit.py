"""Every change to people, pairings and meetings, every export, every demographic view and every
permission change writes an audit event: who (actor), when (at), what (action and target).

Backups (`flask backup PATH`) are tested in tests/foundation/test_backup.py and the migration
upgrade/downgrade round-trip in tests/foundation/test_migrations.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Meeting, Person
from tests import factories as F
from tests.conftest import Browser
from tests.security import world as W

TODAY = dt.date.today()


class Trail:
    """Reads the audit events written since the last check."""

    def __init__(self):
        self.mark = W.max_audit_id()

    def expect(
        self, action: str, actor: str | None, target_type: str | None = None, target_id=None, **details
    ):
        db.session.expire_all()
        events = (
            db.session.execute(select(AuditEvent).where(AuditEvent.id > self.mark).order_by(AuditEvent.id))
            .scalars()
            .all()
        )
        self.mark = max([self.mark] + [e.id for e in events])
        matching = [e for e in events if e.action == action]
        assert matching, f"no {action} event; got {[e.action for e in events]}"
        event = matching[-1]
        assert event.actor_email == actor, (action, event.actor_email)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        assert now - dt.timedelta(minutes=5) <= event.at <= now + dt.timedelta(seconds=5)
        if target_type is not None:
            assert event.target_type == target_type and event.target_id is not None, action
            if target_id is not None:
                assert event.target_id == target_id, action
        for key, value in details.items():
            assert event.details.get(key) == value, (action, key, event.details)
        return event

    def expect_none(self):
        db.session.expire_all()
        events = (
            db.session.execute(select(AuditEvent.action).where(AuditEvent.id > self.mark)).scalars().all()
        )
        assert events == []


@pytest.fixture
def world(app):
    return W.build_world()


def _no_private_text_in_audit():
    for event in db.session.execute(select(AuditEvent)).scalars():
        text = json.dumps(event.details)
        for secret in (
            W.NOTE_A,
            W.NOTE_2,
            W.GENDER_TEXT.format("a"),
            "black_african_american",
            "first secret",
        ):
            assert secret not in text, (event.action, text)


def test_people_changes_are_audited(world, login):
    w = world
    coord = login(w.users["coordA"])
    trail = Trail()
    r = coord.post(
        "/people/mentees/new",
        {
            "email": "new.mentee@example.org",
            "first_name": "New",
            "last_name": "Mentee",
            "program_id": w.prog_a.id,
            "pgy": "2",
        },
    )
    assert r.status_code == 302
    person_id = int(r.headers["Location"].rsplit("/", 1)[1])
    mentee = db.session.get(Person, person_id).mentee
    trail.expect("mentee.create", "coord-a@example.org", "MenteeProfile", mentee.id)
    r = coord.post(
        "/people/mentors/new",
        {
            "email": "new.mentor@example.org",
            "first_name": "New",
            "last_name": "Mentor",
            "program_id": w.prog_a.id,
            "mentor_type": "faculty",
            "capacity": "3",
        },
    )
    assert r.status_code == 302
    trail.expect("mentor.create", "coord-a@example.org", "MentorProfile")
    r = coord.post(
        f"/people/{person_id}/mentee/edit",
        {
            "email": "new.mentee@example.org",
            "first_name": "Renamed",
            "last_name": "Mentee",
            "program_id": w.prog_a.id,
            "pgy": "3",
        },
    )
    assert r.status_code == 302
    trail.expect("mentee.update", "coord-a@example.org", "MenteeProfile", mentee.id)
    r = coord.post(
        f"/people/{w.mentor_a.person_id}/mentor/edit",
        {
            "email": "mentor-a@example.org",
            "first_name": "Mentor",
            "last_name": "MentorA",
            "program_id": w.prog_a.id,
            "mentor_type": "faculty",
            "capacity": "4",
        },
    )
    assert r.status_code == 302
    trail.expect("mentor.update", "coord-a@example.org", "MentorProfile", w.mentor_a.id)
    assert coord.post(f"/people/{person_id}/mentee/leave", {"left_on": TODAY.isoformat()}).status_code == 302
    trail.expect("mentee.leave", "coord-a@example.org", "MenteeProfile", mentee.id)
    assert coord.post(f"/people/{person_id}/invite").status_code == 302
    trail.expect("user.invite", "coord-a@example.org", "User")

    mentor = login(w.users["mentor"])
    assert mentor.post("/profile/mentor", {"capacity": "2", "interests": "research"}).status_code == 302
    trail.expect("mentor.update", "mentor-a@example.org", "MentorProfile", w.mentor_a.id, by="self")
    mentee_browser = login(w.users["mentee"])
    assert mentee_browser.post("/profile/mentee", {"interests": "teaching"}).status_code == 302
    trail.expect("mentee.update", "mentee-a@example.org", "MenteeProfile", w.mentee_a.id, by="self")
    r = mentee_browser.post(
        "/profile/self-identification",
        {
            "gender": "self_described",
            "gender_description": "first secret",
            "races": ["black_african_american"],
        },
    )
    assert r.status_code == 302
    event = trail.expect("self_identification.update", "mentee-a@example.org", "Person", w.mentee_a.person_id)
    assert event.details == {}

    admin = login(w.users["admin"])
    r = admin.post(f"/people/{person_id}/erase", {"confirm_email": "new.mentee@example.org"})
    assert r.status_code == 302
    trail.expect("person.erase", "admin@example.org", "Person", person_id)
    _no_private_text_in_audit()


def test_program_changes_are_audited(world, login):
    admin = login(world.users["admin"])
    trail = Trail()
    assert admin.post("/programs/new", {"name": "Program C", "kind": "fellowship"}).status_code == 302
    trail.expect("program.save", "admin@example.org", "Program", name="Program C")


def test_pairing_changes_are_audited(world, login):
    w = world
    coord = login(w.users["coordA"])
    trail = Trail()
    new_mentee = W.f.mentee(W.f.person("lonely@example.org"), w.prog_a)
    db.session.commit()
    r = coord.post(
        f"/pairings/new?mentee={new_mentee.person_id}&kind=research",
        {"mentor_id": w.mentor_2.id, "kind": "research", "start_date": TODAY.isoformat()},
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    new_id = int(r.headers["Location"].rsplit("/", 1)[1])
    trail.expect("pairing.create", "coord-a@example.org", "Pairing", new_id)
    r = coord.post(
        f"/pairings/{new_id}/end", {"end_date": TODAY.isoformat(), "reason": "completed", "rating": ""}
    )
    assert r.status_code == 302
    trail.expect("pairing.end", "coord-a@example.org", "Pairing", new_id, reason="completed")
    # Rematch pairing_a with mentor_2.
    r = coord.post(
        f"/pairings/new?mentee={w.mentee_a.person_id}&rematch={w.pairing_a.id}",
        {"mentor_id": w.mentor_2.id, "kind": "career", "start_date": TODAY.isoformat()},
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    trail.expect("pairing.rematch", "coord-a@example.org", "Pairing")


def test_matching_run_and_apply_are_audited(world, login):
    w = world
    lonely = W.f.mentee(W.f.person("lonely@example.org"), w.prog_a)
    db.session.commit()
    coord = login(w.users["coordA"])
    trail = Trail()
    year = (
        w.pairing_a.start_date.year if w.pairing_a.start_date.month >= 7 else w.pairing_a.start_date.year - 1
    )
    year = max(year, TODAY.year if TODAY.month >= 7 else TODAY.year - 1)
    r = coord.post("/matching/run", {"program": str(w.prog_a.id), "kind": "research", "year": str(year)})
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    trail.expect("match.suggest", "coord-a@example.org", kind="research")
    url = r.headers["Location"]
    page = coord.get(url).get_data(as_text=True)
    fields = {"start_date": TODAY.isoformat(), "apply": "1"}
    mentees = re.findall(r'name="mentee" value="(\d+)"', page)
    assert str(lonely.id) in mentees
    data = dict(fields)
    data["mentee"] = mentees
    for m in mentees:
        selected = re.search(
            rf'name="mentor-{m}"[^>]*>.*?<option[^>]*value="(\d+)"[^>]*selected', page, flags=re.S
        )
        data[f"mentor-{m}"] = selected.group(1) if selected else ""
    r = coord.post(url, data)
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    event = trail.expect("match.apply", "coord-a@example.org")
    assert event.details["created"] >= 1


def _meeting_form(browser, pairing_id, **extra):
    page = browser.get(f"/meetings/pairing/{pairing_id}/new").get_data(as_text=True)
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    data = {
        "nonce": nonce,
        "date": (TODAY - dt.timedelta(days=1)).isoformat(),
        "duration_minutes": "45",
        "modality": "video",
        "status": "held",
    }
    data.update(extra)
    return data


def test_meeting_changes_are_audited_without_notes(world, login, app):
    w = world
    mentor = login(w.users["mentor"])
    trail = Trail()
    r = mentor.post(
        f"/meetings/pairing/{w.pairing_a.id}/new", _meeting_form(mentor, w.pairing_a.id, notes=W.NOTE_A)
    )
    assert r.status_code == 302
    meeting = db.session.execute(select(Meeting).order_by(Meeting.id.desc())).scalars().first()
    trail.expect("meeting.create", "mentor-a@example.org", "Meeting", meeting.id, pairing_id=w.pairing_a.id)
    edit = {
        "date": meeting.date.isoformat(),
        "duration_minutes": "50",
        "modality": "phone",
        "status": "held",
        "notes": "changed",
    }
    assert mentor.post(f"/meetings/{meeting.id}/edit", edit).status_code == 302
    trail.expect("meeting.update", "mentor-a@example.org", "Meeting", meeting.id)
    mentee = login(w.users["mentee"])
    assert mentee.post(f"/meetings/{meeting.id}/confirm").status_code == 302
    trail.expect("meeting.confirm", "mentee-a@example.org", "Meeting", meeting.id)
    assert mentee.post(f"/meetings/{w.meeting_a.id}/dispute").status_code == 302
    trail.expect("meeting.dispute", "mentee-a@example.org", "Meeting", w.meeting_a.id)
    assert mentor.post(f"/meetings/{meeting.id}/delete").status_code == 302
    trail.expect("meeting.delete", "mentor-a@example.org", "Meeting", meeting.id)
    coord = login(w.users["coordA"])
    r = coord.post(f"/meetings/pairing/{w.pairing_a.id}/new", _meeting_form(coord, w.pairing_a.id))
    assert r.status_code == 302
    trail.expect("meeting.create", "coord-a@example.org", "Meeting", logged_as="coordinator")
    # The one-click link from a reminder: the mentor is the actor.
    token = F.log_link_token(w.pairing_a, app.config["SECRET_KEY"])
    anonymous = Browser(app.test_client())
    page = anonymous.get(f"/meetings/quick/{token}").get_data(as_text=True)
    data = {
        "date": TODAY.isoformat(),
        "duration_minutes": "20",
        "modality": "phone",
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1),
    }
    assert anonymous.client.post(f"/meetings/quick/{token}", data=data).status_code == 302
    trail.expect("meeting.create", "mentor-a@example.org", "Meeting", via="link")
    _no_private_text_in_audit()


@pytest.mark.parametrize("report", ["engagement", "inclusivity", "annual-review"])
def test_report_exports_are_audited_with_filters(world, login, report):
    coord = login(world.users["coordA"])
    trail = Trail()
    r = coord.get(f"/dashboard/export/{report}?program={world.prog_a.id}")
    assert r.status_code == 200
    trail.expect("report.export", "coord-a@example.org", report=report, programs=["Program A"], via="web")


def test_report_export_from_the_command_line_is_audited(world, runner, tmp_path):
    trail = Trail()
    out = tmp_path / "e.xlsx"
    year = TODAY.year if TODAY.month >= 7 else TODAY.year - 1
    result = runner.invoke(args=["report", "engagement", "--year", str(year), "--out", str(out)])
    assert result.exit_code == 0, result.output
    trail.expect("report.export", None, report="engagement", via="cli", file=str(out))


def test_person_data_exports_are_audited(world, login):
    trail = Trail()
    assert login(world.users["mentee"]).get("/profile/export.json").status_code == 200
    trail.expect("person.export", "mentee-a@example.org", "Person", world.mentee_a.person_id, by="self")
    assert (
        login(world.users["admin"]).get(f"/people/{world.mentor_a.person_id}/export.json").status_code == 200
    )
    trail.expect("person.export", "admin@example.org", "Person", world.mentor_a.person_id, by="admin")


def test_every_demographic_view_is_audited_and_only_those(world, login):
    trail = Trail()
    assert login(world.users["coordA_demo"]).get(f"/people/{world.mentee_a.person_id}").status_code == 200
    trail.expect("demographics.view", "coord-a-demo@example.org", "Person", world.mentee_a.person_id)
    assert login(world.users["admin"]).get(f"/people/{world.mentee_2.person_id}").status_code == 200
    trail.expect("demographics.view", "admin@example.org", "Person", world.mentee_2.person_id)
    # Without view_demographics nothing is shown, so nothing is logged.
    page = login(world.users["coordA"]).get(f"/people/{world.mentee_a.person_id}").get_data(as_text=True)
    assert W.GENDER_TEXT.format("a") not in page and "Self-identification" not in page
    trail.expect_none()


def test_permission_changes_are_audited(world, login, runner):
    admin = login(world.users["admin"])
    trail = Trail()
    target = world.users["coordB"]
    r = admin.post(
        f"/admin/users/{target.id}",
        {
            "is_coordinator": "y",
            "programs": [str(world.prog_a.id), str(world.prog_b.id)],
            "view_demographics": "y",
        },
    )
    assert r.status_code == 302
    event = trail.expect("grants.change", "admin@example.org", "User", target.id)
    assert (
        event.details["before"]["programs"] == ["Program B"]
        and not event.details["before"]["view_demographics"]
    )
    assert (
        event.details["after"]["programs"] == ["Program A", "Program B"]
        and event.details["after"]["view_demographics"]
    )
    r = admin.post(
        "/admin/users/new",
        {
            "email": "new.coord@example.org",
            "first_name": "New",
            "last_name": "Coord",
            "is_coordinator": "y",
            "programs": [str(world.prog_a.id)],
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    trail.expect("grants.change", "admin@example.org", "User")
    result = runner.invoke(
        args=["users", "grant", "mentor-a@example.org", "--role", "coordinator", "--program", "Program A"]
    )
    assert result.exit_code == 0, result.output
    trail.expect("grants.change", None, "User", world.users["mentor"].id, via="cli")
    mentor = login(world.users["mentor"])
    new = "a-brand-new-passphrase-42"
    assert (
        mentor.post("/auth/password", {"current": W.f.PASSWORD, "password": new, "confirm": new}).status_code
        == 302
    )
    trail.expect("password.change", "mentor-a@example.org", "User", world.users["mentor"].id)


def test_audit_log_is_viewable_by_admins_only(world, login):
    login(world.users["coordA"]).get("/people/mentees")
    admin = login(world.users["admin"])
    admin.get(f"/people/{world.mentee_a.person_id}")
    page = admin.get("/admin/audit?action=demographics").get_data(as_text=True)
    assert "demographics.view" in page and "admin@example.org" in page
    assert login(world.users["coordA_demo"]).get("/admin/audit").status_code == 403
