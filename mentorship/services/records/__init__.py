"""The faculty mentoring record (docs/guides/mentor.md, Your mentoring record).

- credit.py: the MENTOR_CREDIT_RULE teaching-credit rule (pure).
- figures.py: the record as plain values (pure).
- queries.py: loading a mentor's record, or every mentor's totals for a year.
- issue.py: issued records, their signed verification codes, revocation.
- documents.py: the PDF and the faculty-affairs workbook, audited; the end-of-year thank-you emails.
"""
