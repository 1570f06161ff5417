"""Importing a roster in the browser: upload → preview (or the problems) → confirm → result."""

from __future__ import annotations

import io
import re
import secrets
import shutil
import time
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, send_file, session, url_for
from flask_login import current_user

from mentorship.access import roles_required, scope_of
from mentorship.extensions import db
from mentorship.roster.forms import CancelForm, ConfirmForm, UploadForm
from mentorship.services import roster_import
from reports.roster_template import build_template

bp = Blueprint("roster", __name__, url_prefix="/roster")

SESSION_KEY = "roster_upload"
RESULT_KEY = "roster_result"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600  # abandoned uploads are removed after a day
ERRORS_SHOWN = 500


def _upload_root() -> Path:
    return Path(current_app.config["ROSTER_UPLOAD_DIR"])


def _upload_dir(token: str) -> Path | None:
    if not TOKEN_RE.match(token or ""):
        return None
    return _upload_root() / token


def _forget_upload() -> None:
    """Delete the stored upload of this session, if any."""
    upload = session.pop(SESSION_KEY, None)
    folder = _upload_dir(upload["token"]) if upload else None
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_stale_uploads() -> None:
    root = _upload_root()
    if not root.is_dir():
        return
    cutoff = time.time() - KEEP_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _stored_files() -> list[tuple[str, bytes]] | None:
    upload = session.get(SESSION_KEY)
    folder = _upload_dir(upload["token"]) if upload else None
    if folder is None or not folder.is_dir():
        return None
    try:
        return [(name, (folder / str(i)).read_bytes()) for i, name in enumerate(upload["names"])]
    except OSError:
        return None


def _check(files: list[tuple[str, bytes]], dry_run: bool):
    """Run the import service on `files`; returns (result, errors, refusal)."""
    scope = scope_of(current_user)
    try:
        roster = roster_import.read_files(files, current_app.config["IMPORT_MAX_BYTES"])
        result = roster_import.import_roster(
            roster,
            actor=current_user,
            scope=None if scope.everything else scope,
            topics=current_app.config["MEETING_TOPICS"],
            dry_run=dry_run,
        )
    except roster_import.ImportInvalid as exc:
        db.session.rollback()
        return None, exc.errors, None
    except roster_import.ImportRefused as exc:
        db.session.rollback()
        return None, [], str(exc)
    return result, [], None


@bp.route("/", methods=["GET", "POST"])
@roles_required("staff")
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        limit = current_app.config["IMPORT_MAX_BYTES"]
        files = []
        for storage in form.files.data:
            if not storage or not storage.filename:
                continue
            data = storage.stream.read(limit + 1)  # never hold more than the limit in memory
            files.append((Path(storage.filename).name, data))
        try:
            roster_import.read_files(files, limit)  # refuse a bad file before keeping it
        except roster_import.ImportRefused as exc:
            form.files.errors.append(str(exc))
        else:
            _forget_upload()
            _remove_stale_uploads()
            token = secrets.token_urlsafe(24)
            folder = _upload_root() / token
            folder.mkdir(parents=True, exist_ok=True)
            for i, (_name, data) in enumerate(files):
                (folder / str(i)).write_bytes(data)
            session[SESSION_KEY] = {"token": token, "names": [name for name, _ in files]}
            return redirect(url_for("roster.preview"))
    return render_template("roster/upload.html", form=form)


@bp.route("/template.xlsx")
@roles_required("staff")
def template():
    data = build_template(current_app.config["MEETING_TOPICS"])
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="roster-template.xlsx",
    )


@bp.route("/preview")
@roles_required("staff")
def preview():
    files = _stored_files()
    if files is None:
        flash("Upload a roster file first.", "info")
        return redirect(url_for("roster.upload"))
    result, errors, refusal = _check(files, dry_run=True)
    db.session.rollback()  # a dry run writes nothing; drop anything it loaded
    return render_template(
        "roster/preview.html",
        filename=", ".join(name for name, _ in files),
        result=result,
        errors=errors[:ERRORS_SHOWN],
        error_count=len(errors),
        refusal=refusal,
        confirm_form=ConfirmForm(),
        cancel_form=CancelForm(),
        summary=roster_import.summary_lines(result) if result else [],
        categories=roster_import.CATEGORIES,
    )


@bp.route("/confirm", methods=["POST"])
@roles_required("staff")
def confirm():
    form = ConfirmForm()
    files = _stored_files()
    if not form.validate_on_submit() or files is None:
        flash("Upload a roster file first.", "info")
        return redirect(url_for("roster.upload"))
    result, errors, refusal = _check(files, dry_run=False)
    if result is None:
        # The database changed since the preview: show the problems again, nothing was written.
        flash("The file no longer imports cleanly; nothing was imported.", "danger")
        return redirect(url_for("roster.preview"))
    db.session.commit()
    _forget_upload()
    session[RESULT_KEY] = {
        "filename": result.filename,
        "changed": result.preview.changed,
        "summary": roster_import.summary_lines(result),
    }
    return redirect(url_for("roster.result"))


@bp.route("/cancel", methods=["POST"])
@roles_required("staff")
def cancel():
    if CancelForm().validate_on_submit():
        _forget_upload()
        flash("The upload was discarded; nothing was imported.", "info")
    return redirect(url_for("roster.upload"))


@bp.route("/result")
@roles_required("staff")
def result():
    outcome = session.get(RESULT_KEY)
    if outcome is None:
        return redirect(url_for("roster.upload"))
    return render_template("roster/result.html", outcome=outcome)
