"""Managing programs (admins only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from mentorship.access import roles_required
from mentorship.extensions import db
from mentorship.models import MenteeProfile, Program
from mentorship.programs.forms import ProgramForm
from mentorship.services import ServiceError
from mentorship.services.programs import save_program

bp = Blueprint("programs", __name__, url_prefix="/programs")


@bp.route("/")
@roles_required("admin")
def index():
    mentees = (
        select(func.count(MenteeProfile.id)).where(MenteeProfile.program_id == Program.id).scalar_subquery()
    )
    rows = db.session.execute(select(Program, mentees).order_by(Program.name)).all()
    return render_template("programs/index.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:program_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit(program_id: int | None = None):
    program = db.get_or_404(Program, program_id) if program_id else None
    form = ProgramForm(obj=program)
    if form.validate_on_submit():
        try:
            program = save_program(
                program, form.name.data, form.specialty.data, form.kind.data, actor=current_user
            )
        except ServiceError as exc:
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Program {program.name} saved.", "success")
            return redirect(url_for("programs.index"))
    title = f"Edit {program.name}" if program else "Add a program"
    return render_template("people/form.html", form=form, title=title)
