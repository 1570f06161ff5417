"""The matching pages: run, review the draft, change and remove rows, apply; permissions."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Pairing
from mentorship.services import people as people_service
from mentorship.services.academic_year import year_of
from tests.conftest import without_csrf

YEAR = year_of(dt.date.today())


@pytest.fixture
def world(f):
    prog = f.program("Surgery", specialty="Surgery")
    other = f.program("Pediatrics", specialty="Pediatrics")
    a = f.mentee(f.person("a@example.org", "Ann", "Alpha"), prog=prog, interests=["research"])
    b = f.mentee(f.person("b@example.org", "Bob", "Beta"), prog=prog, interests=["teaching"])
    kid = f.mentee(f.person("k@example.org", "Kim", "Kidd"), prog=other)
    x = f.mentor(f.person("x@example.org", "Xena", "X"), interests=["research"], capacity=1)
    y = f.mentor(f.person("y@example.org", "Yuri", "Y"), interests=["teaching"], capacity=1)
    admin = f.user(is_admin=True)
    coordinator = f.user(programs=[prog])
    other_coordinator = f.user(programs=[other])
    db.session.commit()
    return locals()


def run(b, program_id, kind="career"):
    """Start a run and follow its redirect to the saved run's page (POST, redirect, GET)."""
    return b.post(
        "/matching/run", data={"program": program_id, "kind": kind, "year": YEAR}, follow_redirects=True
    )


def action(html):
    """Where the draft form posts: the saved run's own address."""
    return re.search(r'<form method="post" action="(/matching/runs/\d+)"', html).group(1)


def draft_fields(html):
    """The draft form as a browser would send it: the rows and each select's selected value."""
    data = {}
    mentees = re.findall(r'name="mentee" value="(\d+)"', html)
    for mentee_id in mentees:
        select_html = re.search(
            rf'<select[^>]*name="mentor-{mentee_id}"[^>]*>(.*?)</select>', html, re.S
        ).group(1)
        chosen = re.search(r'<option value="(\d*)" selected>', select_html)
        data[f"mentor-{mentee_id}"] = chosen.group(1) if chosen else ""
    data["mentee"] = mentees
    return data


def pairing_count():
    return db.session.execute(select(func.count(Pairing.id))).scalar_one()


def test_run_shows_the_draft_and_pairs_nothing(world, login):
    w = world
    b = login(w["coordinator"])
    page = b.get("/matching/")
    assert page.status_code == 200 and "Pediatrics" not in page.get_data(as_text=True)
    r = run(b, w["prog"].id)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Ann Alpha" in html and "Bob Beta" in html and "Kim Kidd" not in html
    assert "1 shared interest: research" in html and "1 shared interest: teaching" in html
    assert pairing_count() == 0
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "match.suggest")).scalar_one()


def test_apply_the_draft_as_suggested(world, login):
    w = world
    b = login(w["coordinator"])
    html = run(b, w["prog"].id).get_data(as_text=True)
    data = draft_fields(html)
    assert data[f"mentor-{w['a'].id}"] == str(w["x"].id)
    assert data[f"mentor-{w['b'].id}"] == str(w["y"].id)
    data.update(start_date=dt.date.today().isoformat(), apply="Apply")
    r = b.post(action(html), data=data)
    assert r.status_code == 303, r.get_data(as_text=True)
    assert r.headers["Location"].endswith(action(html))
    pairs = set(db.session.execute(select(Pairing.mentee_id, Pairing.mentor_id)).all())
    assert pairs == {(w["a"].id, w["x"].id), (w["b"].id, w["y"].id)}
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "match.apply")).scalar_one()
    assert event.details["created"] == 2


def test_change_and_remove_rows_then_review_and_apply(world, login):
    w = world
    b = login(w["admin"])
    html = run(b, w["prog"].id).get_data(as_text=True)
    data = draft_fields(html)
    data[f"mentor-{w['a'].id}"] = str(w["y"].id)  # change
    data[f"mentor-{w['b'].id}"] = ""  # remove
    review = b.post(
        action(html),
        data={**data, "start_date": dt.date.today().isoformat(), "review": "1"},
        follow_redirects=True,
    )
    assert review.status_code == 200
    reviewed = draft_fields(review.get_data(as_text=True))
    assert reviewed[f"mentor-{w['a'].id}"] == str(w["y"].id) and reviewed[f"mentor-{w['b'].id}"] == ""
    assert pairing_count() == 0
    r = b.post(action(html), data={**data, "start_date": dt.date.today().isoformat(), "apply": "1"})
    assert r.status_code == 303
    assert set(db.session.execute(select(Pairing.mentee_id, Pairing.mentor_id)).all()) == {
        (w["a"].id, w["y"].id)
    }


def test_apply_revalidates_and_is_all_or_nothing(world, login, f):
    w = world
    b = login(w["coordinator"])
    html = run(b, w["prog"].id).get_data(as_text=True)
    data = draft_fields(html)
    # Meanwhile someone fills Yuri's only place by hand.
    f.pairing(w["y"], f.mentee(prog=w["prog"]), start_date=dt.date.today())
    db.session.commit()
    r = b.post(action(html), data={**data, "start_date": dt.date.today().isoformat(), "apply": "1"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Nothing was paired" in html and "Row 2:" in html and "no free capacity" in html
    assert pairing_count() == 1


def test_both_rows_on_one_single_place_mentor_is_refused(world, login):
    w = world
    b = login(w["coordinator"])
    html = run(b, w["prog"].id).get_data(as_text=True)
    data = draft_fields(html)
    data[f"mentor-{w['b'].id}"] = str(w["x"].id)
    r = b.post(action(html), data={**data, "start_date": dt.date.today().isoformat(), "apply": "1"})
    assert r.status_code == 400 and "no free capacity" in r.get_data(as_text=True)
    assert pairing_count() == 0


def test_coordinator_cannot_run_or_apply_for_another_program(world, login):
    w = world
    b = login(w["other_coordinator"])
    assert run(b, w["prog"].id).status_code == 404
    # Posting a row for a mentee of another program is refused.
    html = run(b, w["other"].id).get_data(as_text=True)
    own = draft_fields(html)
    own["mentee"] = [str(w["a"].id)]
    own[f"mentor-{w['a'].id}"] = str(w["x"].id)
    r = b.post(action(html), data={**own, "start_date": dt.date.today().isoformat(), "apply": "1"})
    assert r.status_code == 400 and "not in your programs" in r.get_data(as_text=True)
    assert pairing_count() == 0


@pytest.mark.parametrize("who", ["x", "a"])
def test_mentors_and_mentees_get_403(world, login, f, who):
    w = world
    user = f.user(w[who].person)
    db.session.commit()
    b = login(user)
    assert b.get("/matching/").status_code == 403
    assert run(b, w["prog"].id).status_code == 403
    # A run a coordinator made is not theirs to open or apply either.
    html = run(login(w["coordinator"]), w["prog"].id).get_data(as_text=True)
    assert b.get(action(html)).status_code == 403
    assert b.post(action(html), data={"apply": "1"}).status_code == 403


def test_bad_draft_posts_do_not_500(world, login):
    b = login(world["admin"])
    assert b.post("/matching/run", data={"program": "x", "kind": "career", "year": "soon"}).status_code == 400
    assert b.post("/matching/run", data={"program": "0", "kind": "nope", "year": YEAR}).status_code == 400
    url = action(run(b, 0).get_data(as_text=True))
    r = b.post(url, data={"start_date": "someday", "apply": "1"})
    assert r.status_code == 400 and "Enter the start date of the new pairings as YYYY-MM-DD." in r.get_data(
        as_text=True
    )
    r = b.post(url, data={"start_date": "2025-09-01", "mentee": "x", "apply": "1"})
    assert r.status_code == 400
    assert b.get("/matching/runs/999999").status_code == 404


# A user without view_demographics -------------------------------------------------------------------------


@pytest.fixture
def concordance(f):
    """Ann asked for a URiM-concordant mentor and is URiM; Xena is URiM but already has a mentee; Yuri is
    free and has not answered. The full score suggests Xena, the score without concordance Yuri."""
    prog = f.program("Surgery", specialty="Surgery")
    other = f.program("Pediatrics", specialty="Pediatrics")
    ann = f.mentee(f.person("ann@example.org", "Ann", "Alpha"), prog=prog, concordance_urim=True)
    xena = f.mentor(f.person("xena@example.org", "Xena", "X"))
    yuri = f.mentor(f.person("yuri@example.org", "Yuri", "Y"))
    f.pairing(xena, f.mentee(prog=other), start_date=dt.date.today() - dt.timedelta(days=30))
    people_service.set_self_identification(ann.person, gender=None, urim="yes")
    people_service.set_self_identification(xena.person, gender=None, urim="yes")
    coordinator = f.user(programs=[prog])
    admin = f.user(is_admin=True)
    db.session.commit()
    return SimpleNamespace(prog=prog, ann=ann, xena=xena, yuri=yuri, coordinator=coordinator, admin=admin)


def _pages(b, w) -> dict[str, str]:
    """The draft and the manual ranking as `b` sees them, CSRF tokens blanked."""
    pages = {
        "draft": run(b, w.prog.id).get_data(as_text=True),
        "manual": b.get(f"/pairings/new?mentee={w.ann.person_id}").get_data(as_text=True),
    }
    # Every form's token (the sign-out form in the menu too) carries the second it was made; each run has
    # its own number and time.
    out = {}
    for k, v in pages.items():
        v = without_csrf(v)
        v = re.sub(r"runs/\d+|run \d+", "run N", v)
        out[k] = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "<time>", v)
    return out


def _draft_rows(html: str) -> list[tuple[str, str, str]]:
    """(selected mentor, score, reason) of each draft row."""
    rows = re.findall(r"<tr>\s*<td[^>]*>\d+</td>(.*?)</tr>", html, re.S)
    out = []
    for row in rows:
        selected = re.search(r'<option value="\d+" selected>([^(]+)\(', row).group(1).strip()
        score, reason = re.findall(r"<td[^>]*>([^<]*)</td>", row)[-2:]
        out.append((selected, score, reason.strip()))
    return out


def _manual_rows(html: str) -> list[tuple[str, str, str]]:
    """(mentor, score, reason) of the ranking, in page order."""
    return re.findall(
        r'class="form-check-label" for="mentor-\d+">([^<]+)</label>.*?<td>([\d.]+)</td>\s*<td>([^<]*)</td>',
        html,
        re.S,
    )


def test_the_draft_and_ranking_show_an_admin_the_full_score_and_reason(concordance, login):
    w = concordance
    pages = _pages(login(w.admin), w)
    assert _draft_rows(pages["draft"]) == [("Xena X", "0.18", "meets the requested URiM concordance")]
    assert _manual_rows(pages["manual"]) == [
        ("Xena X", "0.18", "meets the requested URiM concordance"),
        ("Yuri Y", "0.05", "no specific fit; has 3 of 3 places free"),
    ]
    assert "leave out concordance requests" not in pages["draft"]


def test_a_coordinator_without_view_demographics_sees_no_concordance_in_score_reason_order_or_pick(
    concordance, login
):
    w = concordance
    b = login(w.coordinator)
    pages = _pages(b, w)
    assert _draft_rows(pages["draft"]) == [("Yuri Y", "0.06", "no specific fit; has 3 of 3 places free")]
    assert _manual_rows(pages["manual"]) == [
        ("Yuri Y", "0.06", "no specific fit; has 3 of 3 places free"),
        ("Xena X", "0.04", "no specific fit; has 2 of 3 places free"),
    ]
    for page in pages.values():
        assert "meets the requested" not in page and "leave out concordance requests" in page
    # Nothing changes when Ann's or Xena's answers, or Ann's request, change.
    people_service.set_self_identification(w.ann.person, gender="woman", urim="no")
    people_service.set_self_identification(w.xena.person, gender="woman", races=["white"])
    w.ann.concordance_gender = True
    db.session.commit()
    again = _pages(b, w)
    for name, page in pages.items():
        diff = difflib.unified_diff(page.splitlines(), again[name].splitlines(), lineterm="", n=1)
        assert again[name] == page, "\n".join(diff)
