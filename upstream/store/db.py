"""The database engine, for SQLite (one machine) or PostgreSQL (several instances).

Ingest must hand out sequence numbers in commit order, or an export paging
by ``since`` could step over a record that commits late. Writers therefore
take a lock for the whole transaction: ``BEGIN IMMEDIATE`` on SQLite (one
writer at a time anyway) and an advisory transaction lock on PostgreSQL
(`lock_for_ingest`), which every instance sharing the database honours.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Connection, Engine, event, text
from sqlmodel import Session, create_engine

# Any constant shared by all instances; "V5UP" in ASCII.
INGEST_LOCK_KEY: Final = 0x56355550


def make_engine(dsn: str) -> Engine:
    is_sqlite = dsn.startswith("sqlite")
    engine = create_engine(
        dsn,
        # timeout: how long a writer waits for another's BEGIN IMMEDIATE.
        connect_args={"check_same_thread": False, "timeout": 30} if is_sqlite else {},
        pool_pre_ping=not is_sqlite,
    )
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def lock_for_ingest(session: Session) -> None:
    """Serialise record writers until this transaction ends (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INGEST_LOCK_KEY})


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored here is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling starts transactions late (at the
    # first write), which would let a read-then-insert race; _sqlite_begin
    # starts them itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
