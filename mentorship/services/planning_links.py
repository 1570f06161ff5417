"""The "Did it happen?" link of a mentor's reminder: a signed token naming one planned meeting.

Opening the link writes nothing (mail scanners open every link first); the page's POST records the
outcome, at most once, because the planned meeting itself moves from `planned` to `resolved` once
(services.planning.resolve). So a token needs no record of its own: replaying it can only show the
outcome. It expires after LOG_LINK_DAYS, like the one-click log link, and names nothing but the meeting.
"""

from __future__ import annotations

from itsdangerous import BadData, URLSafeTimedSerializer

from mentorship.models import PlannedMeeting
from mentorship.services import ServiceError
from mentorship.services.planning import get_plan

SALT = "planned-outcome"
# The path of the page; the planning blueprint serves it (a test checks they agree).
OUTCOME_PATH = "/planned/outcome/{token}"
NOT_VALID = "This link is not valid or has expired. Sign in to say whether the meeting happened."
GONE = "This link no longer works. Sign in to see your mentorships."


class LinkError(ServiceError):
    """The link is forged, mangled, expired, or its meeting is gone; the message names nothing else."""


def token_for(plan: PlannedMeeting, secret_key: str) -> str:
    """The signed token of `plan`'s outcome page."""
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps({"p": plan.id})


def url_for_plan(base_url: str, plan: PlannedMeeting, secret_key: str) -> str:
    """The absolute address of `plan`'s outcome page."""
    return base_url.rstrip("/") + OUTCOME_PATH.format(token=token_for(plan, secret_key))


def read(token: str, secret_key: str, *, days: int) -> PlannedMeeting:
    """The planned meeting a token names, if it was signed here less than `days` days ago."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=SALT).loads(token, max_age=days * 86400)
    except BadData as exc:
        raise LinkError(NOT_VALID) from exc
    plan_id = data.get("p") if isinstance(data, dict) else None
    plan = get_plan(plan_id) if isinstance(plan_id, int) else None
    if plan is None:
        raise LinkError(NOT_VALID)
    pairing = plan.pairing
    if pairing.mentor.person.erased_at is not None or pairing.mentee.person.erased_at is not None:
        raise LinkError(GONE)
    return plan
