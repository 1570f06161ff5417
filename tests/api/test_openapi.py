"""The OpenAPI 3.1 document: valid, describing every API route, and every documented response schema
validating what the endpoint really returns."""

from __future__ import annotations

import datetime as dt
import re

import jsonschema
from openapi_spec_validator import validate

from mentorship.extensions import db
from tests.api.helpers import bearer, token_for

TODAY = dt.date.today()


def _document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def _check(document: dict, path: str, method: str, response) -> None:
    """Validate `response` against the schema the document gives for its path, method and status."""
    documented = document["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method.upper()} {path} returned undocumented {status}"
    ((media, spec),) = documented[status]["content"].items()
    assert response.mimetype == media, (path, status, response.mimetype)
    schema = {**spec["schema"], "components": document["components"]}
    jsonschema.validate(response.get_json(), schema, cls=jsonschema.Draft202012Validator)


def test_the_document_is_valid_openapi_31(client):
    document = _document(client)
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_api_route_is_documented(app, client):
    document = _document(client)
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def test_documented_schemas_validate_real_responses(app, client, pair, f, monkeypatch):
    f.meeting(pair.pairing, TODAY - dt.timedelta(days=3), notes="private")
    admin = f.user(f.person("admin@example.org", "Ad", "Min"), is_admin=True)
    db.session.commit()
    document = _document(client)
    mentor, staff = bearer(token_for(pair.mentor_user)), bearer(token_for(admin))
    reader = bearer(token_for(pair.mentor_user, write=False, name="reader"))
    pid = pair.pairing.id
    calls = [
        ("/me", "get", client.get("/api/v1/me", headers=mentor)),
        ("/me", "get", client.get("/api/v1/me")),
        ("/people", "get", client.get("/api/v1/people?role=mentor", headers=staff)),
        ("/people", "get", client.get("/api/v1/people?role=mentee", headers=staff)),
        ("/people", "get", client.get("/api/v1/people?role=someone", headers=staff)),
        ("/people", "get", client.get("/api/v1/people?role=mentee", headers=mentor)),
        ("/pairings", "get", client.get("/api/v1/pairings", headers=staff)),
        ("/pairings", "get", client.get("/api/v1/pairings?year=1900", headers=staff)),
        ("/pairings/{pairing_id}", "get", client.get(f"/api/v1/pairings/{pid}", headers=mentor)),
        (
            "/pairings/{pairing_id}/meetings",
            "get",
            client.get(f"/api/v1/pairings/{pid}/meetings", headers=mentor),
        ),
        (
            "/pairings/{pairing_id}/meetings",
            "post",
            client.post(f"/api/v1/pairings/{pid}/meetings", json={"date": TODAY.isoformat()}, headers=mentor),
        ),
        (
            "/pairings/{pairing_id}/meetings",
            "post",
            client.post(f"/api/v1/pairings/{pid}/meetings", json={"date": "soon"}, headers=mentor),
        ),
        (
            "/pairings/{pairing_id}/meetings",
            "post",
            client.post(f"/api/v1/pairings/{pid}/meetings", json={"date": TODAY.isoformat()}, headers=reader),
        ),
        ("/metrics/summary", "get", client.get("/api/v1/metrics/summary", headers=staff)),
        ("/events", "get", client.get("/api/v1/events", headers=staff)),
        ("/events", "get", client.get("/api/v1/events?year=2025", headers=mentor)),
        (
            "/metrics/summary",
            "get",
            client.get(f"/api/v1/metrics/summary?program={pair.program.id}", headers=staff),
        ),
    ]
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1 per minute")
    limited = bearer(token_for(pair.mentee_user, name="limited"))
    client.get("/api/v1/me", headers=limited)
    calls.append(("/me", "get", client.get("/api/v1/me", headers=limited)))
    seen = set()
    for path, method, response in calls:
        _check(document, path, method, response)
        seen.add((path, method, response.status_code))
    assert {s for _p, _m, s in seen} >= {200, 201, 401, 403, 422, 429}
    assert ("/metrics/summary", "get", 200) in seen and (
        "/pairings/{pairing_id}/meetings",
        "post",
        201,
    ) in seen
