"""What the API returns for each object: plain JSON, built from the same models the pages show.

Notes appear only when the caller is one of the pairing's two people; self-identification only for users
with view_demographics (the caller decides and passes it in).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mentorship.models import (
    Event,
    Invitation,
    Meeting,
    MenteeProfile,
    MentorProfile,
    Pairing,
    Person,
    Program,
)
from mentorship.services.metrics.definitions import PairingMetrics


def day(value: dt.date | None) -> str | None:
    """An ISO date, or None."""
    return value.isoformat() if value is not None else None


def program_ref(program: Program | None) -> dict[str, Any] | None:
    """A program as {"id", "name"}."""
    return {"id": program.id, "name": program.name} if program is not None else None


def person_ref(person: Person) -> dict[str, Any]:
    """A person as {"id", "name", "email"}."""
    return {"id": person.id, "name": person.full_name, "email": person.email}


def self_identification(person: Person) -> dict[str, Any] | None:
    """A person's self-identification answers (None if they gave none, or were erased)."""
    selfid = person.self_identification
    if selfid is None or person.erased_at is not None:
        return None
    return {
        "gender": selfid.gender,
        "gender_description": selfid.gender_description,
        "race_ethnicity": [] if selfid.race_prefer_not else list(selfid.race_codes),
        "race_prefer_not": selfid.race_prefer_not,
        "urim": selfid.urim,
        "img": selfid.img,
        "first_generation": selfid.first_generation,
        "given_on": day(selfid.given_on),
    }


def person_item(profile: MentorProfile | MenteeProfile, *, demographics: bool) -> dict[str, Any]:
    """A mentor or mentee of the People list."""
    person = profile.person
    item: dict[str, Any] = {
        **person_ref(person),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "role": "mentor" if isinstance(profile, MentorProfile) else "mentee",
        "program": program_ref(profile.program),
        "pgy": profile.pgy,
        "interests": profile.interests,
        "enrolled_on": day(profile.enrolled_on),
        "left_on": day(profile.left_on),
    }
    if isinstance(profile, MentorProfile):
        item.update(
            mentor_type=profile.mentor_type,
            department=profile.department,
            specialty=profile.specialty,
            rank=profile.rank,
            capacity=profile.capacity,
        )
    if demographics:
        item["self_identification"] = self_identification(person)
    return item


def pairing_item(pairing: Pairing, metrics: PairingMetrics | None) -> dict[str, Any]:
    """A pairing, with its figures of the academic year asked for (None if not active in it)."""
    return {
        "id": pairing.id,
        "kind": pairing.kind,
        "program": program_ref(pairing.mentee.program),
        "mentor": person_ref(pairing.mentor.person),
        "mentee": {**person_ref(pairing.mentee.person), "pgy": pairing.mentee.pgy},
        "start_date": day(pairing.start_date),
        "end_date": day(pairing.end_date),
        "end_reason": pairing.end_reason,
        "year": None
        if metrics is None
        else {
            "meetings": metrics.meetings,
            "hours": round(metrics.hours, 2),
            "first_meeting": day(metrics.first_meeting),
            "days_to_first_meeting": metrics.days_to_first_meeting,
            "last_meeting": day(metrics.last_meeting),
            "days_since_last_meeting": metrics.days_since_last_meeting,
            "status": metrics.status,
        },
    }


def meeting_item(meeting: Meeting, *, notes: bool) -> dict[str, Any]:
    """A meeting; its notes only if `notes` (the caller is one of the pairing's two people)."""
    item: dict[str, Any] = {
        "id": meeting.id,
        "pairing_id": meeting.pairing_id,
        "date": day(meeting.date),
        "duration_minutes": meeting.duration_minutes,
        "modality": meeting.modality,
        "status": meeting.status,
        "topics": sorted(meeting.topics),
        "logged_as": meeting.logged_as,
        "confirmed": meeting.confirmed_at is not None,
        "disputed": meeting.disputed_at is not None,
    }
    if notes:
        item["notes"] = meeting.notes
    return item


def event_item(event: Event, invitation: Invitation | None) -> dict[str, Any]:
    """An event (times in the office's time zone); `my_rsvp` for an invited caller."""
    item: dict[str, Any] = {
        "id": event.id,
        "title": event.title,
        "kind": event.kind,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "place": event.place,
        "description": event.description,
        "programs": [program_ref(p) for p in event.programs],
        "capacity": event.capacity,
        "cancelled": event.cancelled_at is not None,
    }
    if invitation is not None:
        item["my_rsvp"] = invitation.rsvp
    return item
