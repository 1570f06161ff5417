"""The migration history: one head, and `flask db upgrade` on an empty database builds exactly the models."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import TestConfig
from mentorship import create_app
from mentorship.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_single_head():
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database of the kind under test."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _app_for(url: str):
    class MigrateConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(MigrateConfig)


def test_upgrade_matches_models_and_downgrade_round_trips(empty_database_url):
    from flask_migrate import downgrade, upgrade

    app = _app_for(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"the migrations and the models differ: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        db.engine.dispose()
