"""Running Alembic from the application (the CLI and the tests use the same path)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from tenderapp import PROJECT_ROOT


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def migrations_folder() -> Path:
    return PROJECT_ROOT / "migrations"
