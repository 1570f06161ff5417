"""Application settings, read from the environment (every one is described in docs/configuration.md)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

DEFAULT_URIM_CATEGORIES = (
    "american_indian_alaska_native;black_african_american;hispanic_latino;native_hawaiian_pacific_islander"
)
DEFAULT_TOPICS = (
    "career planning;research;clinical skills;wellness;work-life balance;"
    "networking;leadership;teaching;board preparation;other"
)

# The attributes an email comes in: LDAP's `mail` (by name and by OID), a plain `email`, and Entra ID's claim.
DEFAULT_SAML_EMAIL_ATTRIBUTES = (
    "mail;email;urn:oid:0.9.2342.19200300.100.1.3;"
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
)

DEFAULT_AGENDAS = {
    "career": "Introduce yourselves: training so far, interests, life outside work;"
    "What the mentee hopes to get from this year;How and how often you will meet;"
    "One step to take before the next meeting",
    "research": "Research interests and any work so far;Questions or projects worth exploring;"
    "Skills to build (methods, writing, presenting);How and how often you will meet",
    "wellness": "How the year is going, and what helps;What support would be useful;"
    "How and how often you will meet",
    "peer": "What each of you hopes to get from this;Tips for the rotations ahead;"
    "How and how often you will meet",
}


def _number(kind: type, name: str, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ValueError(f"Setting {name} must be {what}, not {raw!r}.") from None


def _int(name: str, default: int) -> int:
    return _number(int, name, default)


def _float(name: str, default: float) -> float:
    return _number(float, name, default)


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in os.environ.get(name, default).split(";") if p.strip())


def database_url(raw: str | None) -> str:
    """Normalise a DATABASE_URL so that PostgreSQL always goes through psycopg 3."""
    if not raw:
        return f"sqlite:///{BASE_DIR / 'instance' / 'mentorship.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def ratelimit_storage_uri(environ: Mapping[str, str]) -> str:
    """Where throttling counts: RATELIMIT_STORAGE_URI if set, else REDIS_URL, else this process's memory.

    Memory is right for one process (`make run`); several workers or hosts must share Redis, or each keeps
    its own count and an attacker gets the limit once per worker.
    """
    return environ.get("RATELIMIT_STORAGE_URI") or environ.get("REDIS_URL") or "memory://"


class Config:
    """Settings for a real deployment; every value can be set by an environment variable."""

    APP_ENV = os.environ.get("APP_ENV", "production")
    # No built-in key for any environment: create_app refuses to start without one. For development,
    # `make setup` writes a random key into instance/settings.env (read by app.py).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", APP_ENV == "production")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None  # a form left open during a clinic stays valid for the session
    BOOTSTRAP_SERVE_LOCAL = True
    MAX_CONTENT_LENGTH = _int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    IMPORT_MAX_BYTES = _int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
    PER_PAGE = _int("PER_PAGE", 25)

    # Metrics (docs/metrics.md) and privacy (docs/privacy.md).
    ENGAGEMENT_TARGET = _int("ENGAGEMENT_TARGET", 4)
    OVERDUE_DAYS = _int("OVERDUE_DAYS", 60)
    MIN_CELL_SIZE = _int("MIN_CELL_SIZE", 5)
    ACADEMIC_YEAR_START_MONTH = _int("ACADEMIC_YEAR_START_MONTH", 7)
    URIM_CATEGORIES = _list("URIM_CATEGORIES", DEFAULT_URIM_CATEGORIES)
    MEETING_TOPICS = _list("MEETING_TOPICS", DEFAULT_TOPICS)
    # Development plan review windows: months of each window, windows separated by ";" (checked at start-up).
    PLAN_REVIEW_MONTHS = os.environ.get("PLAN_REVIEW_MONTHS", "11,12;5,6")

    # Reminders and one-click links (docs/command-line.md, flask reminders send).
    REMINDER_INTERVAL_DAYS = _int("REMINDER_INTERVAL_DAYS", 14)
    LOG_LINK_DAYS = _int("LOG_LINK_DAYS", 14)
    INVITE_LINK_HOURS = _int("INVITE_LINK_HOURS", 72)
    PASSWORD_RESET_HOURS = _int("PASSWORD_RESET_HOURS", 2)
    PASSWORD_MIN_LENGTH = _int("PASSWORD_MIN_LENGTH", 10)
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    # Introduction emails: a suggested first-meeting agenda for each kind of pairing (items split by ";").
    INTRO_AGENDAS = {
        "career": _list("INTRO_AGENDA_CAREER", DEFAULT_AGENDAS["career"]),
        "research": _list("INTRO_AGENDA_RESEARCH", DEFAULT_AGENDAS["research"]),
        "wellness": _list("INTRO_AGENDA_WELLNESS", DEFAULT_AGENDAS["wellness"]),
        "peer": _list("INTRO_AGENDA_PEER", DEFAULT_AGENDAS["peer"]),
    }
    # The office's time zone (IANA name): meetings are planned, shown and sent to calendars in it.
    TIMEZONE = os.environ.get("TIMEZONE", "America/New_York")

    # Matching weights and objective (docs/guides/coordinator.md, Matching).
    MATCH_WEIGHT_INTERESTS = _float("MATCH_WEIGHT_INTERESTS", 0.35)
    MATCH_WEIGHT_FIT = _float("MATCH_WEIGHT_FIT", 0.25)
    MATCH_WEIGHT_PREFERENCE = _float("MATCH_WEIGHT_PREFERENCE", 0.2)
    MATCH_WEIGHT_CONCORDANCE = _float("MATCH_WEIGHT_CONCORDANCE", 0.15)
    MATCH_WEIGHT_SPREAD = _float("MATCH_WEIGHT_SPREAD", 0.05)
    MATCH_OBJECTIVE = os.environ.get("MATCH_OBJECTIVE", "participation")
    # Near-peer mentors mentor only residents of their own program unless this is on.
    NEAR_PEER_ANY_PROGRAM = _bool("NEAR_PEER_ANY_PROGRAM", False)

    # Mail (Flask-Mail's names); without MAIL_SERVER mail is written to the log.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "mentorship@localhost")
    # Whom a person is told to contact when their sign-in email changed unexpectedly.
    OFFICE_CONTACT = os.environ.get("OFFICE_CONTACT", "the GME office")

    # The faculty mentoring record: the name it is issued under, and the teaching-credit rule
    # (hours:R:CAP or relationship:C:H; blank for no credit line), checked when the app starts.
    INSTITUTION_NAME = os.environ.get("INSTITUTION_NAME", "Graduate Medical Education Office")
    MENTOR_CREDIT_RULE = os.environ.get("MENTOR_CREDIT_RULE", "")

    # Sign-in sessions: one not used for this many days is signed out.
    SESSION_IDLE_DAYS = _int("SESSION_IDLE_DAYS", 14)

    # Throttling (Flask-Limiter): failed sign-ins per account and address, and per address alone (set
    # higher: a hospital's staff may all reach the site from one address).
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # The RQ queue that `flask jobs worker` serves (emails, large exports); several sites may share Redis.
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "mentorship")
    # With REDIS_URL, a workbook whose programs hold this many pairings (of any year) is built by a job.
    LARGE_EXPORT_PAIRINGS = _int("LARGE_EXPORT_PAIRINGS", 2000)
    RATELIMIT_STORAGE_URI = ratelimit_storage_uri(os.environ)
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "mentorship")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per 5 minutes")
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "50 per 5 minutes")
    # Institution sign-in with OpenID Connect (docs/sso.md); off while OIDC_ISSUER is empty.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER") or None
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID") or None
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET") or None
    OIDC_NAME = os.environ.get("OIDC_NAME", "your institution")
    # Institution sign-in with SAML 2.0 (docs/sso.md); off while SAML_IDP_METADATA is empty. The settings
    # are checked when the app starts (mentorship/sso/saml.py, check_settings).
    SAML_IDP_METADATA = os.environ.get("SAML_IDP_METADATA") or None  # a file, or an https:// URL
    SAML_SP_ENTITY_ID = os.environ.get("SAML_SP_ENTITY_ID") or None  # default: BASE_URL/auth/saml/metadata
    SAML_SP_CERT = os.environ.get("SAML_SP_CERT") or None  # for IdPs that encrypt assertions
    SAML_SP_KEY = os.environ.get("SAML_SP_KEY") or None
    SAML_NAME = os.environ.get("SAML_NAME", "your institution")
    SAML_EMAIL_ATTRIBUTE = _list("SAML_EMAIL_ATTRIBUTE", DEFAULT_SAML_EMAIL_ATTRIBUTES)
    SSO_ONLY = _bool("SSO_ONLY", False)  # passwords off for everyone but admins
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")  # per personal access token
    # Reverse proxies in front of the app (0: none): their X-Forwarded-* headers are then believed.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)


class TestConfig(Config):
    """Settings for the test suite: a throwaway database, no real mail, no secure cookies."""

    APP_ENV = "test"
    TESTING = True
    SECRET_KEY = secrets.token_hex(32)  # a new key for every test run: nothing depends on its value
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = True
    MAIL_SERVER = None
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"  # one process; tests of shared limits start their own servers
    REDIS_URL = None
    TRUSTED_PROXIES = 0
    BASE_URL = "http://localhost"
