"""Background jobs: on an RQ queue when REDIS_URL is set, otherwise in this process (docs/deployment.md).

A job is a function named by its dotted path ("mentorship.services.mail.jobs:deliver_queued") with
JSON-like arguments. `run` executes it the way a command does: in a fresh app context, committing once
when it returns and rolling back when it raises, so job functions follow the service rules.

- With REDIS_URL: `enqueue` puts the job on the JOBS_QUEUE queue, and `flask jobs worker` runs it. Its
  id and status live in Redis, so any instance can read them (`status`).
- Without: during a request the job runs on a thread once the view has returned (the page is not held up);
  elsewhere (a command, another job) it runs at once.

In a request the enqueue itself waits until the view has returned, that is after the view's commit, so a
worker never looks for rows that are not committed yet. Outside a request, commit before enqueueing.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, after_this_request, current_app, has_request_context

from mentorship.extensions import db

# RQ and Redis are imported where a queue is used: every page and command imports this module, and only a
# deployment with REDIS_URL ever needs them.
if TYPE_CHECKING:
    from redis import Redis
    from rq import Queue

# RQ's JobStatus values, as plain strings so that a job run without a queue needs no RQ.
QUEUED = "queued"
SCHEDULED = "scheduled"
FINISHED = "finished"


@dataclass(frozen=True)
class Job:
    """A job as callers see it: its id, its status (queued, started, finished, failed, ...) and result."""

    id: str
    status: str
    result: Any = None


# Set while a job runs: a job started from inside another (introductions queue their mail) runs at once, even
# when the outer one runs after a response with that request's context still in place.
_IN_JOB: ContextVar[bool] = ContextVar("in_job", default=False)

# One thread for the jobs a page leaves for after its response (no REDIS_URL): they run one at a time, in the
# order they were started, and the interpreter waits for them when it exits.
_AFTER_RESPONSE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="after-response")


def _function(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def run(path: str, *args: Any) -> Any:
    """Run the job `path` with `args` in a fresh app context; commit on success, roll back on error."""
    with current_app.app_context():
        token = _IN_JOB.set(True)
        try:
            result = _function(path)(*args)
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise
        finally:
            _IN_JOB.reset(token)
            db.session.remove()


def redis_connection(app: Flask | None = None) -> Redis:
    """A connection to the app's Redis (REDIS_URL must be set)."""
    from redis import Redis

    config = (app or current_app).config
    return Redis.from_url(config["REDIS_URL"], socket_connect_timeout=5)


def job_queue(app: Flask | None = None) -> Queue:
    """The app's RQ queue (JOBS_QUEUE on REDIS_URL)."""
    from rq import Queue

    config = (app or current_app).config
    return Queue(config["JOBS_QUEUE"], connection=redis_connection(app))


def _run_after(app: Flask, path: str, args: tuple[Any, ...]) -> None:
    with app.app_context():
        try:
            run(path, *args)
        except Exception:  # the response is gone: all that is left is to tell the log
            app.logger.exception("Job %s failed after the response", path)


def enqueue(path: str, *args: Any, description: str | None = None) -> Job:
    """Start the job `path(*args)`: on the queue with REDIS_URL, else after the response or now."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job_id = uuid.uuid4().hex
    in_request = has_request_context() and not _IN_JOB.get()
    if app.config.get("REDIS_URL"):

        def put() -> None:
            job_queue(app).enqueue_call(
                run, args=(path, *args), job_id=job_id, description=description or path, result_ttl=86400
            )

        if in_request:

            @after_this_request
            def _put(response):
                put()
                return response

        else:
            put()
        return Job(id=job_id, status=QUEUED)
    if in_request:

        @after_this_request
        def _later(response):
            # Started on a thread once the view has returned (and committed), not from the response's close:
            # werkzeug's own server (flask run) calls close only after reading whatever else the browser sent,
            # which held jobs back, sometimes for good. Close still waits for the job, so a gunicorn worker
            # (or a test client) has finished it before it takes the next request.
            done = _AFTER_RESPONSE.submit(_run_after, app, path, args)
            response.call_on_close(done.result)
            return response

        return Job(id=job_id, status=SCHEDULED)
    return Job(id=job_id, status=FINISHED, result=run(path, *args))


def status(job_id: str) -> Job | None:
    """The job `job_id` as Redis knows it, from any instance; None without REDIS_URL or when unknown."""
    if not current_app.config.get("REDIS_URL"):
        return None
    from rq.job import Job as RQJob

    try:
        job = RQJob.fetch(job_id, connection=redis_connection())
    except Exception:  # rq raises NoSuchJobError, redis its own errors: both mean "not known here"
        return None
    state = job.get_status()
    return Job(id=job.id, status=state.value if state else "unknown", result=job.return_value())
