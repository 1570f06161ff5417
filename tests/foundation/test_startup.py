"""The app and every command start without the heavy libraries: they are imported where they are used.

Structural, not timed (docs/performance.md has the figures): each check runs in a fresh interpreter and
looks at what is in sys.modules afterwards.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Data, workbooks, PDFs, migrations, the job queue, SAML sign-in: each is imported by the code that uses it.
HEAVY = (
    "pandas", "numpy", "scipy", "highspy", "openpyxl", "reportlab", "alembic", "rq", "redis", "saml2",
    "authlib", "joserfc", "requests",
)  # fmt: skip


def _python(code: str, tmp_path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """`python -c code *args` in a fresh interpreter at the project root, on a SQLite file in tmp_path."""
    env = {
        "PATH": "/usr/bin:/bin",
        "APP_ENV": "development",
        "SECRET_KEY": "startup-test-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'startup.db'}",
        **settings,
    }
    done = subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done


def _loaded_after(code: str, tmp_path, modules: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of `modules` are in sys.modules after running `code`."""
    check = f"import sys\n{code}\nprint('loaded:', *(m for m in {modules!r} if m in sys.modules))"
    return _python(check, tmp_path).stdout.splitlines()[-1].split()[1:]


def test_creating_the_app_imports_no_heavy_library(tmp_path):
    assert _loaded_after("import app", tmp_path) == []


def _flask(args: list[str]) -> str:
    """Code that runs `flask *args` as the flask script does (the plugin commands, then the app's)."""
    return (
        "import sys\nfrom flask.cli import main\n"
        f"sys.argv = ['flask', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )


COMMANDS = [
    ["--help"],
    ["report", "--help"],
    ["report", "engagement", "--help"],
    ["match", "suggest", "--help"],
    ["roster", "import", "--help"],
    ["reminders", "send", "--help"],
    ["jobs", "worker", "--help"],
]


# What the app completes with (MentorshipApp) when a command runs: listing them and their help need none.
APP_PARTS = (
    "mentorship.models",
    "mentorship.web",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "flask_mail",
)


@pytest.mark.parametrize("args", COMMANDS)
def test_the_command_line_starts_without_them(args, tmp_path):
    assert _loaded_after(_flask(args), tmp_path, HEAVY + APP_PARTS) == []


def test_a_command_completes_the_app_and_its_email_links_are_absolute(tmp_path):
    """`flask users invite` is the first to use the app in its process: the invitation it writes to the log
    (no MAIL_SERVER) links to BASE_URL."""
    _python(
        "from mentorship import create_app\n"
        "from mentorship.extensions import db\n"
        "from tests import factories as f\n"
        "with create_app().app_context():\n"
        "    db.create_all()\n"
        "    f.mentee(f.person('ana@example.org', 'Ana', 'Able'), prog=f.program('Surgery'))\n"
        "    db.session.commit()",
        tmp_path,
    )
    done = _python(_flask(["users", "invite"]), tmp_path, BASE_URL="https://mentors.example.org/")
    assert "1 invitation(s) sent." in done.stdout, done.stdout + done.stderr
    assert re.search(r"https://mentors\.example\.org/auth/password/invite/\S+", done.stdout + done.stderr)


# The web part (blueprints, error pages, request hooks), which only pages, templates and links need.
WEB_PART = (
    "mentorship.web",
    "mentorship.errors",
    "mentorship.dashboard.routes",
    "mentorship.pairings.routes",
)


def test_a_workbook_command_completes_the_app_without_the_web_part(tmp_path):
    _python("from mentorship import create_app\nfrom mentorship.extensions import db\n"
            "with create_app().app_context():\n    db.create_all()", tmp_path)  # fmt: skip
    out = tmp_path / "engagement.xlsx"
    loaded = _loaded_after(
        _flask(["report", "engagement", "--year", "2025", "--out", str(out)]),
        tmp_path,
        WEB_PART + ("mentorship.models", "openpyxl"),
    )
    assert out.stat().st_size > 0
    assert loaded == ["mentorship.models", "openpyxl"]


def test_flask_routes_completes_the_app_and_lists_the_routes(tmp_path):
    listed = _python(_flask(["routes"]), tmp_path).stdout
    assert re.search(r"auth\.login +GET, POST +/auth/login", listed), listed


def test_a_request_and_url_for_complete_an_incomplete_app(tmp_path):
    done = _python(
        "import sys\n"
        "from flask import url_for\n"
        "from mentorship import create_app\n"
        "app = create_app(complete=False)\n"
        "assert 'mentorship.models' not in sys.modules\n"
        "print(app.test_client().get('/auth/login').status_code)\n"
        "late = create_app(complete=False)\n"
        "with late.test_request_context('/'):\n"
        "    print(url_for('auth.login', _external=True))",
        tmp_path,
    )
    assert done.stdout.split() == ["200", "http://localhost/auth/login"]


def test_the_db_commands_load_alembic_and_nothing_else_heavy(tmp_path):
    assert _loaded_after(_flask(["db", "upgrade", "--help"]), tmp_path) == ["alembic"]


def test_flask_db_upgrade_builds_the_schema(tmp_path):
    """`flask db` hands over to Flask-Migrate's group only when it runs: the command line still migrates."""
    flask = "from flask.cli import main; main()"
    _python(flask, tmp_path, "db", "upgrade")
    assert "(head)" in _python(flask, tmp_path, "db", "current").stdout


def test_the_cell_filter_matches_openpyxl():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as OPENPYXL

    from reports.xlsx import ILLEGAL_CHARACTERS_RE

    assert ILLEGAL_CHARACTERS_RE.pattern == OPENPYXL.pattern
