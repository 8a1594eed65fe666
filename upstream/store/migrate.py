"""Apply the upstream's Alembic migrations (its own folder; the kiosk has another)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

from kiosk_app.store import migrate as shared

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(dsn: str) -> Config:
    return shared.alembic_config(dsn, MIGRATIONS)


def upgrade(dsn: str) -> None:
    shared.upgrade(dsn, MIGRATIONS)
