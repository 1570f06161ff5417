"""flask match suggest / apply: the suggestion file, validation with row numbers, all-or-nothing, audit."""

from __future__ import annotations

import csv
import datetime as dt

from openpyxl import load_workbook
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import AuditEvent, Pairing
from reports.xlsx import FORMULA_PREFIXES, neutralise


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def pairing_count():
    return db.session.execute(select(func.count(Pairing.id))).scalar_one()


def small_cohort(f):
    """Two mentees, one mentor with one place, one mentor excluded by the second mentee."""
    prog = f.program("Surgery Residency", specialty="Surgery")
    a = f.mentee(f.person("a@example.org"), prog=prog, interests=["research", "qi"])
    b = f.mentee(f.person("b@example.org"), prog=prog, interests=["teaching"])
    c = f.mentee(f.person("c@example.org"), prog=prog)
    x = f.mentor(f.person("x@example.org"), interests=["research", "qi"], specialty="Surgery", capacity=1)
    y = f.mentor(f.person("y@example.org"), interests=["teaching"], capacity=1)
    c.excluded.extend([x, y])
    db.session.commit()
    return prog, a, b, c, x, y


def test_suggest_writes_the_suggestion_columns_with_unmatched_rows(f, runner, tmp_path):
    small_cohort(f)
    out, scores = tmp_path / "s.csv", tmp_path / "scores.csv"
    result = runner.invoke(
        args=[
            "match",
            "suggest",
            "--year",
            "2025",
            "--program",
            "surgery residency",
            "--out",
            str(out),
            "--scores",
            str(scores),
        ]
    )
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert rows[0] == ["mentee_email", "mentor_email", "kind", "score", "reason"]
    body = {r[0]: r for r in rows[1:]}
    assert body["a@example.org"][1:4] == ["x@example.org", "career", body["a@example.org"][3]]
    assert body["a@example.org"][4] == "2 shared interests: qi, research; specialty fits the program"
    assert body["b@example.org"][1] == "y@example.org"
    assert body["b@example.org"][4].startswith("1 shared interest: teaching")
    assert body["c@example.org"][1:4] == ["", "career", ""]
    assert (
        body["c@example.org"][4]
        == "every mentor with free capacity is excluded: 2 are on the do-not-match list"
    )
    score_rows = read_csv(scores)
    assert score_rows[0] == ["mentee_email", "mentor_email", "score"]
    assert sorted((r[0], r[1]) for r in score_rows[1:]) == [
        ("a@example.org", "x@example.org"),
        ("a@example.org", "y@example.org"),
        ("b@example.org", "x@example.org"),
        ("b@example.org", "y@example.org"),
    ]
    assert pairing_count() == 0  # nothing is paired until applied
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "match.suggest")).scalar_one()


def test_suggest_xlsx_and_neutralised_text(f, runner, tmp_path):
    prog = f.program()
    f.mentee(f.person("-odd@example.org"), prog=prog)
    f.mentor(f.person("m@example.org"))
    db.session.commit()
    out = tmp_path / "s.xlsx"
    result = runner.invoke(args=["match", "suggest", "--year", "2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == ["mentee_email", "mentor_email", "kind", "score", "reason"]
    assert values[1][0] == "'-odd@example.org"
    assert isinstance(values[1][3], float)
    # ... and apply reads it back as the real email.
    result = runner.invoke(args=["match", "apply", str(out)])
    assert result.exit_code == 0, result.output
    assert pairing_count() == 1


def test_suggest_and_scores_csv_neutralise_formula_text_like_the_workbooks(f, runner, tmp_path):
    prog = f.program()
    hostile = ["=cmd@example.org", "+one@example.org", "-two@example.org", "@three@example.org"]
    for email in hostile:
        f.mentee(f.person(email), prog=prog)
    f.mentor(f.person("=hyperlink@example.org"), capacity=10)
    db.session.commit()
    out, scores = tmp_path / "s.csv", tmp_path / "scores.csv"
    args = ["match", "suggest", "--year", "2025", "--out", str(out), "--scores", str(scores)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    suggestions, score_rows = read_csv(out)[1:], read_csv(scores)[1:]
    assert sorted(r[0] for r in suggestions) == sorted(neutralise(e) for e in hostile)
    assert {r[1] for r in suggestions} == {"'=hyperlink@example.org"}
    assert {r[1] for r in score_rows} == {"'=hyperlink@example.org"} and len(score_rows) == 4
    cells = [c for r in suggestions + score_rows for c in r]
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES)]
    assert all(float(r[3]) >= 0 for r in suggestions) and all(float(r[2]) >= 0 for r in score_rows)
    # The suggestion file still applies: the apostrophe is read back off.
    result = runner.invoke(args=["match", "apply", str(out)])
    assert result.exit_code == 0, result.output
    assert pairing_count() == 4


def test_suggest_bad_input_exits_1(f, runner, tmp_path):
    result = runner.invoke(
        args=["match", "suggest", "--year", "2025", "--program", "Nope", "--out", str(tmp_path / "s.csv")]
    )
    assert result.exit_code == 1 and "No program named 'Nope'" in result.stderr
    result = runner.invoke(
        args=["match", "suggest", "--year", "2025", "--kind", "fun", "--out", str(tmp_path / "s.csv")]
    )
    assert result.exit_code == 1 and "Unknown kind" in result.stderr
    result = runner.invoke(args=["match", "suggest", "--year", "2025", "--out", str(tmp_path / "s.txt")])
    assert result.exit_code == 1


def test_round_trip_suggest_then_apply_then_apply_again(f, runner, tmp_path):
    small_cohort(f)
    out = tmp_path / "s.csv"
    assert runner.invoke(args=["match", "suggest", "--year", "2025", "--out", str(out)]).exit_code == 0
    result = runner.invoke(args=["match", "apply", str(out), "--start-date", "2025-09-01"])
    assert result.exit_code == 0, result.output
    assert "Created 2 pairings starting 2025-09-01; skipped 1 row(s)" in result.output
    pairs = db.session.execute(select(Pairing.mentee_id, Pairing.mentor_id, Pairing.start_date)).all()
    assert len(pairs) == 2 and {p.start_date for p in pairs} == {dt.date(2025, 9, 1)}
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "match.apply")).scalar_one()
    assert event.details["created"] == 2
    # Applying the same file again is refused whole.
    result = runner.invoke(args=["match", "apply", str(out), "--start-date", "2025-09-01"])
    assert result.exit_code == 1
    assert "Row 2:" in result.stderr and "already" in result.stderr
    assert pairing_count() == 2


def test_apply_validates_every_row_and_is_all_or_nothing(f, runner, tmp_path):
    small_cohort(f)
    path = tmp_path / "edited.csv"
    path.write_text(
        "Mentee Email,Mentor_Email,kind,score,reason\n"
        "a@example.org,x@example.org,career,0.5,ok\n"  # row 2: fine
        "nobody@example.org,x@example.org,career,,\n"  # row 3: unknown mentee
        "b@example.org,ghost@example.org,,,\n"  # row 4: unknown mentor
        "c@example.org,x@example.org,career,,\n"  # row 5: do-not-match
        "a@example.org,y@example.org,career,,\n"  # row 6: a twice
        "b@example.org,y@example.org,hobby,,\n"  # row 7: bad kind
        "b@example.org,,career,,no mentor\n",  # row 8: skipped
        encoding="utf-8",
    )
    result = runner.invoke(args=["match", "apply", str(path)])
    assert result.exit_code == 1
    err = result.stderr
    assert "Row 3: No mentee with email nobody@example.org." in err
    assert "Row 4: No mentor with email ghost@example.org." in err
    assert "Row 5:" in err and "do-not-match" in err
    assert "Row 6: a@example.org already has a career row (2)." in err
    assert "Row 7: Unknown kind 'hobby'" in err
    assert "Row 2" not in err and "Row 8" not in err
    assert pairing_count() == 0


def test_apply_refuses_over_capacity_inside_the_file(f, runner, tmp_path):
    small_cohort(f)
    path = tmp_path / "s.csv"
    path.write_text(
        "mentee_email,mentor_email\na@example.org,x@example.org\nb@example.org,x@example.org\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["match", "apply", str(path)])
    assert result.exit_code == 1
    assert "Row 3:" in result.stderr and "no free capacity" in result.stderr
    assert pairing_count() == 0


def test_apply_missing_columns(f, runner, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("email,mentor\n", encoding="utf-8")
    result = runner.invoke(args=["match", "apply", str(path)])
    assert result.exit_code == 1 and "missing column(s) mentee_email, mentor_email" in result.stderr


def test_stored_emails_with_stray_spaces_round_trip(f, runner, tmp_path):
    # Legacy data may hold an email with a stray space; the file shows it trimmed and apply finds it.
    prog = f.program()
    f.mentee(f.person("e@example.org"), prog=prog)
    mentor_person = f.person("m@example.org")
    mentor_person.email = " m@example.org"
    f.mentor(mentor_person)
    db.session.commit()
    out = tmp_path / "s.csv"
    assert runner.invoke(args=["match", "suggest", "--year", "2025", "--out", str(out)]).exit_code == 0
    assert read_csv(out)[1][:2] == ["e@example.org", "m@example.org"]
    result = runner.invoke(args=["match", "apply", str(out)])
    assert result.exit_code == 0, result.stderr
    assert pairing_count() == 1
