"""The access-control table (access_table.py) against the live app: every route × every role.

A route in `app.url_map` without a row fails `test_every_route_is_in_the_table`. Every refused request
(403, 404, 400, a redirect to sign in) must change nothing, and no GET may change data (audit events of
demographic views and exports aside). Private text (meeting notes, a self-described gender) must appear
only on pages of the people the rules allow.
"""

from __future__ import annotations

import io
import os
import re

import pytest

from mentorship.extensions import db
from mentorship.services import accounts, planning_links
from mentorship.services.records import issue
from tests import factories
from tests.api.helpers import bearer, token_for
from tests.conftest import Browser
from tests.security import world as W
from tests.security.access_table import ROWS, rule_of

AUDITED_READS = {"demographics.view", "report.export", "person.export", "roster.preview"}
# Signing out redirects to the sign-in page like a refusal, but it acts: it ends the browser's session and
# its per-user state in tables.
SIGN_OUT_CLEARS = {"roster_uploads", "roster_upload_files", "user_sessions"}

# Who may see each piece of private text on a page: notes, agendas and contact details only the pair; a
# self-described gender the person themself and users with view_demographics whose scope covers them.
PRIVATE_TEXT = {
    W.NOTE_A: {"mentee", "mentor"},
    W.NOTE_2: {"mentee2", "mentor2"},
    W.NOTE_B: set(),
    W.GENDER_TEXT.format("a"): {"mentee", "coordA_demo", "admin"},
    W.GENDER_TEXT.format("2"): {"mentee2", "coordA_demo", "admin"},
    W.GENDER_TEXT.format("b"): {"admin"},
    # Plans: goal text and comments to the mentee, their current mentors and view_plans staff of the program.
    W.GOAL_A: {"mentee", "mentor", "coordA_demo"},
    W.COMMENT_A: {"mentee", "mentor", "coordA_demo"},
    W.GOAL_B: set(),
    W.AGENDA_A: {"mentee", "mentor"},
    W.AGENDA_B: set(),
    W.PHONE_A: {"mentee", "mentor"},
}
# A one-click link is emailed to the pairing's mentor and is its own key: whoever is signed in, its form is
# that mentor's (pairing A's), who may read the mentee's goal titles on its "we discussed the plan". Only the
# goal titles: every other private text is still checked against the signed-in role.
READ_AS_THE_LINKS_MENTOR = {"/meetings/quick/<token>": {W.GOAL_A}}


def _ids(w: W.World, app) -> dict[str, object]:
    with app.test_request_context():
        invite = accounts.make_password_token(w.users["mentee"], "invite")
    ids = {
        "prog_a": w.prog_a.id,
        "prog_b": w.prog_b.id,
        "pairing_a": w.pairing_a.id,
        "pairing_b": w.pairing_b.id,
        "meeting_a": w.meeting_a.id,
        "meeting_2": w.meeting_2.id,
        "mentee_a_person": w.mentee_a.person_id,
        "mentee_2_person": w.mentee_2.person_id,
        "mentee_b_person": w.mentee_b.person_id,
        "mentor_a_person": w.mentor_a.person_id,
        "mentor_b_person": w.mentor_b.person_id,
        "newcomer_person": w.newcomer.person_id,
        "admin_person": w.users["admin"].person_id,
        "mentee_user": w.users["mentee"].id,
        "invite_token": invite,
        "log_token": factories.log_link_token(w.pairing_a, app.config["SECRET_KEY"]),
        "plan_a": w.plan_a.id,
        "plan_past_a": w.plan_past_a.id,
        "plan_b": w.plan_b.id,
        "outcome_token": planning_links.token_for(w.plan_past_a, app.config["SECRET_KEY"]),
        "run_a": w.run_a.id,
        "run_b": w.run_b.id,
        "run_demo": w.run_demo.id,
        "run_admin": w.run_admin.id,
        "mentee_a": w.mentee_a.id,
        "mentee_b": w.mentee_b.id,
        "goal_a": w.goal_a.id,
        "template_a": w.template_a.id,
        "template_b": w.template_b.id,
        "mentor_api_token": w.mentor_api_token.id,
        "export_a": w.export_a.id,
        "mentor_a": w.mentor_a.id,
        "mentor_b": w.mentor_b.id,
        "record_a": w.record_a.id,
        "record_code": issue.code_of(w.record_a, app.config["SECRET_KEY"]),
        "event_a": w.event_a.id,
        "intro_a": w.intro_a.id,
        "event_b": w.event_b.id,
        "event_key": w.event_a.checkin_key,
        "invitation_token": next(
            i.token for i in w.event_a.invitations if i.person_id == w.mentee_a.person_id
        ),
    }
    db.session.commit()
    return ids


def _field(value, ids: dict):
    """A form field of a row: text, or a (file name, text) pair sent as an uploaded file."""
    if isinstance(value, tuple):
        name, text = value
        return (io.BytesIO(text.format(**ids).encode()), name)
    return value.format(**ids)


def _outcome(response) -> str:
    if response.status_code in (301, 302, 303):
        return "L" if "/auth/login" in response.headers["Location"] else "R"
    return str(response.status_code)


def _refused(code: str) -> bool:
    return code in {"L", "400", "401", "403", "404", "405", "422"}


def run_role(app, role: str):
    """Play every row as `role` in a fresh world; returns [(row, outcome, problems)]."""
    w = W.build_world()
    ids = _ids(w, app)
    browser = Browser(app.test_client())
    # The API's rows are played with the role's bearer token (anonymous: none); the browser's session
    # cookie, sent too, must never count there.
    api_headers = {}
    if role != "anonymous":
        browser.login(w.users[role])
        api_headers = bearer(token_for(w.users[role], write=True))
    results = []
    for key, method, template, _codes, *extra in ROWS:
        url = template.format(**ids)
        fields = {k: _field(v, ids) for k, v in (extra[0] if extra else {}).items()}
        problems = []
        before = W.snapshot()
        audit_before = W.max_audit_id()
        if url.startswith("/api/"):
            db.session.commit()
            response = browser.client.open(url, method=method, headers=api_headers, json=fields or None)
        elif method == "GET":
            response = browser.get(url)
        else:
            token = browser.token()
            response = browser.client.post(url, data={"csrf_token": token, **fields})
        code = _outcome(response)
        streamed = response.is_streamed
        body = b"" if streamed else response.get_data()
        response.close()  # static files are streamed from an open file
        db.session.expire_all()
        if method == "GET" or _refused(code):
            after = W.snapshot()
            new_audit = W.audit_actions_since(audit_before)
            unexpected = [a for a in new_audit if not (method == "GET" and a in AUDITED_READS)]
            if unexpected:
                problems.append(f"wrote audit events {unexpected}")
            changed = [t for t in after if t != "audit_events" and after[t] != before[t]]
            if rule_of(key) == "/auth/logout":
                changed = [t for t in changed if t not in SIGN_OUT_CLEARS]
            if url.startswith("/api/"):
                changed = [t for t in changed if t != "api_tokens"]  # the token's last use
            if method == "GET" and not _refused(code):
                # Derived, not anyone's data: a workbook keeps the year's suppression pattern it decided.
                changed = [t for t in changed if t != "suppression_patterns"]
            if changed:
                problems.append(f"changed tables {changed}")
        if response.status_code == 200 and not streamed:
            as_mentor = READ_AS_THE_LINKS_MENTOR.get(key, set())
            for secret, allowed in PRIVATE_TEXT.items():
                reader = "mentor" if secret in as_mentor else role
                if secret.encode() in body and reader not in allowed:
                    problems.append(f"shows {secret!r}")
        results.append(((key, method, url), code, problems))
    return results


ROLE_INDEX = {role: i for i, role in enumerate(W.ROLES)}


@pytest.mark.parametrize("role", W.ROLES)
def test_access_table(app, role):
    results = run_role(app, role)
    if os.environ.get("SECURITY_DISCOVER"):
        with open(f"/tmp/security-discover-{role}.txt", "w") as out:  # noqa: S108 (developer aid only)
            for (key, method, _url), code, problems in results:
                out.write(f"{key}\t{method}\t{code}\t{problems}\n")
    failures = []
    for ((key, method, url), code, problems), row in zip(results, ROWS, strict=True):
        expected = row[3].split()[ROLE_INDEX[role]]
        if code != expected:
            failures.append(f"{method} {url} ({key}): expected {expected}, got {code}")
        failures += [f"{method} {url}: {p}" for p in problems]
    assert not failures, "\n".join(failures)


def test_every_route_is_in_the_table(app):
    covered = {rule_of(row[0]) for row in ROWS}
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    missing = sorted(routes - covered)
    assert not missing, f"routes without a row in tests/security/access_table.py: {missing}"
    unknown = sorted(row[0] for row in ROWS if "#" not in row[0] and row[0] not in routes)
    assert not unknown, f"rows for routes that no longer exist: {unknown}"
    for key, _method, _url, codes, *_ in ROWS:
        assert len(codes.split()) == len(W.ROLES) or codes == "?", key


def test_table_size():
    cells = sum(len(W.ROLES) for _ in ROWS)
    assert len(ROWS) >= 80 and cells == len(ROWS) * len(W.ROLES)


def _workbook_text(content: bytes) -> str:
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )


@pytest.mark.parametrize("role", ["coordA", "coordA_demo", "admin"])
def test_report_exports_hold_no_notes_and_no_individual_demographics(app, role):
    w = W.build_world()
    browser = Browser(app.test_client()).login(w.users[role])
    texts = {}
    for report in ("engagement", "inclusivity", "annual-review"):
        response = browser.get(f"/dashboard/export/{report}")
        assert response.status_code == 200
        texts[report] = _workbook_text(response.get_data())
    assert "mentee-a@example.org" in texts["engagement"]  # identified report: the test reads real content
    for report, text in texts.items():
        for secret in (W.NOTE_A, W.NOTE_2, W.NOTE_B, "SELFDESC"):
            assert secret not in text, (report, secret)
    # Aggregate reports: no names, no emails (docs/privacy.md).
    for report in ("inclusivity", "annual-review"):
        emails = set(re.findall(r"[\w.-]+@example\.org", texts[report]))
        assert emails <= {w.users[role].email}, (report, emails)  # only "generated by" on the cover
        assert "MenteeA" not in texts[report] and "MentorA" not in texts[report], report
    # The identified report has no self-identification columns.
    assert "Self-described" not in texts["engagement"] and "URiM" not in texts["engagement"]
