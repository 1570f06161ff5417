"""The JSON API under /api/v1 (docs/api.md).

Every request but the contract itself (openapi.json) carries `Authorization: Bearer TOKEN`, a personal
access token; the session cookie is ignored here, so a page open in a browser can never make the API act
(which is why this blueprint needs no CSRF token: a browser sends no bearer token on its own). Access goes
through mentorship/access.py and the same services as the pages; writes need a token made with --write and
are audited with the token's name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mentorship import vocab
from mentorship.access import pairing_part, roles_required, scope_of
from mentorship.api import openapi, params, serialize
from mentorship.api.problems import ApiError, Invalid
from mentorship.extensions import csrf, db, limiter
from mentorship.models import ApiToken, Event, Invitation, MenteeProfile, MentorProfile, Pairing, Person
from mentorship.services import ServiceError, api_tokens, audit, exports
from mentorship.services import meetings as meeting_service
from mentorship.services import people as people_service
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.events import events as event_service
from mentorship.services.metrics.definitions import STATUSES
from mentorship.services.metrics.queries import programs_in_scope, year_metrics
from mentorship.services.report_data.engagement import summary_of
from reports.engagement import SUMMARY_COLUMNS
from reports.xlsx import cells

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

ANYONE = ("mentor", "mentee", "staff")
PUBLIC = {"api.openapi_json"}


def _limit_key() -> str:
    """Requests count per token (by digest: the limit store holds no token); without one, per address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "api-token:" + api_tokens.digest(header)[:32]
    return "api-address:" + get_remote_address()


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_limit_key)(bp)


@bp.before_request
def authenticate() -> None:
    """Sign the request in as the bearer token's owner, or refuse it with 401."""
    if request.endpoint in PUBLIC:
        return
    scheme, _, plain = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        raise ApiError(
            401, "Send a personal access token: Authorization: Bearer TOKEN (Profile → API tokens)."
        )
    token = api_tokens.authenticate(plain.strip(), now=meeting_service.utcnow())
    if token is None:
        raise ApiError(401, "This token is not valid: it may have expired or been revoked.")
    db.session.commit()  # its last use, written even if the request is then refused
    g.api_token = token
    g._login_user = token.user  # Flask-Login's current_user for this request only; no session is opened


def api_token() -> ApiToken:
    """The token this request is signed in with."""
    return g.api_token


def require_write() -> None:
    """Refuse a write made with a read-only token."""
    if not api_token().can_write:
        raise ApiError(403, "This token can only read. Make a token with write access to change data.")


def _today() -> dt.date:
    return dt.date.today()


def _year() -> int:
    """?year= (default: the current academic year), no more than 50 years back."""
    current = year_of(_today(), current_app.config["ACADEMIC_YEAR_START_MONTH"])
    return params.whole_number("year", low=current - 50, high=current) or current


def _program_in_scope() -> int | None:
    """?program=ID: a staff user's program must be in their scope (403; 404 for no such program)."""
    program_id = params.whole_number("program")
    if program_id is None or not current_user.is_staff:
        return program_id
    if not scope_of(current_user).covers_program(program_id):
        raise ApiError(403 if programs_in_scope([program_id]) else 404, "That program is not in your scope.")
    return program_id


def _pairing(pairing_id: int) -> tuple[Pairing, str]:
    """The pairing and the caller's part in it, or 404 (the pages' rule: access.pairing_part)."""
    pairing = db.session.get(Pairing, pairing_id)
    part = pairing_part(current_user, pairing) if pairing is not None else None
    if pairing is None or part is None:
        raise ApiError(404, "There is no such pairing among those you can see.")
    return pairing, part


@bp.route("/openapi.json")
def openapi_json():
    return jsonify(openapi.document())


@bp.route("/me")
@roles_required(*ANYONE)
def me():
    return jsonify(
        {
            "email": current_user.email,
            "name": current_user.person.full_name,
            "roles": sorted(current_user.roles),
        }
    )


@bp.route("/people")
@roles_required("staff")
def people():
    role = params.choice("role", ("mentor", "mentee"))
    if role is None:
        raise Invalid("role", "required: mentor or mentee")
    program_id = _program_in_scope()
    page, per_page = params.paging()
    query = people_service.listing(
        role, scope_of(current_user), today=_today(), program_id=program_id, status="all"
    )
    profile = MenteeProfile if role == "mentee" else MentorProfile
    query = query.options(selectinload(profile.person).selectinload(Person.self_identification))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    demographics = current_user.can_view_demographics
    items = [serialize.person_item(p, demographics=demographics) for p in result.items]
    if demographics and items:
        audit.record(current_user, "demographics.view", None, via="api", people=[i["id"] for i in items])
        db.session.commit()
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": result.total or 0})


def _own_pairing_ids() -> set[int]:
    return {p.id for p in meeting_service.person_pairings(current_user.person)}


@bp.route("/pairings")
@roles_required(*ANYONE)
def pairings():
    year = _year()
    program_id = _program_in_scope()
    status = params.choice("status", STATUSES)
    kind = params.choice("kind", tuple(vocab.PAIRING_KINDS))
    page, per_page = params.paging()
    req = exports.request_for(current_app.config, year, None, current_user.email, exports.now(), _today())
    if current_user.is_staff:
        scope = scope_of(current_user).program_ids
        program_ids = (program_id,) if program_id else (None if scope is None else tuple(sorted(scope)))
    else:
        program_ids = (program_id,) if program_id else None
    figures = year_metrics(req.ay, req.as_of, req.settings.metrics, program_ids)
    mine = None if current_user.is_staff else _own_pairing_ids()
    kept = sorted(
        (
            m
            for m in figures.pairings.values()
            if (mine is None or m.pairing_id in mine)
            and (status is None or m.status == status)
            and (kind is None or m.kind == kind)
        ),
        key=lambda m: (m.start_date, m.pairing_id),
        reverse=True,
    )
    envelope = params.page_of(kept, page, per_page)
    rows = _load_pairings([m.pairing_id for m in envelope["items"]])
    envelope["items"] = [serialize.pairing_item(rows[m.pairing_id], m) for m in envelope["items"]]
    return jsonify({"year": year, "as_of": req.as_of.isoformat(), **envelope})


def _load_pairings(ids: list[int]) -> dict[int, Pairing]:
    """The pairings of `ids` with their people and program; one query per relationship, not per row."""
    rows = db.session.execute(
        select(Pairing)
        .where(Pairing.id.in_(ids))
        .options(
            selectinload(Pairing.mentor).selectinload(MentorProfile.person),
            selectinload(Pairing.mentee).selectinload(MenteeProfile.person),
            selectinload(Pairing.mentee).selectinload(MenteeProfile.program),
        )
    ).scalars()
    return {p.id: p for p in rows}


@bp.route("/pairings/<int:pairing_id>")
@roles_required(*ANYONE)
def pairing(pairing_id: int):
    found, _part = _pairing(pairing_id)
    year = _year()
    req = exports.request_for(current_app.config, year, None, current_user.email, exports.now(), _today())
    figures = year_metrics(req.ay, req.as_of, req.settings.metrics, (found.mentee.program_id,))
    return jsonify(serialize.pairing_item(found, figures.pairings.get(found.id)))


@bp.route("/pairings/<int:pairing_id>/meetings")
@roles_required(*ANYONE)
def meetings(pairing_id: int):
    found, part = _pairing(pairing_id)
    page, per_page = params.paging()
    live = meeting_service.live_meetings([found.id])[found.id]
    envelope = params.page_of(live, page, per_page)
    notes = part in ("mentor", "mentee")
    envelope["items"] = [serialize.meeting_item(m, notes=notes) for m in envelope["items"]]
    return jsonify(envelope)


@bp.route("/pairings/<int:pairing_id>/meetings", methods=["POST"])
@roles_required(*ANYONE)
def log_meeting(pairing_id: int):
    found, part = _pairing(pairing_id)
    require_write()
    data = params.meeting_input(params.json_object())
    if part == "staff" and data.notes:
        raise Invalid("notes", "a coordinator logs a meeting on the pair's behalf and never writes notes")
    topics = current_app.config["MEETING_TOPICS"]
    try:
        meeting = meeting_service.log_meeting(
            found,
            data,
            by=current_user.person,
            logged_as="coordinator" if part == "staff" else part,
            today=_today(),
            allowed_topics=topics,
        )
    except meeting_service.InvalidMeeting as exc:
        db.session.rollback()
        raise Invalid(exc.field, str(exc)) from None
    except ServiceError as exc:
        db.session.rollback()
        raise ApiError(422, str(exc)) from None
    meeting_service.record_created(meeting, by=current_user.person, via="api", token=api_token().name)
    db.session.commit()
    response = jsonify(serialize.meeting_item(meeting, notes=part != "staff"))
    response.status_code = 201
    response.headers["Location"] = url_for("api.meetings", pairing_id=found.id)
    return response


@bp.route("/metrics/summary")
@roles_required("staff")
def summary():
    year = _year()
    program_id = _program_in_scope()
    scope = scope_of(current_user).program_ids
    program_ids = (program_id,) if program_id else (None if scope is None else tuple(sorted(scope)))
    req = exports.request_for(
        current_app.config, year, program_ids, current_user.email, exports.now(), _today()
    )
    page, per_page = params.paging()
    rows = cells(summary_of(req), SUMMARY_COLUMNS)
    items: list[dict[str, Any]] = [
        {column.header: value for column, value in zip(SUMMARY_COLUMNS, row, strict=True)} for row in rows
    ]
    exports.record_export(current_user, "summary", req, via=f"api token {api_token().name}")
    db.session.commit()
    envelope = params.page_of(items, page, per_page)
    return jsonify(
        {"year": year, "as_of": req.as_of.isoformat(), "year_to_date": req.as_of < req.ay.end, **envelope}
    )


@bp.route("/events")
@roles_required(*ANYONE)
def events():
    """Staff: the events of their scope; mentors and mentees: the events they are invited to."""
    year = params.whole_number("year", low=1900, high=9999)
    page, per_page = params.paging()
    query = select(Event).options(selectinload(Event.programs))
    mine: dict[int, Invitation] = {}
    if current_user.is_staff:
        query = query.where(event_service.in_scope(scope_of(current_user)))
    else:
        invitations = db.session.execute(
            select(Invitation).where(Invitation.person_id == current_user.person_id, Invitation.invited)
        ).scalars()
        mine = {i.event_id: i for i in invitations}
        query = query.where(Event.id.in_(list(mine)))
    if year is not None:
        ay = academic_year(year, current_app.config["ACADEMIC_YEAR_START_MONTH"])
        start = dt.datetime.combine(ay.start, dt.time())
        query = query.where(
            Event.starts_at >= start, Event.starts_at < dt.datetime.combine(ay.end, dt.time.max)
        )
    result = db.paginate(
        query.order_by(Event.starts_at.desc(), Event.id.desc()), page=page, per_page=per_page, error_out=False
    )
    items = [serialize.event_item(e, mine.get(e.id)) for e in result.items]
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": result.total or 0})
