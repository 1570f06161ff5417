"""Building roster files in code, and reading back what an import wrote."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import Meeting, Pairing, Person, Program

TOPICS = (
    "career planning",
    "research",
    "clinical skills",
    "wellness",
    "work-life balance",
    "networking",
    "leadership",
    "teaching",
    "board preparation",
    "other",
)


def clock() -> dict[str, dt.date | dt.datetime]:
    """The `today` and `now` an import is given: the real clock, as the routes and the CLI pass it."""
    return {"today": dt.date.today(), "now": dt.datetime.now(dt.UTC).replace(tzinfo=None)}


def xlsx(sheets: dict[str, list[list]], blank_formatted_rows: int = 0) -> bytes:
    """A workbook with one sheet per key (first list = header row)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        # Rows a person "cleared" in Excel: formatting and empty strings remain.
        fill = PatternFill("solid", fgColor="FFFF00")
        for extra in range(blank_formatted_rows):
            r = ws.max_row + 1
            ws.cell(row=r, column=1, value=" " if extra % 2 else None).fill = fill
            ws.cell(row=r, column=2).fill = fill
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    """One sheet as CSV text, dates written as M/D/YYYY like US Excel does."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(
            [
                f"{v.month}/{v.day}/{v.year}" if isinstance(v, dt.date) else ("" if v is None else v)
                for v in row
            ]
        )
    return out.getvalue().encode("utf-8")


def messy_sheets() -> dict[str, list[list]]:
    """A valid roster with the mess real ones have: header variants, case, spaces, accents, date formats."""
    return {
        "programs": [
            ["Name*", "Specialty", "KIND"],
            ["Internal Medicine", "Internal Medicine", "Residency"],
            ["Cardiology Fellowship", "Cardiology", "fellowship"],
        ],
        "Mentors": [
            [
                "Email Address",
                "First Name",
                "LAST_NAME",
                "Mentor Type",
                "Department",
                "specialty",
                "Rank",
                "program",
                "PGY",
                "Capacity",
                "Interests",
                "Enrolled On",
                "left-on",
                "Gender",
                "Race/Ethnicity",
                "URiM",
                "IMG",
                "First Generation",
            ],
            [
                "  DR.Jane@Hospital.ORG ",
                "Zoë",
                "D'Angelo",
                "Faculty",
                "Medicine",
                "Cardiology",
                "Associate Professor",
                None,
                None,
                2.0,
                "Research;  Global Health",
                dt.datetime(2024, 7, 1),
                None,
                "Woman",
                "asian; White",
                "N",
                "no",
                "Yes",
            ],
            [
                "sam.lee@hospital.org",
                "Sam",
                "Lee",
                "near-peer",
                None,
                None,
                None,
                "Internal Medicine",
                "3",
                None,
                "teaching",
                "7/1/2024",
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        ],
        "MENTEES": [
            [
                "E-mail",
                "first_name",
                "Last Name",
                "Program",
                "pgy",
                "interests",
                "Preferred Mentors",
                "do not match",
                "Concordance Request",
                "enrolled_on",
                "gender",
                "urim",
            ],
            [
                "RESIDENT.ONE@Hospital.org",
                "José",
                "Muñoz-O'Neil",
                "internal medicine",
                1,
                "research; QI",
                "DR.JANE@hospital.org",
                None,
                "Gender",
                "2024-07-01",
                "man",
                "yes",
            ],
            [
                "amy@hospital.org",
                "Amy",
                "N'Diaye",
                "Surgery",
                "2",
                None,
                None,
                "sam.lee@hospital.org",
                None,
                45474,
            ],
        ],
        "Pairings": [
            ["Mentor Email", "mentee email", "Start Date", "End Date", "Kind", "End Reason"],
            ["dr.jane@hospital.org ", "resident.one@hospital.org", "7/15/2024", None, "Career", None],
            [
                "dr.jane@hospital.org",
                "amy@hospital.org",
                dt.date(2024, 8, 1),
                "2025-06-30",
                "research",
                "Completed",
            ],
            ["sam.lee@hospital.org", "resident.one@hospital.org", "2024-07-01", None, "peer", None],
        ],
        "Meetings": [
            [
                "mentor_email",
                "mentee_email",
                "Date",
                "Duration (minutes)",
                "Modality",
                "Status",
                "Topics",
                "Notes",
            ],
            [
                "dr.jane@hospital.org",
                "resident.one@hospital.org",
                "2024-08-01",
                60,
                "In Person",
                "Held",
                "Career planning; research",
                "Talked about fellowship",
            ],
            [
                "dr.jane@hospital.org",
                "amy@hospital.org",
                dt.date(2024, 9, 10),
                "45",
                "video",
                "no-show",
                None,
                None,
            ],
            [
                "sam.lee@hospital.org",
                "resident.one@hospital.org",
                "8/2/2024",
                30,
                "phone",
                None,
                "wellness",
                None,
            ],
        ],
    }


def snapshot() -> dict[str, int]:
    """Row counts of the tables an import writes."""
    tables = list(db.metadata.sorted_tables)
    return {t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


def dump() -> dict:
    """Everything an import wrote, as plain values, to compare two imports."""
    db.session.expire_all()
    people = {}
    for p in db.session.execute(select(Person)).scalars():
        selfid = p.self_identification
        people[p.email] = {
            "name": (p.first_name, p.last_name),
            "mentor": None
            if p.mentor is None
            else (
                p.mentor.mentor_type,
                p.mentor.department,
                p.mentor.specialty,
                p.mentor.rank,
                p.mentor.program.name if p.mentor.program else None,
                p.mentor.pgy,
                p.mentor.capacity,
                p.mentor.enrolled_on,
                p.mentor.left_on,
                tuple(p.mentor.interests),
            ),
            "mentee": None
            if p.mentee is None
            else (
                p.mentee.program.name,
                p.mentee.pgy,
                p.mentee.enrolled_on,
                p.mentee.left_on,
                tuple(p.mentee.interests),
                tuple(sorted(m.person.email for m in p.mentee.preferred)),
                tuple(sorted(m.person.email for m in p.mentee.excluded)),
                p.mentee.concordance_gender,
                p.mentee.concordance_urim,
            ),
            "selfid": None
            if selfid is None
            else (
                selfid.gender,
                tuple(selfid.race_codes),
                selfid.race_prefer_not,
                selfid.urim,
                selfid.img,
                selfid.first_generation,
            ),
        }
    programs = sorted((p.name, p.specialty, p.kind) for p in db.session.execute(select(Program)).scalars())
    pairings = sorted(
        (p.mentor.person.email, p.mentee.person.email, p.kind, p.start_date, p.end_date, p.end_reason)
        for p in db.session.execute(select(Pairing)).scalars()
    )
    meetings = sorted(
        (
            m.pairing.mentor.person.email,
            m.pairing.mentee.person.email,
            m.pairing.kind,
            m.date,
            m.duration_minutes,
            m.modality,
            m.status,
            tuple(m.topics),
            m.notes or "",
            m.logged_as,
        )
        for m in db.session.execute(select(Meeting)).scalars()
    )
    return {"people": people, "programs": programs, "pairings": pairings, "meetings": meetings}
