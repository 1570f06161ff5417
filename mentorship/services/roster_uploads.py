"""Roster uploads waiting for confirmation: kept in the database, for their uploader only, for a day.

In the database rather than on one instance's disk, so that a preview shown by one gunicorn instance can
be confirmed on another; always looked up by token *and* uploader, so that neither another user nor the
next person on a shared browser can see or import someone else's file.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from mentorship.extensions import db
from mentorship.models import RosterUpload, RosterUploadFile

KEEP = dt.timedelta(days=1)


def keep(user_id: int, files: list[tuple[str, bytes]], now: dt.datetime) -> str:
    """Store `files` (name, content) for `user_id`; returns the token that finds them again.

    Uploads older than a day (anyone's, abandoned) are removed on the way.
    """
    db.session.execute(delete(RosterUpload).where(RosterUpload.created_at < now - KEEP))
    token = secrets.token_urlsafe(32)
    upload = RosterUpload(token=token, user_id=user_id, created_at=now)
    upload.files = [
        RosterUploadFile(position=i, name=name[:255], content=content)
        for i, (name, content) in enumerate(files)
    ]
    db.session.add(upload)
    return token


def files_of(token: str, user_id: int, now: dt.datetime) -> list[tuple[str, bytes]] | None:
    """The files of the upload `token` made by `user_id` in the last day, or None."""
    upload = db.session.execute(
        select(RosterUpload)
        .where(RosterUpload.token == token, RosterUpload.user_id == user_id)
        .where(RosterUpload.created_at >= now - KEEP)
        .options(selectinload(RosterUpload.files))
    ).scalar_one_or_none()
    if upload is None:
        return None
    return [(file.name, file.content) for file in upload.files]


def discard(token: str, user_id: int) -> None:
    """Delete the upload `token` of `user_id` (confirmed or cancelled)."""
    db.session.execute(
        delete(RosterUpload).where(RosterUpload.token == token, RosterUpload.user_id == user_id)
    )


def discard_all(user_id: int) -> None:
    """Delete every upload of `user_id` (they signed out)."""
    db.session.execute(delete(RosterUpload).where(RosterUpload.user_id == user_id))
