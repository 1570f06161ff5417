"""No oracle: a user without view_demographics learns nothing about anyone's self-identification.

One world (world.py, plus a mentee who asked for concordance and two more mentors), built afresh for each
variant: the same people, pairings and meetings, and only one person's self-identification (or
concordance request) changed. A coordinator of program A without view_demographics, a mentor and a mentee
then play every GET route of `app.url_map` with every id of the world in its path, the list filters and
searches, the matching draft of every kind and its review, the manual pairing ranking of every mentee and
kind, and the report downloads (bytes, with a fixed "generated at"); the coordinator also uploads a roster
guessing at people's answers, previews and imports it. Every response must be byte for byte the one of the
unchanged world, once CSRF tokens, one-time nonces, signed link tokens and row timestamps are blanked.

Only the aggregate inclusivity outputs are left out (the inclusivity workbook, and the inclusivity summary
table of the annual review): their counts necessarily move with one person's answer, and what protects
them is small-cell suppression (docs/privacy.md), tested on its own.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import (
    Event,
    ExportJob,
    Goal,
    Introduction,
    Invitation,
    MatchRun,
    Meeting,
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
    PlannedMeeting,
    Program,
    User,
)
from mentorship.services import accounts, exports, planning_links
from mentorship.services import people as people_service
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.matching import assignment, candidates, scoring
from tests import factories as F
from tests.conftest import Browser, _empty_tables
from tests.security import world as W

OBSERVERS = ("coordA", "mentor", "mentee")
GENERATED_AT = dt.datetime(2025, 1, 2, 3, 4, 5)
YEAR = year_of(dt.date.today())
# Words a search over self-identification would match.
SEARCHES = ("woman", "man", "nonbinary", "urim", "yes", "hispanic", "white", "black", "selfdesc", "prefer")


def _answer(**fields) -> Callable[[Person], None]:
    def apply(person: Person) -> None:
        people_service.set_self_identification(person, **{"gender": None, **fields})

    return apply


def _no_answers(person: Person) -> None:
    db.session.delete(person.self_identification)


def _requests(gender: bool, urim: bool) -> Callable[[Person], None]:
    def apply(person: Person) -> None:
        person.mentee.concordance_gender, person.mentee.concordance_urim = gender, urim

    return apply


# Each variant changes one person (a key of the world) in one way.
VARIANTS: dict[str, tuple[str, Callable[[Person], None]]] = {
    "mentee C: man, not URiM": ("mentee_c", _answer(gender="man", races=["white"], urim="no")),
    "mentee C: URiM from her race only": (
        "mentee_c",
        _answer(gender="woman", races=["black_african_american"]),
    ),
    "mentee C: nothing disclosed": ("mentee_c", _no_answers),
    "mentee C: asks for no concordance": ("mentee_c", _requests(False, False)),
    "mentee C: asks for gender concordance only": ("mentee_c", _requests(True, False)),
    "mentor C: woman and URiM, like mentee C": (
        "mentor_c",
        _answer(gender="woman", races=["hispanic_latino"], urim="yes"),
    ),
    "mentor D: answers for the first time": ("mentor_d", _answer(gender="woman", urim="yes", img="yes")),
    "mentee A: other words, IMG, first generation": (
        "mentee_a",
        _answer(
            gender="self_described", gender_description="SELFDESC-other", img="yes", first_generation="yes"
        ),
    ),
    "mentor A: prefers not to say": ("mentor_a", _answer(gender="prefer_not", race_prefer_not=True)),
}


def build(variant: str | None) -> W.World:
    """The world, with `variant` applied last (the same rows and ids whatever the variant)."""
    w = W.build_world()
    o = w.objects
    o["mentee_c"] = F.mentee(
        F.person("mentee-c@example.org", "Mentee", "MenteeC"),
        w.prog_a,
        pgy=2,
        interests=["research", "teaching"],
        concordance_gender=True,
        concordance_urim=True,
    )
    people_service.set_self_identification(
        o["mentee_c"].person, gender="woman", races=["hispanic_latino"], urim="yes", first_generation="yes"
    )
    # Faculty without a home program are in every run's pool.
    o["mentor_c"] = F.mentor(F.person("mentor-c@example.org", "Mentor", "MentorC"), interests=["teaching"])
    people_service.set_self_identification(o["mentor_c"].person, gender="man", races=["white"], urim="no")
    o["mentor_d"] = F.mentor(
        F.person("mentor-d@example.org", "Mentor", "MentorD"), interests=["research"], department="Surgery"
    )
    F.pairing(o["mentor_d"], w.mentee_b, kind="research", start_date=dt.date.today() - dt.timedelta(days=20))
    db.session.commit()
    if variant is not None:
        who, change = VARIANTS[variant]
        change(o[who].person)
        db.session.commit()
    # Saved runs made in this world (after the change): their pages are swept like every other.
    a = frozenset({w.prog_a.id})
    for user, programs in (("coordA", a), ("coordA_demo", a), ("admin", None)):
        W.matching_run(w.users[user], programs)
    db.session.commit()
    return w


@dataclass
class Ids:
    """Every id and link token of a world, by kind of path argument; `names` turns tokens into labels."""

    by_argument: dict[str, list]
    names: dict[str, str]


def _all_ids(model) -> list[int]:
    return db.session.execute(db.select(model.id).order_by(model.id)).scalars().all()


def _ids(app, w: W.World) -> Ids:
    persons = db.session.execute(db.select(Person.id).order_by(Person.id)).scalars().all()
    pairings = db.session.execute(db.select(Pairing).order_by(Pairing.id)).scalars().all()
    users = db.session.execute(db.select(User).order_by(User.id)).scalars().all()
    names: dict[str, str] = {}
    links = [F.log_link_token(p, app.config["SECRET_KEY"]) for p in pairings]
    with app.test_request_context():
        passwords = [accounts.make_password_token(u, "invite") for u in users[:2]]
    names |= {token: f"<log link of pairing {p.id}>" for token, p in zip(links, pairings, strict=True)}
    names |= {token: f"<invitation of user {u.id}>" for token, u in zip(passwords, users, strict=False)}
    plans = db.session.execute(db.select(PlannedMeeting).order_by(PlannedMeeting.id)).scalars().all()
    outcome_links = [planning_links.token_for(p, app.config["SECRET_KEY"]) for p in plans]
    names |= {token: f"<outcome link of plan {p.id}>" for token, p in zip(outcome_links, plans, strict=True)}
    events = db.session.execute(db.select(Event).order_by(Event.id)).scalars().all()
    invitations = db.session.execute(db.select(Invitation).order_by(Invitation.id)).scalars().all()
    names |= {e.checkin_key: f"<check-in of event {e.id}>" for e in events}
    names |= {i.token: f"<invitation {i.id}>" for i in invitations}
    return Ids(
        by_argument={
            "person_id": persons,
            "pairing_id": [p.id for p in pairings],
            "meeting_id": db.session.execute(db.select(Meeting.id).order_by(Meeting.id)).scalars().all(),
            "program_id": db.session.execute(db.select(Program.id).order_by(Program.id)).scalars().all(),
            "user_id": [u.id for u in users],
            "run_id": db.session.execute(db.select(MatchRun.id).order_by(MatchRun.id)).scalars().all(),
            "meetings.quick:token": links,
            "meetings.quick_done:token": links[:1],
            "auth.set_password:token": passwords,
            "plan_id": [p.id for p in plans],
            "planning.outcome_link:token": outcome_links,
            "event_id": [e.id for e in events],
            "intro_id": db.session.execute(db.select(Introduction.id).order_by(Introduction.id))
            .scalars()
            .all(),
            "events.check_in:key": [e.checkin_key for e in events],
            "events.invitation:token": [i.token for i in invitations],
            "goal_id": _all_ids(Goal),
            "job_id": _all_ids(ExportJob),
            "mentee_id": _all_ids(MenteeProfile),
            "mentor_id": _all_ids(MentorProfile),
            "records.verify:code": ["unknown-code"],
            "profile.feed:secret": ["unknown-secret"],
        },
        names=names,
    )


def _values(rule, name: str, ids: Ids) -> list:
    converter = rule._converters[name]
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)
    if isinstance(converter, IntegerConverter):
        assert name in ids.by_argument, (
            f"the no-oracle test does not know which ids to put in {rule.rule} ({name})"
        )
        return ids.by_argument[name]
    key = f"{rule.endpoint}:{name}"
    assert key in ids.by_argument, f"the no-oracle test does not know what to put in {rule.rule} ({name})"
    return ids.by_argument[key]


def _paths(app, ids: Ids) -> list[str]:
    """Every GET route of the app with every id of the world in its path."""
    adapter = app.url_map.bind("localhost")
    out = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue  # files shipped with the app
        if rule.endpoint == "dashboard.export":
            continue  # below: one request per report, the inclusivity workbook left out
        combos = [{}]
        for name in sorted(rule.arguments):
            combos = [{**c, name: v} for c in combos for v in _values(rule, name, ids)]
        out += [adapter.build(rule.endpoint, c) for c in combos]
    return out


def _queries(w: W.World, ids: Ids) -> list[str]:
    """The list filters, searches and rankings of the world."""
    people = ids.by_argument["person_id"]
    kinds = list(vocab.PAIRING_KINDS)
    out = []
    for role in ("mentees", "mentors"):
        out += [
            f"/people/{role}?status=all",
            f"/people/{role}?program={w.prog_a.id}",
            f"/people/{role}?role=both",
        ]
        out += [f"/people/{role}?status=all&q={q}" for q in SEARCHES]
        out += [f"/people/{role}?status=all&pgy={n}" for n in (1, 2)]
    out += ["/pairings/?status=all", f"/pairings/?status=all&program={w.prog_a.id}"]
    out += [f"/pairings/?status=all&q={q}" for q in SEARCHES]
    out += [f"/pairings/?status=all&kind={k}" for k in kinds]
    out += [f"/pairings/?person={p}" for p in people]
    out += [f"/pairings/new?mentee={p}&kind={k}" for p in people for k in kinds]
    mentee_c = w.mentee_c.person_id
    out += [
        f"/pairings/new?mentee={mentee_c}&department=surgery",
        f"/pairings/new?mentee={mentee_c}&interest=res",
    ]
    out += [f"/pairings/new?mentee={w.mentee_a.person_id}&rematch={w.pairing_a.id}"]
    out += [f"/dashboard/?program={w.prog_a.id}", f"/dashboard/?year={YEAR - 1}"]
    # Not the inclusivity workbook: aggregate counts, protected by suppression (see the module docstring).
    out += [
        f"/dashboard/export/{r}{q}"
        for r in ("engagement", "annual-review")
        for q in ("", f"?program={w.prog_a.id}")
    ]
    return out


# Normalising ----------------------------------------------------------------------------------------------

TOKENS = [
    re.compile(rb'(name="csrf_token"[^>]*value=")[^"]+'),
    re.compile(rb'(name="nonce"[^>]*value=")[^"]+'),
    re.compile(rb"(mpm_)[A-Za-z0-9_-]{4}"),  # an API token's shown prefix: random in each world
]
# A row's creation or export time (seconds apart between two builds); dates alone stay.
TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?")


def _workbook_cells(content: bytes, skip_inclusivity: bool) -> bytes:
    """The text of every cell, sheet by sheet; the inclusivity summary tables left out if asked."""
    lines = []
    for ws in openpyxl.load_workbook(io.BytesIO(content)).worksheets:
        lines.append(f"== {ws.title}")
        skipping = False
        for row in ws.iter_rows(values_only=True):
            first = row[0] if row else None
            if skip_inclusivity and isinstance(first, str) and first.startswith("Inclusivity summary"):
                skipping = True  # up to the blank line that ends the table
            if skipping:
                skipping = any(v is not None for v in row)
                continue
            lines.append("\t".join("" if v is None else str(v) for v in row))
    return "\n".join(lines).encode()


def _normalised(url: str, response, ids: Ids) -> bytes:
    body = response.get_data()
    if response.headers.get("Content-Type", "").startswith(exports.XLSX):
        if "/export/engagement" in url or "/dashboard/exports/" in url:
            return body  # the same bytes for the same data and "generated at"; a job's stored file as kept
        # The annual review's inclusivity summary: aggregate counts, protected by suppression (see above);
        # the roster template carries openpyxl's own save time.
        return _workbook_cells(body, skip_inclusivity="/export/annual-review" in url)
    headers = sorted((k, v) for k, v in response.headers.items() if k not in {"Set-Cookie", "Content-Length"})
    body = f"{response.status_code} {headers}\n".encode() + body
    for pattern in TOKENS:
        body = pattern.sub(rb"\1<token>", body)
    body = TIMESTAMP.sub(b"<time>", body)
    for token, label in ids.names.items():  # in a redirect's Location too
        body = body.replace(token.encode(), label.encode())
    return body


def _label(url: str, ids: Ids) -> str:
    for token, label in ids.names.items():
        url = url.replace(token, label)
    return url


# Recording ------------------------------------------------------------------------------------------------


def _roster_files() -> list[tuple[str, bytes]]:
    """A roster naming people of program A with guesses at their answers (a coordinator's attempt). Mentee
    C's row is exactly what the unchanged world holds for her, so a preview that compares would tell."""
    sheets = {
        "mentees.csv": [
            "email,first_name,last_name,program,pgy,gender,race_ethnicity,urim,img,first_generation",
            "mentee-c@example.org,Mentee,MenteeC,Program A,2,woman,Hispanic or Latino,yes,,yes",
            "mentee-a@example.org,Mentee,MenteeA,Program A,1,self-described,,yes,no,",
            "mentee-2@example.org,Mentee,Mentee2,Program A,1,man,White,no,,",
        ],
        "mentors.csv": [
            "email,first_name,last_name,program,gender,urim,first_generation",
            "mentor-a@example.org,Mentor,MentorA,Program A,woman,yes,no",
        ],
    }
    return [(name, ("\n".join(lines) + "\n").encode()) for name, lines in sheets.items()]


def _draft_posts(browser: Browser, w: W.World) -> dict[str, bytes]:
    """The matching run of every kind, for program A and for all programs: the POST that saves it, its
    page, a saved change (every row to mentor C) and the page with it, and the list of past runs."""
    out = {}
    for program in (w.prog_a.id, 0):
        for kind in vocab.PAIRING_KINDS:
            data = {"program": program, "kind": kind, "year": YEAR}
            response = browser.post("/matching/run", data=data)
            out[f"POST /matching/run {data}"] = response
            url = response.headers["Location"]
            page = browser.get(url)
            out[f"GET saved run {kind} {program}"] = page
            html = page.get_data(as_text=True)
            mentees = re.findall(r'name="mentee" value="(\d+)"', html)
            review = {"mentee": mentees, "review": "1", "start_date": dt.date.today().isoformat()}
            review |= {f"mentor-{m}": str(w.mentor_c.id) for m in mentees}  # every row to mentor C
            out[f"POST saved run {kind} {program} all to mentor C"] = browser.post(url, data=review)
            out[f"GET saved run {kind} {program} after the change"] = browser.get(url)
    out["GET /matching/ with the runs"] = browser.get("/matching/")
    return out


def record(app, variant: str | None, observer: str, roster: bool = False) -> dict[str, bytes]:
    """Every response `observer` gets in the world of `variant`, normalised, by request."""
    _empty_tables()
    w = build(variant)
    ids = _ids(app, w)
    browser = Browser(app.test_client()).login(w.users[observer])
    out: dict[str, bytes] = {}
    if roster:
        upload = browser.post(
            "/roster/",
            data={"files": [(io.BytesIO(data), name) for name, data in _roster_files()]},
            content_type="multipart/form-data",
        )
        out["POST /roster/"] = _normalised("/roster/", upload, ids)
        out["GET /roster/preview"] = _normalised("/roster/preview", browser.get("/roster/preview"), ids)
        out["POST /roster/confirm"] = _normalised("/roster/confirm", browser.post("/roster/confirm"), ids)
        out["GET /roster/result"] = _normalised("/roster/result", browser.get("/roster/result"), ids)
        return out
    for url in _paths(app, ids) + _queries(w, ids):
        out[f"GET {_label(url, ids)}"] = _normalised(url, browser.get(url), ids)
    if observer.startswith("coord"):
        out |= {key: _normalised(key, r, ids) for key, r in _draft_posts(browser, w).items()}
    return out


def _differences(base: dict[str, bytes], other: dict[str, bytes]) -> list[str]:
    assert base.keys() == other.keys()
    out = []
    for key, body in base.items():
        if other[key] != body:
            diff = difflib.unified_diff(
                body.decode(errors="replace").splitlines(),
                other[key].decode(errors="replace").splitlines(),
                lineterm="",
                n=0,
            )
            lines = [line for line in diff if not line.startswith(("---", "+++", "@@"))]
            out.append(f"{key}:\n    " + "\n    ".join(line[:160] for line in lines[:6]))
    return out


@pytest.fixture
def fixed_report_time(monkeypatch):
    monkeypatch.setattr(exports, "now", lambda: GENERATED_AT)


@pytest.mark.parametrize("observer", OBSERVERS)
def test_no_response_differs_when_only_one_persons_self_identification_differs(
    app, fixed_report_time, observer
):
    baseline = record(app, None, observer)
    assert len(baseline) > 150  # the sweep really played the app
    assert sum(key.startswith("POST /matching/run") for key in baseline) == (8 if observer == "coordA" else 0)
    if observer == "coordA":  # the annual review is compared without its inclusivity summary, and only that
        review = next(v for k, v in baseline.items() if k.startswith("GET /dashboard/export/annual-review?"))
        assert b"key figures by academic year" in review and b"Topic mix" in review
        assert b"Inclusivity summary" not in review
    assert not _differences(baseline, record(app, None, observer)), "not deterministic: normalise more"
    failures = []
    for variant, (who, _change) in VARIANTS.items():
        if who == {"mentor": "mentor_a", "mentee": "mentee_a"}.get(observer):
            continue  # a person sees their own answers
        failures += [f"[{variant}] {d}" for d in _differences(baseline, record(app, variant, observer))]
    assert not failures, f"{len(failures)} responses differ:\n" + "\n".join(failures[:40])


def test_the_roster_dry_run_preview_and_result_tell_nothing_about_stored_answers(app):
    baseline = record(app, None, "coordA", roster=True)
    assert b"mentee-c@example.org" in baseline["GET /roster/preview"]  # the file was read and checked
    assert b"The import is complete." in baseline["GET /roster/result"]
    failures = []
    for variant in VARIANTS:
        failures += [
            f"[{variant}] {d}" for d in _differences(baseline, record(app, variant, "coordA", roster=True))
        ]
    assert not failures, f"{len(failures)} responses differ:\n" + "\n".join(failures[:40])


def test_in_this_world_the_full_score_would_suggest_another_mentor(app):
    """The check is only as good as its world: here the optimum on the full score suggests mentor D instead
    of mentor C to mentee C once mentor D shares her answers, so a draft built on it would tell."""
    picks = {}
    for variant in (None, "mentor D: answers for the first time"):
        _empty_tables()
        w = build(variant)
        ay = academic_year(YEAR, app.config["ACADEMIC_YEAR_START_MONTH"])
        problem = candidates.matching_problem(
            kind="career",
            ay=ay,
            on=candidates.run_date(ay, dt.date.today()),
            mentee_programs=frozenset({w.prog_a.id}),
            pool_programs=frozenset({w.prog_a.id}),
            urim_categories=app.config["URIM_CATEGORIES"],
        )
        weights = scoring.Weights.from_config(app.config)
        for full in (True, False):
            table = scoring.score(problem, weights, show_concordance=full)
            picked = {s.mentee.email: s.mentor and s.mentor.email for s in assignment.suggest_from(table)}
            picks[variant, full] = picked["mentee-c@example.org"]
    assert picks[None, True] == "mentor-c@example.org"
    assert picks["mentor D: answers for the first time", True] == "mentor-d@example.org"
    assert (
        picks[None, False] == picks["mentor D: answers for the first time", False] == "mentor-c@example.org"
    )
