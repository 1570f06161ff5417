"""What an import can fail with: a file refused outright, or rows with problems (docs/import.md)."""

from __future__ import annotations

from dataclasses import dataclass

from mentorship.services import ServiceError


@dataclass(frozen=True)
class RowError:
    """One problem, located as a person would find it in the spreadsheet (header = row 1)."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}"
        return f"{where}, column {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ImportRefused(ServiceError):
    """The file itself cannot be imported (too large, not a workbook, damaged, encrypted)."""


class ImportInvalid(ServiceError):
    """Some rows are invalid; nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found; nothing was imported."
        )
        self.errors = errors
