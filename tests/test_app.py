"""The application factory and the database plumbing."""

import os
import stat
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tenderapp import create_app
from tenderapp.db import make_engine
from tenderapp.models import Organisation


def test_factory_builds_each_environment(tmp_path):
    for env in ("development", "testing", "production"):
        app = create_app({"ENV": env, "INSTANCE_PATH": str(tmp_path / env)})
        assert app.config["ENV_NAME"] == env
        assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / env / 'tenderapp.db'}"
    assert create_app({"ENV": "testing", "INSTANCE_PATH": str(tmp_path / "t")}).testing


def test_a_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) == 64
    second = create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_secret_key_and_database_url_from_the_environment_win(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": "sqlite:///elsewhere.db"})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()
    assert app.config["DATABASE_URL"] == "sqlite:///elsewhere.db"


def test_production_cookies_are_secure_and_http_only(tmp_path):
    app = create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path)})
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
