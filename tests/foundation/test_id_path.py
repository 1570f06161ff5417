"""id_path, the once-a-request pattern behind list rows' links, gives what url_for gives."""

from __future__ import annotations

from flask import url_for

from mentorship.forms import MAX_ID
from mentorship.web import id_path


def test_id_path_is_url_for_under_a_script_root(app):
    with app.test_request_context("/", base_url="http://example.org/mentoring/"):
        for endpoint, name in (
            ("people.show", "person_id"),
            ("pairings.show", "pairing_id"),
            ("reminders.remind", "pairing_id"),
        ):
            for value in (1, 7, 2147, MAX_ID):
                assert id_path(endpoint, **{name: value}) == url_for(endpoint, **{name: value})
        assert id_path("people.show", person_id=5) == "/mentoring/people/5"
