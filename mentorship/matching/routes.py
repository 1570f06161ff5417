"""Matching runs: choose program and kind; the run is saved at its own address with its optimal draft,
scores and reasons; coordinators of its scope reload, edit and apply it (once).

Nothing is paired until applied. Every POST answers with a redirect to a page that can be reloaded
(or, on a form error, the page again at the run's own address), so refreshing never meets a 405.
Applying re-reads the rows from the form and re-checks every rule and capacity inside the transaction.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mentorship.access import roles_required, scope_of
from mentorship.extensions import db
from mentorship.forms import as_id, program_choices
from mentorship.matching.forms import DraftForm, RunForm
from mentorship.models import MatchRun, Program
from mentorship.services import ServiceError, introductions
from mentorship.services.academic_year import academic_year
from mentorship.services.matching import applying, runs, saved, scoring
from mentorship.services.meetings import utcnow

bp = Blueprint("matching", __name__, url_prefix="/matching")

MAX_OPTIONS = 25


def _programs(program_id: int) -> frozenset[int] | None:
    """Mentee programs of the run: one program in scope, or every program in scope (None = all)."""
    scope = scope_of(current_user)
    if program_id:
        if db.session.get(Program, program_id) is None or not scope.covers_program(program_id):
            abort(404)
        return frozenset({program_id})
    return scope.program_ids


def _run(program_id: int, kind: str, year: int) -> runs.Run:
    """The run the user asked for, within their scope."""
    try:
        weights = scoring.Weights.from_config(current_app.config)
    except ValueError as exc:
        abort(500, str(exc))
    return runs.Run(
        kind=kind,
        ay=academic_year(year, current_app.config["ACADEMIC_YEAR_START_MONTH"]),
        today=dt.date.today(),
        mentee_programs=_programs(program_id),
        pool_programs=scope_of(current_user).program_ids,
        urim_categories=tuple(current_app.config["URIM_CATEGORIES"]),
        weights=weights,
        show_concordance=current_user.can_view_demographics,
        near_peer_any_program=current_app.config["NEAR_PEER_ANY_PROGRAM"],
    )


def _rows(
    table, suggestions, chosen: dict[int, int | None] | None, first: dict[int, int | None] | None = None
):
    """One row per mentee: the options (feasible mentors, best first), the selection, its score and reason.

    `chosen`: the mentor per mentee to select (a mentee absent from it gets today's suggestion);
    `first`: what the saved run suggested at first, marked "(suggested)".
    """
    mentors = table.problem.mentors
    col = {r.id: j for j, r in enumerate(mentors)}
    rows = []
    for i, s in enumerate(suggestions):
        feasible = table.feasible[i].nonzero()[0].tolist()
        feasible.sort(key=lambda j: (-int(table.units[i, j]), mentors[j].id))
        selected = s.mentor.id if s.mentor else None
        if chosen is not None and s.mentee.id in chosen:
            selected = chosen[s.mentee.id]
        options = feasible[:MAX_OPTIONS]
        if selected in col and col[selected] not in options:
            options.append(col[selected])
        j = col.get(selected)
        suggested = s.mentor.id if s.mentor else None
        if first is not None and s.mentee.id in first:
            suggested = first[s.mentee.id]
        same = s.mentor is not None and selected == s.mentor.id
        rows.append(
            {
                "mentee": s.mentee,
                "options": [(mentors[k], float(table.score[i, k])) for k in options],
                "selected": selected,
                "score": float(table.score[i, j]) if j is not None else None,
                # Today's suggestion carries the notes on passed-over preferences; a changed row its own.
                "reason": s.reason if same or j is None else table.reason(i, j),
                "suggested": suggested,
            }
        )
    return rows


def _run_form() -> RunForm:
    form = RunForm()
    form.program.choices = program_choices(
        scope_of(current_user), "All programs" if current_user.is_admin else "All my programs"
    )
    return form


@bp.route("/", methods=["GET"])
@roles_required("staff")
def index():
    form = _run_form()
    if form.year.data is None:
        # A year in the address that is not a number is ignored, not an error page.
        form.year.data = request.args.get("year", type=int)
    past = saved.listing(scope_of(current_user))
    return render_template("matching/index.html", form=form, past=past)


@bp.route("/run", methods=["GET", "POST"])
@roles_required("staff")
def run():
    if request.method == "GET":  # the address of a run form sent earlier, reloaded or typed
        return redirect(url_for("matching.index"))
    form = _run_form()
    program_id = as_id(request.form.get("program"))
    if program_id is not None and not scope_of(current_user).covers_program(program_id):
        abort(404)
    if not form.validate_on_submit():
        return render_template(
            "matching/index.html", form=form, past=saved.listing(scope_of(current_user))
        ), 400
    record = saved.create(
        _run(form.program.data or 0, form.kind.data, form.year.data),
        actor=current_user,
        program_id=form.program.data or None,
        year=form.year.data,
        start_date=dt.date.today(),
        now=utcnow(),
    )
    db.session.commit()
    return redirect(url_for("matching.show", run_id=record.id), 303)


def _record_or_404(run_id: int):
    """The saved run, if the user's scope covers it (404 otherwise); 403 with a message for a run scored
    with self-identification when the user may not see it."""
    record = db.session.get(MatchRun, run_id)
    if record is None or not saved.in_scope(record, scope_of(current_user)):
        abort(404)
    if not saved.may_open(record, scope_of(current_user), current_user.can_view_demographics):
        abort(
            403,
            description="This run was made by a user who may see self-identification, and its suggestions "
            "use it, so it opens only for users who may see it. Start a new run instead.",
        )
    return record


def _draft_of(record):
    config = current_app.config
    ay = academic_year(record.year, config["ACADEMIC_YEAR_START_MONTH"])
    return runs.draft(
        saved.run_of(record, ay=ay, today=dt.date.today(), urim_categories=config["URIM_CATEGORIES"])
    )


def _render_run(record, chosen=None, errors=(), status=200, draft=None):
    if record.applied_at is not None:
        return render_template("matching/applied.html", record=record), status
    table, suggestions = _draft_of(record)
    if draft is None:
        draft = DraftForm(formdata=None, start_date=record.start_date)
    rows = _rows(
        table, suggestions, saved.choices_of(record) if chosen is None else chosen, saved.suggested_of(record)
    )
    return render_template(
        "matching/draft.html",
        record=record,
        form=draft,
        rows=rows,
        program=record.program,
        kind=record.kind,
        year=record.year,
        matched=sum(1 for r in rows if r["selected"]),
        errors=errors,
        objective=table.weights.objective,
    ), status


@bp.route("/runs/<int:run_id>", methods=["GET"])
@roles_required("staff")
def show(run_id: int):
    return _render_run(_record_or_404(run_id))


def _posted_choices() -> tuple[dict[int, int | None], list[int]]:
    """The draft's rows as posted: mentor id (or None) per mentee id, and the mentees in page order."""
    chosen: dict[int, int | None] = {}
    order: list[int] = []
    for raw in request.form.getlist("mentee"):
        mentee_id = as_id(raw)
        if mentee_id is None:
            abort(400, description="The draft lists a mentee that is not one. Reload the run.")
        raw = request.form.get(f"mentor-{mentee_id}", "")
        mentor_id = as_id(raw)
        if raw.strip() and mentor_id is None:
            abort(400, description="A row names a mentor that is not one of the list. Reload the run.")
        chosen[mentee_id] = mentor_id
        order.append(mentee_id)
    return chosen, order


@bp.route("/runs/<int:run_id>", methods=["POST"])
@roles_required("staff")
def update(run_id: int):
    """Save the edited choices (the "show scores for my changes" button), or apply them."""
    record = _record_or_404(run_id)
    draft = DraftForm()
    if record.applied_at is not None:
        flash(str(saved.AlreadyApplied(record)), "warning")
        return redirect(url_for("matching.show", run_id=record.id), 303)
    if not draft.validate_on_submit():
        return _render_run(
            record, errors=[(0, e) for errs in draft.errors.values() for e in errs], status=400, draft=draft
        )
    chosen, order = _posted_choices()
    if not draft.apply.data:
        table, _ = _draft_of(record)
        try:
            saved.save_choices(
                record,
                chosen,
                draft.start_date.data,
                known_mentees={m.id for m in table.problem.mentees},
                actor=current_user,
                now=utcnow(),
            )
        except ServiceError as exc:
            db.session.rollback()
            return _render_run(record, chosen, [(0, str(exc))], 400, draft)
        db.session.commit()
        flash("Your changes are saved in this run; the scores below are for them.", "success")
        return redirect(url_for("matching.show", run_id=record.id), 303)
    return _apply(record, draft, chosen, order)


def _apply(record, draft, chosen, order):
    table, _ = _draft_of(record)
    mentees = {x.id: x for x in table.problem.mentees}
    mentors = {x.id: x for x in table.problem.mentors}
    rows, errors = [], []
    for number, mentee_id in enumerate(order, start=1):
        mentor_id = chosen[mentee_id]
        if mentor_id is None:
            continue
        if mentee_id not in mentees:
            errors.append(
                (number, "This mentee no longer needs a pairing of this kind, or is not in your programs.")
            )
            continue
        if mentor_id not in mentors:
            errors.append((number, "This mentor is not available to your programs."))
            continue
        rows.append(
            applying.ApplyRow(number, mentees[mentee_id].email, mentors[mentor_id].email, record.kind)
        )
    if not rows and not errors:
        errors.append((0, "No row has a mentor: choose a mentor for at least one mentee, then apply."))
    try:
        if errors:
            raise applying.ApplyErrors(errors)
        created = saved.apply(
            record,
            rows,
            chosen,
            draft.start_date.data,
            scope=scope_of(current_user),
            actor=current_user,
            now=utcnow(),
            near_peer_any_program=current_app.config["NEAR_PEER_ANY_PROGRAM"],
        )
    except saved.AlreadyApplied as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("matching.show", run_id=record.id), 303)
    except applying.ApplyErrors as exc:
        db.session.rollback()
        return _render_run(record, chosen, exc.errors, 400, draft)
    except ServiceError as exc:
        db.session.rollback()
        return _render_run(record, chosen, [(0, str(exc))], 409, draft)
    db.session.commit()
    introductions.introduce_soon([p.id for p in created])
    flash(
        f"Created {len(created)} pairings. Run {record.id} is applied; its page keeps what it suggested.",
        "success",
    )
    return redirect(url_for("matching.show", run_id=record.id), 303)
