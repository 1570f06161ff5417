"""Consistent backups of the database: SQLite's online backup, or pg_dump for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess  # noqa: S404 (runs pg_dump with a fixed argument list, never a shell)
from pathlib import Path

from sqlalchemy.engine import Engine

from mentorship.services import ServiceError


def backup(engine: Engine, path: Path) -> str:
    """Write a consistent copy of the database to `path`; returns a one-line description."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(path)
            with target:
                source = raw.driver_connection
                assert isinstance(source, sqlite3.Connection)  # the dialect is sqlite
                source.backup(target)
            target.close()
        finally:
            raw.close()
        return f"SQLite backup written to {path} ({path.stat().st_size:,} bytes)."
    if engine.dialect.name == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise ServiceError("pg_dump is not installed; install the PostgreSQL client tools.")
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [pg_dump, "--format=custom", "--no-owner", f"--file={path}", f"--dbname={url}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ServiceError(f"pg_dump failed: {result.stderr.strip()}")
        return f"PostgreSQL backup (pg_dump custom format) written to {path} ({path.stat().st_size:,} bytes)."
    raise ServiceError(f"Backups of {engine.dialect.name} databases are not supported.")
