"""Line breaks and control characters in one-line form fields (names, department, program name, ...).

Names go into email headers and subjects, spreadsheet rows and page headings: a line break there adds a
header line or a row. Every one-line field refuses them with a message naming the field, and nothing is
written; search boxes turn them into spaces instead.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

import mentorship
from mentorship.forms import one_line, single_line
from tests.security import world as W

# Breaks that reach the form (the request-wide guard refuses NUL and the other C0 controls first, with its
# own message) and ones only the field validator sees: CR, LF, tab, NEL, line and paragraph separators.
REFUSED_BY_THE_REQUEST = ["\x0b", "\x0c", "\x1c", "\x1e", "\x00", "\x1b"]
REFUSED_BY_THE_FIELD = ["\r", "\n", "\r\n", "\t", "\x85", "\u2028", "\u2029", "\x9b"]
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12)


def _forms() -> list[type[FlaskForm]]:
    """Every form class defined in the app's modules."""
    found = set()
    for module in pkgutil.walk_packages(mentorship.__path__, "mentorship."):
        if module.name.endswith(".forms") or module.name == "mentorship.forms":
            loaded = importlib.import_module(module.name)
            for _name, value in inspect.getmembers(loaded, inspect.isclass):
                if issubclass(value, FlaskForm) and value.__module__ == loaded.__name__:
                    found.add(value)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def _one_line_fields(form_class: type[FlaskForm]) -> dict[str, UnboundField]:
    return {
        name: field
        for name, field in inspect.getmembers(form_class)
        if isinstance(field, UnboundField)
        and issubclass(field.field_class, StringField)
        and not issubclass(field.field_class, TextAreaField | PasswordField)  # notes; never shown or mailed
    }


def test_every_one_line_field_of_every_form_refuses_line_breaks_or_strips_them():
    forms = _forms()
    assert len(forms) >= 20, [f.__name__ for f in forms]  # the walk found the app's forms
    unguarded = []
    for form_class in forms:
        for name, field in _one_line_fields(form_class).items():
            validators = list(field.kwargs.get("validators") or [])
            filters = list(field.kwargs.get("filters") or [])
            # First, because it stops the chain: Optional() would otherwise pass a lone line break as blank.
            if not (validators[:1] == [single_line] or one_line in filters):
                unguarded.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert not unguarded, f"one-line fields without single_line (or one_line for a search box): {unguarded}"


# (role, URL template, valid form data, form class): every form where someone types one-line text.
def _cases(w: W.World) -> list[tuple[str, str, dict, str]]:
    from mentorship.admin.forms import NewAccountForm
    from mentorship.people.forms import MenteeForm, MentorForm
    from mentorship.profile.forms import MenteeProfileForm, MentorProfileForm, SelfIdentificationForm
    from mentorship.programs.forms import ProgramForm

    person = {"email": "new@example.org", "first_name": "Nia", "last_name": "New"}
    mentor = {"mentor_type": "faculty", "department": "Surgery", "specialty": "Surgery", "rank": "Professor"}
    mentor |= {"program_id": w.prog_a.id, "capacity": "3", "interests": "research"}
    mentee = {"program_id": w.prog_a.id, "pgy": "2", "interests": "research"}
    mentor_a = {**person, **mentor, "email": "mentor-a@example.org"}
    mentee_a = {**person, **mentee, "email": "mentee-a@example.org"}
    profile = {"department": "Surgery", "specialty": "Surgery", "rank": "Professor", "capacity": "3"}
    return [
        ("coordA", "/people/mentors/new", {**person, **mentor}, MentorForm),
        ("coordA", "/people/mentees/new", {**person, **mentee}, MenteeForm),
        ("coordA", f"/people/{w.mentor_a.person_id}/mentor/edit", mentor_a, MentorForm),
        ("coordA", f"/people/{w.mentee_a.person_id}/mentee/edit", mentee_a, MenteeForm),
        ("mentor", "/profile/mentor", {**profile, "interests": "research"}, MentorProfileForm),
        ("mentee", "/profile/mentee", {"interests": "research"}, MenteeProfileForm),
        (
            "mentee",
            "/profile/self-identification",
            {"gender": "self_described", "gender_description": "in my words"},
            SelfIdentificationForm,
        ),
        (
            "admin",
            "/programs/new",
            {"name": "Program C", "specialty": "Surgery", "kind": "residency"},
            ProgramForm,
        ),
        (
            "admin",
            f"/programs/{w.prog_a.id}/edit",
            {"name": "Program A", "specialty": "Surgery", "kind": "residency"},
            ProgramForm,
        ),
        ("admin", "/admin/users/new", person, NewAccountForm),
    ]


CASE_IDS = [
    "add mentor",
    "add mentee",
    "edit mentor",
    "edit mentee",
    "own mentor profile",
    "own mentee profile",
    "own self-identification",
    "add program",
    "edit program",
    "add staff account",
]


def _label(field: UnboundField) -> str:
    return field.args[0] if field.args else field.kwargs.get("label", "")


@pytest.mark.parametrize("case", range(len(CASE_IDS)), ids=CASE_IDS)
def test_a_line_break_in_any_one_line_field_is_refused_naming_the_field(app, login, case):
    w = W.build_world()
    role, url, valid, form_class = _cases(w)[case]
    fields = _one_line_fields(form_class)
    assert set(fields) - set(valid) <= {"kind", "nonce"}, "every one-line field of the form is tried"
    browser = login(w.users[role])
    before = W.snapshot()

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        name=st.sampled_from(sorted(set(fields) & set(valid))),
        brk=st.sampled_from(REFUSED_BY_THE_FIELD + REFUSED_BY_THE_REQUEST),
        head=WORD,
        tail=WORD,
    )
    def refused(name, brk, head, tail):
        value = head + brk + tail + ("@example.org" if name == "email" else "")
        response = browser.post(url, data={**valid, name: value})
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 400), page[:500]
        if brk in REFUSED_BY_THE_REQUEST:
            assert "invisible control character" in page
        else:
            assert f"{_label(fields[name])} must be on one line" in page, (name, repr(value))
        assert W.snapshot() == before

    refused()


def test_search_boxes_read_a_line_break_as_a_space(app, login):
    w = W.build_world()
    browser = login(w.users["coordA"])
    page = browser.get("/people/mentees", query_string={"q": "mentee-a\n"}).get_data(as_text=True)
    assert "mentee-a@example.org" in page and 'value="mentee-a"' in page
    page = browser.get("/pairings/", query_string={"q": "Mentee\u2028MenteeA"}).get_data(as_text=True)
    assert "MenteeA, Mentee" in page and "Mentee2" not in page
