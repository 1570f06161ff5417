"""Command line (docs/command-line.md): each module here defines a click `group` or a single `command`."""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask


def register_cli(app: Flask) -> None:
    """Add every command group and command of this package to `app.cli`."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        app.cli.add_command(getattr(module, "group", None) or module.command)


def fail(message: str) -> None:
    """Print `message` on stderr and exit 1, as every command does on bad input."""
    import click

    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)
