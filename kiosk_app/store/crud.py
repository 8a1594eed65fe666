"""Every write to the kiosk database. Keyword-only, one commit each."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from kiosk_app.store.ids import uuid7
from kiosk_app.store.tables import CheckRecord, CheckRecordBase, SyncState


def store_completed_check(
    *, session: Session, record: CheckRecordBase, completed_at: datetime
) -> CheckRecord:
    """Durably store one completed check; returns it with its new id."""
    row = CheckRecord.model_validate(
        record,
        update={
            "id": str(uuid7(int(completed_at.timestamp() * 1000))),
            "completed_at": completed_at,
        },
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def count_pending(*, session: Session) -> int:
    statement = (
        select(func.count())
        .select_from(CheckRecord)
        .where(col(CheckRecord.sync_state) == SyncState.PENDING)
    )
    return session.exec(statement).one()
