"""Helpers shared by every workbook builder."""

from __future__ import annotations

from typing import Any

# OWASP CWE-1236: text starting with these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Return `value` safe for a cell: text that could start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
