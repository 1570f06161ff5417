"""The inclusivity workbook: aggregate only, §4 suppression with groups of exactly 4 and 5."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorship.dashboard import exports
from mentorship.services.people import set_self_identification
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
        "Dimension", "Group", "Mentees enrolled", "% with a mentor", "Median meetings per pairing",
        "% engaged", "Median days to first meeting",
    )  # fmt: skip
    by = {(r[0], r[1]): r[2:] for r in rows[1:]}
    # 5 women (plus nobody else): figures shown; the median days rests on 4 people -> blank.
    assert by[("Gender", "Woman")] == (5, 1, 2, 0.2, None)
    assert by[("Gender", "Man")] == ("<5", None, None, None, None)  # exactly 4
    assert by[("Gender", "Nonbinary")] == (0, None, None, None, None)
    assert by[("Gender", "Not disclosed")] == ("<5", None, None, None, None)  # 2 prefer not/blank + requester
    # URiM: yes 6, no 5 (incl. the explicit no), not disclosed 2 -> one small cell, so "no" becomes "*".
    assert by[("URiM", "Yes")][0] == 6
    assert by[("URiM", "No")] == ("*", None, None, None, None)
    assert by[("URiM", "Not disclosed")][0] == "<5"
    # IMG: 12 no, 1 not disclosed (the requester): the only other count is hidden too.
    assert by[("International medical graduate", "No")][0] == "*"
    assert by[("International medical graduate", "Not disclosed")][0] == "<5"
    assert by[("PGY", "PGY-1")][0] == "*" and by[("PGY", "PGY-2")][0] == "<5"


def test_aggregate_only_no_names_or_emails(workbook):
    # Only the cover names who generated it; no person of the report appears anywhere.
    texts = [str(c.value) for c in all_cells(workbook) if c.value not in (None, "tester@example.org")]
    assert not [t for t in texts if "@" in t or "Secret" in t or "Mentorson" in t or "Requester" in t]
    assert not [c for c in all_cells(workbook) if c.data_type == "f"]


def test_pools_load_concordance_and_charts(workbook):
    pools = {(r[0], r[1]): r[2:] for r in values(workbook["Pools"])[1:]}
    assert pools[("Gender", "Woman")] == ("<5", None, 5, pytest.approx(5 / 13))
    load_rows = {(r[0], r[1]): r[2:] for r in values(workbook["Mentor load"])[1:]}
    assert load_rows[("Mentor type", "Faculty")] == ("<5", None, None)
    concordance = values(workbook["Concordance"])
    assert concordance[1] == ("Same gender", "<5", 0, 0, None)
    assert workbook["Mentee groups"]._charts and workbook["Pools"]._charts and workbook["Mentor load"]._charts
    notes = " ".join(str(r[1]) for r in values(workbook["About"]) if r[1])
    assert "<5" in notes and "complementary" in notes
