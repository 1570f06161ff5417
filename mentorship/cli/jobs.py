"""flask jobs: the background worker for emails and large exports (docs/deployment.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from mentorship.cli import fail

group = AppGroup("jobs", help="Run background jobs (needs REDIS_URL).")


@group.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty instead of waiting for more.")
def worker(burst: bool) -> None:
    """Run the jobs of the JOBS_QUEUE queue on REDIS_URL until stopped (Ctrl-C or SIGTERM)."""
    from mentorship.services import jobs

    if not current_app.config.get("REDIS_URL"):
        fail("REDIS_URL is not set: without Redis, jobs run inside the web process and need no worker.")
    from rq import SimpleWorker  # imported here: every command's start imports this module

    # SimpleWorker runs each job in this process, in its own app context: a forking worker would hand the
    # parent's database connections to its children.
    SimpleWorker([jobs.job_queue()], connection=jobs.redis_connection()).work(burst=burst)
