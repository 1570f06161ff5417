"""A mentor or mentee edits their own profile, preferences and self-identification."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from mentorship.access import roles_required
from mentorship.extensions import db, limiter
from mentorship.forms import show_error
from mentorship.people.routes import json_download
from mentorship.planning import routes as planning_routes
from mentorship.profile.forms import (
    ApiTokenForm,
    CalendarFeedForm,
    ContactForm,
    MenteeProfileForm,
    MentorProfileForm,
    RevokeTokenForm,
    SelfIdentificationForm,
)
from mentorship.services import NotFound, ServiceError, api_tokens, calendar_feed, privacy
from mentorship.services import people as people_service
from mentorship.services.meetings import utcnow

bp = Blueprint("profile", __name__, url_prefix="/profile")


@bp.route("/")
@roles_required("mentor", "mentee")
def edit():
    return _profile_page()


def _profile_page(feed_url: str | None = None):
    page = render_template(
        "profile/index.html",
        person=current_user.person,
        feed=calendar_feed.feed_of(current_user),
        feed_url=feed_url,
        feed_form=CalendarFeedForm(),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"  # the page may hold a new feed address
    return response


@bp.route("/calendar-feed", methods=["POST"])
@roles_required("mentor", "mentee")
def new_feed():
    """Make a new private calendar address (the old one stops working) and show it once."""
    if not CalendarFeedForm().validate_on_submit():
        abort(400)
    secret = calendar_feed.new_address(current_user, now=utcnow())
    db.session.commit()
    flash("Your new calendar address is below. Copy it now: it is not shown again.", "success")
    return _profile_page(url_for("profile.feed", secret=secret, _external=True))


@bp.route("/calendar-feed/off", methods=["POST"])
@roles_required("mentor", "mentee")
def feed_off():
    if not CalendarFeedForm().validate_on_submit():
        abort(400)
    if calendar_feed.turn_off(current_user):
        db.session.commit()
        flash("Your calendar feed is off: calendars using its address get nothing from now on.", "success")
    return redirect(url_for("profile.edit"))


def _feed_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


@bp.route("/feed/<secret>.ics")
@limiter.limit(_feed_limit)
def feed(secret: str):
    """The private calendar feed: no sign-in (calendar apps cannot), the secret is the key; never writes."""
    user = calendar_feed.owner(secret)
    if user is None:
        abort(404)
    body = calendar_feed.feed_bytes(user, planning_routes.settings(), now=utcnow())
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/contact", methods=["GET", "POST"])
@roles_required("mentor", "mentee")
def contact():
    person = current_user.person
    form = ContactForm(obj=person) if request.method == "GET" else ContactForm()
    if form.validate_on_submit():
        try:
            people_service.update_contact(
                person,
                phone=form.phone.data,
                method=form.contact_method.data,
                availability=form.availability.data,
                actor=current_user,
            )
        except ServiceError as exc:
            show_error(form, exc, "phone")
        else:
            db.session.commit()
            flash("Your contact details are saved.", "success")
            return redirect(url_for("profile.edit"))
    return render_template("people/form.html", form=form, title="My contact details")


@bp.route("/mentor", methods=["GET", "POST"])
@roles_required("mentor")
def mentor():
    profile = current_user.person.mentor
    form = MentorProfileForm(obj=profile)
    if request.method == "GET":
        form.interests.data = "; ".join(profile.interests)
    if form.validate_on_submit():
        fields = {
            "department": form.department.data or None,
            "specialty": form.specialty.data or None,
            "rank": form.rank.data or None,
            "capacity": form.capacity.data,
        }
        interests = people_service.parse_interests(form.interests.data)
        people_service.update_profile(profile, fields, interests, actor=current_user, by="self")
        db.session.commit()
        flash("Your mentor profile is saved.", "success")
        return redirect(url_for("profile.edit"))
    return render_template("people/form.html", form=form, title="My mentor profile")


def _mentor_choices(exclude_person_id: int) -> list[tuple[int, str]]:
    mentors = people_service.mentors_to_choose(exclude_person_id, dt.date.today())
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
        people_service.update_preferences(
            profile,
            preferred=form.preferred.data,
            excluded=form.excluded.data,
            concordance_gender=form.concordance_gender.data,
            concordance_urim=form.concordance_urim.data,
            interests=people_service.parse_interests(form.interests.data),
            actor=current_user,
        )
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
        people_service.answer_self_identification(
            person,
            actor=current_user,
            gender=form.gender.data or None,
            gender_description=form.gender_description.data,
            races=form.races.data or [],
            race_prefer_not=form.race_prefer_not.data,
            urim=form.urim.data or None,
            img=form.img.data or None,
            first_generation=form.first_generation.data or None,
        )
        db.session.commit()
        flash("Thank you. Your answers are saved; you can change them at any time.", "success")
        return redirect(url_for("profile.edit"))
    return render_template("profile/self_identification.html", form=form)


@bp.route("/export.json")
@login_required
def export():
    """The signed-in person's own data, with the notes of their meetings."""
    person = current_user.person
    data = privacy.export_person(person, include_notes=True, actor=current_user, by="self")
    db.session.commit()
    return json_download(data, "my-mentorship-data.json")


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """Personal access tokens of the JSON API: make one (shown once), see each one's last use, revoke."""
    form = ApiTokenForm()
    created = None
    if form.validate_on_submit():
        try:
            token, created = api_tokens.create_token(
                current_user,
                form.name.data,
                write=form.write.data,
                days=form.days.data,
                now=utcnow(),
                actor=current_user,
            )
        except api_tokens.InvalidToken as exc:
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Token “{token.name}” is made. Copy it now: it is not shown again.", "success")
            form = ApiTokenForm(formdata=None)
    page = render_template(
        "profile/tokens.html",
        form=form,
        created=created,
        tokens=api_tokens.tokens_of(current_user),
        revoke_form=RevokeTokenForm(),
        now=utcnow(),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"  # the page may hold a new token
    return response


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    try:
        token = api_tokens.revoke(current_user, token_id, now=utcnow())
    except NotFound:
        abort(404)
    db.session.commit()
    flash(f"Token “{token.name}” is revoked: scripts using it are refused from now on.", "success")
    return redirect(url_for("profile.tokens"))
