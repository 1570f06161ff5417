"""Mentorship Program Manager: the application factory."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from flask.ctx import RequestContext
    from werkzeug.routing import Map

from config import Config
from mentorship.development import serve_this_computer_only
from mentorship.services import calendar
from mentorship.services.records import credit

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless asked, and WAL + a busy timeout let readers and
    # one writer work at once instead of failing with "database is locked".
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


class MentorshipApp(Flask):
    """A Flask app whose models and extensions (`complete`) and web part (`complete_web`) are set up when
    first needed.

    Listing the commands and a command's --help need none of them, and importing them is most of what a
    command costs to start. A context being pushed says nothing (Flask pushes one to look a command up), so
    the app completes where it is used: the models and extensions before one of our commands' callbacks
    runs (mentorship.cli) or a `flask db` command (mentorship.migrations); the web part too (blueprints,
    error pages, request hooks, template globals) before a request or a request context, when the shell
    builds its namespace, when a template is rendered, and when anything reads the routes (`url_map`,
    `view_functions`: `url_for`, `flask routes`). A command that builds a workbook never imports the pages.
    Flask-Limiter's `flask limiter` commands push a test request context before they look at the app.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Set before Flask's __init__, which reads url_map to add the static route: until create_app has
        # loaded the settings ("setting up"), there is nothing to complete the app with.
        self._state = "setting up"  # then "incomplete", "completing", "complete"
        self._web = "absent"  # then "adding", "added"
        self._completing = threading.RLock()  # re-entrant: completing reads url_map and so asks again
        super().__init__(*args, **kwargs)

    def complete(self) -> None:
        """Set up the models and extensions, once, whichever thread asks first (the others wait)."""
        if self._state == "complete":
            return
        with self._completing:
            if self._state != "incomplete":  # done, being done by this thread, or still setting up
                return
            self._state = "completing"
            _complete(self)
            self._state = "complete"

    def complete_web(self) -> None:
        """`complete`, then set up the web part, once."""
        if self._web == "added":
            return
        with self._completing:
            self.complete()
            # Not before the models and extensions are set up, and once (this thread may be adding it).
            if self._state != "complete" or self._web != "absent":
                return
            self._web = "adding"
            _complete_web(self)
            self._web = "added"

    # Flask's __init__ assigns both; the objects are kept under other names, and reading them completes.
    @property
    def url_map(self) -> Map:
        self.complete_web()
        return self._url_map

    @url_map.setter
    def url_map(self, value: Map) -> None:
        self._url_map = value

    @property
    def view_functions(self) -> dict[str, Any]:
        self.complete_web()
        return self._view_functions

    @view_functions.setter
    def view_functions(self, value: dict[str, Any]) -> None:
        self._view_functions = value

    def wsgi_app(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        self.complete_web()  # `flask run` and any server given an incomplete app
        return super().wsgi_app(environ, start_response)

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        self.complete_web()  # test_request_context comes here too
        return super().request_context(environ)

    def make_shell_context(self) -> dict[str, Any]:
        self.complete_web()  # `flask shell`
        return super().make_shell_context()

    def update_template_context(self, context: dict[str, Any]) -> None:
        self.complete_web()  # an email rendered by a command: the template globals come with the web part
        super().update_template_context(context)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme, host and prefix from
    their X-Forwarded-* headers (per-address limits and secure cookies need them); with none, ignore them,
    since anyone can send those headers."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops < 0:
        raise RuntimeError("TRUSTED_PROXIES must be 0 or the number of proxies in front of the app.")
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )


def check_review_months(app: Flask) -> None:
    """Refuse to start with a PLAN_REVIEW_MONTHS the plan pages could not use (the message says why)."""
    from mentorship.services.plans.rules import parse_review_months

    try:
        parse_review_months(app.config["PLAN_REVIEW_MONTHS"])
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None


def create_app(config_class: type = Config, *, complete: bool = True) -> MentorshipApp:
    """Build the application with `config_class` settings; with `complete=False` its models, extensions
    and web part are set up when they are first used (MentorshipApp), for a process that may only list
    commands, print a command's help or run a command that needs no page."""
    app = MentorshipApp(__name__, template_folder=str(TEMPLATES), instance_relative_config=False)
    app.config.from_object(config_class)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set it in the environment (docs/configuration.md); on a developer's "
            "computer, `make setup` writes one into instance/settings.env."
        )
    try:
        calendar.zone(app.config["TIMEZONE"])
    except calendar.CalendarError as error:
        raise RuntimeError(str(error)) from None
    if app.config.get("OIDC_ISSUER") and not app.config.get("OIDC_CLIENT_ID"):
        raise RuntimeError("OIDC_ISSUER is set without OIDC_CLIENT_ID (docs/sso.md).")
    try:
        credit.parse(app.config["MENTOR_CREDIT_RULE"])
    except credit.CreditRuleError as error:
        raise RuntimeError(str(error)) from None
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    if app.config.get("APP_ENV") == "development":
        serve_this_computer_only(app)  # registered first: it runs before every other request hook
    if not app.debug and not app.testing:
        app.logger.setLevel(logging.INFO)  # mail written to the log must show
    trust_proxies(app)

    from mentorship import migrations
    from mentorship.cli import register_cli

    migrations.add_command(app)
    register_cli(app)
    app._state = "incomplete"  # set up: from now on, the first use completes it
    if complete:
        app.complete_web()
    return app


def _complete(app: Flask) -> None:
    # The settings checked here need the models' modules to be checked.
    from mentorship.sso import saml

    saml.check_settings(app.config)
    check_review_months(app)

    from mentorship import migrations, models  # noqa: F401  (models registers the tables)
    from mentorship.extensions import bootstrap, csrf, db, limiter, login_manager, mail
    from mentorship.services.metrics import kept, versions

    db.init_app(app)
    # Figures computed once are served again until the data changes; its hooks come first, so that they
    # see every statement before the kept totals' hook runs it.
    versions.install()
    kept.install()  # the per-year meeting totals follow every meeting write (docs/architecture.md)
    migrations.init_app(app, db)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)

    from mentorship import auth

    auth.init_login(login_manager)


def _complete_web(app: Flask) -> None:
    from mentorship import errors, web

    errors.register(app)
    web.register(app)
