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


def test_an_older_log_becomes_the_closed_legacy_chain_and_still_verifies(tmp_path):
    """A database from before keyed chains: its entries (plain SHA-256, one global chain) are
    kept as chain -1 and verify; new entries go to keyed chains beside them."""
    from datetime import UTC, datetime

    from sqlmodel import Session

    from tenderapp.audit_trail import AuditSettings, CheckpointFiles, register
    from tenderapp.domain.audit_chain import GENESIS_HASH, AuditEntry, canonical_json, legacy_entry_hash
    from tenderapp.services import audit

    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    migrate.upgrade(url, "b1c2d3e4f5a6")
    engine = create_engine(url)
    prev, moment = GENESIS_HASH, datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    with engine.begin() as connection:
        for seq in (1, 2, 3):
            entry = AuditEntry(seq=seq, occurred_at=moment, actor_user_id=None, organisation_id=None,
                               action="test.old", object_type="thing", object_id=str(seq), details={"n": seq})
            digest = legacy_entry_hash(prev, entry)
            connection.execute(text(
                "INSERT INTO audit_event (seq, occurred_at, action, object_type, object_id, details, prev_hash, hash) "
                "VALUES (:seq, :at, 'test.old', 'thing', :oid, :details, :prev, :hash)"),
                {"seq": seq, "at": "2026-11-01 09:00:00.000000", "oid": str(seq),
                 "details": canonical_json({"n": seq}), "prev": prev, "hash": digest})
            prev = digest
        connection.execute(text("UPDATE audit_head SET seq = 3, hash = :hash WHERE id = 1"), {"hash": prev})
    engine.dispose()

    migrate.upgrade(url)
    engine = create_engine(url)
    register(engine, AuditSettings(b"k" * 32, CheckpointFiles(tmp_path / "checkpoints")))
    with Session(engine) as session:
        assert audit.verify(session) == []
        audit.record(session, None, "test.new", "thing", 4, moment, {})
        session.commit()
        assert audit.verify(session) == []
        session.execute(text("UPDATE audit_event SET details = '{}' WHERE chain = -1 AND seq = 2"))
        session.commit()
        assert [(b.chain, b.seq) for b in audit.verify(session)] == [(-1, 2)]
    engine.dispose()
