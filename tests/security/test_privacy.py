"""Erasing a person and exporting a person's data (services/privacy.py and its routes)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Meeting, Pairing, Person, SelfIdentification, User
from mentorship.services import ServiceError, audit, exports, privacy
from mentorship.services.people import set_self_identification
from mentorship.services.report_data.engagement import engagement_data
from mentorship.services.report_data.inclusivity import inclusivity_data
from tests.security import world as W

d = dt.date
TODAY = dt.date.today()
GENERATED = dt.datetime(2026, 1, 1, 9, 0)


def _institution(f):
    """One program; 2 mentors, 6 mentees enrolled in 2023, paired in AY 2024 with meetings and notes."""
    prog = f.program("Medicine")
    mentors = []
    for i, gender in enumerate(("woman", "man")):
        m = f.mentor(f.person(f"mentor{i}@example.org", "Mentor", f"Mlast{i}"), enrolled_on=d(2023, 1, 1))
        set_self_identification(m.person, gender=gender, urim="no")
        mentors.append(m)
    mentees = []
    for i in range(6):
        m = f.mentee(
            f.person(f"mentee{i}@example.org", "Mentee", f"Elast{i}"),
            prog,
            pgy=1 + i % 3,
            enrolled_on=d(2023, 1, 1),
            interests=["research"],
            concordance_gender=i == 0,
        )
        set_self_identification(
            m.person,
            gender=("woman", "man", "self_described")[i % 3],
            gender_description="private words" if i % 3 == 2 else None,
            races=["black_african_american"] if i % 2 else ["white"],
            img="yes" if i < 2 else "no",
        )
        mentees.append(m)
        p = f.pairing(mentors[i % 2], m, start_date=d(2024, 7, 15))
        for k in range(i + 1):
            f.meeting(
                p, d(2024, 8, 1) + dt.timedelta(days=30 * k), topics=["research"], notes=f"note {i}.{k}"
            )
        f.meeting(p, d(2025, 9, 1), notes=f"later note {i}")
    f.user(mentees[0].person)
    db.session.commit()
    return prog, mentors, mentees


def _req(app, year):
    return exports.request_for(app.config, year, None, "tester@example.org", GENERATED, TODAY)


def _masked(rows, hide, end_date_column=None):
    """Rows with every text naming the erased person replaced, sorted (names change the order)."""

    def mask(i, v):
        if isinstance(v, str) and any(h in v for h in hide):
            return "*"
        if i == end_date_column and v in (None, TODAY):
            # An open pairing ends on the day of erasure: the End date column of a closed year's
            # Pairings sheet then shows that later date, as for any pairing that ended after the year.
            return "*"
        return v

    return sorted((tuple(mask(i, v) for i, v in enumerate(row)) for row in rows), key=repr)


def _figures(app, year, hide):
    e = engagement_data(_req(app, year))
    i = inclusivity_data(_req(app, year))
    return {
        "summary": e.summary,
        "pairings": _masked(e.pairings, hide, end_date_column=8),
        "mentors": _masked(e.mentors, hide),
        "meetings": _masked(e.meetings, hide),
        "topics": e.topics,
        "months": e.months,
        "groups": i.groups,
        "pools": i.pools,
        "mentor_load": i.mentor_load,
        "concordance": i.concordance,
        "concordance_text": i.concordance_text,
    }


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_closed_years_reports_are_unchanged_by_erasure(app, f, who):
    _prog, mentors, mentees = _institution(f)
    person = (mentees[0] if who == "mentee" else mentors[0]).person
    hide = (person.last_name, person.email, "Erased", "erased")
    before = {y: _figures(app, y, hide) for y in (2024, 2025)}
    assert before[2024]["summary"][-1][1] == 6  # the world is what we think: 6 mentees enrolled
    admin = f.user(f.person("admin@example.org"), is_admin=True)
    privacy.erase_person(person, admin)
    db.session.commit()
    db.session.expire_all()
    after = {y: _figures(app, y, hide) for y in (2024, 2025)}
    for year in (2024, 2025):
        for name in before[year]:
            assert after[year][name] == before[year][name], (year, name)


def test_erase_removes_what_identifies_the_person(app, f):
    _prog, mentors, mentees = _institution(f)
    mentee = mentees[2]  # self-described gender with a free-text description
    f.user(mentee.person)
    person = mentee.person
    old_email = person.email
    admin = f.user(f.person("admin@example.org"), is_admin=True)
    audit.record(admin, "mentee.update", mentee, email=old_email)
    db.session.commit()
    done = privacy.erase_person(person, admin)
    db.session.commit()
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.full_name == f"Erased person #{person.id}"
    assert person.email == f"erased-{person.id}@erased.invalid"
    assert person.erased_at is not None
    assert person.user is None
    assert (
        db.session.execute(select(func.count(User.id)).where(User.person_id == person.id)).scalar_one() == 0
    )
    # Enrolled in closed years: the codes stay for the aggregates, the free text goes.
    selfid = person.self_identification
    assert selfid is not None and selfid.gender == "self_described" and selfid.gender_description is None
    assert done["self_identification"].startswith("kept")
    mine = select(Pairing.id).where(Pairing.mentee_id == mentee.id)
    notes = db.session.execute(select(Meeting.notes).where(Meeting.pairing_id.in_(mine))).scalars().all()
    assert notes and all(n is None for n in notes)
    assert mentee.interests == [] and mentee.left_on == TODAY
    # Other pairings keep their notes.
    assert (
        db.session.execute(select(func.count(Meeting.id)).where(Meeting.notes.is_not(None))).scalar_one() > 0
    )
    # The audit trail no longer holds the email, and the erasure itself is recorded without it.
    for event in db.session.execute(select(AuditEvent)).scalars():
        assert old_email not in json.dumps(event.details) and event.actor_email != old_email
    erase = db.session.execute(select(AuditEvent).where(AuditEvent.action == "person.erase")).scalar_one()
    assert erase.actor_email == "admin@example.org" and erase.target_id == person.id
    with pytest.raises(ServiceError):
        privacy.erase_person(person, admin)


def test_someone_only_in_the_current_year_loses_their_answers_entirely(app, f):
    prog = f.program()
    mentee = f.mentee(prog=prog, enrolled_on=TODAY)
    set_self_identification(mentee.person, gender="woman", races=["asian"])
    db.session.commit()
    done = privacy.erase_person(mentee.person, None)
    db.session.commit()
    assert done["self_identification"] == "deleted"
    assert db.session.execute(select(func.count(SelfIdentification.id))).scalar_one() == 0


def test_admin_erases_from_the_person_page_only_with_the_email_typed(app, f, login):
    w = W.build_world()
    admin = login(w.users["admin"])
    person_id = w.mentee_a.person_id
    page = admin.get(f"/people/{person_id}").get_data(as_text=True)
    assert "Erase this person" in page and 'name="confirm_email"' in page
    before = W.snapshot(skip_audit=True)
    response = admin.post(f"/people/{person_id}/erase", data={"confirm_email": "someone-else@example.org"})
    assert response.status_code == 302
    assert "does not match" in admin.get(f"/people/{person_id}").get_data(as_text=True)
    assert W.snapshot(skip_audit=True) == before
    response = admin.post(f"/people/{person_id}/erase", data={"confirm_email": " MENTEE-A@example.org "})
    assert response.status_code == 302
    page = admin.get(f"/people/{person_id}").get_data(as_text=True)
    assert f"Erased person #{person_id}" in page and "mentee-a@example.org" not in page
    assert W.GENDER_TEXT.format("a") not in page and "Self-identification" not in page
    # The erased mentee can no longer sign in; the pair's notes are gone from the mentor's page.
    mentor = login(w.users["mentor"])
    assert W.NOTE_A not in mentor.get(f"/meetings/pairing/{w.pairing_a.id}").get_data(as_text=True)
    assert W.NOTE_2 in login(w.users["mentor2"]).get(f"/meetings/pairing/{w.pairing_2.id}").get_data(
        as_text=True
    )


def test_admin_cannot_erase_themself(app, f, login):
    w = W.build_world()
    admin_user = w.users["admin"]
    browser = login(admin_user)
    response = browser.post(f"/people/{admin_user.person_id}/erase", data={"confirm_email": admin_user.email})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, admin_user.person_id).erased_at is None


def test_a_person_downloads_their_own_data_with_their_notes(app, f, login):
    w = W.build_world()
    response = login(w.users["mentee"]).get("/profile/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    got = json.loads(response.get_data())
    assert got["person"]["email"] == "mentee-a@example.org"
    assert got["mentee_profile"]["program"] == "Program A"
    assert got["self_identification"]["gender_description"] == W.GENDER_TEXT.format("a")
    assert got["self_identification"]["race_ethnicity"] == ["black_african_american"]
    [pairing] = got["pairings"]
    assert pairing["with"]["email"] == "mentor-a@example.org" and pairing["my_role"] == "mentee"
    assert [m["notes"] for m in pairing["meetings"]] == [W.NOTE_A]
    body = response.get_data(as_text=True)
    assert W.NOTE_2 not in body and W.NOTE_B not in body and "mentee-2@" not in body
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "person.export")).scalar_one()
    assert event.actor_email == "mentee-a@example.org" and event.details["by"] == "self"


def test_an_admin_downloads_a_persons_data_without_the_pairs_notes(app, f, login):
    w = W.build_world()
    response = login(w.users["admin"]).get(f"/people/{w.mentor_a.person_id}/export.json")
    assert response.status_code == 200
    got = json.loads(response.get_data())
    assert got["mentor_profile"]["program"] == "Program A"
    assert got["pairings"][0]["with"]["email"] == "mentee-a@example.org"
    assert "notes" not in got["pairings"][0]["meetings"][0] and "notes_withheld" in got
    assert W.NOTE_A not in response.get_data(as_text=True)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "person.export")).scalar_one()
    assert event.actor_email == "admin@example.org" and event.target_id == w.mentor_a.person_id


def test_an_erased_person_has_no_data_to_export(app, f, login):
    w = W.build_world()
    privacy.erase_person(w.mentee_a.person, w.users["admin"])
    db.session.commit()
    response = login(w.users["admin"]).get(f"/people/{w.mentee_a.person_id}/export.json")
    assert response.status_code == 302
