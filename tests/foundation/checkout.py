"""This checkout as git sees it: its tracked files, and a fresh clone of exactly what is here now."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GIT = shutil.which("git")


def _git(*args: str, cwd: Path = ROOT, env: dict | None = None) -> str:
    assert GIT, "git is not installed"
    done = subprocess.run(  # noqa: S603 (git with fixed arguments)
        [GIT, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def is_checkout() -> bool:
    """True when the repository root is a git checkout (the tests that need git skip otherwise)."""
    return bool(GIT) and (ROOT / ".git").exists()


def tracked_files() -> list[str]:
    """Paths of every file git would commit here: tracked ones and new ones that are not ignored."""
    listed = _git("ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    return sorted(p for p in set(listed) if p and (ROOT / p).is_file())


def clone_as_is(dest: Path) -> None:
    """Clone this repository into `dest`, checked out at a commit of the files as they are now.

    The commit is made with a throwaway index (the checkout's own index, branch and stash are untouched), so
    that edits not yet committed, and new files not yet added, are in the clone as a newcomer would get them
    once they land.
    """
    index = dest.parent / f"{dest.name}.index"
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}
    _git("read-tree", "HEAD", env=env)
    _git("add", "--all", env=env)
    tree = _git("write-tree", env=env).strip()
    identity = ["-c", "user.name=newcomer test", "-c", "user.email=newcomer@test.invalid"]
    commit = _git(*identity, "commit-tree", tree, "-p", "HEAD", "-m", "as it is", env=env).strip()
    index.unlink()
    _git("clone", "--quiet", "--no-checkout", str(ROOT), str(dest))
    _git("-c", "advice.detachedHead=false", "checkout", "--quiet", commit, cwd=dest)
