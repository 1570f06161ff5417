"""The app and every command start without the heavy libraries: they are imported where they are used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "scipy", "openpyxl")


def _loaded_after(code: str, tmp_path) -> list[str]:
    """The heavy modules in sys.modules after running `code` in a fresh interpreter at the project root."""
    env = {
        "PATH": "/usr/bin:/bin",
        "APP_ENV": "development",
        "SECRET_KEY": "startup-test-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'startup.db'}",
    }
    check = f"import sys\n{code}\nprint('loaded:', *(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1].split()[1:]


def test_creating_the_app_imports_no_heavy_library(tmp_path):
    assert _loaded_after("import app", tmp_path) == []


COMMANDS = [["--help"], ["report", "--help"], ["match", "--help"], ["roster", "--help"], ["db", "--help"]]


@pytest.mark.parametrize("args", COMMANDS)
def test_the_command_line_starts_without_them(args, tmp_path):
    code = (
        "from flask.cli import main\n"
        f"sys.argv = ['flask', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert _loaded_after(code, tmp_path) == []


def test_the_cell_filter_matches_openpyxl():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as OPENPYXL

    from reports.xlsx import ILLEGAL_CHARACTERS_RE

    assert ILLEGAL_CHARACTERS_RE.pattern == OPENPYXL.pattern
