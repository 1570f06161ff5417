"""Planned meetings never count: on the metric tests' institution, planned (and cancelled planned)
meetings added to every pairing, before, on and after the report date, move no figure anywhere."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import Pairing, PlannedMeeting
from mentorship.services import exports, reminders
from mentorship.services.academic_year import academic_year
from mentorship.services.metrics import queries
from mentorship.services.metrics.definitions import MetricSettings
from tests.conftest import without_csrf
from tests.reports import institution
from tests.reports.helpers import load, request, values

SETTINGS = MetricSettings(4, 60)
AY = academic_year(institution.YEAR)


def _plan_everywhere() -> int:
    """Planned meetings on every pairing: from its start to well after D, planned and cancelled."""
    pairings = list(db.session.execute(select(Pairing)).scalars())
    added = 0
    for pairing in pairings:
        days = [
            pairing.start_date,
            institution.D - dt.timedelta(days=1),
            institution.D,
            institution.D + dt.timedelta(days=7),
        ]
        days += [pairing.start_date + dt.timedelta(days=n) for n in range(0, 400, 20)]
        for n, day in enumerate(days):
            db.session.add(
                PlannedMeeting(
                    pairing=pairing,
                    starts_at=dt.datetime.combine(day, dt.time(15, 0)),
                    minutes=60,
                    place="Room 1",
                    agenda="private",
                    uid=f"metrics-{pairing.id}-{n}@planned.mentorship",
                    sequence=n % 3,
                    state="cancelled" if n % 4 == 3 else "planned",
                    created_at=dt.datetime(2024, 7, 1),
                )
            )
            added += 1
    db.session.commit()
    return added


def _figures(app, admin_browser) -> dict:
    """Every figure the program shows for the institution's year: dashboard, workbook, statuses, reminders."""
    pm = queries.pairing_metrics(AY, institution.D, SETTINGS)
    year = queries.year_metrics(AY, institution.D, SETTINGS)
    book = load(exports.build_report("engagement", request(app)))
    page = admin_browser.get(f"/dashboard/?year={institution.YEAR}").get_data(as_text=True)
    page = without_csrf(page)
    due = reminders.find_due(
        today=institution.D,
        now=dt.datetime.combine(institution.D, dt.time(12)),
        settings=SETTINGS,
        start_month=7,
        interval_days=14,
    )
    return {
        "pairing metrics": dict(pm),
        "statuses": sorted((pid, m.status) for pid, m in pm.items()),
        "summary": [repr(r) for r in year.summary()],
        "workbook": {ws.title: values(ws) for ws in book.worksheets},
        "dashboard": page,
        "overdue reminders": [(d.pairing.id, d.reason) for d in due],
    }


def test_planned_meetings_move_no_figure(app, f, login):
    institution.build(f)
    admin = f.user(f.person("admin@example.org", "Ada", "Admin"), is_admin=True)
    db.session.commit()
    browser = login(admin)
    before = _figures(app, browser)
    # The comparison has content: reminders due, a Summary sheet, the dashboard's own figures.
    assert (
        before["overdue reminders"] and "Summary" in before["workbook"] and "Coverage" in before["dashboard"]
    )
    assert _plan_everywhere() > 100
    after = _figures(app, browser)
    for name in before:
        assert after[name] == before[name], f"{name} changed when planned meetings were added"
