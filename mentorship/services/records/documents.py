"""The record's PDF and the faculty-affairs workbook, each download audited; the thank-you emails.

One path for the web and `flask mentors`, so both give the same file and audit it the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select

from mentorship import vocab
from mentorship.extensions import db
from mentorship.models import OutboundEmail, User
from mentorship.services import audit, mail
from mentorship.services.academic_year import AcademicYear, academic_year
from mentorship.services.metrics.definitions import MetricSettings
from mentorship.services.records import credit, issue, queries
from mentorship.services.records.figures import MentorRecord, Totals
from reports import mentor_records
from reports.xlsx import Cover

PDF = "application/pdf"
VERIFY_PATH = "/records/verify/"


def settings_of(config: Mapping[str, Any]) -> queries.RecordSettings:
    """The record's settings from the app config (the credit rule was checked at start-up)."""
    return queries.RecordSettings(
        MetricSettings.from_config(config),
        int(config["ACADEMIC_YEAR_START_MONTH"]),
        credit.parse(config.get("MENTOR_CREDIT_RULE")),
    )


def year_label(ay: AcademicYear) -> str:
    """ "AY 2025–26 (2025-07-01 to 2026-06-30)"."""
    return f"{ay.label} ({ay.start.isoformat()} to {ay.end.isoformat()})"


def total_rows(year: Totals, career: Totals) -> list[tuple[str, str, str]]:
    """The totals table: label, the year, the career to date."""
    rows = [
        ("Mentees", year.mentees, career.mentees),
        ("Meetings held", year.meetings, career.meetings),
        ("Hours", f"{year.hours:.1f}", f"{career.hours:.1f}"),
        ("Group sessions", year.group_sessions, career.group_sessions),
        ("Plan reviews", year.plan_reviews, career.plan_reviews),
        ("Introductions made", year.introductions, career.introductions),
        ("Events organized", year.events_organized, career.events_organized),
        ("Events attended", year.events_attended, career.events_attended),
    ]
    return [(label, str(a), str(b)) for label, a, b in rows]


def verify_url(config: Mapping[str, Any], code: str) -> str:
    """The address of a code's verification page."""
    return f"{config['BASE_URL'].rstrip('/')}{VERIFY_PATH}{code}"


def pdf_of(record: MentorRecord, issued: Any, config: Mapping[str, Any]) -> bytes:
    """The PDF of `record`, carrying the code of its issued row."""
    from reports import record_pdf  # imported here: ReportLab would slow every start of the app

    code = issue.code_of(issued, config["SECRET_KEY"])
    details = [d for d in (record.rank, record.department) if d] + [record.email]
    return record_pdf.build(
        record_pdf.RecordPdf(
            institution=config["INSTITUTION_NAME"],
            mentor=record.name,
            mentor_details=" · ".join(details),
            year_label=year_label(record.ay),
            period_note=f"Year to date, as of {record.as_of.isoformat()}." if record.year_to_date else None,
            lines=[
                record_pdf.PdfLine(
                    line.mentee,
                    line.program,
                    line.pgy,
                    vocab.label(vocab.PAIRING_KINDS, line.kind),
                    line.start_date,
                    line.end_date,
                    line.meetings,
                    line.hours,
                    line.group_sessions,
                )
                for line in record.lines
            ],
            totals=total_rows(record.year, record.career),
            career_label=f"Career to date (since {academic_year(record.career_since).label})",
            credit_line=record.credit_line,
            code=code,
            verify_url=verify_url(config, code),
            issued_at=issued.issued_at,
        )
    )


def filename(record: MentorRecord) -> str:
    """A download name such as mentoring-record-AY2025-morgan-mentor.pdf."""
    slug = "".join(c if c.isalnum() else "-" for c in record.name.lower()).strip("-")[:60] or "mentor"
    return f"mentoring-record-AY{record.ay.year}-{slug}.pdf"


@dataclass(frozen=True)
class RecordFile:
    """A record as issued: the PDF bytes, its download name and the issued row."""

    content: bytes
    filename: str
    issued: Any


def record_pdf_file(
    mentor_id: int,
    year: int,
    config: Mapping[str, Any],
    *,
    actor: User | None,
    today: dt.date,
    now: dt.datetime,
    via: str,
    destination: str | None = None,
) -> RecordFile:
    """Issue mentor `mentor_id`'s record for `year` as a PDF, audited (the caller commits)."""
    record = queries.mentor_record(mentor_id, year, today, settings_of(config))
    issued = issue.issue(record, actor, now)
    content = pdf_of(record, issued, config)
    details: dict[str, Any] = {"mentor": record.email, "year": year, "issued_record": issued.id, "via": via}
    if destination:
        details["file"] = destination
    audit.record(actor, "record.download", issued, **details)
    return RecordFile(content, filename(record), issued)


def workbook(
    year: int,
    config: Mapping[str, Any],
    *,
    actor: User | None,
    generated_by: str,
    today: dt.date,
    now: dt.datetime,
    via: str,
    destination: str | None = None,
    scope: ColumnElement[bool] | None = None,
) -> bytes:
    """The faculty-affairs workbook of every mentor for `year`, its export audited (the caller commits)."""
    settings = settings_of(config)
    ay, as_of = queries.year_period(year, today, settings.start_month)
    rows = queries.year_rows(year, today, settings, scope)
    rule = settings.credit_rule
    notes = [
        "Meetings and hours: the held meetings of the mentor's pairings dated in the year up to the report "
        "date, as in the engagement workbook (a group session counts once in each pairing it included).",
        "Plan reviews: development-plan reviews the mentor and mentee both confirmed, dated in the year. "
        "Events: distinct events the mentor organized or attended.",
    ]
    if as_of < ay.end:
        notes.insert(0, f"Year to date: the year is not over; figures are as of {as_of.isoformat()}.")
    cover = Cover(
        report="Faculty mentoring records",
        academic_year=year_label(ay),
        report_date=as_of,
        programs="All programs",
        generated_at=now,
        generated_by=generated_by,
        settings=[
            ("Teaching credit rule", rule.describe() if rule else "none (MENTOR_CREDIT_RULE is not set)")
        ],
        notes=notes,
    )
    data = mentor_records.RecordsData(
        cover,
        [
            mentor_records.RecordRow(
                mentor=r.mentor.name,
                mentor_email=r.mentor.email,
                department=r.mentor.department,
                mentees=r.totals.mentees,
                meetings=r.totals.meetings,
                hours=r.totals.hours,
                plan_reviews=r.totals.plan_reviews,
                introductions=r.totals.introductions,
                events=r.totals.events,
                credits=r.credits,
            )
            for r in rows
        ],
    )
    content = mentor_records.build(data)
    details: dict[str, Any] = {"report": "mentor-records", "year": year, "programs": "all", "via": via}
    if destination:
        details["file"] = destination
    audit.record(actor, "report.export", None, **details)
    return content


def thank_key(mentor_id: int, year: int) -> str:
    """The outbox idempotency key of a mentor's thank-you for a year: sent once."""
    return f"thank:{mentor_id}:{year}"


@dataclass(frozen=True)
class Thanks:
    """What `flask mentors thank` did or would do: (email, meetings) queued, and emails already thanked."""

    queued: list[tuple[str, int]]
    already: list[str]
    ids: list[int]


def thank(year: int, config: Mapping[str, Any], *, today: dt.date, now: dt.datetime, dry_run: bool) -> Thanks:
    """Queue the end-of-year thank-you, with the record attached, for each mentor with a pairing active in
    `year`; a mentor already thanked for the year is skipped (key thank:<mentor>:<year>). A dry run
    issues and queues nothing. The caller commits, then delivers the queued ids."""
    settings = settings_of(config)
    ay, _ = queries.year_period(year, today, settings.start_month)
    rows = [r for r in queries.year_rows(year, today, settings) if r.totals.mentees]
    keys = [thank_key(r.mentor.mentor_id, year) for r in rows]
    sent = set(db.session.scalars(select(OutboundEmail.key).where(OutboundEmail.key.in_(keys))))
    result = Thanks([], [], [])
    for row, key in zip(rows, keys, strict=True):
        if key in sent:
            result.already.append(row.mentor.email)
            continue
        result.queued.append((row.mentor.email, row.totals.meetings))
        if dry_run:
            continue
        made = record_pdf_file(
            row.mentor.mentor_id, year, config, actor=None, today=today, now=now, via="thank-you email"
        )
        email = mail.render(
            "mentor_record",
            to=row.mentor.email,
            to_name=row.mentor.name,
            subject=f"Thank you for mentoring in {ay.label}: your mentoring record",
            attachments=(mail.Attachment(made.filename, PDF, made.content),),
            mentor_name=row.mentor.name,
            ay_label=ay.label,
            totals=row.totals,
            institution=config["INSTITUTION_NAME"],
            verify_url=verify_url(config, issue.code_of(made.issued, config["SECRET_KEY"])),
        )
        queued = mail.queue(email, key=key, kind="thank", now=now)
        if queued is not None:
            result.ids.append(queued.id)
    return result
