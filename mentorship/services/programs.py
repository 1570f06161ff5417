"""Programs."""

from __future__ import annotations

from sqlalchemy import func, select

from mentorship.extensions import db
from mentorship.models import Program, User
from mentorship.services import ServiceError, audit


def find_program(name: str) -> Program | None:
    """The program called `name` (any case, spaces trimmed), or None."""
    return db.session.execute(
        select(Program).where(func.lower(Program.name) == name.strip().lower())
    ).scalar_one_or_none()


def save_program(
    program: Program | None, name: str, specialty: str | None, kind: str, *, actor: User | None
) -> Program:
    """Create or rename a program, audited; names are unique regardless of case."""
    existing = find_program(name)
    if existing is not None and existing is not program:
        raise ServiceError(f"A program called {existing.name} already exists.")
    if program is None:
        program = Program()
        db.session.add(program)
    program.name = name.strip()
    program.specialty = (specialty or "").strip() or None
    program.kind = kind
    db.session.flush()
    audit.record(actor, "program.save", program, name=program.name)
    return program
