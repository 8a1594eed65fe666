"""Apply Alembic migrations (run at start-up); shared with the upstream's store.

The kiosk and the upstream each have their own migrations folder and tables
in one Python process (``vital5`` serves both CLIs), and SQLModel keeps every
table in one ``MetaData``. Each migration environment therefore compares its
database with a ``MetaData`` holding only its own tables (``own_metadata``).

Alembic (and Mako) is ~10 MB of a kiosk's memory for the whole day, and the
systemd unit migrates before it starts the app (``vital5 migrate``). So the
app only asks the database which revision it is at (``ensure_current``) and
imports Alembic only when there is something to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import MetaData, Table, create_engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str, migrations: Path = MIGRATIONS) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations))
    # Alembic's ini interpolation treats % specially; URLs may contain it.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, migrations: Path = MIGRATIONS) -> None:
    from alembic import command

    _sqlite_parent(database_url)
    command.upgrade(alembic_config(database_url, migrations), "head")


def head_revision(migrations: Path = MIGRATIONS) -> str:
    """The newest revision: our files are named ``NNNN_what.py`` with revision ``NNNN``.

    tests/sync/test_migration.py checks this agrees with Alembic's own head.
    """
    return max(path.name.split("_", 1)[0] for path in (migrations / "versions").glob("*_*.py"))


def current_revision(database_url: str) -> str | None:
    """The revision the database is at; None for a new or unmigrated one."""
    sqlite_file = database_url.startswith("sqlite:///") and Path(
        database_url.removeprefix("sqlite:///")
    )
    if sqlite_file and not sqlite_file.is_file():
        return None
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            found = version.scalar()
            return None if found is None else str(found)
    finally:
        engine.dispose()


def ensure_current(database_url: str, migrations: Path = MIGRATIONS) -> bool:
    """Migrate only if the database is behind; True if it was."""
    if current_revision(database_url) == head_revision(migrations):
        return False
    upgrade(database_url, migrations)
    return True


def own_metadata(*tables: Table) -> MetaData:
    """A ``MetaData`` with copies of just these tables, for one migration environment."""
    metadata = MetaData()
    for table in tables:
        table.to_metadata(metadata)
    return metadata


def _sqlite_parent(database_url: str) -> None:
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
