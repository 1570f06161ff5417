"""Each year's suppression pattern is decided once and read back by every instance and command, exactly."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import SuppressionPattern
from mentorship.services.metrics import versions
from mentorship.services.suppression import store, tables
from mentorship.services.suppression.grid import COMPLEMENTARY
from tests.reports.helpers import request
from tests.reports.test_suppression_check import YEAR, D, _leaky, _mentee

MIN_CELL = 5


def _people(app):
    req = request(app, year=YEAR, today=D)
    s = req.settings
    return tables.load_year(req.ay, req.as_of, s.metrics, s.urim_categories)


def _decided_afresh(people):
    return tables.decide_year(tables.year_tables(people), tables.network_tables(people), MIN_CELL)


def _decided(monkeypatch) -> list[int]:
    """Counts every time the pattern is decided rather than read back."""
    calls: list[int] = []
    decide = tables.decide_year

    def counting(*args):
        calls.append(1)
        return decide(*args)

    monkeypatch.setattr(store, "decide_year", counting)
    return calls


def test_a_kept_pattern_is_read_back_cell_for_cell(app, f, monkeypatch):
    _leaky(f)
    db.session.commit()
    decided = _decided(monkeypatch)
    first = store.year_pattern(_people(app), MIN_CELL)
    db.session.commit()
    again = store.year_pattern(_people(app), MIN_CELL)
    assert decided == [1]
    assert again == first == _decided_afresh(_people(app))
    assert "<5" in again.published("Mentees", "Gender").shown.values()


def test_a_changed_count_decides_again_and_the_old_pattern_stays_for_its_counts(app, f, monkeypatch):
    programs = _leaky(f)
    db.session.commit()
    decided = _decided(monkeypatch)
    before = store.year_pattern(_people(app), MIN_CELL)
    _mentee(f, programs["Alpha"], "nonbinary", urim="no", img="no", first_generation="no")
    db.session.commit()
    after = store.year_pattern(_people(app), MIN_CELL)
    assert decided == [1, 1]
    assert after == _decided_afresh(_people(app)) != before
    assert db.session.scalar(select(func.count()).select_from(SuppressionPattern)) == 2


def test_what_is_kept_is_what_is_published_never_a_hidden_count(app, f):
    _leaky(f)
    db.session.commit()
    people = _people(app)
    pattern = store.year_pattern(people, MIN_CELL)
    every = (*tables.year_tables(people), *tables.network_tables(people))
    kept = json.loads(db.session.scalars(select(SuppressionPattern)).one().shown)
    cells = {
        (t.layout.key, c): value
        for t, values in zip(every, kept, strict=True)
        for c, value in zip(t.layout.cells(), values, strict=True)
    }
    assert cells == {
        (t.layout.key, c): s for t in every for c, s in pattern.tables[t.layout.key].shown.items()
    }
    # A small count of people is never kept (the networking shares follow their own rule).
    counts = [t for t in every if t.layout.kind != tables.NETWORK]
    small = [(t.layout.key, c) for t in counts for c, v in t.values().items() if 0 < v < MIN_CELL]
    assert small and all(cells[k] in (f"<{MIN_CELL}", COMPLEMENTARY) for k in small)


def test_the_key_needs_the_secret_key(app, f, monkeypatch):
    _leaky(f)
    db.session.commit()
    people = _people(app)
    every = (*tables.year_tables(people), *tables.network_tables(people))
    key = store._key(every, MIN_CELL)
    assert store._key(every, MIN_CELL) == key
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret")
    assert store._key(every, MIN_CELL) != key


def test_keeping_a_pattern_does_not_change_the_data_version(app, f):
    _leaky(f)
    db.session.commit()
    before = versions.current()
    store.year_pattern(_people(app), MIN_CELL)
    db.session.commit()
    assert versions.current() == before


def test_only_the_latest_patterns_are_kept(app, f, monkeypatch):
    _leaky(f)
    db.session.commit()
    monkeypatch.setattr(store, "KEEP", 2)
    for rules in ("a", "b", "c", "d"):
        monkeypatch.setattr(store, "RULES", rules)
        store.year_pattern(_people(app), MIN_CELL)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SuppressionPattern)) == 2


def test_other_rules_never_read_a_pattern_of_older_ones(app, f, monkeypatch):
    _leaky(f)
    db.session.commit()
    decided = _decided(monkeypatch)
    store.year_pattern(_people(app), MIN_CELL)
    monkeypatch.setattr(store, "RULES", store.RULES + "-next")
    store.year_pattern(_people(app), MIN_CELL)
    assert decided == [1, 1]
