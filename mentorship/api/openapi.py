"""The OpenAPI 3.1 document of the API: every endpoint, its parameters and the schema of each response.

The tests validate this document and check every documented response against what the endpoint returns,
so the contract and the code cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from mentorship import vocab
from mentorship.api.params import MAX_PER_PAGE
from mentorship.services.metrics.definitions import STATUSES
from reports.engagement import SUMMARY_COLUMNS

NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
DATE = {"type": "string", "format": "date"}
LOCAL_TIME = {"type": "string", "description": "The office's local time (TIMEZONE), ISO 8601"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _list_of(item: str, **extra: Any) -> dict[str, Any]:
    return _obj(
        ["items", "page", "per_page", "total", *extra],
        items={"type": "array", "items": _ref(item)},
        page={"type": "integer", "minimum": 1},
        per_page={"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        total={"type": "integer", "minimum": 0},
        **extra,
    )


def _query(name: str, description: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


PAGING = [
    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
    _query(
        "per_page",
        f"Items per page, 1 to {MAX_PER_PAGE} (default 25).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    ),
]
YEAR = _query(
    "year", "Academic year (2025 = July 2025 to June 2026); default the current one.", {"type": "integer"}
)
PROGRAM = _query("program", "Program id (within your scope).", {"type": "integer", "minimum": 1})


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _ok(schema: str, description: str = "OK", status: str = "200") -> dict[str, Any]:
    responses = {
        status: {"description": description, "content": {"application/json": {"schema": _ref(schema)}}},
        "401": _problem("No token, or one that is expired or revoked."),
        "403": _problem("Your role or this token may not do this."),
        "422": {
            "description": "A parameter or field is wrong; `errors` names it.",
            "content": {"application/problem+json": {"schema": _ref("ValidationProblem")}},
        },
        "429": _problem("Too many requests with this token."),
    }
    return responses


def _operation(
    op_id: str, summary: str, schema: str, parameters: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    operation = {
        "operationId": op_id,
        "summary": summary,
        "parameters": parameters,
        "responses": _ok(schema),
        **extra,
    }
    return operation


def _summary_row() -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for column in SUMMARY_COLUMNS:
        if column.kind == "text":
            properties[column.header] = {"type": "string"}
        elif column.kind == "int":
            properties[column.header] = {"type": "integer"}
        else:
            properties[column.header] = {"type": ["number", "null"]}
    return {"type": "object", "required": [c.header for c in SUMMARY_COLUMNS], "properties": properties}


def schemas() -> dict[str, Any]:
    """The component schemas."""
    ref_person = _obj(
        ["id", "name", "email"], id={"type": "integer"}, name={"type": "string"}, email={"type": "string"}
    )
    program = {
        "type": ["object", "null"],
        "required": ["id", "name"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    }
    text_or_null = {"type": ["string", "null"]}
    return {
        "Problem": _obj(
            ["type", "title", "status", "detail"],
            type={"type": "string"},
            title={"type": "string"},
            status={"type": "integer"},
            detail={"type": "string"},
        ),
        "ValidationProblem": _obj(
            ["type", "title", "status", "detail", "errors"],
            type={"type": "string"},
            title={"type": "string"},
            status={"const": 422},
            detail={"type": "string"},
            errors={
                "type": "array",
                "minItems": 1,
                "items": _obj(["field", "message"], field={"type": "string"}, message={"type": "string"}),
            },
        ),
        "Me": _obj(
            ["email", "name", "roles"],
            email={"type": "string"},
            name={"type": "string"},
            roles={"type": "array", "items": {"enum": ["admin", "coordinator", "mentor", "mentee"]}},
        ),
        "PersonRef": ref_person,
        "Program": program,
        "SelfIdentification": {
            "type": ["object", "null"],
            "description": "Only for users with view_demographics.",
            "properties": {
                "gender": text_or_null,
                "gender_description": text_or_null,
                "race_ethnicity": {"type": "array", "items": {"type": "string"}},
                "race_prefer_not": {"type": "boolean"},
                "urim": text_or_null,
                "img": text_or_null,
                "first_generation": text_or_null,
                "given_on": NULLABLE_DATE,
            },
        },
        "Person": {
            "type": "object",
            "required": [
                "id",
                "name",
                "email",
                "first_name",
                "last_name",
                "role",
                "program",
                "pgy",
                "enrolled_on",
                "left_on",
            ],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "email": {"type": "string"},
                "first_name": {"type": "string"},
                "last_name": {"type": "string"},
                "role": {"enum": ["mentor", "mentee"]},
                "program": _ref("Program"),
                "pgy": {"type": ["integer", "null"]},
                "interests": {"type": "array", "items": {"type": "string"}},
                "enrolled_on": DATE,
                "left_on": NULLABLE_DATE,
                "mentor_type": {"type": "string"},
                "department": text_or_null,
                "specialty": text_or_null,
                "rank": text_or_null,
                "capacity": {"type": "integer"},
                "self_identification": _ref("SelfIdentification"),
            },
        },
        "PeopleList": _list_of("Person"),
        "Pairing": _obj(
            ["id", "kind", "program", "mentor", "mentee", "start_date", "end_date", "end_reason", "year"],
            id={"type": "integer"},
            kind={"enum": list(vocab.PAIRING_KINDS)},
            program=_ref("Program"),
            mentor=_ref("PersonRef"),
            mentee={**ref_person, "properties": {**ref_person["properties"], "pgy": {"type": "integer"}}},
            start_date=DATE,
            end_date=NULLABLE_DATE,
            end_reason=text_or_null,
            year={
                "type": ["object", "null"],
                "description": "The pairing's figures in the year asked for; null if not active in it.",
                "required": ["meetings", "hours", "status"],
                "properties": {
                    "meetings": {"type": "integer"},
                    "hours": {"type": "number"},
                    "first_meeting": NULLABLE_DATE,
                    "days_to_first_meeting": {"type": ["integer", "null"]},
                    "last_meeting": NULLABLE_DATE,
                    "days_since_last_meeting": {"type": "integer"},
                    "status": {"enum": list(STATUSES)},
                },
            },
        ),
        "PairingList": {
            **_list_of("Pairing"),
            "properties": {**_list_of("Pairing")["properties"], "year": {"type": "integer"}, "as_of": DATE},
        },
        "Meeting": {
            "type": "object",
            "required": [
                "id",
                "pairing_id",
                "date",
                "duration_minutes",
                "modality",
                "status",
                "topics",
                "logged_as",
                "confirmed",
            ],
            "properties": {
                "id": {"type": "integer"},
                "pairing_id": {"type": "integer"},
                "date": DATE,
                "duration_minutes": {"type": "integer"},
                "modality": {"enum": list(vocab.MODALITIES)},
                "status": {"type": "string"},
                "topics": {"type": "array", "items": {"type": "string"}},
                "logged_as": {"type": "string"},
                "confirmed": {"type": "boolean"},
                "disputed": {"type": "boolean"},
                "notes": {"type": ["string", "null"], "description": "Only for the pairing's two people."},
            },
        },
        "MeetingList": _list_of("Meeting"),
        "NewMeeting": {
            "type": "object",
            "required": ["date"],
            "additionalProperties": False,
            "properties": {
                "date": DATE,
                "duration_minutes": {"type": "integer", "minimum": 1, "maximum": 600, "default": 30},
                "modality": {"enum": list(vocab.MODALITIES), "default": "in_person"},
                "status": {"enum": list(vocab.MEETING_STATUSES), "default": "held"},
                "topics": {"type": "array", "items": {"type": "string"}},
                "notes": {
                    "type": ["string", "null"],
                    "description": "Private to the pair; not for coordinators.",
                },
            },
        },
        "Event": {
            "type": "object",
            "required": ["id", "title", "kind", "starts_at", "ends_at", "programs", "cancelled"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "kind": {"type": "string"},
                "starts_at": LOCAL_TIME,
                "ends_at": LOCAL_TIME,
                "place": text_or_null,
                "description": text_or_null,
                "programs": {"type": "array", "items": _ref("Program")},
                "capacity": {"type": ["integer", "null"]},
                "cancelled": {"type": "boolean"},
                "my_rsvp": {"type": ["string", "null"], "description": "Your answer, if you are invited"},
            },
        },
        "EventList": _list_of("Event"),
        "SummaryRow": _summary_row(),
        "Summary": {
            **_list_of("SummaryRow"),
            "properties": {
                **_list_of("SummaryRow")["properties"],
                "year": {"type": "integer"},
                "as_of": DATE,
                "year_to_date": {"type": "boolean"},
            },
        },
    }


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document."""
    bearer = [{"bearer": []}]
    log = _operation(
        "logMeeting",
        "Log a meeting of the pairing (a token with write access)",
        "Meeting",
        [_path_id("pairing_id")],
        requestBody={"required": True, "content": {"application/json": {"schema": _ref("NewMeeting")}}},
    )
    log["responses"]["201"] = log["responses"].pop("200")
    log["responses"]["201"]["description"] = "The meeting, logged."
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mentorship Program Manager API",
            "version": "1.0.0",
            "description": "The same access rules as the web interface; see docs/api.md.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": bearer,
        "paths": {
            "/me": {"get": _operation("me", "The token's owner", "Me", [])},
            "/people": {
                "get": _operation(
                    "people",
                    "Mentors or mentees in your scope (staff)",
                    "PeopleList",
                    [
                        _query("role", "mentor or mentee", {"enum": ["mentor", "mentee"]}, required=True),
                        PROGRAM,
                        *PAGING,
                    ],
                )
            },
            "/pairings": {
                "get": _operation(
                    "pairings",
                    "Pairings active in the academic year: staff see their scope, others their own",
                    "PairingList",
                    [
                        YEAR,
                        PROGRAM,
                        _query("status", "Status flag in the year", {"enum": list(STATUSES)}),
                        _query("kind", "Pairing kind", {"enum": list(vocab.PAIRING_KINDS)}),
                        *PAGING,
                    ],
                )
            },
            "/pairings/{pairing_id}": {
                "get": {
                    **_operation(
                        "pairing",
                        "One pairing, with its figures in the year",
                        "Pairing",
                        [_path_id("pairing_id"), YEAR],
                    ),
                }
            },
            "/pairings/{pairing_id}/meetings": {
                "get": _operation(
                    "meetings",
                    "The pairing's meetings, newest first",
                    "MeetingList",
                    [_path_id("pairing_id"), *PAGING],
                ),
                "post": log,
            },
            "/metrics/summary": {
                "get": _operation(
                    "summary",
                    "The engagement workbook's Summary rows (staff)",
                    "Summary",
                    [YEAR, PROGRAM, *PAGING],
                )
            },
            "/events": {
                "get": _operation(
                    "events",
                    "Events: staff see their programs' events, others the events they are invited to",
                    "EventList",
                    [_query("year", "Academic year the event starts in", {"type": "integer"}), *PAGING],
                )
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A personal access token"}
            },
        },
    }
