"""The PDF read back as a viewer shows it (text, pages, PNG, embedded fonts), and `flask mentors`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, IssuedRecord, OutboundEmail
from tests.mail.smtp import text
from tests.records import institution, pdftools


@pytest.fixture(autouse=True)
def _poppler():
    pdftools.require_poppler()


@pytest.fixture
def world():
    return institution.build()


def test_the_pdf_text_has_the_totals_and_the_code(world, runner, tmp_path, monkeypatch, app):
    monkeypatch.setitem(app.config, "MENTOR_CREDIT_RULE", "relationship:5:2.5")
    monkeypatch.setitem(app.config, "INSTITUTION_NAME", "Lakeside University Hospital")
    out = tmp_path / "record.pdf"
    result = runner.invoke(
        args=["mentors", "record", "TWO.ROLES@example.org", "--year", "2025", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = pdftools.text_of(out)
    for expected in (
        "Lakeside University Hospital",
        "Faculty mentoring record",
        "Tess Roles",
        "Associate Professor · Medicine · two.roles@example.org",
        "AY 2025–26 (2025-07-01 to 2026-06-30)",
        "Ada Lovel",
        "Ben Okafor",
        "Teaching credit: 10",
        "Career to date (since AY 2024–25)",
    ):
        assert expected in text, expected
    mentee_rows = [line.split() for line in text.splitlines() if line.strip().startswith(("Ada", "Ben"))]
    assert mentee_rows and all("career" not in r and "research" not in r for r in mentee_rows), mentee_rows

    def row(label: str) -> list[str]:
        return next(line for line in text.splitlines() if line.strip().startswith(label)).split()[-2:]

    # This year, then the career to date.
    assert row("Meetings held") == ["4", "6"]
    assert row("Hours") == ["5.5", "7.2"]
    assert row("Group sessions") == ["1", "1"]
    assert row("Introductions made") == ["1", "2"]
    assert row("Plan reviews") == ["1", "2"]
    assert row("Events attended") == ["2", "2"]
    (issued,) = db.session.scalars(select(IssuedRecord))
    code = text.split("Verification code: ")[1].split()[0]
    assert f"http://localhost/records/verify/{code}" in text
    assert issued.totals["meetings"] == 4 and issued.totals["hours"] == 5.5 and issued.totals["credits"] == 10
    assert pdftools.pages_of(out) == 1
    assert all(emb == "yes" for _font, emb in pdftools.fonts_embedded(out))
    pngs = pdftools.to_png(out, tmp_path)
    assert len(pngs) == 1 and pngs[0].read_bytes().startswith(b"\x89PNG")
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "record.download"))
    assert event.details["via"] == "cli" and event.details["file"] == str(out)


def test_many_mentees_stay_within_two_pages(f, runner, tmp_path):
    mentor = f.mentor(f.person("busy@example.org", "Bea", "Busy"))
    for n in range(30):
        pairing = f.pairing(mentor, f.mentee(f.person(f"m{n}@example.org", "Res", f"Ident{n}")))
        f.meeting(pairing, dt.date(2025, 9, 1), 60)
    out = tmp_path / "busy.pdf"
    assert (
        runner.invoke(
            args=["mentors", "record", "busy@example.org", "--year", "2025", "--out", str(out)]
        ).exit_code
        == 0
    )
    assert 1 <= pdftools.pages_of(out) <= 2
    assert "Res Ident29" in pdftools.text_of(out)


def test_record_command_refuses_bad_input(world, runner, tmp_path):
    cases = [
        (
            ["nobody@example.org", "--year", "2025", "--out", str(tmp_path / "a.pdf")],
            "No mentor with the email",
        ),
        (
            ["two.roles@example.org", "--year", "20x5", "--out", str(tmp_path / "a.pdf")],
            "is not an academic year",
        ),
        (
            ["two.roles@example.org", "--year", "2025", "--out", str(tmp_path / "a.txt")],
            "must name a .pdf file",
        ),
        (
            ["two.roles@example.org", "--year", "2025", "--out", str(tmp_path / "no" / "a.pdf")],
            "does not exist",
        ),
        (["two.roles@example.org", "--year", "2999", "--out", str(tmp_path / "a.pdf")], "has not started"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["mentors", "record", *args])
        assert result.exit_code == 1 and message in result.output, (args, result.output)
    assert db.session.scalar(select(func.count(IssuedRecord.id))) == 0


def test_records_command_writes_the_workbook(world, runner, tmp_path):
    out = tmp_path / "records.xlsx"
    result = runner.invoke(args=["mentors", "records", "--year", "2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(io.BytesIO(out.read_bytes()))
    header, *rows = list(wb["Mentors"].iter_rows(values_only=True))
    assert header[:3] == ("Mentor", "Mentor email", "Department") and header[-1] == "Credits"
    assert [r[1] for r in rows] == ["two.roles@example.org", "senior@example.org"]  # by last name
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r[0]}
    assert about["Report"] == "Faculty mentoring records"
    assert "none" in about["Teaching credit rule"]


def test_thank_sends_each_mentor_their_record_once(world, runner, smtp):
    dry = runner.invoke(args=["mentors", "thank", "--year", "2025", "--dry-run"])
    assert dry.exit_code == 0 and "2 mentor(s) would be thanked" in dry.output
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0
    assert db.session.scalar(select(func.count(IssuedRecord.id))) == 0
    first = runner.invoke(args=["mentors", "thank", "--year", "2025"])
    assert first.exit_code == 0 and "2 mentor(s) thanked." in first.output, first.output
    assert sorted(rcpts[0] for rcpts, _msg in smtp.messages) == [
        "senior@example.org",
        "two.roles@example.org",
    ]
    (mine,) = smtp.to("two.roles@example.org")
    assert "Thank you for mentoring in AY 2025–26" in mine["Subject"]
    assert "4 meeting(s), 5.5 hours" in text(mine) and "/records/verify/" in text(mine)
    (attachment,) = list(mine.iter_attachments())
    assert attachment.get_filename() == "mentoring-record-AY2025-tess-roles.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    keys = set(db.session.scalars(select(OutboundEmail.key)))
    assert keys == {f"thank:{world.mentor.id}:2025", f"thank:{world.senior.id}:2025"}
    again = runner.invoke(args=["mentors", "thank", "--year", "2025"])
    assert again.exit_code == 0 and "already thanked for 2025" in again.output
    assert len(smtp.messages) == 2
