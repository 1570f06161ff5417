"""The dashboard shows the Summary figures; exports are scoped, audited and match the CLI byte for byte."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent
from mentorship.services import exports
from mentorship.services.academic_year import year_of
from tests.reports import institution
from tests.reports.helpers import GENERATED_AT, load, values

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cells(row_html: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)
    ]


def _table(page: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [_cells(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _as_shown(value, column: str) -> str:
    """How the dashboard prints a Summary cell."""
    if value is None:
        return ""
    if column in ("Coverage", "Plans reviewed twice", "Mentees at an event"):
        return f"{value * 100:.1f}%"
    if column == "Hours":
        return f"{value:.1f}"
    if column == "Median days to first meeting":
        return f"{value:g}"
    return str(value)


@pytest.fixture
def admin(f):
    return f.user(f.person("admin@example.org", "Ada", "Admin"), is_admin=True)


def test_dashboard_matches_summary_sheet(f, login, admin):
    institution.build(f)
    browser = login(admin)
    page = browser.get("/dashboard/?year=2024")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    response = browser.get("/dashboard/export/engagement?year=2024")
    assert response.status_code == 200 and response.mimetype == XLSX
    sheet = values(load(response.data)["Summary"])
    headers = sheet[0]
    expected = [
        [_as_shown(v, h).removeprefix("'") for v, h in zip(row, headers, strict=True)] for row in sheet[1:]
    ]
    assert _table(text, "summary") == expected
    # The page is as of 2025-06-30 (the year is over), so the April meeting counts: 16 meetings, not 15.
    assert expected[-1][:6] == ["All programs", "8", "6", "75.0%", "7", "16"]
    kpis = dict(re.findall(r'data-kpi="(\w+)"><a [^>]*>([^<]*)<', text))
    assert kpis["meetings"] == expected[-1][5] and kpis["coverage"] == expected[-1][3]
    assert kpis["median_days_to_first_meeting"] == expected[-1][9]
    # Plans reviewed twice: the Summary column, the dashboard's Summary and its key figure agree (3 of 8).
    assert headers[10] == "Plans reviewed twice" and expected[-1][10] == "37.5%"
    assert kpis["plans_reviewed_twice"] == "37.5%"
    assert _table(text, "trend")[-1][-1] == "37.5%"
    statuses = dict(re.findall(r'data-status="(\w+)"><a [^>]*>(\d+)<', text))
    assert sum(int(n) for n in statuses.values()) == 7
    assert "<svg" in text and "<script>" not in text and "cdn" not in text.lower()


def test_staff_home_redirects_to_dashboard(login, admin):
    response = login(admin).get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard/")


def test_a_running_year_is_labelled_year_to_date(login, admin):
    browser = login(admin)
    this_year = year_of(dt.date.today())
    running = browser.get(f"/dashboard/?year={this_year}").get_data(as_text=True)
    over = browser.get(f"/dashboard/?year={this_year - 1}").get_data(as_text=True)
    today = dt.date.today().isoformat()
    assert f"as of {today}: the year is still running, so every yearly figure is year to date." in running
    label = f"AY {this_year}–{str(this_year + 1)[-2:]}"
    assert f"Meetings held in {label} (year to date)" in running
    assert f"Mentees enrolled in {label}<" in running  # a count of people enrolled in the year, not to date
    assert f"Summary by program, {label} (year to date)" in running
    assert f"as of {this_year}-06-30." in over and "year to date" not in over


def test_every_figure_has_its_definition_on_hover_tap_and_a_page(login, admin):
    """One list of definitions: the dashboard's tooltips, the definitions page and docs/metrics.md."""
    from pathlib import Path

    from mentorship.services.metrics import glossary

    browser = login(admin)
    page = browser.get("/dashboard/?year=2024").get_data(as_text=True)
    for d in glossary.KPIS + glossary.STATUSES:
        # A <details> opens on tap or Enter without JS; its summary's title shows on hover.
        assert f'<summary title="{str(escape(d.text))}">' in page, d.key
    assert "/dashboard/definitions" in page
    definitions = browser.get("/dashboard/definitions")
    assert definitions.status_code == 200
    text = definitions.get_data(as_text=True)
    docs = Path(__file__).resolve().parents[2].joinpath("docs", "metrics.md").read_text()
    docs = re.sub(r"\s+", " ", docs.replace("*", ""))  # as read: emphasis marks and line breaks aside
    for d in glossary.ALL:
        assert f">{str(escape(d.label))}</dt>" in text and str(escape(d.text)) in text, d.key
        assert d.text in docs, f"docs/metrics.md does not state the definition of {d.label}"


def test_bad_filters_are_clear_not_500(f, login, admin):
    institution.build(f)
    browser = login(admin)
    bad_year = browser.get("/dashboard/?year=20x4")
    assert bad_year.status_code == 400 and "is not an academic year" in bad_year.get_data(as_text=True)
    assert browser.get("/dashboard/?year=1800").status_code == 400
    assert browser.get("/dashboard/?program=abc").status_code == 400
    assert browser.get("/dashboard/?program=99999").status_code == 404
    assert browser.get("/dashboard/export/engagement?year=abc").status_code == 400
    assert browser.get("/dashboard/export/nonsense?year=2024").status_code == 404


def test_coordinator_scope_and_audit(f, login):
    objs = institution.build(f)
    coordinator = f.user(f.person("coord@example.org", "Co", "Ord"), programs=[objs["beta"]])
    browser = login(coordinator)
    page = browser.get("/dashboard/?year=2024").get_data(as_text=True)
    assert [r[0] for r in _table(page, "summary")] == ["Beta Surgery", "All programs"]
    assert "Alpha Medicine" not in page
    assert browser.get(f"/dashboard/?program={objs['alpha'].id}").status_code == 403
    assert (
        browser.get(f"/dashboard/export/engagement?year=2024&program={objs['alpha'].id}").status_code == 403
    )
    response = browser.get("/dashboard/export/inclusivity?year=2024")
    assert response.status_code == 200
    assert "Beta Surgery" in response.headers["Content-Disposition"].replace("-", " ").title()
    summary = values(load(browser.get("/dashboard/export/engagement?year=2024").data)["Summary"])
    assert [r[0] for r in summary[1:]] == ["Beta Surgery", "All programs"]
    events = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "report.export")).scalars().all()
    )
    assert [
        (e.actor_email, e.details["report"], e.details["year"], e.details["programs"]) for e in events
    ] == [
        ("coord@example.org", "inclusivity", 2024, ["Beta Surgery"]),
        ("coord@example.org", "engagement", 2024, ["Beta Surgery"]),
    ]
    # A denied export leaves no trace of a download.
    assert all(e.details["programs"] != ["Alpha Medicine"] for e in events)


def test_mentors_and_mentees_cannot_see_reports(f, login):
    objs = institution.build(f)
    mentor_user = f.user(objs["m1"].person)
    browser = login(mentor_user)
    assert browser.get("/dashboard/").status_code == 403
    assert browser.get("/dashboard/export/engagement?year=2024").status_code == 403


def test_cli_writes_the_same_bytes_as_the_download(f, login, admin, runner, tmp_path, monkeypatch):
    objs = institution.build(f)
    monkeypatch.setattr(exports, "now", lambda: GENERATED_AT)
    web = login(admin).get(f"/dashboard/export/annual-review?year=2024&program={objs['beta'].id}").data
    out = tmp_path / "review.xlsx"
    result = runner.invoke(
        args=[
            "report", "annual-review", "--year", "2024", "--program", "beta surgery", "--out", str(out),
            "--by", "admin@example.org", "--generated-at", GENERATED_AT.isoformat(),
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == web
    db.session.expire_all()
    cli_event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "report.export", AuditEvent.actor_id.is_(None))
    ).scalar_one()
    assert cli_event.details["via"] == "cli" and cli_event.details["programs"] == ["Beta Surgery"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "twenty"], "not an academic year"),
        (["--year", "2024", "--program", "Nope"], "No program called 'Nope'"),
        (["--year", "2024", "--out-suffix"], "must name an .xlsx file"),
    ],
)
def test_cli_bad_input_exits_1(runner, tmp_path, args, message):
    out = str(tmp_path / ("r.csv" if "--out-suffix" in args else "r.xlsx"))
    args = [a for a in args if a != "--out-suffix"]
    result = runner.invoke(args=["report", "engagement", *args, "--out", out])
    assert result.exit_code == 1
    assert message in result.output
