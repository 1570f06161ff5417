"""pairing_year_totals: each pairing's counted meetings per academic year, kept for the metrics

Revision ID: e4b7d2c91a05
Revises: 79d95c957279
Create Date: 2026-12-02 05:00:00

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e4b7d2c91a05'
down_revision = '79d95c957279'
branch_labels = None
depends_on = None


def _start_month() -> int:
    from flask import current_app, has_app_context

    return int(current_app.config["ACADEMIC_YEAR_START_MONTH"]) if has_app_context() else 7


def upgrade():
    totals = op.create_table(
        'pairing_year_totals',
        sa.Column('pairing_id', sa.Integer(), nullable=False),
        sa.Column('year_start', sa.Date(), nullable=False),
        sa.Column('year_end', sa.Date(), nullable=False),
        sa.Column('start_month', sa.Integer(), nullable=False),
        sa.Column('meetings', sa.Integer(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('first_held', sa.Date(), nullable=False),
        sa.Column('last_held', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ['pairing_id'], ['pairings.id'],
            name=op.f('fk_pairing_year_totals_pairing_id_pairings'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('pairing_id', 'year_start', name=op.f('pk_pairing_year_totals')),
    )
    # Fill it from the meetings already there (what `flask metrics rebuild` does, written out here so that
    # this revision does not change when the application's code does).
    month = _start_month()
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT m.pairing_id, m.date, m.duration_minutes FROM meetings m JOIN pairings p ON p.id = m.pairing_id"
            " WHERE m.status = 'held' AND m.deleted_at IS NULL"
        )
    )
    kept: dict[tuple[int, int], list] = {}
    for pairing_id, day, minutes in rows:
        if isinstance(day, str):  # SQLite through a text() query
            day = dt.date.fromisoformat(day)
        year = day.year if day.month >= month else day.year - 1
        row = kept.setdefault((pairing_id, year), [0, 0, day, day])
        row[0] += 1
        row[1] += minutes or 0
        row[2], row[3] = min(row[2], day), max(row[3], day)
    values = [
        {
            'pairing_id': pairing_id,
            'year_start': dt.date(year, month, 1),
            'year_end': dt.date(year + 1, month, 1) - dt.timedelta(days=1),
            'start_month': month,
            'meetings': n,
            'minutes': minutes,
            'first_held': first,
            'last_held': last,
        }
        for (pairing_id, year), (n, minutes, first, last) in sorted(kept.items())
    ]
    for i in range(0, len(values), 5000):
        op.bulk_insert(totals, values[i : i + 5000])


def downgrade():
    op.drop_table('pairing_year_totals')
