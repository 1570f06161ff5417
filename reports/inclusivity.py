"""The inclusivity workbook: aggregate only, already suppressed (docs/privacy.md).

Every table starts with the program its rows are about ("Institution" for the whole institution).
"""

from __future__ import annotations

from typing import Any

from reports.engagement import cover_of
from reports.xlsx import Column, Table, chart, new_workbook, save, write_cover, write_sheet

GROUP_COLUMNS = [
    Column("Program", width=28),
    Column("Dimension", width=30),
    Column("Group", width=22),
    Column("Mentees enrolled", "int"),
    Column("% with a mentor", "pct"),
    Column("Median meetings per pairing", "number"),
    Column("% engaged", "pct"),
    Column("Median days to first meeting", "number"),
]
POOL_COLUMNS = [
    Column("Program", width=28),
    Column("Dimension", width=30),
    Column("Group", width=22),
    Column("Mentors", "int"),
    Column("Share of mentors", "pct"),
    Column("Mentees", "int"),
    Column("Share of mentees", "pct"),
]
LOAD_COLUMNS = [
    Column("Program", width=28),
    Column("Dimension", width=30),
    Column("Group", width=28),
    Column("Mentors", "int"),
    Column("Mentees per mentor", "number"),
    Column("Share of capacity used", "pct"),
]
CONCORDANCE_COLUMNS = [
    Column("Program", width=28),
    Column("Request", width=24),
    Column("Requests made", "int"),
    Column("With a mentor in the year", "int"),
    Column("Requests met", "int"),
    Column("Share met (of those with a mentor)", "pct"),
]
SHEETS = [
    (
        "Mentee groups",
        "Per dimension and group: mentees enrolled, % with a mentor, median meetings per "
        "pairing, % engaged, median days to first meeting; charts per dimension.",
    ),
    ("Pools", "Mentor pool composition beside mentee pool composition."),
    ("Mentor load", "Mentees per mentor and share of capacity used, by mentor group."),
    ("Concordance", "Concordance requests made and met, as a description, not a target."),
]


def _sections(rows: list[tuple]) -> list[tuple[str, int, int]]:
    """(title, first index, last index) of consecutive rows of the same program and dimension."""
    spans: list[tuple[tuple, int, int]] = []
    for i, row in enumerate(rows):
        if spans and spans[-1][0] == row[:2]:
            spans[-1] = (row[:2], spans[-1][1], i)
        else:
            spans.append((row[:2], i, i))
    return [(f"{program}, {dimension}", first, last) for (program, dimension), first, last in spans]


def build(data: Any) -> bytes:
    """Inclusivity workbook bytes from report_data.InclusivityData."""
    wb = new_workbook()
    write_cover(wb, cover_of(data, SHEETS))

    ws, (placed,) = write_sheet(wb, "Mentee groups", [Table(GROUP_COLUMNS, data.groups)])
    for n, (name, first, last) in enumerate(_sections(data.groups)):
        rows = (3, placed.first_row + first, placed.first_row + last)
        made = chart(
            ws,
            "bar",
            f"{name}: % with a mentor and % engaged",
            rows,
            [("% with a mentor", 5), ("% engaged", 7)],
            percent=True,
        )
        ws.add_chart(made, f"J{2 + 17 * n}")

    ws, (placed,) = write_sheet(wb, "Pools", [Table(POOL_COLUMNS, data.pools)])
    for n, (name, first, last) in enumerate(_sections(data.pools)):
        rows = (3, placed.first_row + first, placed.first_row + last)
        made = chart(
            ws,
            "bar",
            f"{name}: mentor and mentee pools",
            rows,
            [("Share of mentors", 5), ("Share of mentees", 7)],
            percent=True,
        )
        ws.add_chart(made, f"I{2 + 17 * n}")

    ws, (placed,) = write_sheet(wb, "Mentor load", [Table(LOAD_COLUMNS, data.mentor_load)])
    for n, (name, first, last) in enumerate(_sections(data.mentor_load)):
        rows = (3, placed.first_row + first, placed.first_row + last)
        made = chart(
            ws, "bar", f"{name}: share of capacity used", rows, [("Share of capacity used", 6)], percent=True
        )
        ws.add_chart(made, f"H{2 + 17 * n}")

    text = Table([Column("About concordance", width=100)], [(line,) for line in data.concordance_text])
    write_sheet(wb, "Concordance", [Table(CONCORDANCE_COLUMNS, data.concordance), text])
    return save(wb, data.cover.generated_at)
