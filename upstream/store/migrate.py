"""Apply the upstream's Alembic migrations (its own folder; the kiosk has another)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_app.store import migrate as shared

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(dsn: str) -> Config:
    return shared.alembic_config(dsn, MIGRATIONS)


def upgrade(dsn: str) -> None:
    shared.upgrade(dsn, MIGRATIONS)


def ensure_current(dsn: str) -> bool:
    """Migrate only if the database is behind; True if it was."""
    return shared.ensure_current(dsn, MIGRATIONS)
