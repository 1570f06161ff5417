"""A blank cell leaves the stored value unchanged, column by column, on every sheet: a newer roster that
fills in less than the first one never erases what the first one (or the person) gave."""

from __future__ import annotations

import pytest

from mentorship.extensions import db
from mentorship.services import roster as ri
from mentorship.services.roster.columns import COLUMNS, REQUIRED
from tests.roster.helpers import TOPICS, clock, dump, xlsx

MAX = 10 * 1024 * 1024

# Every column of the template, filled in (the near-peer mentor is also listed as a preference).
FULL = {
    "Programs": {"name": "Internal Medicine", "specialty": "Internal Medicine", "kind": "residency"},
    "Mentors": {
        "email": "senior@example.org",
        "first_name": "Sam",
        "last_name": "Senior",
        "mentor_type": "near_peer",
        "department": "Medicine",
        "specialty": "Cardiology",
        "rank": "Chief resident",
        "program": "Internal Medicine",
        "pgy": 4,
        "capacity": 2,
        "interests": "research; teaching",
        "enrolled_on": "2024-07-01",
        "left_on": "2030-06-30",
        "gender": "woman",
        "race_ethnicity": "Asian; White",
        "urim": "no",
        "img": "yes",
        "first_generation": "yes",
    },
    "Mentees": {
        "email": "resident@example.org",
        "first_name": "Riley",
        "last_name": "Resident",
        "program": "Internal Medicine",
        "pgy": 1,
        "interests": "research; qi",
        "preferred_mentors": "senior@example.org",
        "do_not_match": "faculty@example.org",
        "concordance_request": "gender; urim",
        "enrolled_on": "2024-07-01",
        "left_on": "2029-06-30",
        "gender": "man",
        "race_ethnicity": "Black or African American; Hispanic or Latino",
        "urim": "yes",
        "img": "no",
        "first_generation": "yes",
    },
    "Pairings": {
        "mentor_email": "senior@example.org",
        "mentee_email": "resident@example.org",
        "start_date": "2024-07-15",
        "end_date": "2025-06-30",
        "kind": "career",
        "end_reason": "completed",
    },
    "Meetings": {
        "mentor_email": "senior@example.org",
        "mentee_email": "resident@example.org",
        "date": "2024-08-01",
        "duration_minutes": 45,
        "modality": "video",
        "status": "held",
        "topics": "research; wellness",
        "notes": "Talked about a poster",
    },
}
OTHER_MENTOR = ["faculty@example.org", "Fay", "Faculty"]


def _sheets(blank: tuple[str, str] | None = None) -> dict[str, list[list]]:
    sheets = {}
    for sheet, row in FULL.items():
        columns = list(COLUMNS[sheet])
        values = [None if (sheet, column) == blank else row[column] for column in columns]
        sheets[sheet] = [columns, values]
    sheets["Mentors"].append(OTHER_MENTOR + [None] * (len(COLUMNS["Mentors"]) - 3))
    return sheets


def _import(sheets) -> ri.ImportResult:
    result = ri.import_roster(ri.read_files([("roster.xlsx", xlsx(sheets))], MAX), **clock(), topics=TOPICS)
    db.session.commit()
    return result


OPTIONAL = [
    (sheet, column)
    for sheet in FULL
    for column in COLUMNS[sheet]
    if column not in REQUIRED[sheet]
    # Part of how a pairing or meeting is recognised (blank means the default kind or modality).
    and (sheet, column) not in {("Pairings", "kind"), ("Meetings", "modality")}
]


def test_every_optional_column_is_listed():
    assert len(OPTIONAL) == 2 + 15 + 11 + 2 + 3
    assert ("Mentees", "preferred_mentors") in OPTIONAL and ("Mentors", "first_generation") in OPTIONAL


@pytest.mark.parametrize(("sheet", "column"), OPTIONAL, ids=[f"{s}.{c}" for s, c in OPTIONAL])
def test_a_blank_cell_leaves_the_stored_value_unchanged(sheet, column):
    _import(_sheets())
    before = dump()
    assert before["people"]["resident@example.org"]["selfid"] is not None
    _import(_sheets(blank=(sheet, column)))
    assert dump() == before


def test_a_row_with_only_gender_keeps_the_other_answers():
    _import(_sheets())
    rows = _sheets()
    mentees = rows["Mentees"]
    for column in ("race_ethnicity", "urim", "img", "first_generation"):
        mentees[1][mentees[0].index(column)] = None
    mentees[1][mentees[0].index("gender")] = "nonbinary"
    result = _import(rows)
    selfid = dump()["people"]["resident@example.org"]["selfid"]
    assert selfid == ("nonbinary", ("black_african_american", "hispanic_latino"), False, "yes", "no", "yes")
    assert result.preview.selfid_given == 2  # the mentee's row and the mentor's


def test_an_explicit_answer_still_replaces_the_stored_one():
    _import(_sheets())
    rows = _sheets()
    mentees = rows["Mentees"]
    mentees[1][mentees[0].index("race_ethnicity")] = "prefer not to say"
    mentees[1][mentees[0].index("urim")] = "prefer not to say"
    _import(rows)
    selfid = dump()["people"]["resident@example.org"]["selfid"]
    assert selfid == ("man", (), True, "prefer_not", "no", "yes")
