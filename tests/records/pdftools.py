"""Reading a PDF back with poppler-utils, as a committee's viewer would show it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

NEEDED = ("pdftotext", "pdfinfo", "pdftoppm", "pdffonts")


def _run(*argv: str) -> str:
    tool = shutil.which(argv[0]) or argv[0]
    # Fixed argv: poppler-utils' own tools on a file the test wrote.
    return subprocess.run([tool, *argv[1:]], check=True, capture_output=True, text=True).stdout  # noqa: S603


def require_poppler() -> None:
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"poppler-utils is not installed ({', '.join(missing)}): .ci/run installs it")


def text_of(path: Path) -> str:
    """The text as `pdftotext -layout` prints it."""
    return _run("pdftotext", "-layout", str(path), "-")


def pages_of(path: Path) -> int:
    info = _run("pdfinfo", str(path))
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def fonts_embedded(path: Path) -> list[tuple[str, str]]:
    """(font, emb) of every font the PDF uses."""
    out = _run("pdffonts", str(path))
    return [(line.split()[0], line.split()[-5]) for line in out.splitlines()[2:] if line.strip()]


def to_png(path: Path, folder: Path) -> list[Path]:
    _run("pdftoppm", "-png", "-r", "50", str(path), str(folder / "page"))
    return sorted(folder.glob("page*.png"))
