"""Command-line groups (PRODUCT.md §6): each module here defines a click group named `group`."""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask


def register_cli(app: Flask) -> None:
    """Add every command group in this package to `app.cli`."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        app.cli.add_command(importlib.import_module(f"{__name__}.{module.name}").group)


def fail(message: str) -> None:
    """Print `message` on stderr and exit 1, as every command does on bad input."""
    import click

    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)
