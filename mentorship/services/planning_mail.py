"""The emails of planned meetings: both people get one per plan, change or cancellation, the .ics attached.

Sent through the outbox (services/mail), one row per person and calendar version: the key names the
planned meeting, its SEQUENCE and the person, so a retried request or job never mails anyone twice for
the same version. The agenda is never in an email (mail is logged when no server is set).
"""

from __future__ import annotations

import datetime as dt

from mentorship.models import Person, PlannedMeeting
from mentorship.services import mail, planning

SUBJECTS = {
    "plan": "Meeting planned with {other}: {when}",
    "change": "Meeting changed with {other}: {when}",
    "cancel": "Meeting cancelled with {other}: {when}",
}


def queue_notices(
    plan: PlannedMeeting,
    action: str,
    *,
    by: Person,
    settings: planning.CalendarSettings,
    now: dt.datetime,
) -> list[int]:
    """Queue the email of `action` ("plan", "change", "cancel") to both people; the outbox ids queued."""
    pairing = plan.pairing
    people = [pairing.mentor.person, pairing.mentee.person]
    data = planning.ics(plan, settings)
    method = planning.method_of(plan)
    attachment = mail.Attachment(
        filename="cancelled-meeting.ics" if method == "CANCEL" else "meeting.ics",
        content_type="text/calendar",
        data=data,
        method=method,
    )
    start = planning.local_start(plan, settings.timezone)
    ids = []
    for person in people:
        other = people[1] if person is people[0] else people[0]
        when = f"{start:%a} {start.day} {start:%b}, {planning.clock(start)}"
        subject = SUBJECTS[action].format(other=other.full_name, when=when)
        email = mail.render(
            "planned_meeting",
            to=person.email,
            to_name=person.full_name,
            subject=subject,
            attachments=(attachment,),
            action=action,
            first_name=person.first_name,
            other=other,
            by_name=by.full_name,
            by_whom="self" if by.id == person.id else "other" if by.id == other.id else "staff",
            when=planning.when_text(plan, settings.timezone),
            timezone=settings.timezone,
            place=plan.place,
            pairing_id=pairing.id,
        )
        row = mail.queue(
            email, key=f"planned:{plan.uid}:{plan.sequence}:{person.id}", kind=f"planned_{action}", now=now
        )
        if row is not None:
            ids.append(row.id)
    return ids
