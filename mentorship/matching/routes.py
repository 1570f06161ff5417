"""Matching runs: choose program and kind, see the optimal draft with scores and reasons, edit, apply.

Nothing is paired until applied. The draft lives in the page (one select per mentee); applying
re-reads the rows from the form and re-checks every rule and capacity inside the transaction.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mentorship import vocab
from mentorship.access import roles_required, scope_of
from mentorship.extensions import db
from mentorship.forms import as_id, program_choices
from mentorship.matching.forms import DraftForm, RunForm
from mentorship.models import Program
from mentorship.services import ServiceError
from mentorship.services.academic_year import academic_year
from mentorship.services.matching import applying, runs, scoring

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
    )


def _rows(table, suggestions, chosen: dict[int, int | None] | None):
    """One row per mentee: the options (feasible mentors, best first), the selection, its score and reason."""
    mentors = table.problem.mentors
    col = {r.id: j for j, r in enumerate(mentors)}
    rows = []
    for i, s in enumerate(suggestions):
        feasible = table.feasible[i].nonzero()[0].tolist()
        feasible.sort(key=lambda j: (-int(table.units[i, j]), mentors[j].id))
        selected = s.mentor.id if s.mentor else None
        if chosen is not None:
            selected = chosen.get(s.mentee.id)
        options = feasible[:MAX_OPTIONS]
        if selected in col and col[selected] not in options:
            options.append(col[selected])
        j = col.get(selected)
        rows.append(
            {
                "mentee": s.mentee,
                "options": [(mentors[k], float(table.score[i, k])) for k in options],
                "selected": selected,
                "score": float(table.score[i, j]) if j is not None else None,
                "reason": table.reason(i, j) if j is not None else s.reason,
                "suggested": s.mentor.id if s.mentor else None,
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
    return render_template("matching/index.html", form=form)


@bp.route("/run", methods=["POST"])
@roles_required("staff")
def run():
    form = _run_form()
    raw = request.form.get("program", "")
    if raw.isdigit() and int(raw) and not scope_of(current_user).covers_program(int(raw)):
        abort(404)
    if not form.validate_on_submit():
        return render_template("matching/index.html", form=form), 400
    table, suggestions = runs.suggest(
        _run(form.program.data or 0, form.kind.data, form.year.data),
        actor=current_user,
        via="web",
        program_id=form.program.data or None,
        year=form.year.data,
    )
    db.session.commit()
    draft = DraftForm(formdata=None, program=form.program.data or 0, kind=form.kind.data, year=form.year.data)
    return _render_draft(draft, table, suggestions, None)


def _render_draft(draft, table, suggestions, chosen, errors=(), status=200):
    rows = _rows(table, suggestions, chosen)
    program = db.session.get(Program, draft.program.data) if draft.program.data else None
    return render_template(
        "matching/draft.html",
        form=draft,
        rows=rows,
        program=program,
        kind=draft.kind.data,
        year=draft.year.data,
        matched=sum(1 for r in rows if r["selected"]),
        errors=errors,
        objective=table.weights.objective,
    ), status


@bp.route("/apply", methods=["POST"])
@roles_required("staff")
def apply():
    draft = DraftForm()
    if not draft.validate_on_submit():
        flash("; ".join(e for errs in draft.errors.values() for e in errs), "danger")
        return redirect(url_for("matching.index"))
    program_id, year = draft.program.data or 0, draft.year.data
    kind = draft.kind.data
    if kind not in vocab.PAIRING_KINDS:
        abort(400)
    chosen: dict[int, int | None] = {}
    order: list[int] = []
    for raw in request.form.getlist("mentee"):
        mentee_id = as_id(raw)
        if mentee_id is None:
            abort(400, description="The draft lists a mentee that is not one. Run the matching again.")
        chosen[mentee_id] = as_id(request.form.get(f"mentor-{mentee_id}"))
        order.append(mentee_id)
    table, suggestions = runs.draft(_run(program_id, kind, year))
    if draft.review.data:
        return _render_draft(draft, table, suggestions, chosen)
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
        rows.append(applying.ApplyRow(number, mentees[mentee_id].email, mentors[mentor_id].email, kind))
    scope = scope_of(current_user)
    try:
        if errors:
            raise applying.ApplyErrors(errors)
        created = applying.apply_rows(
            rows,
            current_user,
            draft.start_date.data,
            mentee_programs=scope.program_ids,
            pool_programs=scope.program_ids,
            source="match.apply",
            via="web",
            program_id=program_id or None,
            kind=kind,
        )
    except applying.ApplyErrors as exc:
        db.session.rollback()
        return _render_draft(draft, table, suggestions, chosen, exc.errors, 400)
    except ServiceError as exc:
        db.session.rollback()
        return _render_draft(draft, table, suggestions, chosen, [(0, str(exc))], 409)
    db.session.commit()
    flash(f"Created {len(created)} pairings.", "success")
    return redirect(url_for("pairings.index", program=program_id or None, kind=kind))
