"""The pairing page and the person page tell a pairing's story: figures, meetings, reminders, flag, end.

Notes reach only the pair; the check-in flag only staff, never the answers; fixed number of queries."""

from __future__ import annotations

import datetime as dt

from mentorship.extensions import db
from mentorship.models import Pairing, PulseCheck, Reminder
from mentorship.services.academic_year import academic_year, year_of
from mentorship.services.metrics.definitions import MetricSettings
from mentorship.services.metrics.queries import pairing_metrics
from mentorship.services.stories import STATUS_LABELS, stories

TODAY = dt.date.today()
NOTE = "Talked about leaving the program in confidence"


def _story(f, pair):
    p = pair.pairing
    held = f.meeting(
        p,
        TODAY - dt.timedelta(days=20),
        45,
        ["research"],
        notes=NOTE,
        modality="video",
        logged_by_id=pair.mentor.person_id,
    )
    held.confirmed_at = dt.datetime.now()
    disputed = f.meeting(
        p, TODAY - dt.timedelta(days=50), 30, logged_as="mentee", logged_by_id=pair.mentee.person_id
    )
    disputed.disputed_at = dt.datetime.now()
    f.meeting(p, TODAY - dt.timedelta(days=10), 60, status="cancelled", logged_by_id=pair.mentor.person_id)
    db.session.add(Reminder(pairing_id=p.id, sent_at=dt.datetime(2026, 1, 5, 8), reason="never_met"))
    db.session.add(
        PulseCheck(
            pairing_id=p.id,
            person_id=pair.mentee.person_id,
            answered_at=dt.datetime.now(),
            rating=2,
            fit="no",
        )
    )
    db.session.commit()


def test_coordinator_sees_the_story_but_never_notes_or_check_in_answers(f, pair, login):
    _story(f, pair)
    html = login(pair.coordinator).get(f"/pairings/{pair.pairing.id}").get_data(as_text=True)
    assert "Held meetings in AY" in html and "Hours in AY" in html
    assert "Meetings (3)" in html
    assert (TODAY - dt.timedelta(days=20)).isoformat() in html and "45 min" in html and "Video" in html
    assert "Logged by Morgan Mentor (the mentor)" in html and "Logged by Riley Mentee (the mentee)" in html
    assert "confirmed" in html and "disputed" in html and "Cancelled" in html
    assert "Reminders sent (1)" in html and "2026-01-05: not met yet" in html
    assert "Check-in flag" in html
    assert NOTE not in html and "in confidence" not in html
    # Neither the rating nor the fit answer is on the page.
    assert "good fit" not in html and "How is this mentorship going" not in html


def test_the_pair_sees_its_notes_but_not_the_flag(f, pair, login):
    _story(f, pair)
    for user in (pair.mentor_user, pair.mentee_user):
        html = login(user).get(f"/pairings/{pair.pairing.id}").get_data(as_text=True)
        assert NOTE in html
        assert "Check-in flag" not in html
        assert "End this pairing" not in html


def _metrics(pair):
    ay = academic_year(year_of(TODAY))
    return pairing_metrics(ay, TODAY, MetricSettings(), Pairing.id == pair.pairing.id)[pair.pairing.id]


def _label_from_metrics(pair):
    return STATUS_LABELS[_metrics(pair).status]


def test_status_and_figures_come_from_the_metrics_service(f, pair, login):
    _story(f, pair)
    m = _metrics(pair)
    html = login(pair.coordinator).get(f"/pairings/{pair.pairing.id}").get_data(as_text=True)
    assert f">{STATUS_LABELS[m.status]}</span>" in html
    assert f'<dd class="col-sm-7">{m.meetings}</dd>' in html
    assert f"{m.hours:.1f}" in html


def test_story_figures_are_the_metrics_services_in_every_stretch(f, pair):
    """The story reckons a pairing's figures from its timeline's meetings: the same as the metrics query,
    for meetings before the year, in it, after it, logged ahead, cancelled or deleted, in any year."""
    this = academic_year(year_of(TODAY))
    pair.pairing.start_date = this.start - dt.timedelta(days=800)
    other = f.pairing(f.mentor(f.person("other@example.org", "Oz", "Other")), pair.mentee, start_date=TODAY)
    p = pair.pairing
    for days, minutes in ((-900, 15), (-400, 20), (-200, 25), (-20, 45), (-3, 50), (0, 55), (30, 35)):
        f.meeting(p, TODAY + dt.timedelta(days=days), minutes)
    f.meeting(p, TODAY - dt.timedelta(days=5), 60, status="cancelled")
    f.meeting(p, TODAY - dt.timedelta(days=6), 70, deleted_at=dt.datetime.now())
    db.session.commit()
    last = academic_year(this.year - 1)
    for ay, as_of in ((this, TODAY), (last, last.end), (last, TODAY), (academic_year(this.year - 3), TODAY)):
        for pairings in ([p], [p, other]):
            expected = pairing_metrics(ay, as_of, MetricSettings(), Pairing.id.in_([x.id for x in pairings]))
            assert p.id in expected
            told = stories(
                pairings,
                ay=ay,
                as_of=as_of,
                settings=MetricSettings(),
                viewer_person_id=None,
                viewer_is_staff=True,
            )
            assert {pid: story.metrics for pid, story in told.items() if story.metrics} == expected


def test_an_ended_pairing_shows_its_end_and_reason(f, pair, login):
    pair.pairing.end_date = TODAY - dt.timedelta(days=3)
    pair.pairing.end_reason = "mentee_left"
    db.session.commit()
    html = login(pair.coordinator).get(f"/pairings/{pair.pairing.id}").get_data(as_text=True)
    assert f"{pair.pairing.end_date.isoformat()}: Mentee left" in html
    assert f">{_label_from_metrics(pair)}</span>" in html


def test_person_page_shows_the_story_of_each_pairing(f, pair, login):
    _story(f, pair)
    other = f.mentor(f.person("second@example.org", "Sam", "Second"))
    second = f.pairing(other, pair.mentee, start_date=TODAY - dt.timedelta(days=5), kind="research")
    f.meeting(second, TODAY - dt.timedelta(days=1), 25, notes="second secret")
    db.session.commit()
    html = login(pair.coordinator).get(f"/people/{pair.mentee.person_id}").get_data(as_text=True)
    assert f"/pairings/{pair.pairing.id}" in html and f"/pairings/{second.id}" in html
    assert "Meetings (3)" in html and "Meetings (1)" in html and "25 min" in html
    assert "Check-in flag" in html
    assert NOTE not in html and "second secret" not in html
    mine = login(pair.mentee_user).get(f"/people/{pair.mentee.person_id}").get_data(as_text=True)
    assert NOTE in mine and "second secret" in mine and "Check-in flag" not in mine


def _grow(f, pair, n):
    """n more pairings of the mentee, each with meetings and a reminder."""
    for k in range(n):
        mentor = f.mentor(f.person(f"m{k}-{n}@example.org", "Mo", f"M{k}"))
        p = f.pairing(
            mentor,
            pair.mentee,
            start_date=TODAY - dt.timedelta(days=40 + k),
            kind="research" if k % 2 else "wellness",
        )
        for d in range(3):
            f.meeting(p, TODAY - dt.timedelta(days=5 + d), 30, ["research", "wellness"])
        db.session.add(Reminder(pairing_id=p.id, sent_at=dt.datetime(2026, 1, 1), reason="overdue"))
    db.session.commit()


def test_pages_load_in_a_fixed_number_of_queries(f, pair, login, count_queries):
    _story(f, pair)
    b = login(pair.coordinator)
    mentee_page = f"/people/{pair.mentee.person_id}"
    pairing_page = f"/pairings/{pair.pairing.id}"
    small_person, page = count_queries(lambda: b.get(mentee_page))
    assert page.status_code == 200
    small_pairing, _ = count_queries(lambda: b.get(pairing_page))
    _grow(f, pair, 8)
    large_person, page = count_queries(lambda: b.get(mentee_page))
    assert page.get_data(as_text=True).count("Reminders sent (1)") == 9
    large_pairing, _ = count_queries(lambda: b.get(pairing_page))
    assert large_person == small_person
    assert large_pairing == small_pairing


def test_mentor_page_statements_do_not_grow_with_pairings_or_meetings(f, pair, login, count_queries):
    _story(f, pair)
    pair.mentor.program_id = pair.program.id  # a mentor of a program: the page names it
    b = login(pair.coordinator)
    mentor_page = f"/people/{pair.mentor.person_id}"
    pairing_page = f"/pairings/{pair.pairing.id}"
    small_person, page = count_queries(lambda: b.get(mentor_page))
    assert page.status_code == 200
    small_pairing, _ = count_queries(lambda: b.get(pairing_page))
    for k in range(6):
        mentee = f.mentee(f.person(f"e{k}@example.org", "Ed", f"E{k}"), pair.program)
        p = f.pairing(pair.mentor, mentee, start_date=TODAY - dt.timedelta(days=30 + k))
        for d in range(4):
            f.meeting(p, TODAY - dt.timedelta(days=2 + d), 30, ["career"])
            f.meeting(pair.pairing, TODAY - dt.timedelta(days=60 + 7 * k + d), 20)
    large_person, page = count_queries(lambda: b.get(mentor_page))
    assert page.get_data(as_text=True).count("Meetings (4)") == 6
    large_pairing, page = count_queries(lambda: b.get(pairing_page))
    assert page.status_code == 200
    assert large_person == small_person
    assert large_pairing == small_pairing


def test_person_page_lists_the_latest_meetings_and_links_to_the_pairing_page_for_all(f, pair, login):
    days = [TODAY - dt.timedelta(days=3 + 2 * k) for k in range(13)]  # newest first
    for day in days:
        f.meeting(pair.pairing, day, 30)
    db.session.commit()
    b = login(pair.coordinator)
    person = b.get(f"/people/{pair.mentee.person_id}").get_data(as_text=True)
    assert "Meetings (13)" in person and "The latest 10 of 13 meetings." in person
    assert all(day.isoformat() in person for day in days[:10])
    # (the oldest is in the figures, as the first meeting)
    assert not any(f"<strong>{day.isoformat()}</strong>" in person for day in days[10:])
    link = f'href="/pairings/{pair.pairing.id}#meetings-{pair.pairing.id}"'
    assert link in person
    whole = b.get(f"/pairings/{pair.pairing.id}").get_data(as_text=True)
    assert f'id="meetings-{pair.pairing.id}"' in whole and all(day.isoformat() in whole for day in days)
    assert "The latest" not in whole and "Meetings (13)" in whole
    # The figures count every meeting, listed or not: the same on both pages.
    assert _figures(person) == _figures(whole)


def _figures(html: str) -> str:
    start = html.index('<dl class="row mb-2 story-figures">')
    return html[start : html.index("</dl>", start)]
