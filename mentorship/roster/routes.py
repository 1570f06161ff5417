"""Importing a roster in the browser: upload → preview (or the problems) → confirm → result."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, send_file, session, url_for
from flask_login import current_user, user_logged_out

from mentorship.access import roles_required, scope_of
from mentorship.extensions import db
from mentorship.roster.forms import CancelForm, ConfirmForm, UploadForm
from mentorship.services import introductions, roster_uploads
from mentorship.services import roster as roster_service
from mentorship.services.meetings import utcnow
from reports.roster_template import build_template

bp = Blueprint("roster", __name__, url_prefix="/roster")

SESSION_KEY = "roster_upload"
RESULT_KEY = "roster_result"
ERRORS_SHOWN = 500


@user_logged_out.connect
def _forget_on_sign_out(_app, user, **_extra) -> None:
    """Signing out discards the user's pending uploads and last result: the browser may be shared."""
    session.pop(SESSION_KEY, None)
    session.pop(RESULT_KEY, None)
    if getattr(user, "id", None) is not None:
        roster_uploads.discard_all(user.id)
        db.session.commit()


def _stored_files() -> list[tuple[str, bytes]] | None:
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    return roster_uploads.files_of(token, current_user.id, utcnow())


def _forget_upload() -> None:
    """Delete the pending upload of this browser, if any (the caller commits)."""
    token = session.pop(SESSION_KEY, None)
    if isinstance(token, str):
        roster_uploads.discard(token, current_user.id)


def _check(files: list[tuple[str, bytes]], dry_run: bool):
    """Run the import service on `files`; returns (result, errors, refusal)."""
    scope = scope_of(current_user)
    try:
        roster = roster_service.read_files(files, current_app.config["IMPORT_MAX_BYTES"])
        result = roster_service.import_roster(
            roster,
            today=dt.date.today(),
            now=utcnow(),
            actor=current_user,
            scope=None if scope.everything else scope,
            topics=current_app.config["MEETING_TOPICS"],
            dry_run=dry_run,
            demographics=current_user.can_view_demographics,
            plans=current_user.view_plans,
        )
    except roster_service.ImportInvalid as exc:
        if not dry_run:
            db.session.rollback()  # nothing of a refused import is kept (a dry run keeps its audit event)
        return None, exc.errors, None
    except roster_service.ImportRefused as exc:
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
            roster_service.read_files(files, limit)  # refuse a bad file before keeping it
        except roster_service.ImportRefused as exc:
            form.files.errors.append(str(exc))
        else:
            _forget_upload()
            session[SESSION_KEY] = roster_uploads.keep(current_user.id, files, utcnow())
            db.session.commit()
            return redirect(url_for("roster.preview"))
    return render_template("roster/upload.html", form=form)


@bp.route("/template.xlsx")
@roles_required("staff")
def template():
    sheets = roster_service.template_sheets(goals=bool(current_user.view_plans))
    data = build_template(sheets, current_app.config["MEETING_TOPICS"])
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
    db.session.commit()  # the dry run's audit event (roster.preview); the dry run itself writes nothing
    page = render_template(
        "roster/preview.html",
        filename=", ".join(name for name, _ in files),
        result=result,
        errors=errors[:ERRORS_SHOWN],
        error_count=len(errors),
        refusal=refusal,
        confirm_form=ConfirmForm(),
        cancel_form=CancelForm(),
        summary=roster_service.summary_lines(result) if result else [],
        categories=roster_service.CATEGORIES,
    )
    return page, 200 if result is not None else 422


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
    _forget_upload()
    db.session.commit()
    if form.notify.data:
        introductions.introduce_soon(result.running_pairing_ids)
    session[RESULT_KEY] = {
        "user": current_user.id,
        "filename": result.filename,
        "changed": result.may_write,
        "summary": roster_service.summary_lines(result),
    }
    return redirect(url_for("roster.result"))


@bp.route("/cancel", methods=["POST"])
@roles_required("staff")
def cancel():
    if CancelForm().validate_on_submit():
        _forget_upload()
        db.session.commit()
        flash("The upload was discarded; nothing was imported.", "info")
    return redirect(url_for("roster.upload"))


@bp.route("/result")
@roles_required("staff")
def result():
    outcome = session.get(RESULT_KEY)
    if not isinstance(outcome, dict) or outcome.get("user") != current_user.id:
        return redirect(url_for("roster.upload"))
    return render_template("roster/result.html", outcome=outcome)
