"""The teaching-credit rule of MENTOR_CREDIT_RULE (docs/configuration.md), parsed once at start-up.

`hours:R:CAP`: R credits per hour of held meetings in the year, at most CAP. `relationship:C:H`: C credits
per mentee with at least H hours of held meetings with the mentor in the year. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

FORMS = (
    "hours:R:CAP (R credits per hour, at most CAP a year) or relationship:C:H "
    "(C credits per mentee with at least H hours)"
)


class CreditRuleError(ValueError):
    """MENTOR_CREDIT_RULE is not one of the two forms."""


@dataclass(frozen=True)
class CreditRule:
    """A parsed MENTOR_CREDIT_RULE."""

    kind: str  # "hours" or "relationship"
    rate: float  # credits per hour, or per qualifying mentee
    limit: float  # the yearly cap (hours), or the hours a mentee needs (relationship)

    def credits(self, minutes_per_mentee: Iterable[int]) -> float:
        """The credits of a year whose held meetings with each mentee took these minutes."""
        minutes = list(minutes_per_mentee)
        if self.kind == "hours":
            return round(min(self.rate * sum(minutes) / 60, self.limit), 2)
        # Compared in minutes: 8 hours is 480 minutes exactly, never 7.9999 hours.
        needed = self.limit * 60
        return round(self.rate * sum(1 for m in minutes if m >= needed - 1e-9), 2)

    def describe(self) -> str:
        """The rule in words, for the record and the workbook's cover."""
        rate, limit = _number(self.rate), _number(self.limit)
        if self.kind == "hours":
            return f"{rate} credit(s) per hour of held meetings, at most {limit} a year"
        return f"{rate} credit(s) per mentee with at least {limit} hours of held meetings in the year"


def _number(value: float) -> str:
    return f"{value:g}"


def parse(text: str | None) -> CreditRule | None:
    """The rule of `text`; None when it is blank; CreditRuleError naming the problem otherwise."""
    if text is None or not text.strip():
        return None
    parts = [p.strip() for p in text.strip().split(":")]
    if len(parts) != 3 or parts[0].lower() not in ("hours", "relationship"):
        raise CreditRuleError(f"MENTOR_CREDIT_RULE must be {FORMS}, not {text!r}.")
    kind = parts[0].lower()
    try:
        rate, limit = float(parts[1]), float(parts[2])
    except ValueError:
        raise CreditRuleError(
            f"MENTOR_CREDIT_RULE {text!r}: both values must be numbers (hours:0.5:10, relationship:5:8)."
        ) from None
    second = "CAP" if kind == "hours" else "H"
    if not (rate > 0 and rate < 1e6):
        raise CreditRuleError(f"MENTOR_CREDIT_RULE {text!r}: the credits must be a number above 0.")
    if not (limit > 0 and limit < 1e6):
        raise CreditRuleError(f"MENTOR_CREDIT_RULE {text!r}: {second} must be a number above 0.")
    return CreditRule(kind, rate, limit)
