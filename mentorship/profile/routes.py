"""A mentor or mentee edits their own profile, preferences and self-identification."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mentorship.access import roles_required
from mentorship.extensions import db
from mentorship.models import MentorProfile, Person
from mentorship.people.routes import json_download
from mentorship.profile.forms import MenteeProfileForm, MentorProfileForm, SelfIdentificationForm
from mentorship.services import audit, privacy
from mentorship.services import people as people_service

bp = Blueprint("profile", __name__, url_prefix="/profile")


@bp.route("/")
@roles_required("mentor", "mentee")
def edit():
    return render_template("profile/index.html", person=current_user.person)


@bp.route("/mentor", methods=["GET", "POST"])
@roles_required("mentor")
def mentor():
    profile = current_user.person.mentor
    form = MentorProfileForm(obj=profile)
    if request.method == "GET":
        form.interests.data = "; ".join(profile.interests)
    if form.validate_on_submit():
        profile.department = form.department.data or None
        profile.specialty = form.specialty.data or None
        profile.rank = form.rank.data or None
        profile.capacity = form.capacity.data
        people_service.set_mentor_interests(profile, people_service.parse_interests(form.interests.data))
        audit.record(current_user, "mentor.update", profile, by="self")
        db.session.commit()
        flash("Your mentor profile is saved.", "success")
        return redirect(url_for("profile.edit"))
    return render_template("people/form.html", form=form, title="My mentor profile")


def _mentor_choices(exclude_person_id: int) -> list[tuple[int, str]]:
    today = dt.date.today()
    mentors = db.session.execute(
        select(MentorProfile)
        .join(Person)
        .where(MentorProfile.person_id != exclude_person_id)
        .where(MentorProfile.not_left_on(today))
        .options(selectinload(MentorProfile.person))
        .order_by(Person.last_name, Person.first_name)
    ).scalars()
    return [(m.id, f"{m.person.sort_name}" + (f" ({m.department})" if m.department else "")) for m in mentors]


@bp.route("/mentee", methods=["GET", "POST"])
@roles_required("mentee")
def mentee():
    profile = current_user.person.mentee
    form = MenteeProfileForm(obj=profile) if request.method == "GET" else MenteeProfileForm()
    choices = _mentor_choices(current_user.person_id)
    form.preferred.choices = choices
    form.excluded.choices = choices
    if request.method == "GET":
        form.interests.data = "; ".join(profile.interests)
        form.preferred.data = [m.id for m in profile.preferred]
        form.excluded.data = [m.id for m in profile.excluded]
    if form.validate_on_submit():
        chosen = {
            m.id: m
            for m in db.session.execute(
                select(MentorProfile).where(
                    MentorProfile.id.in_(set(form.preferred.data) | set(form.excluded.data))
                )
            ).scalars()
        }
        profile.preferred = [chosen[i] for i in form.preferred.data]
        profile.excluded = [chosen[i] for i in form.excluded.data]
        profile.concordance_gender = form.concordance_gender.data
        profile.concordance_urim = form.concordance_urim.data
        people_service.set_mentee_interests(profile, people_service.parse_interests(form.interests.data))
        audit.record(current_user, "mentee.update", profile, by="self")
        db.session.commit()
        flash("Your preferences are saved.", "success")
        return redirect(url_for("profile.edit"))
    return render_template("people/form.html", form=form, title="My interests and preferences")


@bp.route("/self-identification", methods=["GET", "POST"])
@login_required
def self_identification():
    person = current_user.person
    if person.mentor is None and person.mentee is None:
        abort(403)
    form = SelfIdentificationForm()
    selfid = person.self_identification
    if request.method == "GET" and selfid is not None:
        form.gender.data = selfid.gender or ""
        form.gender_description.data = selfid.gender_description
        form.races.data = selfid.race_codes
        form.race_prefer_not.data = selfid.race_prefer_not
        form.urim.data = selfid.urim or ""
        form.img.data = selfid.img or ""
        form.first_generation.data = selfid.first_generation or ""
    if form.validate_on_submit():
        people_service.set_self_identification(
            person,
            gender=form.gender.data or None,
            gender_description=form.gender_description.data,
            races=form.races.data or [],
            race_prefer_not=form.race_prefer_not.data,
            urim=form.urim.data or None,
            img=form.img.data or None,
            first_generation=form.first_generation.data or None,
        )
        # Only that it changed is logged: the answers themselves stay out of the audit trail.
        audit.record(current_user, "self_identification.update", person)
        db.session.commit()
        flash("Thank you. Your answers are saved; you can change them at any time.", "success")
        return redirect(url_for("profile.edit"))
    return render_template("profile/self_identification.html", form=form)


@bp.route("/export.json")
@login_required
def export():
    """The signed-in person's own data, with the notes of their meetings."""
    person = current_user.person
    data = privacy.export_person(person, include_notes=True)
    audit.record(current_user, "person.export", person, by="self", notes=True)
    db.session.commit()
    return json_download(data, "my-mentorship-data.json")
