"""The rows of the inclusivity workbook: aggregate only (no names, no emails, no row per person)."""

from __future__ import annotations

import datetime as dt

from mentorship import vocab
from mentorship.services import inclusivity
from mentorship.services.academic_year import AcademicYear
from mentorship.services.metrics.queries import programs_in_scope
from mentorship.services.report_data.request import ReportRequest, ReportSettings, cover
from mentorship.services.suppression import notes as suppression_notes
from mentorship.services.suppression import store
from mentorship.services.suppression.tables import YearPattern, YearPeople, load_year
from reports.inclusivity import InclusivityData


def demographic_year(
    ay: AcademicYear, as_of: dt.date, settings: ReportSettings
) -> tuple[YearPeople, YearPattern]:
    """The institution's people of the year and the year's one suppression pattern."""
    people = load_year(ay, as_of, settings.metrics, settings.urim_categories)
    return people, store.year_pattern(people, settings.min_cell_size)


def inclusivity_data(req: ReportRequest) -> InclusivityData:
    """Everything the inclusivity workbook shows, from the year's suppression pattern."""
    s = req.settings
    people, pattern = demographic_year(req.ay, req.as_of, s)
    rows = inclusivity.demographics(people, pattern, inclusivity.columns_of(req.program_ids, people))
    text = [
        "Concordance requests are described, not targets: a request is met when at least one pairing active "
        "in the year is with a mentor of the same disclosed gender (gender) or when both are URiM (URiM).",
        "Mentor pool = mentors enrolled in the year, each in one program: their own program if they have "
        "one, else the program of most of their pairings in the year (then ever); mentee pool = mentees "
        "enrolled in the year. Mentor load = pairings active at the report date (any program) per mentor "
        "and over total capacity.",
        "URiM: an explicit yes/no answer wins; otherwise derived from race/ethnicity using the categories "
        f"{', '.join(vocab.RACE_CATEGORIES.get(c, c) for c in s.urim_categories)}.",
    ]
    notes = [
        "Aggregate report: no names, no emails, no row per person.",
        *suppression_notes(s.min_cell_size),
        *text,
    ]
    return InclusivityData(
        cover=cover(req, "inclusivity", programs_in_scope(req.program_ids), notes),
        groups=rows.groups,
        pools=rows.pools,
        mentor_load=rows.loads,
        concordance=rows.concordance,
        concordance_text=text[:1],
    )
