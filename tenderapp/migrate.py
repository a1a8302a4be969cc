"""Running Alembic from the application (the CLI and the tests use the same path)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

# The checkout's root, found here rather than imported from the package, which imports the CLI,
# which imports this module: Alembic's files are beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None for a database Alembic has never touched."""
    from tenderapp.db import make_engine  # here: the db module needs Flask, the migrations do not

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def upgrade_report(database_url: str) -> str:
    """Upgrades to the latest revision and says what happened: created, upgraded or unchanged."""
    before = current_revision(database_url)
    upgrade(database_url)
    after = current_revision(database_url)
    if before is None:
        return f"Database created at the latest revision ({after})."
    if before != after:
        return f"Database upgraded from revision {before} to {after}, the latest."
    return f"Database already at the latest revision ({after}); nothing to do."


def migrations_folder() -> Path:
    return PROJECT_ROOT / "migrations"
