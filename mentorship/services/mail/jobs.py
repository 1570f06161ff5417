"""Delivering the outbox as a job (services/jobs.py): on a worker, after the response, or now."""

from __future__ import annotations

from collections.abc import Sequence

from mentorship.services import jobs
from mentorship.services.mail.outbox import deliver
from mentorship.services.meetings import utcnow

# Rows per job: a big batch (300 introductions) becomes a few jobs, each one SMTP connection.
BATCH = 100


def deliver_queued(ids: list[int]) -> dict[str, list[int]]:
    """Job: send the queued emails among `ids` (the job runner commits)."""
    result = deliver(ids, now=utcnow())
    return {"sent": result.sent, "failed": result.failed}


def send_soon(ids: Sequence[int]) -> list[jobs.Job]:
    """Deliver the outbox rows `ids` in batches of BATCH, as jobs; call after they are committed (in a
    request, the enqueue already waits for the view to return)."""
    ids = list(ids)
    return [
        jobs.enqueue("mentorship.services.mail.jobs:deliver_queued", ids[i : i + BATCH], description="mail")
        for i in range(0, len(ids), BATCH)
    ]
