"""Who is invited to an event, and keeping the invitations in step with it.

The audience on the event's day: mentees enrolled then, of the event's programs (none chosen: every
program) and inside its PGY range; mentors enrolled then, of those programs or in a pairing open that day
with one of their mentees (a faculty mentor belongs to no program). The PGY range is the mentees'; a
mentor is invited whatever their PGY. Nobody erased is invited.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Select, delete, or_, select

from mentorship.extensions import db
from mentorship.models import Event, Invitation, MenteeProfile, MentorProfile, Pairing, Person


def audience(event: Event) -> Select[int]:
    """The ids of the people the event invites (docstring of this module)."""
    day = event.starts_at.date()
    program_ids = [p.id for p in event.programs]
    parts = []
    if event.for_mentees:
        mentees = select(MenteeProfile.person_id).where(MenteeProfile.enrolled_on_day(day))
        if program_ids:
            mentees = mentees.where(MenteeProfile.program_id.in_(program_ids))
        if event.pgy_min is not None:
            mentees = mentees.where(MenteeProfile.pgy >= event.pgy_min)
        if event.pgy_max is not None:
            mentees = mentees.where(MenteeProfile.pgy <= event.pgy_max)
        parts.append(mentees)
    if event.for_mentors:
        mentors = select(MentorProfile.person_id).where(MentorProfile.enrolled_on_day(day))
        if program_ids:
            paired = (
                select(Pairing.mentor_id)
                .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
                .where(MenteeProfile.program_id.in_(program_ids), Pairing.open_on(day))
            )
            mentors = mentors.where(
                or_(MentorProfile.program_id.in_(program_ids), MentorProfile.id.in_(paired))
            )
        parts.append(mentors)
    people = select(Person.id).where(
        Person.erased_at.is_(None), or_(*(Person.id.in_(part) for part in parts))
    )
    return people.order_by(Person.id)


def sync_invitations(event: Event) -> list[Invitation]:
    """Invite everyone of the audience not yet invited; drop invitations of people who left it and never
    answered or attended. Returns the new invitations (the caller emails them)."""
    wanted = set(db.session.execute(audience(event)).scalars())
    have = {inv.person_id: inv for inv in event.invitations}
    gone = [
        inv.id
        for pid, inv in have.items()
        if pid not in wanted and inv.invited and inv.rsvp is None and not inv.attended
    ]
    if gone:
        db.session.execute(delete(Invitation).where(Invitation.id.in_(gone)))
        db.session.expire(event, ["invitations"])
    new = [
        Invitation(event_id=event.id, person_id=pid, token=secrets.token_urlsafe(24), invited=True)
        for pid in sorted(wanted - set(have))
    ]
    db.session.add_all(new)
    db.session.flush()
    if new:
        db.session.expire(event, ["invitations"])
    return new
