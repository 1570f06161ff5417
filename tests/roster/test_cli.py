"""flask roster template / import: output, exit codes and stderr."""

from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Person
from tests.roster.helpers import csv_bytes, messy_sheets, snapshot, xlsx


def test_template_command_writes_the_workbook(runner, tmp_path):
    path = tmp_path / "t.xlsx"
    result = runner.invoke(args=["roster", "template", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote the roster template to {path}.\n"
    book = load_workbook(path)
    assert book.sheetnames == [
        "Instructions",
        "Programs",
        "Mentors",
        "Mentees",
        "Pairings",
        "Meetings",
        "Goals",
    ]


def test_template_command_needs_xlsx(runner, tmp_path):
    result = runner.invoke(args=["roster", "template", str(tmp_path / "t.csv")])
    assert result.exit_code == 1
    assert result.stderr == "Error: The template is an Excel workbook: give a path ending in .xlsx.\n"


def test_dry_run_then_import_then_reimport(runner, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx(messy_sheets()))
    before = snapshot()

    dry = runner.invoke(args=["roster", "import", "--dry-run", str(path)])
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith("Dry run of roster.xlsx: no problems found; nothing was imported.\n")
    assert "People: 4 to create, 0 to update, 0 unchanged" in dry.stdout
    assert "Programs that would be created (3):\n  Internal Medicine\n  Cardiology Fellowship\n" in dry.stdout
    assert "  Surgery (named in Mentees row 3)" in dry.stdout
    db.session.expire_all()
    # A dry run writes only its audit event.
    assert snapshot() == {**before, "audit_events": 1}
    preview = db.session.execute(select(AuditEvent).where(AuditEvent.action == "roster.preview")).scalar_one()
    assert preview.details == {
        "file": "roster.xlsx",
        "counts": {
            "programs": {"create": 3, "update": 0, "unchanged": 0},
            "people": {"create": 4, "update": 0, "unchanged": 0},
            "mentors": {"create": 2, "update": 0, "unchanged": 0},
            "mentees": {"create": 2, "update": 0, "unchanged": 0},
            "pairings": {"create": 3, "update": 0, "unchanged": 0},
            "meetings": {"create": 3, "update": 0, "unchanged": 0},
            "goals": {"create": 0, "update": 0, "unchanged": 0},
        },
    }

    done = runner.invoke(args=["roster", "import", str(path)])
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("Imported roster.xlsx.\n")
    assert "Meetings: 3 created, 0 updated, 0 unchanged" in done.stdout
    assert db.session.execute(select(Person.email).order_by(Person.email)).scalars().all() == [
        "amy@hospital.org",
        "dr.jane@hospital.org",
        "resident.one@hospital.org",
        "sam.lee@hospital.org",
    ]
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "roster.import")).scalar_one()
    assert event.actor_id is None and event.details["file"] == "roster.xlsx"

    again = runner.invoke(args=["roster", "import", str(path)])
    assert again.exit_code == 0
    assert again.stdout.startswith("Nothing changed: everything in roster.xlsx is already in the database.\n")


def test_invalid_file_exits_1_with_every_problem_on_stderr(runner, tmp_path):
    sheets = messy_sheets()
    sheets["MENTEES"][1][4] = "twelve"
    sheets["Meetings"][2][4] = "telepathy"
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx(sheets))
    before = snapshot()
    result = runner.invoke(args=["roster", "import", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert 'Mentees row 2, column pgy: "twelve" is not a whole number from 1 to 10' in lines
    assert any(
        line.startswith('Meetings row 3, column modality: "telepathy" is not a modality') for line in lines
    )
    assert lines[-1] == "Error: 2 problems found; nothing was imported."
    assert "Traceback" not in result.output
    db.session.expire_all()
    assert snapshot() == before


def test_refused_file_exits_1_without_traceback(runner, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_text("this is not a workbook")
    result = runner.invoke(args=["roster", "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: roster.xlsx is not an Excel workbook (it may be a renamed text or other file).\n"
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_oversized_file_is_refused(runner, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1000)
    path = tmp_path / "mentors.csv"
    path.write_bytes(b"email,first_name,last_name\n" + b"a@x.org,A,B\n" * 200)
    result = runner.invoke(args=["roster", "import", str(path)])
    assert result.exit_code == 1
    assert "the largest file accepted is 0.0 MB" in result.stderr


def test_several_csv_files(runner, tmp_path):
    sheets = messy_sheets()
    sheets["MENTEES"][2][9] = "7/1/2024"
    paths = []
    for name, rows in sheets.items():
        path = tmp_path / f"{name.lower()}.csv"
        path.write_bytes(csv_bytes(rows))
        paths.append(str(path))
    result = runner.invoke(args=["roster", "import", *paths])
    assert result.exit_code == 0, result.output
    assert "Pairings: 3 created, 0 updated, 0 unchanged" in result.stdout
