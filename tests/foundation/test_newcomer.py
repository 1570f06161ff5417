"""A newcomer's first half hour, in a fresh clone: `make setup`, the README's commands as written, `make run`.

The clone holds this checkout's files as they are now (tests/foundation/checkout.py) and borrows its virtual
environment through a symlink, so nothing is downloaded; `make -o .venv/.installed` tells make that the
borrowed environment is installed (the clone's requirement files are newer than its stamp). The commands run
in a shell with a clean environment: no APP_ENV, SECRET_KEY or DATABASE_URL, only what `make setup` wrote.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.foundation import checkout

README = checkout.ROOT / "README.md"
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed"]
ACTIVATE = ". .venv/bin/activate"
PASSWORD = "a-long-newcomer-passphrase"
VENV = Path(sys.prefix)

pytestmark = pytest.mark.skipif(
    not checkout.is_checkout() or Path(sys.base_prefix) == VENV,
    reason="needs a git checkout and the tests running in a virtual environment",
)


def readme_commands(section: str = "Try the command line") -> list[str]:
    """The commands of the first `sh` block under the README heading `section`, without their comments."""
    text = README.read_text()
    heading = text.index(f"## {section}\n")
    block = re.search(r"```sh\n(.*?)```", text[heading:], re.DOTALL)
    assert block, f"no sh block under '## {section}'"
    lines = [re.split(r"\s+#\s", line, maxsplit=1)[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line]


def _workbook_sheets(path: Path) -> list[str]:
    book = load_workbook(path, read_only=True)
    try:
        return book.sheetnames
    finally:
        book.close()


def _csv_header(path: Path) -> list[str]:
    with path.open(newline="") as handle:
        return next(csv.reader(handle))


# What each README command must leave behind: (standard input, check of (clone folder, stdout)).
# A command added to the README without a check here fails the test, so that every line shown stays true.
Check = Callable[[Path, str], None]
CHECKS: dict[str, tuple[str | None, Check]] = {
    "flask roster template roster.xlsx": (
        None,
        lambda here, out: _expect(
            _workbook_sheets(here / "roster.xlsx")
            == ["Instructions", "Programs", "Mentors", "Mentees", "Pairings", "Meetings", "Goals"]
        ),
    ),
    "flask roster import roster.xlsx --dry-run": (
        None,
        lambda here, out: _expect("no problems found" in out and "that would be created" in out, out),
    ),
    "flask report engagement --year 2025 --out engagement.xlsx": (
        None,
        lambda here, out: _expect(
            {"About", "Summary", "Pairings"} <= set(_workbook_sheets(here / "engagement.xlsx"))
        ),
    ),
    "flask match suggest --year 2026 --out suggestions.csv": (
        None,
        lambda here, out: _expect(
            _csv_header(here / "suggestions.csv")
            == ["mentee_email", "mentor_email", "kind", "score", "reason"]
            and "suggested" in out,
            out,
        ),
    ),
    "flask reminders send --dry-run": (
        None,
        lambda here, out: _expect(re.search(r"^\S+@\S+\t\S+@\S+\t\S", out, re.MULTILINE) is not None, out),
    ),
    "flask users create-admin you@hospital.example": (
        f"{PASSWORD}\n{PASSWORD}\n",
        lambda here, out: _expect("Admin you@hospital.example is ready" in out, out),
    ),
    "flask backup backup.db": (
        None,
        lambda here, out: _expect((here / "backup.db").stat().st_size > 0, out),
    ),
}


def _expect(condition: bool, detail: str = "") -> None:
    assert condition, detail


def _environment(home: Path) -> dict[str, str]:
    """The environment of a newcomer's terminal: no setting of this project, no make of the test run."""
    keep = {"PATH", "LANG", "LC_ALL", "TZ"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update({"HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"})
    return env


def _shell(command: str, here: Path, env: dict[str, str], stdin: str | None = None):
    return subprocess.run(  # noqa: S603 (bash with the command under test)
        ["/bin/bash", "-c", f"{ACTIVATE} && {command}"],
        cwd=here,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory):
    """A fresh clone after `make setup`, the clean environment, and what `make setup` printed."""
    here = tmp_path_factory.mktemp("newcomer") / "mentorship"
    checkout.clone_as_is(here)
    (here / ".venv").symlink_to(VENV, target_is_directory=True)
    env = _environment(here.parent)
    done = subprocess.run(  # noqa: S603 (make with fixed arguments)
        [*MAKE, "setup"], cwd=here, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return here, env, done.stdout


def test_setup_writes_the_development_settings_once_for_this_user_only(newcomer):
    here, env, output = newcomer
    settings = here / "instance" / "settings.env"
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    values = dict(
        line.split("=", 1) for line in settings.read_text().splitlines() if line and not line.startswith("#")
    )
    assert values["APP_ENV"] == "development"
    assert re.fullmatch(r"[0-9a-f]{64}", values["SECRET_KEY"])
    assert values["SECRET_KEY"] not in output  # the key is never printed
    before = settings.read_bytes()
    again = subprocess.run([*MAKE, "setup"], cwd=here, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert again.returncode == 0, again.stderr
    assert settings.read_bytes() == before
    assert "admin@demo.example.org" in output and "Demo logins (password for all:" in output


def test_every_readme_command_works_as_written(newcomer):
    here, env, _output = newcomer
    commands = readme_commands()
    assert commands[0] == ACTIVATE
    missing = [command for command in commands[1:] if command not in CHECKS]
    assert missing == [], "README commands without a check in this test"
    for command in commands[1:]:
        stdin, check = CHECKS[command]
        done = _shell(command, here, env, stdin)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, f"{command}\n{done.stderr}"
        check(here, done.stdout)


def test_make_shell_gives_the_projects_command_line(newcomer):
    here, env, _output = newcomer
    done = subprocess.run(  # noqa: S603 (make with fixed arguments)
        [*MAKE, "shell"],
        cwd=here,
        env={**env, "SHELL": "/bin/bash"},
        input="command -v flask\nflask roster --help\nexit\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"{VENV}/bin/flask\n" in done.stdout  # the borrowed environment's activate script names itself
    assert "Write the import template" in done.stdout


def test_the_development_settings_are_ignored_outside_development(newcomer):
    here, env, _output = newcomer
    done = _shell("APP_ENV=production python -c 'import app'", here, env)
    assert done.returncode == 1
    assert "SECRET_KEY is not set" in done.stderr


def test_make_run_prints_the_logins_and_serves_this_computer_only(newcomer):
    here, env, _output = newcomer
    settings = (here / "instance" / "settings.env").read_bytes()
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (make with fixed arguments)
        [*MAKE, "run", f"PORT={port}"],
        cwd=here,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/auth/login", timeout=5) as page:  # noqa: S310 (loopback)
                    assert page.status == 200
                    break
            except OSError:
                assert server.poll() is None, "".join(lines)
                assert time.monotonic() < deadline, "make run did not serve in 60 s:\n" + "".join(lines)
                time.sleep(0.3)
        relayed = urllib.request.Request(base + "/auth/login", headers={"X-Forwarded-For": "203.0.113.7"})  # noqa: S310
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(relayed, timeout=5)  # noqa: S310 (loopback)
        assert refused.value.code == 403
        refused.value.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
        reader.join(timeout=5)
        server.stdout.close()
    printed = "".join(lines)
    assert "Demo logins (password for all: demo-mentor-2026)" in printed
    assert "admin@demo.example.org" in printed and f"Open http://127.0.0.1:{port}" in printed
    assert (here / "instance" / "settings.env").read_bytes() == settings
