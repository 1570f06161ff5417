"""A year's people by group over every program plus the institution, and that year's one pattern.

Every output that shows demographic counts for academic year Y (the inclusivity and annual-review
workbooks for any scope; the API later) asks `store.year_pattern` for the same year and reads its cells
from it, so no two outputs can differ in what they hide (docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import MenteeProfile, MentorProfile, Pairing
from mentorship.services.academic_year import AcademicYear
from mentorship.services.metrics import groups as metric_groups
from mentorship.services.metrics import network, queries
from mentorship.services.metrics.definitions import MetricSettings, PairingMetrics
from mentorship.services.metrics.groups import MenteeIdentity
from mentorship.services.metrics.network import NetworkFigures
from mentorship.services.suppression.grid import (
    COMPLEMENTARY,
    Cell,
    Layout,
    PeopleClass,
    Published,
    Shown,
    Table,
)
from mentorship.services.suppression.pattern import decide, decide_around

MENTEES, MENTORS, CONCORDANCE, NETWORK = "Mentees", "Mentors", "Concordance", "Networking"
DIMENSION_LABELS = {
    "gender": "Gender",
    "urim": "URiM",
    "img": "International medical graduate",
    "first_generation": "First-generation",
    "pgy": "PGY",
    "mentor_type": "Mentor type",
}
GROUP_LABELS = {
    "gender": {k: v for k, v in vocab.GENDERS.items() if k != "prefer_not"},
    "urim": {"yes": "Yes", "no": "No"},
    "img": {"yes": "Yes", "no": "No"},
    "first_generation": {"yes": "Yes", "no": "No"},
    "mentor_type": dict(vocab.MENTOR_TYPES),
}
MENTEE_DIMENSIONS = metric_groups.DIMENSIONS  # gender, urim, img, first_generation, pgy
MENTOR_DIMENSIONS = ("mentor_type", "gender", "urim", "img", "first_generation")
CONCORDANCE_KINDS = ("gender", "urim")
CONCORDANCE_GROUPS = ("Requests made", "With a mentor in the year", "Requests met")
# The parts are the outcomes of a request (not paired, paired, met): "made" counts all three.
CONCORDANCE_ROWS = (
    (metric_groups.CONCORDANCE_NOT_PAIRED, metric_groups.CONCORDANCE_PAIRED, metric_groups.CONCORDANCE_MET),
    (metric_groups.CONCORDANCE_PAIRED, metric_groups.CONCORDANCE_MET),
    (metric_groups.CONCORDANCE_MET,),
)
# The networking table of a mentee dimension: per group, its mentees enrolled and how many of them were at an
# event, introduced, and had an introduction met; then the same three over all its groups (NETWORK_ALL).
NETWORK_MEASURES = ("at an event", "introduced", "introduction met")
NETWORK_ALL = "All mentees"


@dataclass(frozen=True)
class MentorMember:
    """A mentor enrolled in the year (or paired in it): groups, load and their home program."""

    mentor_id: int
    groups: dict[str, str | None]  # MENTOR_DIMENSIONS -> group code (None = not disclosed)
    capacity: int
    active_pairings: int  # open on the report date, any program
    home: int | None  # the one program whose pool they are in (home_programs); None = the institution's only
    enrolled: bool


@dataclass(frozen=True)
class YearPeople:
    """Everyone a year's demographic tables count, for the whole institution."""

    ay: AcademicYear
    as_of: dt.date
    programs: tuple[tuple[int, str], ...]  # (id, name) in name order
    mentees: tuple[MenteeIdentity, ...]  # enrolled in Y
    pairings: tuple[PairingMetrics, ...]  # active in Y, of enrolled mentees
    mentors: tuple[MentorMember, ...]
    pgy_levels: tuple[str, ...]  # the PGY levels of the institution's mentees (at least two), in order
    network: Mapping[int, NetworkFigures]  # per mentee id; mentees with none are left out

    def pool(self, column: int | None) -> list[MentorMember]:
        """Mentors enrolled in Y in the pool of a program (or of the institution, column None)."""
        return [m for m in self.mentors if m.enrolled and (column is None or m.home == column)]

    def mentees_of(self, column: int | None) -> list[MenteeIdentity]:
        """Mentees enrolled in Y in a program (or the institution)."""
        return [m for m in self.mentees if column is None or m.program_id == column]

    def groups(self, dimension: str) -> list[str | None]:
        """The group codes of a dimension in display order; None ("Not disclosed") last."""
        if dimension == "pgy":
            return list(self.pgy_levels)
        if dimension == "mentor_type":
            return list(GROUP_LABELS["mentor_type"])
        return [*GROUP_LABELS[dimension], None]


def group_label(dimension: str, group: str | None) -> str:
    """How a group is named in the workbooks."""
    if group is None:
        return vocab.NOT_DISCLOSED
    if dimension == "pgy":
        return f"PGY-{group}"
    return GROUP_LABELS[dimension].get(group, group)


def load_year(
    ay: AcademicYear, as_of: dt.date, settings: MetricSettings, urim_categories: Collection[str]
) -> YearPeople:
    """The institution's people of year `ay` as of `as_of`, with their groups (a fixed number of queries)."""
    year = queries.year_metrics(ay, as_of, settings, None)
    mentees = queries.mentee_identities(ay, None, urim_categories)
    enrolled = {m.mentee_id for m in mentees}
    pairings = tuple(p for p in year.pairings.values() if p.mentee_id in enrolled)
    homes = home_programs(ay, list(year.programs))
    mentors = tuple(
        MentorMember(
            mentor_id=m.mentor_id,
            groups={**metric_groups.identity_groups(m.selfid, urim_categories), "mentor_type": m.mentor_type},
            capacity=m.capacity,
            active_pairings=m.active_pairings,
            home=homes.get(m.mentor_id),
            enrolled=m.enrolled,
        )
        for m in queries.mentors_with_open_pairings(ay, as_of, None, with_identity=True)
    )
    levels = sorted({int(m.groups["pgy"] or 0) for m in mentees})
    if len(levels) == 1:
        # A breakdown of one group is its total: a second (empty) level gives a small count a place to hide.
        levels.append(levels[0] + 1 if levels[0] < 10 else levels[0] - 1)
    pgy = tuple(str(n) for n in sorted(levels))
    figures = network.network_figures(ay, as_of, None)
    return YearPeople(
        ay, as_of, tuple(year.programs.items()), tuple(mentees), pairings, mentors, pgy, figures
    )


def home_programs(ay: AcademicYear, order: list[int]) -> dict[int, int]:
    """Each mentor's home program: the one program whose mentor pool counts them, so that the programs'
    pools add up to the institution's as their mentees do (a mentor of several programs counts once).

    The mentor's own program when they have one (a near-peer's, or a faculty member's); otherwise the
    program of most of their pairings active in the year, then of most of their pairings ever, ties going
    to the program first by name. A mentor with none of these counts for the institution only.
    """
    rank = {pid: i for i, pid in enumerate(order)}
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    in_year: dict[int, Counter[int]] = defaultdict(Counter)
    query = select(Pairing.mentor_id, MenteeProfile.program_id, Pairing.active_in(ay)).join(
        MenteeProfile, MenteeProfile.id == Pairing.mentee_id
    )
    for mentor_id, program_id, active in db.session.execute(query):
        counts[mentor_id][program_id] += 1
        in_year[mentor_id][program_id] += bool(active)
    homes: dict[int, int] = {}
    for mentor, programs in counts.items():
        homes[mentor] = min(programs, key=lambda pid: (-in_year[mentor][pid], -programs[pid], rank[pid]))
    own = select(MentorProfile.id, MentorProfile.program_id).where(MentorProfile.program_id.is_not(None))
    homes.update({mentor_id: program_id for mentor_id, program_id in db.session.execute(own) if program_id})
    return homes


def _home(program_id: int | None) -> frozenset[int]:
    return frozenset() if program_id is None else frozenset({program_id})


def _table(
    kind: str,
    dimension: str,
    groups: tuple[str, ...],
    rows: tuple[tuple[int, ...], ...],
    programs: tuple[tuple[int, str], ...],
    people: Iterable[tuple[frozenset[int], int]],
    sized: bool,
) -> Table:
    """A table of `people`, given as (programs they count in, part) each; classes in a fixed order."""
    parts = 1 + max((p for r in rows for p in r), default=-1)  # no groups (no PGY level): no parts
    by_class: dict[frozenset[int], Counter[int]] = defaultdict(Counter)
    for member_of, part in people:
        by_class[member_of][part] += 1
    keys = sorted(by_class, key=lambda s: sorted(s))
    classes = tuple(PeopleClass(k, sum(by_class[k].values()) if sized else None) for k in keys)
    counts = tuple(tuple(by_class[k][p] for p in range(parts)) for k in keys)
    return Table(Layout(kind, dimension, groups, rows, parts, programs, classes), counts)


def year_tables(year: YearPeople) -> tuple[Table, ...]:
    """Every demographic count table of the year: mentees and mentors by group, concordance requests."""
    tables = []
    for kind, dimensions in ((MENTEES, MENTEE_DIMENSIONS), (MENTORS, MENTOR_DIMENSIONS)):
        for dimension in dimensions:
            codes = year.groups(dimension)
            index = {code: i for i, code in enumerate(codes)}
            if kind == MENTEES:
                people = [(frozenset({m.program_id}), index[m.groups[dimension]]) for m in year.mentees]
            else:
                people = [(_home(m.home), index[m.groups[dimension]]) for m in year.pool(None)]
            labels = tuple(group_label(dimension, c) for c in codes)
            rows = tuple((i,) for i in range(len(codes)))
            tables.append(
                _table(kind, DIMENSION_LABELS[dimension], labels, rows, year.programs, people, True)
            )
    for kind in CONCORDANCE_KINDS:
        tables.append(
            _table(
                CONCORDANCE,
                vocab.CONCORDANCE[kind],
                CONCORDANCE_GROUPS,
                CONCORDANCE_ROWS,
                year.programs,
                [(frozenset({m.program_id}), part) for m, part in concordance_parts(year, kind)],
                False,
            )
        )
    return tuple(tables)


def concordance_parts(year: YearPeople, kind: str) -> list[tuple[MenteeIdentity, int]]:
    """Each mentee who asked for `kind` concordance, with the outcome: the part of the table they are in."""
    mentors = {m.mentor_id: m.groups for m in year.mentors}
    return metric_groups.concordance_outcomes(kind, year.mentees, year.pairings, mentors)


def network_label(group: str, measure: str) -> str:
    """The name of a networking cell: "Woman: at an event"."""
    return f"{group}: {measure}"


def _network_rows(groups: int) -> tuple[tuple[int, ...], ...]:
    """Each group has six parts, at an event (no, yes) by introductions (none, none met, one met or more)."""
    rows: list[tuple[int, ...]] = []
    for g in range(groups):
        rows += [
            tuple(6 * g + p for p in range(6)),
            (6 * g + 3, 6 * g + 4, 6 * g + 5),
            (6 * g + 1, 6 * g + 2, 6 * g + 4, 6 * g + 5),
            (6 * g + 2, 6 * g + 5),
        ]
    return (*rows, *(tuple(p for r in rows[m::4] for p in r) for m in range(1, 4)))


def network_part(group: int, figures: NetworkFigures) -> int:
    """The part of the networking table a mentee of `group` with these figures is in."""
    met = 2 if figures.introduction_met else int(figures.introduced)
    return 6 * group + 3 * figures.at_event + met


def network_tables(year: YearPeople) -> tuple[Table, ...]:
    """The networking table of every mentee dimension, with the mentees' counts of that dimension."""
    tables = []
    for dimension in MENTEE_DIMENSIONS:
        codes = year.groups(dimension)
        index = {code: i for i, code in enumerate(codes)}
        labels = [
            name
            for c in codes
            for name in (
                group_label(dimension, c),
                *(network_label(group_label(dimension, c), m) for m in NETWORK_MEASURES),
            )
        ]
        labels += [network_label(NETWORK_ALL, m) for m in NETWORK_MEASURES]
        people = [
            (
                frozenset({m.program_id}),
                network_part(index[m.groups[dimension]], year.network.get(m.mentee_id, NetworkFigures())),
            )
            for m in year.mentees
        ]
        rows = _network_rows(len(codes))
        tables.append(
            _table(NETWORK, DIMENSION_LABELS[dimension], tuple(labels), rows, year.programs, people, True)
        )
    return tuple(tables)


def network_pattern(table: Table, counts: Published, min_cell: int) -> Published:
    """The networking table as published, its mentee counts those of `counts` (the mentees' table).

    A share shown over n people gives its count away (share x n), and no group has more mentees at an event
    than mentees: with each program's totals (the engagement workbook names every mentee's figures), the
    counts of groups whose shares are shown can pin a hidden group count. In a cycle of hidden cells (two
    programs by two groups), a program whose hidden mentees all went to an event beside one whose hidden
    mentees went to none leaves one solution. So the table holds both, a share starts shown where the rule
    of every rate shows it (its group count shown, at least min_cell people), and more shares are hidden
    until nothing suppressed can be rebuilt; the mentee counts and the totals are never changed.
    """
    return _network_pattern(table, tuple(counts.shown.items()), min_cell)


@lru_cache(maxsize=256)
def _network_pattern(table: Table, counts: tuple[tuple[Cell, Shown], ...], min_cell: int) -> Published:
    mentees = dict(counts)
    width = 1 + len(NETWORK_MEASURES)
    totals = len(table.layout.groups) // width  # the index the totals' rows have as a group
    shown: dict[Cell, Shown] = {}
    fixed = set()
    for (row, column), value in table.values().items():
        g, measure = divmod(row, width)
        if g == totals:
            shown[(row, column)] = value  # published anyway, with each mentee's figures
        elif measure == 0:
            shown[(row, column)] = mentees[(g, column)]
        else:
            count = mentees[(g, column)]
            # A group shown empty has nobody at an event either: known, so not a cell to protect.
            show = isinstance(count, int) and (count >= min_cell or count == 0)
            shown[(row, column)] = value if show else COMPLEMENTARY
            continue
        fixed.add((row, column))
    return decide_around(table, shown, frozenset(fixed), min_cell)


@dataclass(frozen=True)
class YearPattern:
    """The one suppression pattern of a year: every demographic table as it may be shown."""

    min_cell: int
    tables: dict[tuple[str, str], Published]  # (kind, dimension label) -> published table

    def published(self, kind: str, dimension: str) -> Published:
        """The published table of a kind (MENTEES, MENTORS, CONCORDANCE, NETWORK) and dimension label."""
        return self.tables[(kind, dimension)]


def decide_year(tables: Iterable[Table], networks: Iterable[Table], min_cell: int) -> YearPattern:
    """Decide the pattern of a year's tables and its networking tables (theirs follow the mentees' counts);
    the same data always give the same pattern. `store.year_pattern` decides each only once."""
    decided = {t.layout.key: decide(t, min_cell) for t in tables}
    for t in networks:
        decided[t.layout.key] = network_pattern(t, decided[(MENTEES, t.layout.dimension)], min_cell)
    return YearPattern(min_cell, decided)
