"""The annual program review workbook: a sheet per program plus the institution, five-year trends."""

from __future__ import annotations

import pytest

from mentorship.services import exports
from tests.reports import institution
from tests.reports.helpers import all_cells, load, request, values


@pytest.fixture
def workbook(app, f):
    institution.build(f)
    return load(exports.build_report("annual-review", request(app)))


def test_sheets_and_trend(workbook):
    assert workbook.sheetnames == ["About", "Institution", "=Gamma", "Alpha Medicine", "Beta Surgery"]
    rows = values(workbook["Institution"])
    assert rows[0][0] == "Institution: key figures by academic year"
    assert rows[1][:4] == ("Academic year", "Mentees enrolled", "Mentees with a mentor", "Coverage")
    trend = rows[2:7]
    assert [r[0] for r in trend] == ["AY 2020–21", "AY 2021–22", "AY 2022–23", "AY 2023–24", "AY 2024–25"]
    assert trend[-1] == (
        "AY 2024–25", 8, 6, 0.75, 7, 15, 14, 2, pytest.approx(2 / 7), 2, pytest.approx(2 / 7), 19, 0.375,
        0, 0,  # no events: no mentee at an event, none attended per mentee
    )  # fmt: skip
    # Plans reviewed twice as a trend: Eve's AY 2023 plan had two reviews in AY 2023.
    assert rows[1][-3] == "Plans reviewed twice"
    assert trend[-2][1] and trend[-2][-3] == pytest.approx(1 / trend[-2][1])
    beta = values(workbook["Beta Surgery"])[6]
    assert beta == (
        "AY 2024–25",
        4,
        3,
        0.75,
        3,
        6,
        5.5,
        1,
        pytest.approx(1 / 3),
        1,
        pytest.approx(1 / 3),
        12.5,
        0.5,
        0,
        0,
    )
    assert len(workbook["Institution"]._charts) == 2


def test_topic_mix_and_inclusivity_summary(workbook):
    rows = values(workbook["Alpha Medicine"])
    start = next(i for i, r in enumerate(rows) if r[0] == "Topic mix (held meetings per topic)")
    header, *topics = rows[start + 1 : start + 12]
    assert header[:7] == (
        "Topic",
        "AY 2020–21",
        "AY 2021–22",
        "AY 2022–23",
        "AY 2023–24",
        "AY 2024–25",
        "Share in AY 2024–25",
    )
    by = {r[0]: r for r in topics}
    assert by["research"][5:7] == (1, pytest.approx(1 / 9))
    incl = next(i for i, r in enumerate(rows) if (r[0] or "").startswith("Inclusivity summary"))
    assert rows[incl + 1] == (
        "Program",
        "Dimension",
        "Group",
        "Mentees enrolled",
        "% with a mentor",
        "% engaged",
        "% at an event",
        "% introduced",
        "% with an introduction met",
        *[None] * 6,  # the sheet is as wide as its trend table
    )


# Nobody self-identified: each program's 4 enrolled mentees are all "Not disclosed". That cell is "<5",
# and with the program's total published it would be exactly 4 unless another cell of the program could
# hold someone: so the first group's 0 is hidden, and with it the institution's (or the program's cell
# could only be 0 again) and the institution's 8 not disclosed (or its column would not add up).
GENDER_ROWS = ["Woman", "Man", "Nonbinary", "Self-described", "Not disclosed"]
ANSWER_ROWS = ["Yes", "No", "Not disclosed"]
PROGRAM_SHOWS = ["*", 0, 0, 0, "<5"] + ["*", 0, "<5"] * 3
INSTITUTION_SHOWS = ["*", 0, 0, 0, "*"] + ["*", 0, "*"] * 3


@pytest.mark.parametrize(
    ("sheet", "name", "shows"),
    [
        ("Institution", "Institution", INSTITUTION_SHOWS),
        ("Alpha Medicine", "Alpha Medicine", PROGRAM_SHOWS),
        ("Beta Surgery", "Beta Surgery", PROGRAM_SHOWS),
        ("=Gamma", "'=Gamma", [0] * 14),
    ],
)
def test_inclusivity_summary_cell_by_cell(workbook, sheet, name, shows):
    rows = values(workbook[sheet])
    incl = next(i for i, r in enumerate(rows) if (r[0] or "").startswith("Inclusivity summary"))
    dimensions = ["Gender"] * 5 + ["URiM"] * 3 + ["International medical graduate"] * 3
    dimensions += ["First-generation"] * 3
    groups = GENDER_ROWS + ANSWER_ROWS * 3
    expected = [(name, d, g, n, *[None] * 5) for d, g, n in zip(dimensions, groups, shows, strict=True)]
    assert [r[:9] for r in rows[incl + 2 :]] == expected  # every rate blank: no group of 5


def test_no_formulas(workbook):
    assert not [c for c in all_cells(workbook) if c.data_type == "f"]
