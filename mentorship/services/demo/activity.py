"""The demo's pairings and meetings: every status flag (on track, behind, new, overdue, ended) on any day."""

from __future__ import annotations

import datetime as dt

from mentorship.services.demo.data import NOTES


def pairings_and_meetings(rng, size, mentors, mentees, today, topics, with_notes):
    """The demo's pairings, meetings and meeting topics as rows, every date placed relative to `today`."""
    ends: dict[int, list[dt.date | None]] = {m["id"]: [] for m in mentors}
    capacity = {m["id"]: m["capacity"] for m in mentors}
    near_peer_pgy = {m["id"]: m["pgy"] for m in mentors}
    mentor_ids = [m["id"] for m in mentors]
    pairings, meetings, meeting_topics = [], [], []
    # Styles of pairing: most meet regularly, some drift into overdue, some never meet.
    styles = ["steady"] * 60 + ["keen"] * 12 + ["drifting"] * 16 + ["never"] * 6 + ["slow"] * 6

    def free(mentor_id: int, day: dt.date) -> bool:
        return sum(1 for end in ends[mentor_id] if end is None or end >= day) < capacity[mentor_id]

    # One pairing of each status that chance may not give a small demo: made 40 days ago and never met
    # (behind), made 10 days ago and not met yet (new), ended today (ended). Each only moves a start later
    # or sets an end, so no mentor's capacity is exceeded.
    placed: list[str] = []
    order = sorted(mentees, key=lambda m: (m["enrolled_on"], m["id"]))
    for mentee in order:
        if rng.random() < 0.1:
            continue  # not yet paired: coverage below 100 %, as in real programs
        kinds = ["career"] + (["research"] if rng.random() < 0.15 else [])
        for kind in kinds:
            start = mentee["enrolled_on"] + dt.timedelta(days=rng.randint(3, 75))
            if mentee["_off_cycle"]:
                start = today - dt.timedelta(days=rng.randint(8, 20))
            if start > today:
                continue
            candidates = [
                m
                for m in rng.sample(mentor_ids, k=min(40, len(mentor_ids)))
                if free(m, start)
                and (near_peer_pgy[m] is None or near_peer_pgy[m] > mentee["pgy"])
                and mentors[m - 1]["person_id"] != mentee["person_id"]
            ]
            if not candidates:
                continue
            mentor_id = candidates[0]
            end, reason = mentee["left_on"], "completed" if mentee["left_on"] else None
            if end is not None and end < start:
                continue
            if end is None and rng.random() < 0.06:
                end = min(today, start + dt.timedelta(days=rng.randint(60, 400)))
                reason = rng.choice(["mentor_left", "other", "rematched"])
            style = rng.choice(styles)
            if end is None and start <= today - dt.timedelta(days=40) and len(placed) < 3:
                placed.append(("behind", "new", "ended")[len(placed)])
                if placed[-1] == "behind":
                    style, start = "never", today - dt.timedelta(days=40)
                elif placed[-1] == "new":
                    style, start = "never", today - dt.timedelta(days=10)
                else:
                    end, reason = today, "completed"
            pid = len(pairings) + 1
            ends[mentor_id].append(end)
            pairings.append(
                {
                    "id": pid,
                    "mentor_id": mentor_id,
                    "mentee_id": mentee["id"],
                    "kind": kind,
                    "start_date": start,
                    "end_date": end,
                    "end_reason": reason,
                    "capacity_override": False,
                }
            )
            _meetings_for(
                rng,
                pid,
                start,
                min(end or today, today),
                today,
                style,
                mentee["_activity"] * size.meetings_per_year,
                topics,
                with_notes,
                meetings,
                meeting_topics,
            )
    return pairings, meetings, meeting_topics


def _meetings_for(
    rng, pairing_id, start, stop, today, style, per_year, topics, with_notes, meetings, topic_rows
):
    if style == "never" or per_year <= 0:
        return
    mean_gap = 365 / per_year * {"steady": 1.0, "keen": 0.6, "drifting": 1.0, "slow": 2.2}[style]
    quiet_from = stop
    if style == "drifting":
        quiet_from = stop - dt.timedelta(days=rng.randint(70, 200))
    day = start + dt.timedelta(days=rng.randint(5, 40))
    while day <= min(stop, quiet_from):
        mid = len(meetings) + 1
        status = rng.choices(["held", "cancelled", "no_show"], [86, 10, 4])[0]
        meetings.append(
            {
                "id": mid,
                "pairing_id": pairing_id,
                "date": day,
                "duration_minutes": rng.choice([20, 30, 30, 45, 60, 60, 90]),
                "modality": rng.choices(["in_person", "video", "phone"], [55, 35, 10])[0],
                "status": status,
                "notes": rng.choice(NOTES) if with_notes and rng.random() < 0.5 else None,
                "logged_as": rng.choices(["mentor", "mentee", "coordinator"], [70, 25, 5])[0],
                "confirmed_at": dt.datetime.combine(day, dt.time(18)) if rng.random() < 0.6 else None,
            }
        )
        for topic in rng.sample(topics, k=rng.randint(1, 3)):
            topic_rows.append({"meeting_id": mid, "topic": topic})
        day += dt.timedelta(days=max(7, int(mean_gap * rng.uniform(0.6, 1.3))))
