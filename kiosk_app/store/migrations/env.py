"""Alembic environment: migrations run online against the configured URL."""

from __future__ import annotations

from alembic import context

from kiosk_app.store.db import make_engine
from kiosk_app.store.migrate import own_metadata
from kiosk_app.store.tables import CHECK_RECORD_TABLE

url = context.config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("sqlalchemy.url is not set")
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=own_metadata(CHECK_RECORD_TABLE),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
