"""Groups for the inclusivity figures, as pure functions (docs/metrics.md, docs/privacy.md).

Aggregate only: who is in which group, the figures of a group of mentees, and concordance outcomes.
Suppression is applied afterwards by services.suppression and services.inclusivity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from mentorship.services.metrics.definitions import PairingMetrics, median, share
from mentorship.services.people import SelfIdentificationAnswers, effective_urim

DIMENSIONS = ("gender", "urim", "img", "first_generation", "pgy")
CONCORDANCE_NOT_PAIRED, CONCORDANCE_PAIRED, CONCORDANCE_MET = 0, 1, 2


def identity_groups(
    selfid: SelfIdentificationAnswers | None, urim_categories: Collection[str]
) -> dict[str, str | None]:
    """A person's group code per self-identified dimension; None = not disclosed (blank or prefer not)."""

    def answer(value: str | None, allowed: Collection[str]) -> str | None:
        return value if value in allowed else None

    return {
        "gender": answer(selfid.gender if selfid else None, ("woman", "man", "nonbinary", "self_described")),
        "urim": effective_urim(selfid, urim_categories),
        "img": answer(selfid.img if selfid else None, ("yes", "no")),
        "first_generation": answer(selfid.first_generation if selfid else None, ("yes", "no")),
    }


@dataclass(frozen=True)
class MenteeIdentity:
    """A mentee enrolled in Y with their group per dimension and the concordance they asked for."""

    mentee_id: int
    program_id: int
    groups: dict[str, str | None]  # dimension -> group code (pgy as "1".."10")
    concordance_gender: bool
    concordance_urim: bool


@dataclass(frozen=True)
class GroupStats:
    """The figures of a group of mentees, with the number of people each figure rests on (for suppression)."""

    mentees: int
    with_mentor: int
    pairings: int
    pairing_people: int  # distinct mentees behind the pairing figures
    median_meetings: float | None
    engaged_pairings: int
    median_days_to_first_meeting: float | None
    first_meeting_people: int  # distinct mentees behind the median days to first meeting

    @property
    def coverage(self) -> float | None:
        """Share of the group's mentees with a pairing active in Y."""
        return share(self.with_mentor, self.mentees)

    @property
    def engaged_share(self) -> float | None:
        """Share of the group's pairings that are engaged."""
        return share(self.engaged_pairings, self.pairings)


def group_stats(mentee_ids: Collection[int], pairings: Iterable[PairingMetrics]) -> GroupStats:
    """Figures of enrolled mentees `mentee_ids` over their pairings active in Y (from `pairings`)."""
    ids = set(mentee_ids)
    mine = [p for p in pairings if p.mentee_id in ids]
    first = [p for p in mine if p.days_to_first_meeting is not None]
    return GroupStats(
        mentees=len(ids),
        with_mentor=len({p.mentee_id for p in mine}),
        pairings=len(mine),
        pairing_people=len({p.mentee_id for p in mine}),
        median_meetings=median(p.meetings for p in mine),
        engaged_pairings=sum(p.engaged for p in mine),
        median_days_to_first_meeting=median(p.days_to_first_meeting for p in first),
        first_meeting_people=len({p.mentee_id for p in first}),
    )


def concordance_outcomes(
    kind: str,
    mentees: Iterable[MenteeIdentity],
    pairings: Iterable[PairingMetrics],
    mentor_groups: dict[int, dict[str, str | None]],
) -> list[tuple[MenteeIdentity, int]]:
    """Each mentee who asked for `kind` ("gender" or "urim") concordance, with the outcome in Y.

    Not paired (no pairing active in Y), paired, or met: a pairing active in Y is with a mentor of the same
    disclosed gender (gender) or both are URiM (URiM).
    """
    by_mentee: dict[int, list[int]] = defaultdict(list)
    for p in pairings:
        by_mentee[p.mentee_id].append(p.mentor_id)
    result = []
    for m in mentees:
        if not (m.concordance_gender if kind == "gender" else m.concordance_urim):
            continue
        mentors = by_mentee.get(m.mentee_id, [])
        mine = m.groups[kind]
        wanted = mine is not None and (kind == "gender" or mine == "yes")
        if wanted and any(mentor_groups.get(x, {}).get(kind) == mine for x in mentors):
            result.append((m, CONCORDANCE_MET))
        else:
            result.append((m, CONCORDANCE_PAIRED if mentors else CONCORDANCE_NOT_PAIRED))
    return result
