"""Errors of the API as `application/problem+json` (RFC 9457), never an HTML page."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

PROBLEM = "application/problem+json"
PREFIX = "/api/"

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}
DETAILS = {
    401: "Send a personal access token: Authorization: Bearer TOKEN.",
    403: "Your account or this token may not do this.",
    404: "There is nothing at this address that you can see.",
    405: "This address does not take that method.",
    429: "Too many requests with this token. Wait a minute and try again.",
    500: "The error was logged. Please try again.",
}


class ApiError(Exception):
    """A refusal the API answers with a problem document; `errors` lists fields for a 422."""

    def __init__(self, status: int, detail: str, errors: list[dict[str, str]] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors


class Invalid(ApiError):
    """A 422 naming the field that is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(422, f"{field}: {message}", [{"field": field, "message": message}])


def is_api_request() -> bool:
    """Whether the request is for the API (its errors are problem documents)."""
    return request.path.startswith(PREFIX)


def problem(status: int, detail: str | None = None, errors: list[dict[str, str]] | None = None) -> Response:
    """The problem document response for `status`."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail or DETAILS.get(status, TITLES.get(status, "Error")),
    }
    if errors is not None:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def from_http(error: HTTPException) -> Response:
    """A problem document for a Werkzeug error, keeping a description the code gave (abort(404, ...))."""
    status = error.code or 500
    told = error.description if error.description != type(error).description else None
    response = problem(status, told)
    if status == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response
