"""The documentation stays true: every setting and command is described, and every link leads somewhere."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import click
import pytest

from tests.foundation import checkout

ROOT = checkout.ROOT
DOCS = ROOT / "docs"
# Every way config.py reads a variable from the environment.
SETTING_RE = re.compile(r"""(?:environ\.get|_int|_float|_bool|_list)\(\s*["']([A-Z][A-Z0-9_]+)["']""")
LINK_RE = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _markdown_files() -> list[Path]:
    if checkout.is_checkout():
        return [ROOT / p for p in checkout.tracked_files() if p.endswith(".md")]
    return sorted(ROOT.glob("*.md")) + sorted(DOCS.rglob("*.md"))


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings, as GitHub makes them."""
    found = set()
    for line in path.read_text().splitlines():
        heading = re.match(r"#{1,6}\s+(.*)", line)
        if heading:
            text = unicodedata.normalize("NFKC", heading.group(1).strip().lower())
            text = re.sub(r"[^\w\- ]", "", text)
            found.add(text.replace(" ", "-"))
    return found


def test_every_setting_is_documented():
    names = sorted(set(SETTING_RE.findall((ROOT / "config.py").read_text())))
    assert len(names) > 30
    page = (DOCS / "configuration.md").read_text()
    assert [name for name in names if f"`{name}`" not in page] == []


def _leaves(command: click.Command, prefix: str = "") -> list[tuple[str, click.Command]]:
    """(subcommand path, command) of every command under `command`, groups in groups included."""
    if not isinstance(command, click.Group):
        return [(prefix, command)]
    return [
        leaf
        for sub, child in sorted(command.commands.items())
        for leaf in _leaves(child, f"{prefix} {sub}".strip())
    ]


def test_every_command_and_option_is_documented(app):
    """Each of the project's commands has a synopsis line in docs/command-line.md naming all its options."""
    page = (DOCS / "command-line.md").read_text().splitlines()
    missing, checked = [], 0
    for name, command in sorted(app.cli.commands.items()):
        for sub, leaf in _leaves(command):
            # Flask's and Flask-Migrate's own commands are documented by them; `db` is a stand-in without a
            # callback until it hands over to Flask-Migrate's group (mentorship/migrations.py).
            if leaf.callback is None or not leaf.callback.__module__.startswith("mentorship."):
                continue
            invocation = f"flask {name} {sub}".strip()
            checked += 1
            options = [
                max(param.opts, key=len)
                for param in leaf.params
                if isinstance(param, click.Option) and "--help" not in param.opts
            ]
            synopsis = [line for line in page if re.search(rf"{re.escape(invocation)}(\s|$)", line)]
            if not synopsis:
                missing.append(invocation)
            missing += [f"{invocation} {opt}" for opt in options if not any(opt in line for line in synopsis)]
    assert checked >= 12
    assert missing == []


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_to_a_file_and_heading(path):
    broken = []
    for target in LINK_RE.findall(path.read_text()):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        missing_heading = anchor and linked.suffix == ".md" and anchor not in anchors(linked)
        if not linked.exists() or missing_heading:
            broken.append(target)
    assert broken == []


# Built from pieces so that this file does not match itself: the specification outside the repository, and
# section-sign references to it (a section sign followed by a number).
OUTSIDE = re.compile(
    "|".join(
        [
            re.escape("../" + "shared"),
            re.escape("shared/" + "PRODUCT"),
            r"\b" + "PRODUCT" + r"\.md\b",
            r"\b" + "STYLE" + r"\.md\b",
            "PRODUCT" + r"\s*\u00a7",
            "\u00a7" + r"\s*\d",
        ]
    )
)


@pytest.mark.skipif(not checkout.is_checkout(), reason="not a git checkout")
def test_no_file_refers_to_documents_outside_the_repository():
    """Code, templates, workbooks, tests and docs cite docs/…, never a specification a clone does not have."""
    files = checkout.tracked_files()
    assert len(files) > 100
    found = []
    for path in files:
        text = (ROOT / path).read_bytes().decode("utf-8", errors="replace")
        found += [
            f"{path}:{n}: {line.strip()}"
            for n, line in enumerate(text.splitlines(), 1)
            if OUTSIDE.search(line)
        ]
    assert found == []
