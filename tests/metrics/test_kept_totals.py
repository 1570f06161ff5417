"""The yearly meeting totals kept for the metrics always equal a recomputation from the meetings, and the
metrics read from them equal the metrics aggregated from every meeting (services.metrics.kept)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, insert, select, text, update

from mentorship.extensions import db
from mentorship.models import Meeting, Pairing, PairingYearTotal
from mentorship.services.academic_year import academic_year
from mentorship.services.metrics import kept, queries
from mentorship.services.metrics.definitions import MetricSettings

SETTINGS = MetricSettings(4, 60)
FIRST_DAY = dt.date(2022, 6, 1)
DAYS = 4 * 365  # meetings fall in AY 2021 to AY 2025
STATUSES = ("held", "held", "held", "cancelled", "no_show")


def kept_rows() -> list[tuple]:
    """The kept table, in a comparable form."""
    return sorted(
        tuple(r)
        for r in db.session.execute(
            select(
                PairingYearTotal.pairing_id,
                PairingYearTotal.year_start,
                PairingYearTotal.year_end,
                PairingYearTotal.start_month,
                PairingYearTotal.meetings,
                PairingYearTotal.minutes,
                PairingYearTotal.first_held,
                PairingYearTotal.last_held,
            )
        )
    )


def recomputed_rows() -> list[tuple]:
    """What the kept table must hold: every counted meeting of an existing pairing, aggregated afresh."""
    meetings = db.session.execute(
        select(Meeting.pairing_id, Meeting.date, Meeting.duration_minutes)
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .where(Meeting.status == "held", Meeting.deleted_at.is_(None))
    )
    return sorted(tuple(r.values()) for r in kept.totals_rows(((p, d, m) for p, d, m in meetings), 7))


def live_metrics(monkeypatch, ay, as_of):
    with monkeypatch.context() as m:
        m.setattr(queries, "_kept_usable", lambda spans: False)
        return queries.pairing_metrics(ay, as_of, SETTINGS)


day = st.integers(min_value=0, max_value=DAYS - 1)
minutes = st.integers(min_value=0, max_value=180)
operation = st.one_of(
    st.tuples(st.just("log"), st.integers(0, 2), day, minutes, st.sampled_from(STATUSES)),
    st.tuples(st.just("edit"), st.integers(0, 40), day, minutes, st.sampled_from(STATUSES)),
    st.tuples(st.just("move"), st.integers(0, 40), st.integers(0, 2)),
    st.tuples(st.just("soft_delete"), st.integers(0, 40)),
    st.tuples(st.just("hard_delete"), st.integers(0, 40)),
    st.tuples(
        st.just("import"), st.integers(0, 2), st.lists(st.tuples(day, minutes), min_size=1, max_size=6)
    ),
    st.tuples(st.just("bulk_update"), st.integers(0, 2), minutes),
    st.tuples(st.just("delete_pairing"), st.integers(0, 2)),
    st.tuples(st.just("flush")),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    operations=st.lists(operation, max_size=30),
    as_of=st.integers(min_value=-30, max_value=DAYS + 30),
    year=st.integers(min_value=2021, max_value=2025),
)
def test_kept_totals_equal_a_recomputation(f, monkeypatch, operations, as_of, year):
    db.session.rollback()  # each example starts afresh (the examples share the test's database)
    pairings = [f.pairing(start_date=dt.date(2022, 5, 1)) for _ in range(3)]
    meetings: list[Meeting] = []
    table = cast(Table, Meeting.__table__)
    gone: set[int] = set()  # pairings deleted so far (by index)
    for op in operations:
        name = op[0]
        if name in {"log", "import", "bulk_update", "delete_pairing"} and op[1] in gone:
            continue
        if name == "log":
            _n, p, d, m, status = op
            meetings.append(
                f.meeting(pairings[p], FIRST_DAY + dt.timedelta(days=d), minutes=m, status=status)
            )
        elif name in {"edit", "move", "soft_delete", "hard_delete"} and meetings:
            meeting = meetings[op[1] % len(meetings)]
            if meeting not in db.session or meeting.pairing not in db.session:
                continue
            if name == "edit":
                meeting.date, meeting.duration_minutes, meeting.status = (
                    FIRST_DAY + dt.timedelta(days=op[2]),
                    op[3],
                    op[4],
                )
            elif name == "move" and op[2] not in gone:
                meeting.pairing = pairings[op[2]]
            elif name == "soft_delete":
                meeting.deleted_at = dt.datetime(2026, 1, 1)
            else:
                db.session.delete(meeting)
                meetings.remove(meeting)
        elif name == "import":  # the roster import's bulk Core insert
            _n, p, rows = op
            db.session.execute(
                insert(table),
                [
                    {
                        "pairing_id": pairings[p].id,
                        "date": FIRST_DAY + dt.timedelta(days=d),
                        "duration_minutes": m,
                        "modality": "in_person",
                        "status": "held",
                        "logged_as": "import",
                        "created_at": dt.datetime(2026, 1, 1),
                    }
                    for d, m in rows
                ],
            )
        elif name == "bulk_update":
            db.session.execute(
                update(Meeting).where(Meeting.pairing_id == pairings[op[1]].id).values(duration_minutes=op[2])
            )
        elif name == "delete_pairing":
            gone.add(op[1])
            pairing = pairings[op[1]]
            for meeting in [m for m in meetings if m.pairing is pairing]:
                db.session.delete(meeting)
                meetings.remove(meeting)
            db.session.flush()
            db.session.execute(Meeting.__table__.delete().where(Meeting.pairing_id == pairing.id))
            db.session.delete(pairing)
        elif name == "flush":
            db.session.flush()
    db.session.flush()
    assert kept_rows() == recomputed_rows()
    ay = academic_year(year)
    on = FIRST_DAY + dt.timedelta(days=as_of)
    assert queries.pairing_metrics(ay, on, SETTINGS) == live_metrics(monkeypatch, ay, on)
    spans = [(academic_year(y), academic_year(y).end) for y in range(2021, year)] + [(ay, max(on, ay.start))]
    with monkeypatch.context() as m:
        from_kept = queries.years_metrics(spans, SETTINGS)
        m.setattr(queries, "_kept_usable", lambda spans: False)
        assert from_kept == queries.years_metrics(spans, SETTINGS)
    db.session.rollback()


def test_rebuild_command_restores_the_totals(f, runner):
    p = f.pairing(start_date=dt.date(2024, 7, 1))
    f.meeting(p, dt.date(2024, 9, 1), minutes=30)
    f.meeting(p, dt.date(2025, 9, 1), minutes=45)
    db.session.commit()
    expected = kept_rows()
    assert [r[4:6] for r in expected] == [(1, 30), (1, 45)]
    # Written around the session (as a restore from elsewhere would): the totals are stale until rebuilt.
    db.session.execute(text("DELETE FROM pairing_year_totals"))
    db.session.commit()
    result = runner.invoke(args=["metrics", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "2 pairing-years" in result.output
    db.session.expire_all()
    assert kept_rows() == expected


def test_after_the_start_month_changes_a_rebuild_gives_the_same_figures(f, app, monkeypatch):
    p = f.pairing(start_date=dt.date(2024, 7, 1))
    for day in (dt.date(2024, 8, 15), dt.date(2024, 9, 15), dt.date(2025, 8, 20)):
        f.meeting(p, day)
    db.session.flush()
    monkeypatch.setitem(app.config, "ACADEMIC_YEAR_START_MONTH", 9)
    kept.rebuild(db.session, 9)
    assert {r[3] for r in kept_rows()} == {9}
    ay = academic_year(2024, 9)
    for on in (dt.date(2025, 1, 1), ay.end):
        assert queries.pairing_metrics(ay, on, SETTINGS) == live_metrics(monkeypatch, ay, on)
    # Years that start in another month than the configured one are aggregated from the meetings.
    other = academic_year(2024, 7)
    assert queries.pairing_metrics(other, other.end, SETTINGS)[p.id].meetings == 2
