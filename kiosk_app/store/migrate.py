"""Apply Alembic migrations (run at start-up); shared with the upstream's store.

The kiosk and the upstream each have their own migrations folder and tables
in one Python process (``vital5`` serves both CLIs), and SQLModel keeps every
table in one ``MetaData``. Each migration environment therefore compares its
database with a ``MetaData`` holding only its own tables (``own_metadata``).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, Table

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str, migrations: Path = MIGRATIONS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    # Alembic's ini interpolation treats % specially; URLs may contain it.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, migrations: Path = MIGRATIONS) -> None:
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url, migrations), "head")


def own_metadata(*tables: Table) -> MetaData:
    """A ``MetaData`` with copies of just these tables, for one migration environment."""
    metadata = MetaData()
    for table in tables:
        table.to_metadata(metadata)
    return metadata
