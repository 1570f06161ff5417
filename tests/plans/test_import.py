"""The roster template's optional Goals sheet: all or nothing, idempotent, scoped, for plan readers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import Goal, Plan
from mentorship.services import roster as ri
from tests.roster.helpers import TOPICS, clock, xlsx

MAX = 10 * 1024 * 1024
HEADER = ["mentee_email*", "year*", "title*", "category", "target_date", "status"]


def run(rows, **kwargs):
    roster = ri.read_files([("goals.xlsx", xlsx({"Goals": [HEADER, *rows]}))], MAX)
    result = ri.import_roster(roster, **clock(), topics=TOPICS, **kwargs)
    db.session.commit()
    return result


def goals():
    db.session.expire_all()
    rows = db.session.execute(select(Goal, Plan.year).join(Plan).order_by(Goal.id)).all()
    return [(g.title, year, g.category, g.target_date, g.status) for g, year in rows]


def test_goals_import_into_the_plan_of_their_year_and_again_change_nothing(pair):
    rows = [
        ["Mentee@Example.org", 2025, "Submit an abstract", "Research", "2026-03-01", "in progress"],
        ["mentee@example.org", 2025, "Pass boards", "medical knowledge", None, None],
        ["mentee@example.org", 2024, "Pass boards", None, None, "done"],
    ]
    result = run(rows)
    assert result.preview.counts["goals"] == {"create": 3, "update": 0, "unchanged": 0}
    assert goals() == [
        ("Submit an abstract", 2025, "research", dt.date(2026, 3, 1), "in_progress"),
        ("Pass boards", 2025, "medical_knowledge", None, "not_started"),
        ("Pass boards", 2024, None, None, "done"),
    ]
    again = run(rows)
    assert again.preview.counts["goals"] == {"create": 0, "update": 0, "unchanged": 3}
    assert len(goals()) == 3
    changed = run([["mentee@example.org", 2025, "pass boards", None, None, "done"]])
    assert changed.preview.counts["goals"]["update"] == 1
    assert goals()[1][-1] == "done"
    # No goal text in the preview: rows are named by their number.
    assert not any("boards" in label for items in changed.preview.items["goals"].values() for label in items)


def test_a_bad_goals_row_writes_nothing_and_names_the_column(pair):
    rows = [
        ["mentee@example.org", 2025, "Fine goal", None, None, None],
        ["mentee@example.org", 2025, "Bad", "Surgery", None, None],
        ["mentee@example.org", "soon", "No year", None, None, None],
        ["nobody@example.org", 2025, "Whose?", None, None, None],
        ["mentee@example.org", 2025, "Fine goal", None, None, None],
    ]
    with pytest.raises(ri.ImportInvalid) as caught:
        run(rows)
    db.session.rollback()
    messages = [str(e) for e in caught.value.errors]
    assert any("category" in m for m in messages)
    assert any("year" in m for m in messages)
    assert any("nobody@example.org" in m for m in messages)
    assert any("the same goal" in m for m in messages)
    assert goals() == []


def test_goals_need_view_plans_and_the_coordinators_scope(pair, f):
    with pytest.raises(ri.ImportInvalid) as caught:
        run([["mentee@example.org", 2025, "X", None, None, None]], plans=False)
    db.session.rollback()
    assert "view_plans" in str(caught.value.errors[0])
    other = f.program("Other")
    with pytest.raises(ri.ImportInvalid) as caught:
        run([["mentee@example.org", 2025, "X", None, None, None]], scope=Scope(frozenset({other.id})))
    db.session.rollback()
    assert goals() == []
