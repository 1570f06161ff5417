"""flask backup writes a restorable copy of the database."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from mentorship.extensions import db


def test_backup_copies_the_database(runner, f, tmp_path):
    f.mentee()
    f.mentee()
    db.session.commit()
    target = tmp_path / "nested" / "backup.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "written to" in result.output
    if db.engine.dialect.name == "sqlite":
        copy = sqlite3.connect(target)
        assert copy.execute("select count(*) from mentee_profiles").fetchone() == (2,)
        copy.close()
    else:
        pg_restore = shutil.which("pg_restore")
        if pg_restore is None:
            pytest.skip("pg_restore is not installed")
        listing = subprocess.run(  # noqa: S603 (our own file, fixed arguments)
            [pg_restore, "--list", str(target)], capture_output=True, text=True, check=True
        )
        assert "TABLE DATA public mentee_profiles" in listing.stdout


def test_backup_to_an_unwritable_place_fails_cleanly(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(args=["backup", str(blocker / "sub" / "backup.db")])
    assert result.exit_code != 0
