"""Importing a roster workbook or CSV files (docs/import.md): validate everything, then write all or nothing.

`read_files` / `read_paths` turn an upload into sheets (reader); `import_roster` parses every row (rows),
compares it with what is stored (stored, planner, profiles, links), and unless it is a dry run applies the
plan in the caller's transaction (writer). The web page and the command line use these two steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mentorship.access import Scope
from mentorship.extensions import db
from mentorship.models import User
from mentorship.services import audit
from mentorship.services.roster import writer
from mentorship.services.roster.columns import SHEET_ORDER, SHEETS, template_sheets
from mentorship.services.roster.errors import ImportInvalid, ImportRefused, RowError
from mentorship.services.roster.links import LinkPlanner
from mentorship.services.roster.plan import ACTIONS, CATEGORIES, Preview
from mentorship.services.roster.planner import Planner
from mentorship.services.roster.profiles import ProfilePlanner
from mentorship.services.roster.reader import Roster, read_files, read_paths
from mentorship.services.roster.rows import parse_roster
from mentorship.services.roster.stored import load

__all__ = [
    "ACTIONS",
    "CATEGORIES",
    "SHEETS",
    "ImportInvalid",
    "ImportRefused",
    "ImportResult",
    "Roster",
    "RowError",
    "import_roster",
    "read_files",
    "read_paths",
    "template_sheets",
    "summary_lines",
]


@dataclass
class ImportResult:
    """The outcome of a dry run or an import that found no problem."""

    filename: str
    dry_run: bool
    preview: Preview
    ignored_sheets: list[str]
    demographics: bool = False
    # The pairings the import created that are still running (end_date empty): whom --notify introduces.
    running_pairing_ids: list[int] = field(default_factory=list)

    @property
    def may_write(self) -> bool:
        """Whether confirming can change anything: for a user who may not see individual demographics,
        any self-identification answers count, whether or not they equal what is stored."""
        return self.preview.changed or (not self.demographics and self.preview.selfid_given > 0)


def import_roster(
    roster: Roster,
    *,
    today: dt.date,
    now: dt.datetime,
    actor: User | None = None,
    scope: Scope | None = None,
    topics: Iterable[str] = (),
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    demographics: bool = False,
    plans: bool = True,
) -> ImportResult:
    """Check every row of `roster`; unless `dry_run`, write it all in the session (the caller commits).

    `today` is the date meetings may not pass and new profiles are enrolled on; `now` stamps the records
    written. `scope` limits a program coordinator to their programs (None = everything): a known person
    outside it is an error wherever the file names them. `topics` are the meeting topics allowed (config
    MEETING_TOPICS). `demographics`: the reader may see individual self-identification (the preview then
    says whether answers differ from the stored ones). `plans`: the reader may read development plans (a
    Goals sheet is refused otherwise). `progress(n)` is called as rows are checked.
    Raises ImportInvalid (with every problem) and writes nothing if any row is invalid. A dry run is
    audited (`roster.preview`) like an import: the caller commits that event.
    """
    scope = scope if scope is not None and not scope.everything else None
    parsed = parse_roster(roster, topics=topics, today=today, progress=progress)
    with db.session.no_autoflush:
        planner = Planner(
            parsed,
            load(parsed, scope),
            scope=scope,
            demographics=demographics,
            today=today,
            goals_allowed=plans,
        )
        planner.run()
        ProfilePlanner(planner).run()
        LinkPlanner(planner).run()
    plan = planner.plan
    if parsed.errors:
        order = {name: i for i, name in enumerate(SHEET_ORDER)}
        errors = sorted(parsed.errors, key=lambda e: (order.get(e.sheet, 9), e.row))
        if dry_run:
            audit.record(actor, "roster.preview", None, file=roster.filename, problems=len(errors))
        raise ImportInvalid(errors)
    result = ImportResult(roster.filename, dry_run, plan.preview, roster.ignored_sheets, demographics)
    if dry_run:
        audit.record(actor, "roster.preview", None, file=roster.filename, counts=plan.preview.counts)
        return result
    writer.write(plan, today=today, now=now)
    result.running_pairing_ids = [
        new.ref.id for new in plan.new_pairings if new.ref.id is not None and new.row.end_date is None
    ]
    audit.record(actor, "roster.import", None, file=roster.filename, counts=plan.preview.counts)
    return result


def summary_lines(result: ImportResult) -> list[str]:
    """Counts per category, worded for a dry run or a finished import."""
    verbs = ("to create", "to update", "unchanged") if result.dry_run else ("created", "updated", "unchanged")
    counts = result.preview.counts
    lines = []
    for category in CATEGORIES:
        c = counts[category]
        if sum(c.values()):
            parts = ", ".join(f"{c[a]} {verb}" for a, verb in zip(ACTIONS, verbs, strict=True))
            lines.append(f"{category.title()}: {parts}")
    given = result.preview.selfid_given
    if given:
        lines.append(f"Self-identification: given for {given} {'person' if given == 1 else 'people'}")
    return lines
