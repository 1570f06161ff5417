"""The network figures of docs/metrics.md (events and networking), defined once and loaded with select().

For mentee m in academic year Y as of report date D (the days counted run from the start of Y to the
earlier of D and the end of Y):

- **Events attended**: events not cancelled, starting on one of those days, at which m's attendance is
  recorded (a check-in, or the organizer's marking).
- **Introductions**: introductions of m made on one of those days; **introductions met**: of those, the
  ones m recorded as `met`.
- **Distinct connections**: the distinct people m had a held meeting with on those days, together with
  the distinct colleagues of the introductions met; a colleague both met in a meeting and introduced
  counts once (an enrolled mentor is one person, an outside contact is their email).
- **Mentees at an event**: the share of the mentees enrolled in Y with at least one event attended;
  **events attended per mentee**: events attended by the mentees enrolled in Y, divided by their number.
- **Mentees introduced** and **mentees with an introduction met**: the shares of the mentees enrolled in Y
  with at least one introduction, and with at least one introduction met (the inclusivity workbook shows
  these three shares by group).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import Event, Introduction, Invitation, Meeting, MenteeProfile, MentorProfile, Pairing
from mentorship.services.academic_year import AcademicYear
from mentorship.services.metrics.definitions import share
from mentorship.services.metrics.queries import counted_meeting, mentee_scope


@dataclass(frozen=True)
class NetworkFigures:
    """One mentee's network figures in a year."""

    events_attended: int = 0
    introductions: int = 0
    introductions_met: int = 0
    distinct_connections: int = 0

    @property
    def at_event(self) -> bool:
        """At least one event attended."""
        return self.events_attended > 0

    @property
    def introduced(self) -> bool:
        """At least one introduction."""
        return self.introductions > 0

    @property
    def introduction_met(self) -> bool:
        """At least one introduction met (an introduction met is one of the introductions)."""
        return self.introductions_met > 0


@dataclass(frozen=True)
class NetworkSummary:
    """The network figures of a group of enrolled mentees (a program, or all programs)."""

    mentees: int
    mentees_at_event: int
    events_attended: int
    mentees_introduced: int
    mentees_introduction_met: int

    @property
    def mentees_at_event_share(self) -> float | None:
        """Share of the mentees enrolled in Y with at least one event attended."""
        return share(self.mentees_at_event, self.mentees)

    @property
    def events_per_mentee(self) -> float | None:
        """Events attended by the enrolled mentees, per mentee."""
        return share(self.events_attended, self.mentees)


def days(ay: AcademicYear, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day counted: the start of Y to the earlier of D and the end of Y."""
    return ay.start, min(ay.end, as_of)


def connections(met: Iterable[str], introduced_met: Iterable[str]) -> int:
    """Distinct connections: people met in held meetings and colleagues of introductions met, each once."""
    return len(set(met) | set(introduced_met))


def summarize(mentee_ids: Iterable[int], figures: Mapping[int, NetworkFigures]) -> NetworkSummary:
    """The network summary of these enrolled mentees."""
    ids = list(mentee_ids)
    of = [figures.get(m, NetworkFigures()) for m in ids]
    return NetworkSummary(
        mentees=len(ids),
        mentees_at_event=sum(f.at_event for f in of),
        events_attended=sum(f.events_attended for f in of),
        mentees_introduced=sum(f.introduced for f in of),
        mentees_introduction_met=sum(f.introduction_met for f in of),
    )


def colleague_key(mentor_person_id: int | None, contact_email: str | None) -> str:
    """Who a connection is: an enrolled person by id, an outside contact by email."""
    return (
        f"person:{mentor_person_id}"
        if mentor_person_id is not None
        else f"email:{(contact_email or '').lower()}"
    )


def events_attended(ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None) -> dict[int, int]:
    """Events attended per mentee id (only mentees with any); one query."""
    first, last = days(ay, as_of)
    rows = db.session.execute(
        select(MenteeProfile.id, func.count(Invitation.id))
        .join(Invitation, Invitation.person_id == MenteeProfile.person_id)
        .join(Event, Event.id == Invitation.event_id)
        .where(
            Invitation.attended.is_(True),
            Event.cancelled_at.is_(None),
            Event.starts_at >= dt.datetime.combine(first, dt.time()),
            Event.starts_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time()),
            mentee_scope(program_ids),
        )
        .group_by(MenteeProfile.id)
    )
    return {row[0]: row[1] for row in rows}


def network_figures(
    ay: AcademicYear, as_of: dt.date, program_ids: Collection[int] | None = None
) -> dict[int, NetworkFigures]:
    """Every network figure per mentee id of the scope (mentees with none are left out); three queries."""
    first, last = days(ay, as_of)
    attended = events_attended(ay, as_of, program_ids)
    made: dict[int, int] = defaultdict(int)
    met_intro: dict[int, set[str]] = defaultdict(set)
    intro_rows = db.session.execute(
        select(
            Introduction.mentee_id, Introduction.outcome, MentorProfile.person_id, Introduction.contact_email
        )
        .join(MenteeProfile, MenteeProfile.id == Introduction.mentee_id)
        .outerjoin(MentorProfile, MentorProfile.id == Introduction.mentor_id)
        .where(
            Introduction.created_at >= dt.datetime.combine(first, dt.time()),
            Introduction.created_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time()),
            mentee_scope(program_ids),
        )
    )
    met_count: dict[int, int] = defaultdict(int)
    for mentee_id, outcome, person_id, email in intro_rows:
        made[mentee_id] += 1
        if outcome == "met":
            met_count[mentee_id] += 1
            met_intro[mentee_id].add(colleague_key(person_id, email))
    met_people: dict[int, set[str]] = defaultdict(set)
    meeting_rows = db.session.execute(
        select(Pairing.mentee_id, MentorProfile.person_id)
        .distinct()
        .join(Meeting, Meeting.pairing_id == Pairing.id)
        .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(counted_meeting(), Meeting.date >= first, Meeting.date <= last, mentee_scope(program_ids))
    )
    for mentee_id, person_id in meeting_rows:
        met_people[mentee_id].add(colleague_key(person_id, None))
    ids = set(attended) | set(made) | set(met_people)
    return {
        m: NetworkFigures(
            events_attended=attended.get(m, 0),
            introductions=made.get(m, 0),
            introductions_met=met_count.get(m, 0),
            distinct_connections=connections(met_people.get(m, ()), met_intro.get(m, ())),
        )
        for m in ids
    }


def attended_events(person_id: int, ay: AcademicYear, as_of: dt.date) -> list[Event]:
    """The events a person attended in the days counted (the list behind "events attended"), by start."""
    first, last = days(ay, as_of)
    return list(
        db.session.execute(
            select(Event)
            .join(Invitation, Invitation.event_id == Event.id)
            .where(
                Invitation.person_id == person_id,
                Invitation.attended.is_(True),
                Event.cancelled_at.is_(None),
                Event.starts_at >= dt.datetime.combine(first, dt.time()),
                Event.starts_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time()),
            )
            .order_by(Event.starts_at)
        ).scalars()
    )
