"""Mentorship Program Manager: the application factory."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from flask import Flask
from flask.ctx import AppContext, RequestContext
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

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
    """A Flask app whose models, extensions and web part (`complete`) may be set up on first use.

    Listing the commands and a command's --help need none of them, and importing them is most of what a
    command costs to start. Everything that can use them (a command running, a request, the shell) first
    pushes an app or request context, so completing the app there means it is whole whenever it is used.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._completed = False
        self._completing = threading.RLock()  # re-entrant: completing the app may push a context itself

    def complete(self) -> None:
        """Set up the models, extensions and web part, once, whichever thread asks first."""
        if self._completed:
            return
        with self._completing:
            if not self._completed:
                _complete(self)
                self._completed = True

    def app_context(self) -> AppContext:
        self.complete()
        return super().app_context()

    def request_context(self, environ) -> RequestContext:
        self.complete()
        return super().request_context(environ)


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
    and web part are set up when it is first used (MentorshipApp), for a process that may only list
    commands or print a command's help."""
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
    if complete:
        app.complete()
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

    from mentorship import auth, errors, web

    auth.init_login(login_manager)
    errors.register(app)
    web.register(app)
