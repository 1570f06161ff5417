"""The inclusivity workbook: aggregate only, suppressed with groups of exactly 4 and 5 (docs/privacy.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorship.services import exports
from mentorship.services.people import set_self_identification
from tests.reports import institution
from tests.reports.helpers import all_cells, load, request, values

d = dt.date


def _people(f):
    """12 mentees: gender 5 women / 4 men / 3 not disclosed; URiM 6 yes / 5 no / 1 not disclosed."""
    prog = f.program("Internal Medicine")
    mentor = f.mentor(f.person("mentor.one@example.org", "Mo", "Mentorson"))
    set_self_identification(mentor.person, gender="woman", urim="yes")
    f.mentee(f.person("requester@example.org", "Rae", "Requester"), prog, 2, concordance_gender=True)
    # (gender, races, urim) for 12 mentees; the requester above has no self-identification.
    plan = [
        ("woman", [], "yes"),
        ("woman", [], "yes"),
        ("woman", ["black_african_american"], None),  # derived yes
        ("woman", ["hispanic_latino", "white"], None),  # derived yes
        ("woman", ["white"], None),  # derived no
        ("man", ["black_african_american"], None),  # derived yes
        ("man", ["black_african_american"], None),  # derived yes
        ("man", ["black_african_american"], "no"),  # the explicit answer wins: no
        ("man", ["white"], None),  # derived no
        ("prefer_not", ["asian"], None),  # derived no
        (None, ["white"], None),  # derived no
        (None, [], None),  # not disclosed at all
    ]
    mentees = []
    for i, (gender, races, urim) in enumerate(plan):
        m = f.mentee(f.person(f"mentee{i}@example.org", "Name", f"Secret{i}"), prog, 1)
        set_self_identification(m.person, gender=gender, races=races, urim=urim, img="no")
        mentees.append(m)
    # The five women each have a pairing with 0..4 held meetings: 4 of them have a first meeting.
    for i, m in enumerate(mentees[:5]):
        p = f.pairing(mentor, m, d(2024, 7, 1))
        for k in range(i):
            f.meeting(p, d(2024, 8, 1) + dt.timedelta(days=30 * k), 60)
    return prog


@pytest.fixture
def workbook(app, f):
    _people(f)
    return load(exports.build_report("inclusivity", request(app)))


def test_groups_with_suppression(workbook):
    rows = values(workbook["Mentee groups"])
    assert rows[0] == (
        "Program", "Dimension", "Group", "Mentees enrolled", "% with a mentor", "Median meetings per pairing",
        "% engaged", "Median days to first meeting", "% at an event", "% introduced",
        "% with an introduction met",
    )  # fmt: skip
    assert {r[0] for r in rows[1:]} == {"Institution"}  # every program: the institution's figures
    by = {(r[1], r[2]): r[3:8] for r in rows[1:]}
    # No events or introductions: the shares are 0 where a group of 5 or more is shown, else blank.
    networking = {(r[1], r[2]): r[8:] for r in rows[1:]}
    assert {k for k, v in networking.items() if v != (None,) * 3} == {
        ("URiM", "Yes"),
        ("First-generation", "Not disclosed"),
    }
    assert networking[("URiM", "Yes")] == networking[("First-generation", "Not disclosed")] == (0, 0, 0)
    # 5 women, 4 men, 4 not disclosed (2 prefer not/blank, 1 blank, the requester) of 13. The old rule
    # showed "5, <5, <5": 13 - 5 = 8 = 4 + 4, both exact. Now the women are hidden too, with their figures.
    assert by[("Gender", "Woman")] == ("*", None, None, None, None)
    assert by[("Gender", "Man")] == ("<5", None, None, None, None)
    assert by[("Gender", "Nonbinary")] == (0, None, None, None, None)
    assert by[("Gender", "Self-described")] == (0, None, None, None, None)
    assert by[("Gender", "Not disclosed")] == ("<5", None, None, None, None)
    # URiM: yes 6 (4 of them paired: 4/6 with a mentor), no 5 (incl. the explicit no), not disclosed 2:
    # one small cell, so the smallest other count ("no") is hidden. The medians of the 4 paired are blank.
    assert by[("URiM", "Yes")] == (6, pytest.approx(4 / 6), None, None, None)
    assert by[("URiM", "No")] == ("*", None, None, None, None)
    assert by[("URiM", "Not disclosed")] == ("<5", None, None, None, None)
    # IMG: 12 no, 1 not disclosed (the requester): the only other count is hidden too.
    assert by[("International medical graduate", "Yes")][0] == 0
    assert by[("International medical graduate", "No")][0] == "*"
    assert by[("International medical graduate", "Not disclosed")][0] == "<5"
    # Nobody answered first-generation: 13 not disclosed, nothing small, every figure shown
    # (5 of 13 with a mentor; meetings 0..4: median 2; 1 of 5 pairings engaged; 4 first meetings: blank).
    assert by[("First-generation", "Not disclosed")] == (13, pytest.approx(5 / 13), 2, 0.2, None)
    assert by[("PGY", "PGY-1")][0] == "*" and by[("PGY", "PGY-2")][0] == "<5"


def test_aggregate_only_no_names_or_emails(workbook):
    # Only the cover names who generated it; no person of the report appears anywhere.
    texts = [str(c.value) for c in all_cells(workbook) if c.value not in (None, "tester@example.org")]
    assert not [t for t in texts if "@" in t or "Secret" in t or "Mentorson" in t or "Requester" in t]
    assert not [c for c in all_cells(workbook) if c.data_type == "f"]


def test_pools_load_concordance_and_charts(workbook):
    pools = {(r[1], r[2]): r[3:] for r in values(workbook["Pools"])[1:]}
    # One mentor (a URiM woman): with the pool's size known, "<5" would say which group she is in, so
    # her group shows "*" like another one. The mentees' column is the mentee groups' pattern.
    assert pools[("Gender", "Woman")] == ("*", None, "*", None)
    assert pools[("Gender", "Man")] == ("*", None, "<5", None)
    assert pools[("Gender", "Nonbinary")] == (0, None, 0, 0)
    assert pools[("URiM", "Yes")] == ("*", None, 6, pytest.approx(6 / 13))
    load_rows = {(r[1], r[2]): r[3:] for r in values(workbook["Mentor load"])[1:]}
    assert load_rows[("Mentor type", "Faculty")] == ("*", None, None)
    assert load_rows[("Mentor type", "Near-peer (senior resident)")] == ("*", None, None)
    concordance = values(workbook["Concordance"])
    assert concordance[1] == ("Institution", "Same gender", "<5", 0, 0, None)
    assert workbook["Mentee groups"]._charts and workbook["Pools"]._charts and workbook["Mentor load"]._charts
    notes = " ".join(str(r[1]) for r in values(workbook["About"]) if r[1])
    assert "<5" in notes and "complementary" in notes


def _gender_rows(wb, sheet: str, column: int) -> dict[str, list]:
    found: dict[str, list] = {}
    for r in values(wb[sheet])[1:]:
        if r[1] == "Gender":
            found.setdefault(r[0], []).append(r[column])
    return found


def test_the_hand_built_institution_cell_by_cell(app, f):
    objs = institution.build(f)
    institution.identify(objs)
    # Mentees by gender (woman, man, nonbinary, self-described, not disclosed): Alpha 2 1 0 0 1, Beta
    # 3 1 0 0 0, the institution 5 2 0 0 1. Every program cell is small. The institution's 5 women go
    # too: Alpha's three small cells are each at least 1 and add up to 4, so Alpha has at most 2 women,
    # and 5 would leave Beta exactly 3.
    whole = load(exports.build_report("inclusivity", request(app)))
    assert _gender_rows(whole, "Mentee groups", 3) == {"Institution": ["*", "<5", 0, 0, "<5"]}
    both = (objs["alpha"].id, objs["beta"].id)
    coordinator = load(exports.build_report("inclusivity", request(app, program_ids=both)))
    assert _gender_rows(coordinator, "Mentee groups", 3) == {
        "Alpha Medicine": ["<5", "<5", 0, 0, "<5"],
        "Beta Surgery": ["<5", "<5", 0, 0, 0],
    }  # each program, never the two together
    # Mentors by their home program: Moore and Nash (Alpha's mentees), Owen and Park (Beta's). With a
    # pool of 2 known, Alpha's lone woman as "<5" next to its lone man would make 1 + 1: she shows "*".
    assert _gender_rows(coordinator, "Pools", 3) == {
        "Alpha Medicine": ["*", "<5", 0, 0, 0],
        "Beta Surgery": ["*", 0, 0, 0, "<5"],
    }
    assert _gender_rows(whole, "Pools", 3) == {"Institution": ["<5", "<5", 0, 0, "<5"]}
    _req, result = exports.check_suppression(app.config, institution.YEAR, institution.D)
    assert result.ok and result.checked > 0, result
