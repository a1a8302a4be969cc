"""The application factory and the database plumbing."""

import os
import stat
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tenderapp import MissingSecrets, create_app
from tenderapp.db import make_engine
from tenderapp.models import Organisation

SECRETS = {"SECRET_KEY": "k" * 64, "BID_SECRET": "ab" * 32}


@pytest.fixture
def no_secrets_in_environment(monkeypatch):
    for name in ("SECRET_KEY", "BID_SECRET"):
        monkeypatch.delenv(name, raising=False)


def test_factory_builds_each_environment(tmp_path):
    for env in ("development", "testing", "production"):
        app = create_app({"ENV": env, "INSTANCE_PATH": str(tmp_path / env), **SECRETS})
        assert app.config["ENV_NAME"] == env
        assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / env / 'tenderapp.db'}"
    assert create_app({"ENV": "testing", "INSTANCE_PATH": str(tmp_path / "t")}).testing


def test_outside_production_the_secrets_are_generated_once_into_instance(tmp_path, no_secrets_in_environment):
    first = create_app({"ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    for name in ("secret_key", "bid_secret"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) == 64
    second = create_app({"ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert second.extensions["tenderapp.sealer"].derive_key("x") == first.extensions["tenderapp.sealer"].derive_key("x")


@pytest.mark.parametrize("given, missing", [
    ({}, ["SECRET_KEY is not set", "BID_SECRET is not set"]),
    ({"SECRET_KEY": "k" * 64}, ["BID_SECRET is not set"]),
    ({"BID_SECRET": "ab" * 32}, ["SECRET_KEY is not set"]),
    ({"SECRET_KEY": "k" * 64, "BID_SECRET": "not hex"}, ["BID_SECRET must be 64 hexadecimal characters"]),
    ({"SECRET_KEY": "k" * 64, "BID_SECRET": "ab" * 8}, ["BID_SECRET must be 64 hexadecimal characters"]),
])
def test_production_refuses_to_start_without_its_secrets_and_writes_none(tmp_path, no_secrets_in_environment,
                                                                         given, missing):
    with pytest.raises(MissingSecrets) as refused:
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path), **given})
    for words in missing:
        assert words in str(refused.value)
    assert str(refused.value).count("is not set") == sum("is not set" in words for words in missing)
    assert not (tmp_path / "secret_key").exists() and not (tmp_path / "bid_secret").exists()


def test_production_takes_its_secrets_from_the_environment_or_instance_config(tmp_path, monkeypatch,
                                                                              no_secrets_in_environment):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("BID_SECRET", "cd" * 32)
    app = create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path / "env"),
                      "DATABASE_URL": "sqlite:///elsewhere.db"})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["DATABASE_URL"] == "sqlite:///elsewhere.db"
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.delenv("BID_SECRET")
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "config.py").write_text(f"SECRET_KEY = 'from-instance-config'\nBID_SECRET = '{'cd' * 32}'\n")
    from_file = create_app({"ENV": "production", "INSTANCE_PATH": str(folder)})
    assert from_file.config["SECRET_KEY"] == "from-instance-config"
    key = "tenderapp.sealer"
    assert from_file.extensions[key].derive_key("x") == app.extensions[key].derive_key("x")
    for written in (tmp_path / "env" / "secret_key", tmp_path / "env" / "bid_secret",
                    folder / "secret_key", folder / "bid_secret"):
        assert not written.exists()


def test_production_cookies_are_secure_and_http_only(tmp_path):
    app = create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path), **SECRETS})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x' / 'pragmas.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()


def test_times_come_back_aware_and_in_utc(app, db):
    plus_two = timezone(timedelta(hours=2))
    org = Organisation(name="Zoned", kind="local_authority", created_at=datetime(2026, 6, 1, 12, 0, tzinfo=plus_two))
    db.add(org)
    db.commit()
    db.expire_all()
    with Session(app.extensions["tenderapp.engine"]) as fresh:
        stored = fresh.get(Organisation, org.id).created_at
    assert stored == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_naive_times_are_refused(app, db):
    db.add(Organisation(name="Naive", kind="local_authority", created_at=datetime(2026, 6, 1, 12, 0)))
    with pytest.raises(Exception, match="naive datetime"):
        db.commit()
    db.rollback()


def test_the_database_refuses_an_unknown_organisation_kind(app, db, clock):
    db.add(Organisation(name="Odd", kind="martian", created_at=clock.moment))
    with pytest.raises(Exception, match="(?i)check"):
        db.commit()
    db.rollback()


def test_health_check_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_db_upgrade_says_whether_it_created_upgraded_or_left_the_database(tmp_path):
    from tenderapp import migrate

    url = f"sqlite:///{tmp_path / 'fresh' / 'tenderapp.db'}"
    app = create_app({"ENV": "testing", "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url})
    created = app.test_cli_runner().invoke(args=["db-upgrade"])
    assert created.exit_code == 0, created.output
    head = migrate.current_revision(url)
    assert f"Database created at the latest revision ({head})." in created.output
    again = app.test_cli_runner().invoke(args=["db-upgrade"]).output
    assert f"Database already at the latest revision ({head}); nothing to do." in again

    older = f"sqlite:///{tmp_path / 'older.db'}"
    migrate.upgrade(older, "b1c2d3e4f5a6")
    app = create_app({"ENV": "testing", "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": older})
    upgraded = app.test_cli_runner().invoke(args=["db-upgrade"]).output
    assert f"Database upgraded from revision b1c2d3e4f5a6 to {head}, the latest." in upgraded
