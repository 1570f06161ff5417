"""Every output of a year, for every scope, read back and handed to the rebuilding test (docs/privacy.md)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorship.extensions import db
from mentorship.models import Invitation
from mentorship.services import exports
from mentorship.services.people import set_self_identification
from mentorship.services.suppression import store, tables
from mentorship.services.suppression.tables import load_year, network_tables, year_tables
from reports.xlsx import neutralise
from tests.conftest import _empty_tables
from tests.events import network_world
from tests.metrics.old_rule import decide_as_before
from tests.reports.helpers import load, request, values

YEAR, D = 2024, dt.date(2025, 3, 31)
GENDERS = ("woman", "man", "nonbinary", "self_described", None)
ANSWERS = ("yes", "no", None)
_emails = itertools.count(1)


def _mentee(f, program, gender=None, urim=None, img=None, first_generation=None, pgy=1, **kw):
    m = f.mentee(f.person(f"mentee{next(_emails)}@example.org", "Res", "Ident"), program, pgy, **kw)
    set_self_identification(m.person, gender=gender, urim=urim, img=img, first_generation=first_generation)
    return m


def _leaky(f):
    """Alpha: one nonbinary and one self-described resident among 21 (1 + 1 = 21 - 10 - 9).
    Beta: 3 nonbinary residents, hidden in its own breakdown but 10 - 1 - 6 = 3 from the institution's."""
    programs = {name: f.program(name) for name in ("Alpha", "Beta", "Gamma")}
    plan = {"Alpha": [10, 9, 1, 1, 0], "Beta": [10, 8, 3, 0, 6], "Gamma": [7, 9, 6, 0, 8]}
    for name, counts in plan.items():
        for gender, n in zip(GENDERS, counts, strict=True):
            for _ in range(n):
                _mentee(f, programs[name], gender, urim="no", img="no", first_generation="no")
    db.session.flush()
    return programs


def _published(app, today=D):
    """{(kind, dimension, program, group): set of what the outputs show} and the true counts."""
    req, observations = exports.published_demographics(app.config, YEAR, today)
    s = req.settings
    truth = {}
    people = load_year(req.ay, req.as_of, s.metrics, s.urim_categories)
    for table in (*year_tables(people), *network_tables(people)):
        lay = table.layout
        for (g, column), n in table.values().items():
            truth[(*lay.key, neutralise(lay.column_name(column)), lay.groups[g])] = n
    seen: dict[tuple, set] = {}
    for (kind, dimension), group, program, shown in observations:
        seen.setdefault((kind, dimension, program, group), set()).add(shown)
    return seen, truth


def test_the_old_rule_is_caught_and_the_new_pattern_is_not(app, f, monkeypatch):
    _leaky(f)
    monkeypatch.setattr(tables, "decide", decide_as_before)
    monkeypatch.setattr(store, "RULES", "the old rule")  # its patterns are kept apart from today's
    _req, result = exports.check_suppression(app.config, YEAR, D)
    found = {(p.kind, p.dimension, p.program, p.group): p.value for p in result.pinned}
    assert found[("Mentees", "Gender", "Alpha", "Nonbinary")] == 1
    assert found[("Mentees", "Gender", "Alpha", "Self-described")] == 1
    assert found[("Mentees", "Gender", "Beta", "Nonbinary")] == 3  # 10 - 1 - 6
    monkeypatch.undo()
    _req, result = exports.check_suppression(app.config, YEAR, D)
    assert result.ok and result.checked > 0, (result.pinned, result.problems)
    seen, truth = _published(app)
    assert seen[("Mentees", "Gender", "Alpha", "Nonbinary")] == {"<5"}
    assert all(
        isinstance(s, str) or s == truth[key] for key, shown in seen.items() for s in shown
    )  # every published count is the true one


def test_several_programs_get_each_program_never_their_sum(app, f):
    programs = _leaky(f)
    ids = (programs["Alpha"].id, programs["Beta"].id)
    wb = load(exports.build_report("inclusivity", request(app, program_ids=ids)))
    for sheet in ("Mentee groups", "Pools", "Mentor load", "Concordance"):
        shown = {r[0] for r in values(wb[sheet])[1:] if r[0] and r[1]}
        assert {"Alpha", "Beta"} <= shown and shown <= {"Alpha", "Beta", "About concordance"}, sheet
    groups = {(r[0], r[2]): r[3] for r in values(wb["Mentee groups"])[1:] if r[1] == "Gender"}
    assert groups[("Alpha", "Woman")] == 10 and groups[("Beta", "Woman")] == 10  # not 20
    review = load(exports.build_report("annual-review", request(app, program_ids=ids)))
    combined = values(review["All selected programs"])
    start = next(i for i, r in enumerate(combined) if (r[0] or "").startswith("Inclusivity summary"))
    assert "not summed over several programs" in combined[start][0]
    assert all(r[0] is None for r in combined[start + 2 :])  # a header and no rows


MENTEES = st.lists(st.integers(0, 12), min_size=5, max_size=5)  # per gender group
ANSWER_SIZES = st.lists(st.integers(0, 12), min_size=2, max_size=2)  # yes, no (the rest: not disclosed)
PROGRAM = st.fixed_dictionaries(
    {
        "gender": MENTEES,
        "urim": ANSWER_SIZES,
        "img": ANSWER_SIZES,
        "first_generation": ANSWER_SIZES,
        "pgy": st.lists(st.integers(1, 3), min_size=60, max_size=60),
        "mentors": st.lists(st.tuples(st.sampled_from(GENDERS), st.sampled_from(ANSWERS)), max_size=8),
        "concordance": st.lists(st.booleans(), min_size=60, max_size=60),
        # Per mentee: at an event, and introductions (0 none, 1 one not met, 2 one met).
        "network": st.lists(st.tuples(st.booleans(), st.integers(0, 2)), min_size=60, max_size=60),
    }
)


def _answers(sizes: list[int], total: int) -> list:
    """`total` answers: sizes[0] yes, sizes[1] no (as many as fit), the rest not disclosed."""
    yes = min(sizes[0], total)
    no = min(sizes[1], total - yes)
    return ["yes"] * yes + ["no"] * no + [None] * (total - yes - no)


def _institution(f, spec: list[dict]) -> None:
    event = network_world.event("Night", "social", dt.datetime(2024, 9, 1, 18), [], [])
    introducer = f.mentor(f.person(f"mentor{next(_emails)}@example.org", "Intro", "Ducer"))
    for n, program_spec in enumerate(spec):
        program = f.program(f"Program {n}")
        genders = [g for g, k in zip(GENDERS, program_spec["gender"], strict=True) for _ in range(k)]
        total = len(genders)
        # Answers of other dimensions are dealt in another order, so that groups cross.
        urim = _answers(program_spec["urim"], total)[::-1]
        img = _answers(program_spec["img"], total)
        first = _answers(program_spec["first_generation"], total)[::-1]
        mentees = [
            _mentee(
                f,
                program,
                genders[i],
                urim=urim[i],
                img=img[(i * 7) % total],
                first_generation=first[i],
                pgy=program_spec["pgy"][i],
                concordance_gender=program_spec["concordance"][i],
                concordance_urim=program_spec["concordance"][-1 - i],
            )
            for i in range(total)
        ]
        for mentee, (attended, introduced) in zip(mentees, program_spec["network"], strict=False):
            if attended:
                db.session.add(
                    Invitation(event=event, person=mentee.person, token=f"t{mentee.id}", attended=True)
                )
            if introduced:
                outcome = "met" if introduced == 2 else "not_yet"
                network_world.intro(
                    mentee, introducer, dt.date(2024, 10, 1), outcome, contact=("Co", "co@x.org")
                )
        for j, (gender, urim_answer) in enumerate(program_spec["mentors"]):
            mentor = f.mentor(f.person(f"mentor{next(_emails)}@example.org", "Fac", "Ulty"))
            set_self_identification(mentor.person, gender=gender, urim=urim_answer)
            if mentees:
                f.pairing(mentor, mentees[j % len(mentees)], dt.date(2024, 8, 1))
    db.session.flush()


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=st.lists(PROGRAM, min_size=2, max_size=4))
def test_random_institutions_every_output_every_scope(app, f, spec):
    _empty_tables()
    _institution(f, spec)
    _req, result = exports.check_suppression(app.config, YEAR, D)
    assert result.ok, (result.pinned, result.problems)
    seen, truth = _published(app)
    shares = {tables.network_label(g, m): g for g in {k[3] for k in seen} for m in tables.NETWORK_MEASURES}
    for key, shown in seen.items():
        assert all(s == truth[key] for s in shown if isinstance(s, int)), key  # true counts only
        if key[3] in shares:
            # The count a share gives away is known only over a shown group of at least 5 people (or of
            # none: 0 of 0).
            group = seen[(*key[:3], shares[key[3]])]
            big = all(isinstance(n, int) and (n >= 5 or n == 0) for n in group)
            assert all(isinstance(s, str) for s in shown) or big, key
        elif 0 < truth[key] < 5:
            assert all(isinstance(s, str) for s in shown), key  # never shown


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo", "seed", "--size", "small"])
    assert result.exit_code == 0, result.output
    return dt.date.today().year - (dt.date.today().month < 7)


def test_the_command_passes_on_the_demo(runner, demo):
    result = runner.invoke(args=["report", "check-suppression", "--year", str(demo)])
    assert result.exit_code == 0, result.output
    assert "no suppressed cell can be rebuilt (" in result.output and "cells checked)" in result.output


def test_the_command_names_every_cell_it_can_rebuild(runner, demo, monkeypatch):
    monkeypatch.setattr(tables, "decide", decide_as_before)
    monkeypatch.setattr(store, "RULES", "the old rule")  # its patterns are kept apart from today's
    result = runner.invoke(args=["report", "check-suppression", "--year", str(demo)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "can only be" in line]
    assert lines and all(line.startswith("AY ") and " by " in line for line in lines), result.output
    assert "suppressed cell(s) can be rebuilt" in result.output


def test_the_command_refuses_a_bad_year(runner):
    assert (
        "is not an academic year" in runner.invoke(args=["report", "check-suppression", "--year", "x"]).output
    )
    result = runner.invoke(args=["report", "check-suppression", "--year", "2999"])
    assert result.exit_code == 1 and "has not started" in result.output


def test_a_single_pgy_level_still_has_somewhere_to_hide(app, f):
    # Every mentee is PGY-1: a breakdown of one level would be the program's total, so PGY-2 is shown
    # (empty) and can hold a hidden count.
    alpha, beta = f.program("Alpha"), f.program("Beta")
    for program, n in ((alpha, 3), (beta, 7)):
        for _ in range(n):
            _mentee(f, program, "woman")
    wb = load(exports.build_report("inclusivity", request(app, program_ids=(alpha.id,))))
    pgy = [r[2:4] for r in values(wb["Mentee groups"])[1:] if r[1] == "PGY"]
    assert pgy == [("PGY-1", "<5"), ("PGY-2", "*")]
    _req, result = exports.check_suppression(app.config, YEAR, D)
    assert result.ok, result
