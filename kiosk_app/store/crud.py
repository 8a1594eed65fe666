"""Every write to the kiosk database. Keyword-only, one commit each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from kiosk_app.store.ids import uuid7
from kiosk_app.store.tables import CheckRecord, CheckRecordBase, SyncState


def store_completed_check(
    *, session: Session, record: CheckRecordBase, completed_at: datetime
) -> str:
    """Durably store one completed check; returns its new id."""
    record_id = str(uuid7(int(completed_at.timestamp() * 1000)))
    values = record.model_dump() | {
        "id": record_id,
        "completed_at": completed_at,
        "sync_state": SyncState.PENDING.value,
    }
    # A plain INSERT: the ORM's unit of work buys nothing for one new row,
    # and this sits on the path between "See my results" and the results.
    session.execute(insert(CheckRecord), values)
    session.commit()
    return record_id


def count_pending(*, session: Session) -> int:
    statement = (
        select(func.count())
        .select_from(CheckRecord)
        .where(col(CheckRecord.sync_state) == SyncState.PENDING)
    )
    return session.exec(statement).one()
