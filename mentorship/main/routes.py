"""The home page: staff go to their dashboard, mentors and mentees to their mentorships."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from mentorship.extensions import db
from mentorship.models import MenteeProfile, MentorProfile, Pairing

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    me = current_user.person
    if current_user.is_staff and me.mentor is None and me.mentee is None:
        if "dashboard.index" in current_app.view_functions:
            return redirect(url_for("dashboard.index"))
        return redirect(url_for("people.mentees"))
    pairings = []
    if me.mentor is not None or me.mentee is not None:
        conditions = []
        if me.mentor is not None:
            conditions.append(Pairing.mentor_id == me.mentor.id)
        if me.mentee is not None:
            conditions.append(Pairing.mentee_id == me.mentee.id)
        pairings = (
            db.session.execute(
                select(Pairing)
                .where(or_(*conditions))
                .options(
                    selectinload(Pairing.mentor).selectinload(MentorProfile.person),
                    selectinload(Pairing.mentee).selectinload(MenteeProfile.person),
                )
                .order_by(Pairing.end_date.is_not(None), Pairing.start_date.desc())
            )
            .scalars()
            .all()
        )
    return render_template("main/home.html", pairings=pairings)
