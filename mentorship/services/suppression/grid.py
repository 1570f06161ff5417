"""The shape of a demographic table over every program plus the institution (see docs/privacy.md).

A table counts people of one dimension (say, mentees by gender) in a column per program and one for the
institution. What anyone may know about it without seeing a single count is its `Layout`: the groups, the
columns, and the classes of people, that is, who counts in which columns and how many there are (a mentee
counts in their program and the institution; a mentor counts in every program whose pool they are in, which
the identified engagement workbook shows). The rebuilding test works on a layout and what was published; the
pattern is decided from a `Table`, which adds the true counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

INSTITUTION: int | None = None  # the column of the whole institution; programs are keyed by their id
INSTITUTION_NAME = "Institution"  # how outputs name that column
COMPLEMENTARY = "*"

Shown = int | str  # a published count, the primary mark ("<5") or COMPLEMENTARY
Cell = tuple[int, int | None]  # (group index, column): program id, or INSTITUTION


def primary_mark(min_cell: int) -> str:
    """How a suppressed small count is shown: "<5" for the default threshold."""
    return f"<{min_cell}"


@dataclass(frozen=True)
class PeopleClass:
    """People who count in the same programs' columns (and always in the institution's).

    `size` is how many there are when that is published (a program's mentees enrolled), else None.
    """

    programs: frozenset[int]
    size: int | None


@dataclass(frozen=True)
class Layout:
    """Everything about a table that is public: its groups, columns and classes of people.

    `parts` split each class into the disjoint sets the groups are made of; `groups[i]` counts the parts
    `rows[i]`. For a breakdown (gender: woman, man, ...) each group is one part; for concordance requests
    (made, with a mentor, met) the groups are nested: "made" counts all three parts, "met" only the last.
    """

    kind: str  # "Mentees", "Mentors" or "Concordance"
    dimension: str  # its label, e.g. "Gender"
    groups: tuple[str, ...]
    rows: tuple[tuple[int, ...], ...]
    parts: int
    programs: tuple[tuple[int, str], ...]  # (id, name) of every program, in display order
    classes: tuple[PeopleClass, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.dimension)

    @property
    def columns(self) -> tuple[int | None, ...]:
        """Every column: the programs, then the institution."""
        return (*(pid for pid, _name in self.programs), INSTITUTION)

    def column_name(self, column: int | None) -> str:
        """The program's name, or "Institution"."""
        return INSTITUTION_NAME if column is None else dict(self.programs)[column]

    def cells(self) -> list[Cell]:
        """Every cell, column by column, groups in order."""
        return [(g, c) for c in self.columns for g in range(len(self.groups))]

    def counts_in(self, cls: PeopleClass, column: int | None) -> bool:
        """Whether people of `cls` count in `column`."""
        return column is None or column in cls.programs


@dataclass(frozen=True)
class Table:
    """A layout with its true counts: `counts[k][p]` people of class k in part p."""

    layout: Layout
    counts: tuple[tuple[int, ...], ...]

    def values(self) -> dict[Cell, int]:
        """The true count of every cell."""
        lay = self.layout
        out: dict[Cell, int] = {}
        for column in lay.columns:
            members = [k for k, cls in enumerate(lay.classes) if lay.counts_in(cls, column)]
            for g, parts in enumerate(lay.rows):
                out[(g, column)] = sum(self.counts[k][p] for k in members for p in parts)
        return out


@dataclass(frozen=True)
class Published:
    """A table as the one pattern of its year shows it: every cell's count or mark."""

    layout: Layout
    shown: Mapping[Cell, Shown]

    def column(self, column: int | None) -> list[Shown]:
        """The shown cells of one column, groups in order."""
        return [self.shown[(g, column)] for g in range(len(self.layout.groups))]
