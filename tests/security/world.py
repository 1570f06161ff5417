"""One fixture world for the security tests: programs A and B, each with mentors, mentees, pairings and
meetings, and an account for every role of the access-control table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import inspect, select, text

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import ExportJob, IssuedRecord, MatchRun, PlannedMeeting, User
from mentorship.services import api_tokens, planning
from mentorship.services import people as people_service
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.events import events, introductions
from mentorship.services.matching import runs, saved, scoring
from mentorship.services.plans import records as plans
from mentorship.services.plans.rules import GoalInput
from tests import factories as f

NOTE_A = "NOTE-A-private-words"
NOTE_2 = "NOTE-2-private-words"
NOTE_B = "NOTE-B-private-words"
GENDER_TEXT = "SELFDESC-{}-private"
GOAL_A = "GOAL-A-private-words"
COMMENT_A = "COMMENT-A-private-words"
GOAL_B = "GOAL-B-private-words"
AGENDA_A = "AGENDA-A-private-words"
AGENDA_B = "AGENDA-B-private-words"
PHONE_A = "+1 617 555 0142"

ROLES = ("anonymous", "mentee", "mentee2", "mentor", "mentor2", "coordA", "coordA_demo", "coordB", "admin")


@dataclass
class World:
    objects: dict[str, Any] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def _account(who, **grants) -> User:
    return f.user(who, **grants)


def matching_run(user: User, programs: frozenset[int] | None, kind: str = "career") -> MatchRun:
    """A saved matching run of this year made by `user` for `programs` (None: every program)."""
    today = dt.date.today()
    ay = academic_year(year_of(today))
    run = runs.Run(
        kind=kind,
        ay=ay,
        today=today,
        mentee_programs=programs,
        pool_programs=programs,
        urim_categories=tuple(current_app.config["URIM_CATEGORIES"]),
        weights=scoring.Weights(),
        show_concordance=user.can_view_demographics,
    )
    program_id = next(iter(programs)) if programs and len(programs) == 1 else None
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return saved.create(run, actor=user, program_id=program_id, year=ay.year, start_date=today, now=now)


def planned(pairing, *, days: int, agenda: str | None = None) -> PlannedMeeting:
    """A planned meeting of `pairing` at 10 am, `days` days from today (negative: before), in TIMEZONE."""
    tz = current_app.config["TIMEZONE"]
    day = planning.local_day(dt.datetime.now(dt.UTC).replace(tzinfo=None), tz) + dt.timedelta(days=days)
    plan = PlannedMeeting(
        pairing=pairing,
        starts_at=planning.to_utc(day, dt.time(10, 0), tz),
        minutes=45,
        place="Clinic B, room 4",
        agenda=agenda,
        uid=f"world-{pairing.id}-{days}@planned.mentorship",
        sequence=0,
        state="planned",
        created_at=dt.datetime.combine(day - dt.timedelta(days=14), dt.time(9)),  # the same in every build
        created_by_id=pairing.mentee.person_id,
    )
    db.session.add(plan)
    db.session.flush()
    return plan


_first_start: list[dt.datetime] = []


def _event_start(now: dt.datetime) -> dt.datetime:
    if not _first_start:
        _first_start.append(now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1))
    return _first_start[0]


def build_world() -> World:
    """Program A: mentor→mentee (pairing_a, meeting_a) and mentor2→mentee2 (pairing_2, meeting_2);
    program B: mentor_b→mentee_b. Everyone has a login (but the newcomer, a mentee of A never invited);
    staff are coordinators of A, of A with view_demographics, of B, and an admin."""
    w = World()
    today = dt.date.today()
    prog_a, prog_b = f.program("Program A"), f.program("Program B")
    o = w.objects
    o["prog_a"], o["prog_b"] = prog_a, prog_b
    for suffix, prog, note in (("a", prog_a, NOTE_A), ("2", prog_a, NOTE_2), ("b", prog_b, NOTE_B)):
        mentor = f.mentor(f.person(f"mentor-{suffix}@example.org", "Mentor", f"Mentor{suffix.upper()}"))
        mentor.program_id = prog.id
        mentee = f.mentee(f.person(f"mentee-{suffix}@example.org", "Mentee", f"Mentee{suffix.upper()}"), prog)
        pairing = f.pairing(mentor, mentee, start_date=today - dt.timedelta(days=200))
        meeting = f.meeting(
            pairing,
            today - dt.timedelta(days=3),
            notes=note,
            logged_by_id=mentor.person_id,
            logged_as="mentor",
        )
        people_service.set_self_identification(
            mentee.person,
            gender="self_described",
            gender_description=GENDER_TEXT.format(suffix),
            races=["black_african_american"],
            urim="yes",
        )
        o[f"mentor_{suffix}"], o[f"mentee_{suffix}"] = mentor, mentee
        o[f"pairing_{suffix}"], o[f"meeting_{suffix}"] = pairing, meeting
    w.mentor_a.person.phone, w.mentor_a.person.contact_method = PHONE_A, "text"
    # Planned meetings (their own table, never counted): one to come and one awaiting "Did it happen?".
    o["plan_a"] = planned(w.pairing_a, days=3, agenda=AGENDA_A)
    o["plan_past_a"] = planned(w.pairing_a, days=-2, agenda=AGENDA_A)
    o["plan_b"] = planned(w.pairing_b, days=3, agenda=AGENDA_B)
    # A resident of program A enrolled but never invited: the one login a coordinator of A may manage.
    o["newcomer"] = f.mentee(f.person("newcomer@example.org", "Nia", "Newcomer"), prog_a)
    u = w.users
    u["mentee"] = _account(w.mentee_a.person)
    u["mentee2"] = _account(w.mentee_2.person)
    u["mentor"] = _account(w.mentor_a.person)
    u["mentor2"] = _account(w.mentor_2.person)
    _account(w.mentor_b.person)
    _account(w.mentee_b.person)
    u["coordA"] = _account(f.person("coord-a@example.org", "Coord", "A"), programs=[prog_a])
    u["coordA_demo"] = _account(
        f.person("coord-a-demo@example.org", "Coord", "ADemo"),
        programs=[prog_a],
        view_demographics=True,
        view_plans=True,
    )
    u["coordB"] = _account(f.person("coord-b@example.org", "Coord", "B"), programs=[prog_b])
    u["admin"] = _account(f.person("admin@example.org", "Ada", "Admin"), is_admin=True)
    # This year's development plans: goal text only for the pair and view_plans staff (coordA_demo).
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    year = year_of(today)
    for suffix, title in (("a", GOAL_A), ("b", GOAL_B)):
        mentee = o[f"mentee_{suffix}"]
        goal = plans.add_goal(plans.open_plan(mentee, year), GoalInput(title), by=mentee.person, now=now)
        o[f"goal_{suffix}"] = goal
    plans.add_comment(w.goal_a, COMMENT_A, by=w.mentor_a.person, now=now)
    o["template_a"] = plans.add_template(prog_a, 2, "Suggested A", None, actor=u["admin"])
    o["template_b"] = plans.add_template(prog_b, 2, "Suggested B", None, actor=u["admin"])
    # Saved matching runs of research pairings (everyone still needs one): one per scope.
    a, b = frozenset({prog_a.id}), frozenset({prog_b.id})
    o["run_a"] = matching_run(u["coordA"], a, "research")
    o["run_b"] = matching_run(u["coordB"], b, "research")
    o["run_demo"] = matching_run(u["coordA_demo"], a, "research")
    o["run_admin"] = matching_run(u["admin"], None, "research")
    # A mentor's API token, for the rows that revoke one: only its owner may.
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    o["mentor_api_token"], _plain = api_tokens.create_token(
        u["mentor"], "world script", write=False, days=30, now=now, actor=None
    )
    # A workbook a background job prepared for coordinator A (only they may see or download it).
    o["export_a"] = ExportJob(
        user_id=u["coordA"].id,
        report="engagement",
        year=year_of(now.date()),
        program_ids=[prog_a.id],
        today=now.date(),
        created_at=now,
        finished_at=now,
        filename="engagement-program-a.xlsx",
        content=b"PK workbook bytes",
    )
    db.session.add(o["export_a"])
    # A faculty mentoring record issued to mentor A: its verification code, and one for an admin to revoke.
    o["record_a"] = IssuedRecord(
        mentor_id=w.mentor_a.id,
        year=year_of(today),
        mentor_name=w.mentor_a.person.full_name,
        totals={"mentees": 1, "meetings": 1, "hours": 1.0},
        issued_at=now,
    )
    db.session.add(o["record_a"])
    # An event of each program, under way: from the full hour before the first world of this test run, for six
    # hours, organized by the admin. One start for every world, fixed check-in keys, and no page changing
    # state (started, answers and check-in open) for at least four hours: two worlds built a minute apart,
    # even either side of an hour, show the same pages.
    now = events.office_now(current_app.config["TIMEZONE"])
    start = _event_start(now)
    for suffix, prog in (("a", prog_a), ("b", prog_b)):
        data = events.EventInput(
            title=f"Event {suffix.upper()}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=6),
            program_ids=[prog.id],
        )
        o[f"event_{suffix}"] = events.create_event(
            data, organizer=u["admin"].person, scope=Scope(None), now=now
        )
        o[f"event_{suffix}"].checkin_key = f"check-in-key-{suffix}"
    # Mentor A introduced mentee A to mentor B.
    o["intro_a"] = introductions.introduce(
        w.mentee_a,
        introductions.IntroductionInput(purpose="research", context="Runs the lab", mentor_id=w.mentor_b.id),
        by=w.mentor_a.person,
        now=now,
    )
    db.session.commit()
    return w


def snapshot(skip_audit: bool = False) -> dict[str, list[tuple]]:
    """Every row of every table (audit_events optional), to prove a request changed nothing."""
    db.session.expire_all()
    out = {}
    for table in db.metadata.sorted_tables:
        if skip_audit and table.name == "audit_events":
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(select(table).order_by(*order)).all()
        out[table.name] = [tuple(r) for r in rows]
    return out


def audit_actions_since(last_id: int) -> list[str]:
    return list(
        db.session.execute(
            text("SELECT action FROM audit_events WHERE id > :i ORDER BY id"), {"i": last_id}
        ).scalars()
    )


def max_audit_id() -> int:
    return db.session.execute(text("SELECT COALESCE(MAX(id), 0) FROM audit_events")).scalar_one()


def row_counts() -> dict[str, int]:
    names = inspect(db.engine).get_table_names()
    return {n: db.session.execute(text(f"SELECT COUNT(*) FROM {n}")).scalar_one() for n in names}  # noqa: S608 (table names from the schema)
