"""One spreadsheet row read cell by cell: typed values out, each problem recorded against its column.

The messages name what the cell holds (quoted, cut short) except for self-identification answers, which are
never repeated (see docs/privacy.md, "No oracle").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from mentorship import vocab
from mentorship.services import people as people_service
from mentorship.services.roster.columns import MULTI_LINE_COLUMNS
from mentorship.services.roster.errors import RowError
from mentorship.services.roster.reader import CONTROL, cell_text

YES_NO_TEXT = {
    "yes": "yes",
    "y": "yes",
    "true": "yes",
    "1": "yes",
    "no": "no",
    "n": "no",
    "false": "no",
    "0": "no",
}
PREFER_NOT = {"prefer_not", "prefer_not_to_say", "prefer_not_to_answer", "declined", "decline_to_answer"}
EMAIL_RE = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
US_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# A line break, tab or other control character in a name or an email was pasted from elsewhere, and would
# break the one-line places it is shown (lists, CSV, mail).
NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


@dataclass(frozen=True)
class At:
    """Where a row is: its sheet and spreadsheet row number."""

    sheet: str
    number: int


def quote(text: str, limit: int = 60) -> str:
    """`text` in quotes for a message, cut to `limit` characters."""
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


class RowCheck:
    """The problems found on one row; `ok` turns False on the first (or on one reported elsewhere)."""

    def __init__(self, at: At, errors: list[RowError]):
        self.at = at
        self.errors = errors
        self.ok = True

    def error(self, column: str, message: str) -> None:
        """Record a problem in `column` of this row."""
        self.ok = False
        self.errors.append(RowError(self.at.sheet, self.at.number, column, message))


class Cells(RowCheck):
    """One spreadsheet row with typed accessors that record errors against its sheet, row and column."""

    def __init__(self, at: At, values: dict[str, Any], errors: list[RowError]):
        super().__init__(at, errors)
        self.values = values

    def check_characters(self) -> None:
        """Refuse line breaks and control characters inside cells (notes may hold line breaks)."""
        for column, value in self.values.items():
            if not isinstance(value, str):
                continue
            if column in MULTI_LINE_COLUMNS:
                if CONTROL.search(value):
                    self.error(column, "contains a control character (an invisible code): remove it")
            elif NOT_ONE_LINE.search(value.strip()):
                self.error(column, "contains a line break or control character: keep the cell on one line")

    def raw(self, column: str) -> str:
        """The cell as trimmed text ('' when blank)."""
        return cell_text(self.values.get(column))

    def has(self, column: str) -> bool:
        """Whether the cell is filled in."""
        return bool(self.raw(column))

    def text(self, column: str, required: bool = False, max_len: int = 200) -> str | None:
        """The cell's text, at most `max_len` characters."""
        text = self.raw(column)
        if not text:
            if required:
                self.error(column, "is required")
            return None
        if len(text) > max_len:
            self.error(column, f"is longer than {max_len} characters")
            return None
        return text

    def email(self, column: str, required: bool = False) -> str | None:
        """The cell as a normalised email address."""
        text = self.text(column, required, max_len=254)
        if text is None:
            return None
        email = people_service.normalise_email(text)
        if not EMAIL_RE.match(email):
            self.error(column, f"{quote(text)} is not an email address")
            return None
        return email

    def emails(self, column: str) -> list[str] | None:
        """The cell as a list of distinct email addresses (None when blank)."""
        text = self.raw(column)
        if not text:
            return None
        found = []
        for part in split_list(text.replace(",", ";")):
            email = people_service.normalise_email(part)
            if EMAIL_RE.match(email):
                found.append(email)
            else:
                self.error(column, f"{quote(part)} is not an email address (separate emails with ;)")
        return list(dict.fromkeys(found))

    def date(self, column: str, required: bool = False) -> dt.date | None:
        """The cell as a date: an Excel date or serial number, YYYY-MM-DD or M/D/YYYY."""
        value = self.values.get(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            if required:
                self.error(column, "is required")
            return None
        try:
            if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
                from openpyxl.utils.datetime import from_excel  # loaded by the reader already

                serial = from_excel(value)
                day = serial.date() if isinstance(serial, dt.datetime) else serial
            elif match := ISO_DATE_RE.match(text):
                day = dt.date(int(match[1]), int(match[2]), int(match[3]))
            elif match := US_DATE_RE.match(text):
                day = dt.date(int(match[3]), int(match[1]), int(match[2]))
            else:
                raise ValueError(text)
        except (ValueError, OverflowError, TypeError):
            self.error(column, f"{quote(text)} is not a date (use YYYY-MM-DD or M/D/YYYY)")
            return None
        if not 1900 <= day.year <= 2100:
            self.error(column, f"{quote(text)} is not a plausible date")
            return None
        return day

    def whole(self, column: str, bounds: tuple[int, int], required: bool = False) -> int | None:
        """The cell as a whole number within `bounds` (inclusive)."""
        low, high = bounds
        value = self.values.get(column)
        text = cell_text(value)
        if not text:
            if required:
                self.error(column, "is required")
            return None
        number = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = int(value) if float(value).is_integer() else None
        elif re.fullmatch(r"[+]?\d+(\.0*)?", text):
            number = int(text.split(".")[0])
        if number is None or not low <= number <= high:
            self.error(column, f"{quote(text)} is not a whole number from {low} to {high}")
            return None
        return number

    def choice(self, column: str, choices: dict[str, str], what: str, private: bool = False) -> str | None:
        """The code of `choices` the cell names; a `private` answer is never repeated in a message."""
        text = self.raw(column)
        if not text:
            return None
        code = vocab.match_choice(text, choices)
        if code is None:
            # The words people read in the template (self-described), not the stored codes (self_described).
            allowed = ", ".join(label.lower() for label in choices.values())
            shown = "this answer" if private else quote(text)
            self.error(column, f"{shown} is not {what} (allowed: {allowed})")
        return code

    def yes_no(self, column: str) -> str | None:
        """A self-identification yes/no answer; its value is never repeated in a message."""
        text = self.raw(column)
        if not text:
            return None
        key = vocab.slug(text)
        if key in YES_NO_TEXT:
            return YES_NO_TEXT[key]
        if key in PREFER_NOT:
            return "prefer_not"
        self.error(column, "this answer is not one of yes, no, y, n, true, false, 1, 0, prefer not to say")
        return None
