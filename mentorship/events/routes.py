"""Events: the list, organizing (create, edit, cancel), the event page with RSVP, bulk attendance, the
QR check-in screen and printable sheet, the check-in page the QR code opens, and the invitation link.

Admins organize any event, a coordinator those of their own programs; mentors and mentees answer and
check in. Links from emails and the QR code open a page; only its POST writes (docs/events.md).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mentorship.access import roles_required, scope_of
from mentorship.events.forms import AttendanceForm, EventForm
from mentorship.extensions import db
from mentorship.forms import program_choices, show_error
from mentorship.models import Event, Invitation, Person
from mentorship.services import NotFound, ServiceError
from mentorship.services.events import attendance, notices, rsvp
from mentorship.services.events import events as svc
from mentorship.services.mail import jobs as mail_jobs
from mentorship.services.meetings import utcnow

bp = Blueprint("events", __name__, url_prefix="/events")

ANYONE = ("mentor", "mentee", "staff")


def _now():
    return svc.office_now(current_app.config["TIMEZONE"])


def _event(event_id: int) -> Event:
    try:
        return svc.get_event(event_id)
    except NotFound:
        abort(404)


def _visible(event: Event) -> tuple[bool, Invitation | None]:
    """(the user organizes or oversees it as staff, their own invitation); 404 for anyone else."""
    staff = current_user.is_staff and (
        svc.may_organize(current_user, event)
        or any(scope_of(current_user).covers_program(p.id) for p in event.programs)
    )
    mine = attendance.invitation_for(event, current_user.person)
    if not staff and mine is None:
        abort(404)
    return staff, mine


def _organized(event_id: int) -> Event:
    event = _event(event_id)
    _visible(event)
    if not svc.may_organize(current_user, event):
        abort(403)
    return event


def _notify(event: Event, invitations, kind: str) -> list[int]:
    """Queue the event's `kind` emails in this transaction; deliver the ids after the commit."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return notices.queue(
        event,
        invitations,
        kind,
        link=lambda inv: base + url_for("events.invitation", token=inv.token),
        timezone=current_app.config["TIMEZONE"],
        now=utcnow(),
    )


def _form() -> EventForm:
    form = EventForm()
    form.program_ids.choices = program_choices(scope_of(current_user))
    return form


@bp.route("/")
@roles_required(*ANYONE)
def index():
    now = _now()
    if current_user.is_staff:
        events = db.session.execute(
            select(Event)
            .where(svc.in_scope(scope_of(current_user)))
            .options(selectinload(Event.invitations), selectinload(Event.programs))
            .order_by(Event.starts_at.desc())
        ).scalars()
        rows = [(e, rsvp.counts(e), None) for e in events]
    else:
        invitations = db.session.execute(
            select(Invitation)
            .join(Event)
            .where(Invitation.person_id == current_user.person_id)
            .options(selectinload(Invitation.event))
            .order_by(Event.starts_at.desc())
        ).scalars()
        rows = [(i.event, None, i) for i in invitations]
    return render_template(
        "events/index.html", rows=rows, now=now, can_organize=svc.may_organize(current_user)
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required("staff")
def new():
    form = _form()
    if form.validate_on_submit():
        try:
            event = svc.create_event(
                form.to_input(), organizer=current_user.person, scope=scope_of(current_user), now=_now()
            )
            queued = _notify(event, event.invitations, "invite")
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            show_error(form, exc, "title")
        else:
            mail_jobs.send_soon(queued)
            flash(f"Event saved; {len(event.invitations)} people invited by email.", "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/<int:event_id>")
@roles_required(*ANYONE)
def show(event_id: int):
    event = _event(event_id)
    staff, mine = _visible(event)
    return render_template(
        "events/show.html",
        event=event,
        staff=staff,
        organizer=svc.may_organize(current_user, event),
        mine=mine,
        counts=rsvp.counts(event),
        now=_now(),
        window_open=attendance.window_refusal(event, _now()) is None,
    )


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@roles_required("staff")
def edit(event_id: int):
    event = _organized(event_id)
    if event.cancelled_at is not None:
        abort(404)
    form = _form()
    if request.method == "GET":
        form.fill(event)
    if form.validate_on_submit():
        try:
            new = svc.update_event(
                event, form.to_input(), by=current_user.person, scope=scope_of(current_user), now=_now()
            )
            fresh = {inv.id for inv in new}
            queued = _notify(event, new, "invite") + _notify(
                event, [i for i in event.invitations if i.id not in fresh and i.rsvp != "not_going"], "update"
            )
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            show_error(form, exc, "title")
        else:
            mail_jobs.send_soon(queued)
            flash("Event changed; those invited were sent the new details.", "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/form.html", form=form, event=event)


@bp.route("/<int:event_id>/cancel", methods=["POST"])
@roles_required("staff")
def cancel(event_id: int):
    event = _organized(event_id)
    try:
        svc.cancel_event(event, by=current_user.person, now=_now())
        queued = _notify(event, event.invitations, "cancel")
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        mail_jobs.send_soon(queued)
        flash("Event cancelled; those invited were told by email.", "success")
    return redirect(url_for("events.show", event_id=event.id))


@bp.route("/<int:event_id>/rsvp", methods=["POST"])
@roles_required("mentor", "mentee")
def answer(event_id: int):
    event = _event(event_id)
    _, mine = _visible(event)
    if mine is None:
        abort(404)
    return _answer(mine, url_for("events.show", event_id=event.id))


def _answer(invitation: Invitation, back: str):
    choice = request.form.get("rsvp")
    if choice not in ("going", "not_going"):
        abort(400, description="Choose going or not going.")
    try:
        answer = rsvp.respond(invitation, choice == "going", now=_now())
        queued = _notify(invitation.event, answer.promoted, "place")
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        mail_jobs.send_soon(queued)
        messages = {
            "going": "You are going. See you there.",
            "waitlisted": "The event is full: you are on the waitlist and will be told if a place frees.",
            "not_going": "Thank you for letting us know you are not going.",
        }
        flash(messages[answer.state], "success")
    return redirect(back)


@bp.route("/<int:event_id>/attendance", methods=["GET", "POST"])
@roles_required("staff")
def mark(event_id: int):
    event = _organized(event_id)
    invitations = sorted(event.invitations, key=lambda i: (i.person.last_name, i.person.first_name))
    form = AttendanceForm()
    form.attended.choices = [(i.id, i.person.full_name) for i in invitations]
    if request.method == "GET":
        form.attended.data = [i.id for i in invitations if i.attended]
    if form.validate_on_submit():
        try:
            changed = attendance.mark_attendance(event, form.attended.data or [], by=current_user.person)
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            form.attended.errors = [str(exc)]
        else:
            flash(f"Attendance saved ({changed} changed).", "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/attendance.html", event=event, form=form, invitations=invitations)


def _check_in_url(event: Event) -> str:
    return url_for("events.check_in", key=event.checkin_key, _external=True)


def _qr(event: Event, scale: int) -> Markup:
    import segno  # imported here: only an event's check-in page draws a code

    # segno writes the SVG itself (no user text in it): safe to inline, and no CDN or script is needed.
    svg = segno.make(_check_in_url(event), error="m").svg_inline(scale=scale, title="Check-in code")
    return Markup(svg)  # noqa: S704 (segno's own markup, the address is url_for's)


@bp.route("/<int:event_id>/check-in-screen")
@roles_required("staff")
def screen(event_id: int):
    event = _organized(event_id)
    return render_template(
        "events/screen.html",
        event=event,
        qr=_qr(event, 10),
        url=_check_in_url(event),
        counts=rsvp.counts(event),
    )


@bp.route("/<int:event_id>/sheet")
@roles_required("staff")
def sheet(event_id: int):
    event = _organized(event_id)
    invitations = sorted(
        (i for i in event.invitations if i.rsvp != "not_going"),
        key=lambda i: (i.person.last_name, i.person.first_name),
    )
    return render_template(
        "events/sheet.html", event=event, qr=_qr(event, 5), url=_check_in_url(event), invitations=invitations
    )


def _by_key(key: str) -> Event:
    event = db.session.execute(select(Event).where(Event.checkin_key == key)).scalar_one_or_none()
    if event is None:
        abort(404)
    return event


@bp.route("/check-in/<key>", methods=["GET", "POST"])
def check_in(key: str):
    """The QR code's page: anyone may open it; a signed-in mentor or mentee checks in with its POST."""
    event = _by_key(key)
    now = _now()
    person: Person | None = current_user.person if current_user.is_authenticated else None
    if request.method == "POST":
        if person is None:
            return redirect(url_for("auth.login", next=request.path))
        try:
            first = attendance.check_in_person(event, person, now=now)
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "warning")
        else:
            flash("You are checked in. Welcome!" if first else "You were already checked in.", "success")
        return redirect(request.path)
    mine = attendance.invitation_for(event, person) if person is not None else None
    return render_template(
        "events/check_in.html",
        event=event,
        person=person,
        mine=mine,
        closed=attendance.window_refusal(event, now),
    )


def _by_token(token: str) -> Invitation:
    invitation = db.session.execute(select(Invitation).where(Invitation.token == token)).scalar_one_or_none()
    if invitation is None:
        abort(404)
    return invitation


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """The link of an invitation email: RSVP and, at the door, check in, without a password.

    Opening it writes nothing (mail scanners open every link); only the page's POST answers."""
    inv = _by_token(token)
    if request.method == "POST":
        if request.form.get("action") == "check_in":
            try:
                first = attendance.check_in(inv, now=_now())
                db.session.commit()
            except ServiceError as exc:
                db.session.rollback()
                flash(str(exc), "warning")
            else:
                flash("You are checked in. Welcome!" if first else "You were already checked in.", "success")
            return redirect(request.path)
        return _answer(inv, request.path)
    now = _now()
    return render_template(
        "events/invitation.html",
        event=inv.event,
        inv=inv,
        closed=attendance.window_refusal(inv.event, now),
        answer_refusal=rsvp.refusal(inv.event, now),
    )
