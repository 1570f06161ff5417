"""Logging meetings: the form, a pairing's meetings, confirm/dispute, edit, delete, pulse check and the
one-click form from reminder emails (docs/guides/mentor.md).

Notes are shown only to the pairing's two people; a coordinator's view of a pairing never includes them.
"""

from __future__ import annotations

import datetime as dt
import secrets

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
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from mentorship.access import pairing_part, roles_required
from mentorship.extensions import db
from mentorship.forms import show_error
from mentorship.meetings.forms import GroupMeetingForm, PairMeetingForm, PulseForm, QuickMeetingForm
from mentorship.models import LogLink, Meeting, Pairing, PlanDiscussion
from mentorship.services import NotFound, ServiceError, log_links
from mentorship.services import meetings as service
from mentorship.services import pulse as pulse_service
from mentorship.services.academic_year import year_of
from mentorship.services.plans import reviews as plan_reviews

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

ANYONE = ("mentor", "mentee", "staff")


def _topics() -> tuple[str, ...]:
    return current_app.config["MEETING_TOPICS"]


def _this_year() -> int:
    return year_of(dt.date.today(), current_app.config["ACADEMIC_YEAR_START_MONTH"])


def _offer_goals(form: PairMeetingForm, mentee_id: int, discussion: PlanDiscussion | None = None) -> None:
    plan = plan_reviews.discussed_plan(mentee_id, _this_year(), discussion)
    form.set_goals(plan_reviews.offered_goals(plan, discussion))


def _note_discussion(form: PairMeetingForm, meeting: Meeting, pairing: Pairing, year: int) -> None:
    """Save the form's "we discussed the plan" for `meeting`, if the form has it (never a coordinator's)."""
    if "discussed_plan" in form:
        plan_reviews.note_discussion(
            meeting,
            pairing.mentee,
            year,
            discussed=bool(form.discussed_plan.data),
            goal_ids=form.plan_goals.data or [],
        )


def _pairing_or_404(pairing_id: int) -> tuple[Pairing, str]:
    """The pairing and the current user's part in it: 'mentor', 'mentee' or 'staff' (in scope); else 404."""
    pairing = db.get_or_404(Pairing, pairing_id)
    role = pairing_part(current_user, pairing)
    if role is None:
        abort(404)
    return pairing, role


def _meeting_or_404(meeting_id: int) -> tuple[Meeting, str]:
    try:
        meeting = service.get_meeting(meeting_id)
    except NotFound:
        abort(404)
    _, role = _pairing_or_404(meeting.pairing_id)
    return meeting, role


@bp.route("/pairing/<int:pairing_id>")
@roles_required(*ANYONE)
def pairing(pairing_id: int):
    pairing, role = _pairing_or_404(pairing_id)
    meetings = service.live_meetings([pairing.id])[pairing.id]
    now = service.utcnow()
    return render_template(
        "meetings/pairing.html",
        pairing=pairing,
        role=role,
        meetings=meetings,
        show_notes=role in ("mentor", "mentee"),
        editable={m.id for m in meetings if service.can_edit(m, current_user.person_id, now)},
        answerable={m.id for m in meetings if service.can_confirm(m, current_user.person_id)},
        can_log=pairing.start_date <= dt.date.today(),
    )


@bp.route("/pairing/<int:pairing_id>/new", methods=["GET", "POST"])
@roles_required(*ANYONE)
def new(pairing_id: int):
    pairing, role = _pairing_or_404(pairing_id)
    form = QuickMeetingForm()  # with a one-time nonce, so a double tap or a resubmit logs once
    form.set_topics(_topics())
    year = _this_year()
    if role == "staff":
        del form.notes  # a coordinator logs on the pair's behalf and never writes notes
        del form.discussed_plan, form.plan_goals  # nor reads the plan's goals
    else:
        _offer_goals(form, pairing.mentee_id)
    if request.method == "GET":
        form.nonce.data = secrets.token_urlsafe(24)
    valid = form.validate_on_submit()
    if form.nonce.errors:
        form.nonce.data = secrets.token_urlsafe(24)  # a form that lost its nonce gets a new one
    if valid:
        logged_as = "coordinator" if role == "staff" else role
        back = url_for("meetings.pairing", pairing_id=pairing.id) if role == "staff" else url_for("main.home")
        try:
            meeting = service.log_once(
                pairing,
                form.to_input(),
                nonce=form.nonce.data,
                by=current_user.person,
                logged_as=logged_as,
                today=dt.date.today(),
                allowed_topics=_topics(),
            )
            _note_discussion(form, meeting, pairing, year)
            db.session.commit()
        except (service.AlreadyLogged, IntegrityError):
            db.session.rollback()
            flash("This meeting was already logged.", "info")
            return redirect(back)
        except ServiceError as exc:
            db.session.rollback()  # a refused plan note must not leave the meeting half-logged
            show_error(form, exc, "date")
        else:
            if role == "staff":
                flash("Meeting logged on the pair’s behalf.", "success")
            else:
                other = service.other_person(pairing, current_user.person_id)
                flash(f"Meeting logged. {other.first_name} will be asked to confirm it.", "success")
            return redirect(back)
    return render_template("meetings/form.html", form=form, pairing=pairing, role=role, meeting=None)


@bp.route("/group/new", methods=["GET", "POST"])
@roles_required("mentor")
def group():
    """A group session: one meeting with several of the mentor's mentees, a held meeting of each pairing."""
    today = dt.date.today()
    mine = [
        p
        for p in service.person_pairings(current_user.person, active_on=today)
        if p.mentor.person_id == current_user.person_id
    ]
    form = GroupMeetingForm()
    form.set_topics(_topics())
    form.set_pairings(mine)
    del form.notes  # every mentee of the session would read them
    if request.method == "GET":
        form.nonce.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        chosen = [p for p in mine if p.id in set(form.pairings.data or [])]
        try:
            meetings = service.log_group_session(
                chosen,
                form.to_input(),
                nonce=form.nonce.data,
                by=current_user.person,
                today=today,
                allowed_topics=_topics(),
            )
            db.session.commit()
        except (service.AlreadyLogged, IntegrityError):
            db.session.rollback()
            flash("This group session was already logged.", "info")
            return redirect(url_for("main.home"))
        except ServiceError as exc:
            db.session.rollback()
            show_error(form, exc, "date")
        else:
            flash(
                f"Group session logged for {len(meetings)} mentees; each will be asked to confirm it.",
                "success",
            )
            return redirect(url_for("main.home"))
    return render_template("meetings/group.html", form=form, pairings=mine)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(*ANYONE)
def edit(meeting_id: int):
    meeting, role = _meeting_or_404(meeting_id)
    if not service.can_edit(meeting, current_user.person_id, service.utcnow()):
        abort(403)
    form = PairMeetingForm(obj=meeting) if request.method == "GET" else PairMeetingForm()
    form.set_topics(_topics())
    discussion = plan_reviews.discussion_of(meeting)
    if request.method == "GET":
        form.topics.data = meeting.topics
        form.discussed_plan.data = discussion is not None
        form.plan_goals.data = [goal.id for goal in discussion.goals] if discussion else []
    if meeting.logged_as == "coordinator" or role == "staff" or meeting.group_id is not None:
        del form.notes
        # A group session's change applies to every mentee's meeting, and a plan is one mentee's.
        del form.discussed_plan, form.plan_goals
    else:
        _offer_goals(form, meeting.pairing.mentee_id, discussion)
    if form.validate_on_submit():
        try:
            service.update_meeting(
                meeting,
                form.to_input(),
                by=current_user.person,
                today=dt.date.today(),
                allowed_topics=_topics(),
            )
            _note_discussion(form, meeting, meeting.pairing, _this_year())
        except ServiceError as exc:
            db.session.rollback()  # a refused plan note must not leave the meeting half-changed
            show_error(form, exc, "date")
        else:
            db.session.commit()
            flash("Meeting saved.", "success")
            return redirect(url_for("meetings.pairing", pairing_id=meeting.pairing_id))
    return render_template(
        "meetings/form.html", form=form, pairing=meeting.pairing, role=role, meeting=meeting
    )


@bp.route("/<int:meeting_id>/delete", methods=["POST"])
@roles_required(*ANYONE)
def delete(meeting_id: int):
    meeting, _ = _meeting_or_404(meeting_id)
    if not service.can_edit(meeting, current_user.person_id, service.utcnow()):
        abort(403)
    service.delete_meeting(meeting, by=current_user.person)
    db.session.commit()
    flash("Meeting deleted.", "success")
    return redirect(url_for("meetings.pairing", pairing_id=meeting.pairing_id))


@bp.route("/<int:meeting_id>/<any(confirm, dispute):answer>", methods=["POST"])
@roles_required("mentor", "mentee")
def answer(meeting_id: int, answer: str):
    meeting, role = _meeting_or_404(meeting_id)
    if role == "staff":
        abort(404)
    try:
        service.answer_meeting(meeting, by=current_user.person, agree=answer == "confirm")
    except ServiceError as exc:
        flash(str(exc), "warning")
    else:
        db.session.commit()
        if answer == "confirm":
            flash("Thanks, the meeting is confirmed.", "success")
        else:
            flash("Marked as not right. The person who logged it can correct it.", "info")
    if request.form.get("back") == "pairing":
        return redirect(url_for("meetings.pairing", pairing_id=meeting.pairing_id))
    return redirect(url_for("main.home"))


@bp.route("/pairing/<int:pairing_id>/pulse", methods=["POST"])
@roles_required("mentor", "mentee")
def pulse(pairing_id: int):
    pairing, role = _pairing_or_404(pairing_id)
    if role == "staff":
        abort(404)
    form = PulseForm(prefix=f"pulse{pairing.id}")
    if not form.validate_on_submit():
        flash("Choose a rating from 1 to 5 and an answer to “Is this a good fit?”.", "warning")
        return redirect(url_for("main.home"))
    try:
        pulse_service.record_answer(
            pairing, current_user.person, int(form.rating.data), form.fit.data, service.utcnow()
        )
    except ServiceError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("main.home"))
    db.session.commit()
    flash("Thank you for answering.", "success")
    return redirect(url_for("main.home"))


# One-click logging from an emailed link: no password, the signed link is the key. Opening it (GET or HEAD,
# as mail scanners do) shows a page and writes nothing; only the form's POST logs, once per link.


def _no_store(body: str, status: int = 200):
    # After "back", the browser must ask again, so that the server (not a cached page) says "already logged".
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _link_page(template: str, link: LogLink, token: str, **context):
    return _no_store(render_template(template, link=link, pairing=link.pairing, token=token, **context))


def _refused(message: str, status: int):
    return _no_store(render_template("meetings/link_error.html", message=message), status)


def _logged(link: LogLink, token: str, again: bool):
    """What the link logged (never the notes): after the submit, or on a second submit, "back", a rescan."""
    meeting = log_links.used_meeting(link)
    return _link_page("meetings/quick_done.html", link, token, meeting=meeting, again=again)


def _open_link(token: str):
    """(link, None), or (None, the refusal page) for a forged token or one naming no link."""
    try:
        return log_links.read(token, current_app.config["SECRET_KEY"]), None
    except log_links.LinkError as exc:
        return None, _refused(str(exc), 400)


@bp.route("/quick/<token>", methods=["GET", "POST"])
def quick(token: str):
    link, error = _open_link(token)
    if error:
        return error
    if log_links.gone(link):
        return _refused(log_links.GONE, 410)
    if link.meeting_id is not None:
        return _logged(link, token, again=True)
    today, now = dt.date.today(), service.utcnow()
    why = log_links.refusal(link, today=today, now=now)
    if why is not None:
        return _refused(why, 410)
    form = PairMeetingForm()  # no nonce: the link itself is the one-time key
    form.set_topics(_topics())
    del form.status  # the short form logs a held meeting
    # The link is the mentor's, who may read the mentee's goals; only reads here, a GET writes nothing.
    year = _this_year()
    _offer_goals(form, link.pairing.mentee_id)
    if form.validate_on_submit():
        try:
            meeting = service.log_via_link(
                link, form.to_input(), today=today, allowed_topics=_topics(), now=now
            )
            _note_discussion(form, meeting, link.pairing, year)
            db.session.commit()
        except service.AlreadyLogged:
            db.session.rollback()  # drops the meeting this request added, if it lost a race
            return _logged(db.session.get(LogLink, link.id), token, again=True)
        except log_links.LinkError as exc:
            db.session.rollback()
            return _refused(str(exc), 410)
        except ServiceError as exc:
            db.session.rollback()
            show_error(form, exc, "date")
        else:
            return redirect(url_for("meetings.quick_done", token=token))
    return _link_page("meetings/quick.html", link, token, form=form)


@bp.route("/quick/<token>/done")
def quick_done(token: str):
    link, error = _open_link(token)
    if error:
        return error
    if log_links.gone(link):
        return _refused(log_links.GONE, 410)
    if link.meeting_id is None:
        return redirect(url_for("meetings.quick", token=token))
    return _logged(link, token, again=False)
