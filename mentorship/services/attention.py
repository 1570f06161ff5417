"""The coordinator's "needs attention" list: the active pairings in scope that are overdue, have never met or
were flagged by their mentee, in pages.

Finding them takes every active pairing's metrics for the year, so the whole list is kept under the data
version (services.metrics.versions) and each page is a slice of it. The last reminders are read per page:
a reminder raises no version (it changes no figure), and whether a pair may be reminded depends on the time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import MenteeProfile, MentorProfile, Pairing, Person, Program
from mentorship.services import pulse, reminders
from mentorship.services.metrics import versions
from mentorship.services.metrics.definitions import MetricSettings

PER_PAGE = 50


@dataclass(frozen=True)
class Row:
    """One pairing on the list, with what the page shows of it."""

    pairing_id: int
    program: str
    start_date: dt.date
    mentee_person_id: int
    mentee_name: str
    mentor_person_id: int
    mentor_name: str
    reason: str | None  # "overdue", "never_met", or None for a pair only flagged
    days_since_last_meeting: int | None
    has_met: bool
    flagged_at: dt.datetime | None


@dataclass(frozen=True)
class Listing:
    """The whole list, in the page's order (program, mentee's last and first name, pairing), and how many
    rows each program has."""

    rows: tuple[Row, ...]
    per_program: dict[str, int]


@dataclass(frozen=True)
class Item:
    row: Row
    last_reminder: dt.datetime | None
    can_remind: bool


class ListPage(Pagination):
    """A page of an already computed list, for the shared pager."""

    def _query_items(self) -> list[Any]:
        rows: Sequence[Any] = self._query_args["rows"]
        return list(rows[self._query_offset : self._query_offset + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def listing(scope: Scope, today: dt.date, settings: MetricSettings, start_month: int) -> Listing:
    """The list for `scope` on `today`, computed again only after the data changed."""
    key: Hashable = (scope.program_ids, today, settings, start_month)
    return versions.kept("attention", key, lambda: _listing(scope, today, settings, start_month))


def _listing(scope: Scope, today: dt.date, settings: MetricSettings, start_month: int) -> Listing:
    open_in_scope = and_(scope.pairings(), Pairing.open_on(today))
    quiet = reminders.quiet_pairings(today, settings, start_month, scope.pairings())
    flags = pulse.flagged(open_in_scope)
    wanted = set(quiet) | set(flags)
    if not wanted:
        return Listing((), {})
    mentee, mentor = aliased(Person), aliased(Person)
    # Every listed pairing is open today and in scope: the same condition, rather than thousands of ids.
    query = (
        select(
            Pairing.id,
            Program.name,
            Pairing.start_date,
            mentee.id,
            mentee.first_name,
            mentee.last_name,
            mentor.id,
            mentor.first_name,
            mentor.last_name,
        )
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .join(mentee, mentee.id == MenteeProfile.person_id)
        .join(Program, Program.id == MenteeProfile.program_id)
        .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
        .join(mentor, mentor.id == MentorProfile.person_id)
        .where(open_in_scope)
    )
    found = []
    for pid, program, start, e_id, e_first, e_last, r_id, r_first, r_last in db.session.execute(query):
        if pid not in wanted:
            continue
        reason, metrics = quiet.get(pid, (None, None))
        row = Row(
            pairing_id=pid,
            program=program,
            start_date=start,
            mentee_person_id=e_id,
            mentee_name=f"{e_first} {e_last}".strip(),
            mentor_person_id=r_id,
            mentor_name=f"{r_first} {r_last}".strip(),
            reason=reason,
            days_since_last_meeting=metrics.days_since_last_meeting if metrics else None,
            has_met=metrics is not None and metrics.last_meeting is not None,
            flagged_at=flags.get(pid),
        )
        found.append(((program, f"{e_last}, {e_first}", pid), row))
    found.sort(key=lambda pair: pair[0])
    rows = tuple(row for _key, row in found)
    per_program = {name: len(list(group)) for name, group in groupby(rows, key=lambda r: r.program)}
    return Listing(rows, per_program)


def page_count(listing: Listing) -> int:
    """How many pages the list has (one, when it is empty)."""
    return max(1, -(-len(listing.rows) // PER_PAGE))


def page_of(listing: Listing, page: int, now: dt.datetime, interval_days: int) -> ListPage:
    """Page `page` of the list (the caller checks that it exists), its items with their last reminders."""
    result = ListPage(page=page, per_page=PER_PAGE, max_per_page=None, error_out=False, rows=listing.rows)
    last = reminders.last_reminders([row.pairing_id for row in result.items])
    result.items = [
        Item(
            row,
            last.get(row.pairing_id),
            not reminders.recently_reminded(last.get(row.pairing_id), now, interval_days),
        )
        for row in result.items
    ]
    return result


def by_program(items: list[Item]) -> list[tuple[str, list[Item]]]:
    """A page's items grouped by program, in the list's order."""
    return [(name, list(group)) for name, group in groupby(items, key=lambda item: item.row.program)]
