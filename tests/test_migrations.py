"""Schema changes only through migrations: the models and the migrations agree, on SQLite
and on PostgreSQL, and the migrations run down and up again."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import tenderapp.models  # noqa: F401
from tenderapp import migrate
from tests.conftest import PG_URL


def pending_operations(url):
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return diff


@pytest.fixture
def scratch_postgres():
    """A new, empty PostgreSQL database beside the suite's own, dropped afterwards."""
    if not PG_URL:
        pytest.skip("set TEST_DATABASE_URL to check the migrations on PostgreSQL")
    base = make_url(PG_URL)
    name = f"{base.database}_migrations"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_models_and_migrations_agree_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrations.db'}"
    migrate.upgrade(url)
    assert pending_operations(url) == []


@pytest.mark.postgres
def test_models_and_migrations_agree_on_postgresql(scratch_postgres):
    migrate.upgrade(scratch_postgres)
    assert pending_operations(scratch_postgres) == []


def test_migrations_run_down_to_nothing_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    config = migrate.alembic_config(url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    command.upgrade(config, "head")
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM organisation")).scalar() == 0
    engine.dispose()
