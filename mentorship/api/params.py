"""Reading the API's query strings and JSON bodies: each bad value is a 422 naming its field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask import request

from mentorship.api.problems import ApiError, Invalid
from mentorship.forms import MAX_ID
from mentorship.services.meetings import DEFAULT_MODALITY, DEFAULT_STATUS, MeetingInput

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MEETING_FIELDS = ("date", "duration_minutes", "modality", "status", "topics", "notes")


def whole_number(name: str, *, low: int = 1, high: int = MAX_ID) -> int | None:
    """The query-string whole number `name` from `low` to `high`, or None when it is absent."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise Invalid(name, f"a whole number from {low} to {high}")
    return int(raw)


def choice(name: str, allowed: Sequence[str]) -> str | None:
    """The query-string value `name`, one of `allowed`, or None when it is absent."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if raw not in allowed:
        raise Invalid(name, f"one of {', '.join(allowed)}")
    return raw


def paging() -> tuple[int, int]:
    """?page= (from 1) and ?per_page= (1 to 100, default 25)."""
    page = whole_number("page") or 1
    per_page = whole_number("per_page", high=MAX_PER_PAGE) or DEFAULT_PER_PAGE
    return page, per_page


def page_of(items: list[Any], page: int, per_page: int) -> dict[str, Any]:
    """The list envelope of one page of `items`."""
    start = (page - 1) * per_page
    return {"items": items[start : start + per_page], "page": page, "per_page": per_page, "total": len(items)}


def json_object() -> dict[str, Any]:
    """The request's JSON body, which must be an object."""
    if not request.is_json:
        raise ApiError(415, "Send a JSON body with Content-Type: application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "The body is not a JSON object.")
    return body


def _text(body: dict[str, Any], name: str, default: str | None) -> str | None:
    value = body.get(name, default)
    if value is not None and not isinstance(value, str):
        raise Invalid(name, "a string")
    return value


def meeting_input(body: dict[str, Any]) -> MeetingInput:
    """A meeting of a POST body; unknown fields and wrong types are refused before any rule runs."""
    unknown = sorted(set(body) - set(MEETING_FIELDS))
    if unknown:
        raise Invalid(unknown[0], f"not a field of a meeting (fields: {', '.join(MEETING_FIELDS)})")
    raw_date = body.get("date")
    if not isinstance(raw_date, str):
        raise Invalid("date", "required, as YYYY-MM-DD")
    try:
        date = dt.date.fromisoformat(raw_date)
    except ValueError:
        raise Invalid("date", "a date as YYYY-MM-DD") from None
    minutes = body.get("duration_minutes", 30)
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise Invalid("duration_minutes", "a whole number of minutes")
    topics = body.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise Invalid("topics", "a list of topic names")
    return MeetingInput(
        date=date,
        duration_minutes=minutes,
        modality=_text(body, "modality", DEFAULT_MODALITY) or DEFAULT_MODALITY,
        status=_text(body, "status", DEFAULT_STATUS) or DEFAULT_STATUS,
        topics=topics,
        notes=_text(body, "notes", None),
    )
