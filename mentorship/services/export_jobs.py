"""Workbooks of large scopes built by a background job, with a progress page and the file for its asker.

With REDIS_URL set, a workbook whose scope holds at least LARGE_EXPORT_PAIRINGS pairings is built by
`flask jobs worker` rather than in the request: a build of many seconds would hold a web worker and run
into the proxy's timeout. The job keeps the bytes in the database, so that any instance can show the
progress and serve the file, and records the export's audit event in the same transaction: one event
however often the file is downloaded, and none if the build fails. Kept for a day, for the asker only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import ExportJob, MenteeProfile, Pairing, User
from mentorship.services import exports, jobs

KEEP = dt.timedelta(days=1)
JOB = "mentorship.services.export_jobs:build"


def is_large(program_ids: Collection[int] | None, threshold: int) -> bool:
    """True if the scope (None: every program) holds at least `threshold` pairings, of any year."""
    query = select(func.count()).select_from(Pairing)
    if program_ids is not None:
        query = query.join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id).where(
            MenteeProfile.program_id.in_(program_ids)
        )
    return db.session.execute(query).scalar_one() >= threshold


def start(
    user: User,
    report: str,
    year: int,
    program_ids: Collection[int] | None,
    *,
    now: dt.datetime,
    today: dt.date,
) -> ExportJob:
    """Record the workbook `user` asked for and queue its job; the caller commits (in a request the job
    is put on the queue once the view has returned, so the worker finds the row).

    Requests older than a day (anyone's, downloaded or not) are removed on the way.
    """
    db.session.execute(delete(ExportJob).where(ExportJob.created_at < now - KEEP))
    record = ExportJob(
        user_id=user.id,
        report=report,
        year=year,
        program_ids=None if program_ids is None else sorted(program_ids),
        today=today,
        created_at=now,
    )
    db.session.add(record)
    db.session.flush()
    record.queue_id = jobs.enqueue(JOB, record.id, description=f"{report} workbook #{record.id}").id
    return record


def build(record_id: int) -> None:
    """Job: build the workbook of request `record_id`, audit the export and keep the bytes (the job runner
    commits). A second run of the same request (a retry, two workers) finds the bytes and does nothing."""
    record = db.session.execute(
        select(ExportJob).where(ExportJob.id == record_id).with_for_update()
    ).scalar_one_or_none()
    if record is None or record.content is not None:
        return
    user = db.session.get(User, record.user_id)
    assert user is not None  # the request is deleted with its user
    req = exports.request_for(
        current_app.config, record.year, record.program_ids, user.email, record.created_at, record.today
    )
    record.content = exports.export(user, record.report, req, via="web (background job)")
    record.filename = exports.filename(record.report, record.year, req.program_ids)
    record.finished_at = exports.now()


def find(record_id: int, user_id: int, now: dt.datetime) -> ExportJob | None:
    """The request `record_id` if `user_id` made it in the last day, else None (whoever else asks)."""
    return db.session.execute(
        select(ExportJob).where(
            ExportJob.id == record_id, ExportJob.user_id == user_id, ExportJob.created_at >= now - KEEP
        )
    ).scalar_one_or_none()


def in_scope(record: ExportJob, scope: Scope) -> bool:
    """True if `scope` still covers every program of the request (checked again at each look)."""
    if scope.everything:
        return True
    return record.program_ids is not None and set(record.program_ids) <= set(scope.program_ids or ())


@dataclass(frozen=True)
class Progress:
    """Where a request stands: "waiting" (for a worker), "building", "ready" or "failed"."""

    state: str

    @property
    def done(self) -> bool:
        return self.state in ("ready", "failed")


def progress(record: ExportJob) -> Progress:
    """The request's state, from its row (ready) or else from the queue (any instance can ask it)."""
    if record.content is not None:
        return Progress("ready")
    job = jobs.status(record.queue_id) if record.queue_id else None
    if job is None or job.status in ("queued", "deferred", "scheduled"):
        return Progress("waiting")
    if job.status == "started":
        return Progress("building")
    if job.status == "finished":
        db.session.refresh(record)  # the job committed after this request read the row
        if record.content is not None:
            return Progress("ready")
    return Progress("failed")
