"""Every write to the kiosk database. Keyword-only, one commit each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from kiosk_app.store.ids import uuid7
from kiosk_app.store.tables import CHECK_RECORD_TABLE, CheckRecordBase, SyncState

# A Core INSERT on a bare connection: the ORM's unit of work and its
# Session buy nothing for one new row, and this sits on the path between
# "See my results" and the results (about half the cost; docs/benchmarks.md).
_INSERT_CHECK = insert(CHECK_RECORD_TABLE)


def new_check_id(completed_at: datetime) -> str:
    return str(uuid7(int(completed_at.timestamp() * 1000)))


def insert_check(*, connection: Connection, values: dict[str, Any]) -> None:
    """Insert one ``check_record`` row and commit: durable when this returns."""
    connection.execute(_INSERT_CHECK, values | {"sync_state": SyncState.PENDING.value})
    connection.commit()


def store_completed_check(
    *, connection: Connection, record: CheckRecordBase, completed_at: datetime
) -> str:
    """Durably store one completed check in plaintext (not enrolled); returns its new id."""
    record_id = new_check_id(completed_at)
    insert_check(
        connection=connection,
        values=record.model_dump() | {"id": record_id, "completed_at": completed_at},
    )
    return record_id
