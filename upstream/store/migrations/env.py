"""Alembic environment for the upstream: migrations run online against its DSN.

On PostgreSQL an advisory lock makes concurrent start-ups of several
instances take turns: the first migrates, the others then find nothing to do.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from kiosk_app.store.migrate import own_metadata
from upstream.store import tables
from upstream.store.db import make_engine

MIGRATION_LOCK_KEY = 0x5635554D  # "V5UM"

url = context.config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("sqlalchemy.url is not set")
engine = make_engine(url)
with engine.connect() as connection:
    is_postgres = connection.dialect.name == "postgresql"
    if is_postgres:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()
    try:
        context.configure(
            connection=connection,
            target_metadata=own_metadata(
                *(t.__table__ for t in tables.ALL_TABLES)  # type: ignore[attr-defined]
            ),
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if is_postgres:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
engine.dispose()
