"""The import service: exact results, all-or-nothing errors, idempotence, CSV = XLSX, scope."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from sqlalchemy import select

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import AuditEvent, Meeting, Pairing
from mentorship.services import roster as ri
from mentorship.services.meetings import MAX_NOTES
from tests.conftest import _empty_tables
from tests.roster.helpers import TOPICS, clock, csv_bytes, dump, messy_sheets, snapshot, xlsx

MAX = 10 * 1024 * 1024


def run(sheets, dry_run=False, scope=None, actor=None, name="roster.xlsx", demographics=False):
    roster = ri.read_files([(name, xlsx(sheets, blank_formatted_rows=30))], MAX)
    result = ri.import_roster(
        roster, actor=actor, scope=scope, **clock(), topics=TOPICS, dry_run=dry_run, demographics=demographics
    )
    db.session.commit()
    return result


def errors_of(sheets, **kwargs) -> list[str]:
    before = snapshot()
    with pytest.raises(ri.ImportInvalid) as caught:
        run(sheets, **kwargs)
    db.session.rollback()
    assert snapshot() == before, "an invalid file must write nothing"
    return [str(e) for e in caught.value.errors]


def test_messy_but_valid_roster_imports_exactly():
    result = run(messy_sheets())
    counts = result.preview.counts
    assert counts["programs"] == {"create": 3, "update": 0, "unchanged": 0}  # Surgery named only in Mentees
    assert "Surgery (named in Mentees row 3)" in result.preview.items["programs"]["create"]
    assert counts["people"]["create"] == 4
    assert counts["pairings"]["create"] == 3 and counts["meetings"]["create"] == 3

    data = dump()
    assert data["programs"] == [
        ("Cardiology Fellowship", "Cardiology", "fellowship"),
        ("Internal Medicine", "Internal Medicine", "residency"),
        ("Surgery", None, "residency"),
    ]
    jane = data["people"]["dr.jane@hospital.org"]
    assert jane["name"] == ("Zoë", "D'Angelo")
    assert jane["mentor"] == (
        "faculty",
        "Medicine",
        "Cardiology",
        "Associate Professor",
        None,
        None,
        2,
        dt.date(2024, 7, 1),
        None,
        ("global health", "research"),
    )
    assert jane["mentee"] is None
    assert jane["selfid"] == ("woman", ("asian", "white"), False, "no", "no", "yes")
    sam = data["people"]["sam.lee@hospital.org"]
    assert sam["mentor"][0] == "near_peer" and sam["mentor"][4:8] == (
        "Internal Medicine",
        3,
        3,
        dt.date(2024, 7, 1),
    )
    assert sam["selfid"] is None  # nothing disclosed
    jose = data["people"]["resident.one@hospital.org"]
    assert jose["name"] == ("José", "Muñoz-O'Neil")
    assert jose["mentee"] == (
        "Internal Medicine",
        1,
        dt.date(2024, 7, 1),
        None,
        ("qi", "research"),
        ("dr.jane@hospital.org",),
        (),
        True,
        False,
    )
    assert jose["selfid"] == ("man", (), False, "yes", None, None)
    amy = data["people"]["amy@hospital.org"]
    assert amy["name"] == ("Amy", "N'Diaye")
    assert amy["mentee"][:3] == ("Surgery", 2, dt.date(2024, 7, 1))  # Excel serial 45474
    assert amy["mentee"][6] == ("sam.lee@hospital.org",)
    assert data["pairings"] == [
        (
            "dr.jane@hospital.org",
            "amy@hospital.org",
            "research",
            dt.date(2024, 8, 1),
            dt.date(2025, 6, 30),
            "completed",
        ),
        ("dr.jane@hospital.org", "resident.one@hospital.org", "career", dt.date(2024, 7, 15), None, None),
        ("sam.lee@hospital.org", "resident.one@hospital.org", "peer", dt.date(2024, 7, 1), None, None),
    ]
    assert data["meetings"] == [
        (
            "dr.jane@hospital.org",
            "amy@hospital.org",
            "research",
            dt.date(2024, 9, 10),
            45,
            "video",
            "no_show",
            (),
            "",
            "import",
        ),
        (
            "dr.jane@hospital.org",
            "resident.one@hospital.org",
            "career",
            dt.date(2024, 8, 1),
            60,
            "in_person",
            "held",
            ("career planning", "research"),
            "Talked about fellowship",
            "import",
        ),
        (
            "sam.lee@hospital.org",
            "resident.one@hospital.org",
            "peer",
            dt.date(2024, 8, 2),
            30,
            "phone",
            "held",
            ("wellness",),
            "",
            "import",
        ),
    ]


def test_reimport_changes_nothing_and_says_so():
    run(messy_sheets())
    before, data = snapshot(), dump()
    result = run(messy_sheets())
    assert not result.preview.changed
    counts = result.preview.counts
    assert all(c["create"] == 0 and c["update"] == 0 for c in counts.values())
    assert counts["people"]["unchanged"] == 4 and counts["meetings"]["unchanged"] == 3
    after = snapshot()
    assert after["audit_events"] == before["audit_events"] + 1  # the second import is still audited
    after.pop("audit_events"), before.pop("audit_events")
    assert after == before and dump() == data


def test_newer_roster_updates_fields():
    run(messy_sheets())
    sheets = messy_sheets()
    sheets["Mentors"][1][1] = "Zoe"  # first name
    sheets["Mentors"][1][9] = 4  # capacity
    sheets["MENTEES"][1][4] = 2  # pgy
    sheets["Pairings"][1][3] = "2025-01-31"  # the career pairing ended
    sheets["Meetings"][1][6] = "career planning"  # topics changed
    sheets["Meetings"][3][2] = "2025-02-01"  # a meeting after the end: goes to the peer pairing
    result = run(sheets)
    counts = result.preview.counts
    assert counts["people"]["update"] == 1
    assert result.preview.items["people"]["update"] == ["Zoe D'Angelo <dr.jane@hospital.org>: first_name"]
    assert result.preview.items["mentors"]["update"] == [
        "Zoe D'Angelo <dr.jane@hospital.org>: capacity (self-identification: given)"
    ]
    assert counts["mentees"]["update"] == 1 and counts["pairings"]["update"] == 1
    assert counts["meetings"] == {"create": 1, "update": 1, "unchanged": 1}
    data = dump()
    assert data["people"]["dr.jane@hospital.org"]["name"] == ("Zoe", "D'Angelo")
    assert data["people"]["dr.jane@hospital.org"]["mentor"][6] == 4
    assert data["people"]["resident.one@hospital.org"]["mentee"][1] == 2
    assert ("dr.jane@hospital.org", "resident.one@hospital.org", "career", dt.date(2024, 7, 15),
            dt.date(2025, 1, 31), None) in data["pairings"]  # fmt: skip
    assert len(data["meetings"]) == 4  # the old meeting stays; the new one is another meeting
    assert data["people"]["dr.jane@hospital.org"]["selfid"][0] == "woman"


def test_dry_run_writes_nothing_and_previews():
    before = snapshot()
    result = run(messy_sheets(), dry_run=True)
    assert snapshot() == {**before, "audit_events": 1}  # only the preview's audit event (roster.preview)
    assert result.dry_run and result.preview.counts["mentees"]["create"] == 2
    assert "Amy N'Diaye <amy@hospital.org>" in result.preview.items["mentees"]["create"]


def test_every_import_is_audited_without_self_identification(f):
    admin = f.user(is_admin=True)
    run(messy_sheets(), actor=admin)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "roster.import")).scalar_one()
    assert event.actor_id == admin.id
    assert event.details["file"] == "roster.xlsx"
    assert event.details["counts"]["meetings"]["create"] == 3
    text = str(event.details).lower()
    assert "woman" not in text and "asian" not in text


def test_csv_files_give_the_same_result_as_the_workbook():
    sheets = messy_sheets()
    sheets["MENTEES"][2][9] = dt.date(2024, 7, 1)  # CSV has no Excel serial dates
    run(sheets)
    from_xlsx = dump()
    _empty_tables()
    files = [(f"{name.lower()}.csv", csv_bytes(rows)) for name, rows in sheets.items()]
    roster = ri.read_files(files, MAX)
    ri.import_roster(roster, **clock(), topics=TOPICS)
    db.session.commit()
    assert dump() == from_xlsx


def test_meeting_joins_the_pairing_active_on_its_date(f):
    mentor = f.mentor(f.person("m@x.org"))
    mentee = f.mentee(f.person("e@x.org"))
    old = f.pairing(mentor, mentee, start_date=dt.date(2023, 7, 1), end_date=dt.date(2024, 6, 30))
    new = f.pairing(mentor, mentee, start_date=dt.date(2024, 7, 1))
    db.session.commit()
    run(
        {
            "Meetings": [
                ["mentor_email", "mentee_email", "date", "duration_minutes"],
                ["M@X.org", "e@x.org", "2024-01-10", 30],
                ["m@x.org", "e@x.org", "2024-09-10", 30],
            ]
        }
    )
    dates = {m.date: m.pairing_id for m in db.session.execute(select(Meeting)).scalars()}
    assert dates == {dt.date(2024, 1, 10): old.id, dt.date(2024, 9, 10): new.id}


ERROR_CASES = {
    "pgy_not_a_number": (
        ("MENTEES", 1, 4, "twelve"),
        'Mentees row 2, column pgy: "twelve" is not a whole number from 1 to 10',
    ),
    "pgy_out_of_range": (
        ("MENTEES", 2, 4, 11),
        'Mentees row 3, column pgy: "11" is not a whole number from 1 to 10',
    ),
    "bad_date": (
        ("Pairings", 2, 2, "31/12/2024"),
        'Pairings row 3, column start_date: "31/12/2024" is not a date (use YYYY-MM-DD or M/D/YYYY)',
    ),
    "bad_email": (
        ("Mentors", 2, 0, "sam.lee at hospital"),
        'Mentors row 3, column email: "sam.lee at hospital" is not an email address',
    ),
    "required_blank": (("MENTEES", 2, 1, None), "Mentees row 3, column first_name: is required"),
    "bad_modality": (
        ("Meetings", 1, 4, "carrier pigeon"),
        'Meetings row 2, column modality: "carrier pigeon" is not a modality '
        "(allowed: in person, video, phone)",
    ),
    "bad_kind": (
        ("Pairings", 1, 4, "friendship"),
        'Pairings row 2, column kind: "friendship" is not a pairing kind '
        "(allowed: career, research, wellness, peer)",
    ),
    "bad_topic": (("Meetings", 3, 6, "golf"), 'Meetings row 4, column topics: "golf" is not a topic'),
    "unknown_mentor": (
        ("Pairings", 1, 0, "nobody@hospital.org"),
        "Pairings row 2, column mentor_email: nobody@hospital.org is not in the Mentors sheet "
        "or the database",
    ),
    "mentee_is_not_a_mentor": (
        ("Pairings", 1, 0, "amy@hospital.org"),
        "Pairings row 2, column mentor_email: amy@hospital.org is not a mentor",
    ),
    "end_before_start": (
        ("Pairings", 2, 3, "2024-01-01"),
        "Pairings row 3, column end_date: is before start_date",
    ),
    "end_reason_without_end": (
        ("Pairings", 1, 5, "completed"),
        "Pairings row 2, column end_reason: needs an end_date",
    ),
    "no_active_pairing": (
        ("Meetings", 1, 2, "2024-06-01"),
        "Meetings row 2, column date: dr.jane@hospital.org and resident.one@hospital.org have no "
        "pairing active on 2024-06-01 (add it to the Pairings sheet)",
    ),
    "duplicate_email": (
        ("Mentors", 2, 0, "dr.jane@hospital.org"),
        "Mentors row 3, column email: dr.jane@hospital.org is already on row 2",
    ),
    "preferred_not_a_mentor": (
        ("MENTEES", 1, 6, "amy@hospital.org"),
        "Mentees row 2, column preferred_mentors: amy@hospital.org is not a mentor",
    ),
    "near_peer_without_pgy": (
        ("Mentors", 2, 8, None),
        "Mentors row 3, column pgy: is required for a near-peer mentor",
    ),
    "duration_zero": (
        ("Meetings", 1, 3, 0),
        'Meetings row 2, column duration_minutes: "0" is not a whole number from 1 to 600',
    ),
    "meeting_in_the_future": (
        ("Meetings", 1, 2, "2099-01-01"),
        "Meetings row 2, column date: 2099-01-01 is in the future",
    ),
    "bad_program_kind": (
        ("programs", 1, 2, "college"),
        'Programs row 2, column kind: "college" is not a program kind',
    ),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_each_kind_of_error_names_row_and_column_and_writes_nothing(case):
    (sheet, row, column, value), expected = ERROR_CASES[case]
    sheets = messy_sheets()
    sheets[sheet][row][column] = value
    messages = errors_of(sheets)
    assert any(m.startswith(expected) for m in messages), messages


def test_meeting_notes_follow_the_meeting_service_limit():
    sheets = messy_sheets()
    sheets["Meetings"][1][7] = "n" * (MAX_NOTES + 1)
    assert errors_of(sheets) == [f"Meetings row 2, column notes: is longer than {MAX_NOTES:,} characters"]
    sheets["Meetings"][1][7] = "n" * MAX_NOTES
    run(sheets)
    notes = db.session.execute(select(Meeting.notes).where(Meeting.notes.startswith("nnn"))).scalars().all()
    assert [len(n) for n in notes] == [MAX_NOTES]


def test_duplicate_meeting_rows_are_an_error():
    sheets = messy_sheets()
    sheets["Meetings"].append(copy.copy(sheets["Meetings"][1]))
    assert errors_of(sheets) == [
        "Meetings row 5, column date: the same meeting (people, date, duration and modality) is on row 2"
    ]


def test_every_problem_is_reported_at_once():
    sheets = messy_sheets()
    sheets["MENTEES"][1][4] = "twelve"
    sheets["Pairings"][2][2] = "someday"
    sheets["Meetings"][2][3] = "an hour"
    messages = errors_of(sheets)
    assert messages[0].startswith("Mentees row 2, column pgy")
    assert any(m.startswith("Pairings row 3, column start_date") for m in messages)
    assert any(m.startswith("Meetings row 3, column duration_minutes") for m in messages)


def test_header_problems_are_reported_on_row_1():
    sheets = messy_sheets()
    sheets["MENTEES"][0][4] = "Level"
    messages = errors_of(sheets)
    assert "Mentees row 1, column Level: unknown column (the columns are: email, first_name" in messages[0]
    assert "Mentees row 1, column pgy: this required column is missing" in messages


def test_self_identification_values_never_appear_in_messages():
    sheets = messy_sheets()
    sheets["Mentors"][1][13] = "Secret Gender Answer"
    sheets["Mentors"][1][14] = "Secret Race"
    sheets["Mentors"][1][15] = "maybe-secret"
    messages = errors_of(sheets)
    assert len(messages) == 3
    assert all("secret" not in m.lower() for m in messages)
    assert messages[0].startswith("Mentors row 2, column gender: this answer is not an allowed answer")
    # The template's words, never the stored codes (self_described, prefer_not).
    assert messages[0].endswith("(allowed: woman, man, nonbinary, self-described, prefer not to say)")
    assert "_" not in messages[0].split("(allowed:")[1]
    assert messages[1].startswith("Mentors row 2, column race_ethnicity:")
    assert messages[2].startswith("Mentors row 2, column urim:")


def test_a_pairing_of_someone_already_in_the_database_is_fine(f):
    f.mentor(f.person("old.mentor@x.org"))
    db.session.commit()
    sheets = messy_sheets()
    sheets["Pairings"].append(["Old.Mentor@x.org", "amy@hospital.org", "2024-09-01", None, None, None])
    result = run(sheets)
    assert (
        "old.mentor@x.org → amy@hospital.org (career, from 2024-09-01)"
        in result.preview.items["pairings"]["create"]
    )
    assert db.session.execute(select(Pairing).where(Pairing.start_date == dt.date(2024, 9, 1))).scalar_one()


def test_coordinator_may_import_only_their_programs(f):
    medicine = f.program("Internal Medicine")
    db.session.commit()
    scope = Scope(frozenset({medicine.id}))
    sheets = messy_sheets()
    del sheets["programs"]
    messages = errors_of(sheets, scope=scope)
    assert 'Mentees row 3, column program: "Surgery" is not one of your programs' in messages
    assert (
        "Mentors row 2, column program: name one of your programs, so that you can see this mentor"
        in messages
    )
    # Rows of their own program import.
    own = {
        "Mentees": [
            ["email", "first_name", "last_name", "program", "pgy"],
            ["r@x.org", "Ríos", "O'Hara", "internal medicine", 2],
        ]
    }
    result = run(own, scope=scope)
    assert result.preview.counts["mentees"]["create"] == 1


def test_template_examples_import_cleanly():
    from mentorship.services.roster.columns import SHEETS
    from reports.roster_template import build_template

    roster = ri.read_files([("roster-template.xlsx", build_template(SHEETS, TOPICS))], MAX)
    assert roster.ignored_sheets == []
    result = ri.import_roster(roster, **clock(), topics=TOPICS)
    counts = result.preview.counts
    assert counts["mentors"]["create"] == 2 and counts["meetings"]["create"] == 1


def test_one_person_can_be_a_near_peer_mentor_and_a_mentee(f):
    existing = f.mentee(f.person("senior@x.org", "Ada", "Lovelace"), pgy=3)  # already a mentee on the site
    db.session.commit()
    sheets = {
        "Mentors": [
            ["email", "first_name", "last_name", "mentor_type", "program", "pgy"],
            ["SENIOR@x.org", "Ada", "Lovelace", "near_peer", existing.program.name, 3],
            ["both@x.org", "Bo", "Öberg", "near_peer", existing.program.name, 4],
        ],
        "Mentees": [
            ["email", "first_name", "last_name", "program", "pgy"],
            ["both@x.org", "Bo", "Öberg", existing.program.name, 4],
        ],
    }
    result = run(sheets)
    assert result.preview.items["people"] == {
        "create": ["Bo Öberg <both@x.org>"],
        "update": [],
        "unchanged": ["Ada Lovelace <senior@x.org>"],
    }
    assert result.preview.counts["mentors"]["create"] == 2 and result.preview.counts["mentees"]["create"] == 1
    data = dump()
    assert (
        data["people"]["senior@x.org"]["mentor"][5] == 3
        and data["people"]["senior@x.org"]["mentee"] is not None
    )
    assert (
        data["people"]["both@x.org"]["mentor"][0] == "near_peer"
        and data["people"]["both@x.org"]["mentee"][1] == 4
    )


def test_names_that_differ_between_sheets_are_an_error():
    sheets = {
        "Mentors": [
            ["email", "first_name", "last_name", "mentor_type", "pgy"],
            ["a@x.org", "Ana", "Lee", "near_peer", 3],
        ],
        "Mentees": [
            ["email", "first_name", "last_name", "program", "pgy"],
            ["a@x.org", "Anna", "Lee", "IM", 2],
        ],
    }
    assert errors_of(sheets) == [
        "Mentees row 2, column first_name: the name differs from Mentors row 2 for a@x.org"
    ]


def test_preferences_and_program_change_on_a_newer_roster():
    run(messy_sheets())
    sheets = messy_sheets()
    sheets["MENTEES"][1][3] = "Cardiology Fellowship"
    sheets["MENTEES"][1][6] = "sam.lee@hospital.org"  # preferred mentor changes
    sheets["MENTEES"][1][7] = "dr.jane@hospital.org"  # and the former one is now excluded
    result = run(sheets)
    assert result.preview.items["mentees"]["update"] == [
        "José Muñoz-O'Neil <resident.one@hospital.org>: program, preferred_mentors, do_not_match "
        "(self-identification: given)"
    ]
    mentee = dump()["people"]["resident.one@hospital.org"]["mentee"]
    assert mentee[0] == "Cardiology Fellowship"
    assert mentee[5:7] == (("sam.lee@hospital.org",), ("dr.jane@hospital.org",))
    assert not run(sheets).preview.changed


def test_a_meeting_already_logged_in_the_app_is_not_duplicated(f):
    pairing = f.pairing(
        f.mentor(f.person("m@x.org")), f.mentee(f.person("e@x.org")), start_date=dt.date(2024, 7, 1)
    )
    f.meeting(pairing, dt.date(2024, 8, 1), minutes=30, modality="video", topics=["research"])
    db.session.commit()
    sheet = {
        "Meetings": [
            ["mentor_email", "mentee_email", "date", "duration_minutes", "modality", "topics"],
            ["m@x.org", "e@x.org", "8/1/2024", 30, "Video", "Research"],
            ["m@x.org", "e@x.org", "8/1/2024", 30, "phone", None],
        ]
    }
    result = run(sheet)
    assert result.preview.counts["meetings"] == {"create": 1, "update": 0, "unchanged": 1}
    rows = db.session.execute(select(Meeting.modality, Meeting.logged_as).order_by(Meeting.id)).all()
    assert rows == [("video", "mentor"), ("phone", "import")]
