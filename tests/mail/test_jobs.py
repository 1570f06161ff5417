"""Jobs: on a real Redis queue run by a worker when REDIS_URL is set, otherwise after the response or now.

Redis is the one at TEST_REDIS_URL (this suite's database 1), with a queue of this test only, removed
after. Without Redis the Redis tests are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from flask import Response
from rq import SimpleWorker

from mentorship.extensions import db
from mentorship.models import OutboundEmail
from mentorship.services import jobs, mail
from mentorship.services.mail.jobs import send_soon
from mentorship.services.meetings import utcnow

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


@pytest.fixture
def redis_queue(app, monkeypatch):
    """REDIS_URL and a queue name of this test; the queue's keys are removed afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis at {REDIS_URL} is not reachable ({exc}); start it with redis-server"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"test-jobs-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", name)
    yield name
    jobs.job_queue(app).delete(delete_jobs=True)
    client.close()


def _queued(n: int) -> list[int]:
    now = utcnow()
    rows = [
        mail.queue(
            mail.Email(to=f"p{i}@example.org", subject="Hi", text=f"{i}"), key=f"t:{i}", kind="t", now=now
        )
        for i in range(n)
    ]
    db.session.commit()
    return [row.id for row in rows if row is not None]


def _statuses() -> list[str]:
    db.session.expire_all()
    return sorted(row.status for row in db.session.scalars(db.select(OutboundEmail)))


def test_with_redis_mail_is_a_job_a_worker_runs(app, smtp, redis_queue):
    ids = _queued(3)
    [job] = send_soon(ids)
    assert job.status == "queued" and smtp.messages == []
    assert jobs.status(job.id).status == "queued"
    SimpleWorker([jobs.job_queue()], connection=jobs.redis_connection()).work(burst=True)
    assert len(smtp.messages) == 3 and _statuses() == ["sent"] * 3
    done = jobs.status(job.id)
    assert done.status == "finished" and done.result == {"sent": ids, "failed": []}


def test_a_retried_job_sends_nothing_twice(app, smtp, redis_queue):
    ids = _queued(2)
    send_soon(ids)
    send_soon(ids)  # the same work queued again, as a retry would
    SimpleWorker([jobs.job_queue()], connection=jobs.redis_connection()).work(burst=True)
    assert len(smtp.messages) == 2


def test_flask_jobs_worker_runs_the_queue(app, smtp, redis_queue, runner):
    send_soon(_queued(2))
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert len(smtp.messages) == 2


def test_jobs_worker_needs_redis(runner):
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output


def test_big_batches_become_several_jobs(app, redis_queue):
    assert len(send_soon(list(range(1, 251)))) == 3


def test_without_redis_a_command_sends_at_once(app, smtp):
    [job] = send_soon(_queued(2))
    assert job.status == "finished" and len(smtp.messages) == 2
    assert jobs.status(job.id) is None  # nothing to look up without Redis


def test_without_redis_a_request_sends_after_its_response(app, smtp):
    ids = _queued(2)
    with app.test_request_context("/"):
        [job] = send_soon(ids)
        assert job.status == "scheduled"
        response = app.process_response(Response("page"))
        assert smtp.messages == []  # the page went out first
    response.close()  # the server is done with the response: the job runs now
    assert len(smtp.messages) == 2 and _statuses() == ["sent", "sent"]
