"""Wiring of the web layer: blueprints, template helpers and security headers."""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, Flask, current_app, g, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from mentorship import vocab
from mentorship.access import has_role
from mentorship.forms import MAX_ID
from mentorship.services.academic_year import year_of

# Scripts and styles come only from this site: no inline script, no CDN.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


# C0 control characters other than tab, newline and carriage return: nobody types them, PostgreSQL refuses
# NUL in text, and spreadsheets cannot hold them. A request carrying one is refused before any view runs.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _has_control_characters() -> bool:
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value):
                return True
    return bool(CONTROL_CHARACTERS.search(request.path))


class IdConverter(IntegerConverter):
    """`<int:...>` of every route: a whole number from 1 to MAX_ID. Zero or a number too large to be an id
    matches no route, so it is a plain 404 before any view can pass it to the database."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 (Werkzeug's names)
        super().__init__(map, fixed_digits, min, max, signed)


def id_path(endpoint: str, **ids: int) -> str:
    """`url_for(endpoint, name=id)` for a route whose one argument is an id, its pattern built once a request:
    a list's rows link to a few such routes, and a url_for per link was a good part of the page's time."""
    [(name, value)] = ids.items()
    patterns = g.setdefault("id_paths", {})
    key = (endpoint, name)
    if key not in patterns:
        # An id is digits only, so the largest one stands in for any and is replaced in the path alone.
        patterns[key] = url_for(endpoint, **{name: MAX_ID}).replace(str(MAX_ID), "{}")
    return str(patterns[key]).format(int(value))


def blueprints() -> list[Blueprint]:
    """Every feature blueprint, in the order they are registered (a new feature is added here)."""
    from mentorship.admin.routes import bp as admin
    from mentorship.api.routes import bp as api
    from mentorship.auth.routes import bp as auth
    from mentorship.dashboard.routes import bp as dashboard
    from mentorship.events.routes import bp as events
    from mentorship.main.routes import bp as main
    from mentorship.matching.routes import bp as matching
    from mentorship.meetings.routes import bp as meetings
    from mentorship.networking.routes import bp as networking
    from mentorship.pairings.routes import bp as pairings
    from mentorship.people.routes import bp as people
    from mentorship.planning.routes import bp as planning
    from mentorship.plans.routes import bp as plans
    from mentorship.profile.routes import bp as profile
    from mentorship.programs.routes import bp as programs
    from mentorship.records.routes import bp as records
    from mentorship.reminders.routes import bp as reminders
    from mentorship.roster.routes import bp as roster
    from mentorship.sso.routes import bp as sso
    from mentorship.sso.saml import bp as saml

    return [
        admin,
        api,
        auth,
        dashboard,
        events,
        main,
        matching,
        meetings,
        networking,
        pairings,
        people,
        plans,
        planning,
        profile,
        programs,
        records,
        reminders,
        roster,
        sso,
        saml,
    ]


def register(app: Flask) -> None:
    """Register the feature blueprints, template globals and request hooks."""
    app.url_map.converters["int"] = IdConverter  # before the routes are added: they look it up then
    for blueprint in blueprints():
        app.register_blueprint(blueprint)

    @app.context_processor
    def template_globals():
        return {
            "vocab": vocab,
            "id_path": id_path,
            "has_role": lambda *roles: current_user.is_authenticated and has_role(current_user, *roles),
            "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
            "today": dt.date.today(),
            "current_ay": year_of(dt.date.today(), app.config["ACADEMIC_YEAR_START_MONTH"]),
        }

    @app.before_request
    def load_signed_in_user():
        # Before any view works: loading may note the session's last use, on a connection of its own that
        # must not wait behind a write of this request.
        current_user._get_current_object()

    @app.before_request
    def refuse_control_characters():
        if _has_control_characters():
            message = (
                "The form or address contains an invisible control character (perhaps pasted from "
                "another program). Remove it and try again."
            )
            title = "Bad request"
            return render_template("errors/error.html", code=400, title=title, message=message), 400
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if current_user.is_authenticated and request.endpoint not in ("static", "bootstrap.static"):
            # Pages and downloads (reports, data exports) of a signed-in user are never kept in a cache;
            # send_file's own "no-cache" would still let a shared computer's browser store them.
            response.headers["Cache-Control"] = "no-store"
        return response
