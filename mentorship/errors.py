"""Styled error pages; the 500 handler rolls back whatever the request left half-done."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from mentorship.api import problems
from mentorship.extensions import db

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Not found", "There is no page at this address."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("File too large", "The file is larger than this site accepts."),
    429: ("Too many attempts", "Too many attempts. Wait a few minutes and try again."),
    500: ("Something went wrong", "The error was logged. Please try again."),
}


def error_page(code: int, message: str | None = None):
    """The styled error page for `code`, with `message` instead of the default sentence."""
    title, default = MESSAGES.get(code, ("Error", "Something went wrong."))
    return render_template("errors/error.html", code=code, title=title, message=message or default), code


def register(app: Flask) -> None:
    """Install the error handlers on `app`."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(400, "The form expired or was sent from elsewhere. Reload the page and try again.")

    @app.errorhandler(problems.ApiError)
    def api_error(error: problems.ApiError):
        return problems.problem(error.status, error.detail, error.errors)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if problems.is_api_request():
            return problems.from_http(error)
        if error.code == 429:
            return error_page(429)
        # abort(400, description="...") says what was wrong; Werkzeug's own descriptions are replaced by ours.
        told = error.description if error.description != type(error).description else None
        return error_page(error.code or 500, told)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        if problems.is_api_request():
            return problems.problem(500)
        return error_page(500)
