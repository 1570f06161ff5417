"""The annual program review workbook: a sheet per program plus the institution, five-year trends."""

from __future__ import annotations

import pytest

from mentorship.dashboard import exports
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
        "AY 2024–25", 8, 6, 0.75, 7, 15, 14, 2, pytest.approx(2 / 7), 2, pytest.approx(2 / 7), 19,
    )  # fmt: skip
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
        "Dimension",
        "Group",
        "Mentees enrolled",
        "% with a mentor",
        "% engaged",
        *[None] * 7,
    )
    # Nobody self-identified: the 4 enrolled Alpha mentees are one "<5" cell, every rate blank.
    assert rows[incl + 6][:5] == ("Gender", "Not disclosed", "<5", None, None)
    assert not [c for c in all_cells(workbook) if c.data_type == "f"]
