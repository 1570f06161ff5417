"""The pairings list's open filter is "open on D": a pairing whose end date is today has ended."""

from __future__ import annotations

import datetime as dt


def test_a_pairing_ended_today_is_listed_as_ended_not_open(f, login):
    today = dt.date.today()
    admin = f.user(is_admin=True)
    ended_today = f.pairing(start_date=today - dt.timedelta(days=100), end_date=today)
    ends_tomorrow = f.pairing(
        start_date=today - dt.timedelta(days=100), end_date=today + dt.timedelta(days=1)
    )
    browser = login(admin)
    open_page = browser.get("/pairings/?status=active").get_data(as_text=True)
    ended_page = browser.get("/pairings/?status=ended").get_data(as_text=True)
    assert f'/pairings/{ends_tomorrow.id}"' in open_page and f'/pairings/{ended_today.id}"' not in open_page
    assert f'/pairings/{ended_today.id}"' in ended_page and f'/pairings/{ends_tomorrow.id}"' not in ended_page
    assert "1 pairing open today" in open_page and "1 pairing ended by today" in ended_page
