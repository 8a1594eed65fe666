"""The outbox in the kiosk database: sealing, claiming batches, recording replies.

Keyword-only functions over a SQLModel ``Session``, one commit each, like
``kiosk_app.store.crud``. The decisions come from the pure ``outbox`` module;
this module only reads and writes rows.

Privacy: a sealed row's plaintext columns are NULL. ``seal_plaintext_rows``
seals checks stored before enrolment, wipes their plaintext in the same
commit (``secure_delete`` zeroes the freed bytes) and then truncates the WAL,
so no copy of the old page is left in ``-wal`` either (docs/privacy.md).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Connection, bindparam, func, or_, update
from sqlmodel import Session, col, select

from kiosk_app.store import crud
from kiosk_app.store.tables import (
    CHECK_RECORD_TABLE,
    CheckMeta,
    CheckRecord,
    CheckRecordBase,
    SyncState,
)
from kiosk_app.sync import outbox
from kiosk_app.sync.crypto import Sealer, timestamp

log = logging.getLogger(__name__)

_SEAL_CHUNK = 200


def check_plaintext(
    *, record_id: str, completed_at: datetime, meta: CheckMeta, answers_json: str, result_json: str
) -> bytes:
    """The sealed content (docs/sync-protocol.md, "The plaintext")."""
    body = {
        "id": record_id,
        "completed_at": timestamp(completed_at),
        "site_id": meta.site_id,
        "mode": meta.mode,
        "form_id": meta.form_id,
        "form_version": meta.form_version,
        "answers": json.loads(answers_json),
        "result": json.loads(result_json),
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def store_sealed_check(
    *,
    connection: Connection,
    record: CheckRecordBase,
    completed_at: datetime,
    sealer: Sealer,
    now: datetime,
) -> str:
    """Seal and durably store one completed check; no plaintext is ever written."""
    record_id = crud.new_check_id(completed_at)
    plaintext = check_plaintext(
        record_id=record_id,
        completed_at=completed_at,
        meta=record,
        answers_json=record.answers_json,
        result_json=record.result_json,
    )
    values = record.model_dump(include=set(CheckMeta.model_fields)) | {
        "id": record_id,
        "completed_at": completed_at,
        "envelope": sealer.seal(record_id, plaintext, now),
    }
    crud.insert_check(connection=connection, values=values)
    return record_id


def seal_plaintext_rows(*, session: Session, sealer: Sealer, now: datetime) -> int:
    """Seal every check stored before enrolment, wipe its plaintext; returns how many."""
    sealed = 0
    while True:
        rows = session.exec(
            select(CheckRecord)
            .where(
                # Unsealed rows are always pending: the state index keeps this cheap.
                col(CheckRecord.sync_state) == SyncState.PENDING,
                col(CheckRecord.envelope).is_(None),
                col(CheckRecord.answers_json).is_not(None),
            )
            .order_by(col(CheckRecord.id))
            .limit(_SEAL_CHUNK)
        ).all()
        if not rows:
            break
        for row in rows:
            plaintext = check_plaintext(
                record_id=row.id,
                completed_at=_utc(row.completed_at),
                meta=row,
                answers_json=row.answers_json or "null",
                result_json=row.result_json or "null",
            )
            session.execute(
                update(CheckRecord)
                .where(col(CheckRecord.id) == row.id, col(CheckRecord.envelope).is_(None))
                .values(
                    envelope=sealer.seal(row.id, plaintext, now),
                    answers_json=None,
                    result_json=None,
                )
            )
        session.commit()
        session.expunge_all()  # drop the loaded plaintext objects
        sealed += len(rows)
    if sealed:
        checkpoint(session)
    return sealed


def checkpoint(session: Session) -> bool:
    """Copy the WAL into the database and truncate it to zero bytes."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return True
    busy, _log_frames, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    session.commit()
    if busy:
        log.warning("sync: WAL checkpoint was blocked by a reader; it will run again")
    return not busy


def recover_sending(*, session: Session) -> int:
    """Records left ``sending`` by a crash go back to ``pending``."""
    result = session.execute(
        update(CheckRecord)
        .where(col(CheckRecord.sync_state) == SyncState.SENDING)
        .values(sync_state=SyncState.PENDING.value)
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def claim_batch(
    *, session: Session, now: datetime, limit: int
) -> list[tuple[outbox.OutboxRow, str]]:
    """The next batch (``outbox.next_batch``), marked ``sending``, with its envelopes."""
    due = or_(col(CheckRecord.next_attempt_at).is_(None), col(CheckRecord.next_attempt_at) <= now)
    candidates = session.exec(
        select(
            CheckRecord.id,
            CheckRecord.attempts,
            CheckRecord.next_attempt_at,
            func.length(CheckRecord.envelope),
        )
        .where(_sealed_pending(), due)
        .order_by(col(CheckRecord.id))
        .limit(limit)
    ).all()
    rows = [outbox.OutboxRow(i, a, utc_or_none(n), int(s or 0)) for i, a, n, s in candidates]
    batch = outbox.next_batch(rows, now, limit)
    if not batch:
        return []
    ids = [row.id for row in batch]
    session.execute(
        update(CheckRecord)
        .where(col(CheckRecord.id).in_(ids), col(CheckRecord.sync_state) == SyncState.PENDING)
        .values(sync_state=SyncState.SENDING.value, last_attempt_at=now)
    )
    envelopes = dict(
        session.exec(
            select(CheckRecord.id, CheckRecord.envelope).where(col(CheckRecord.id).in_(ids))
        ).all()
    )
    session.commit()
    return [(row, envelopes[row.id] or "") for row in batch]


# One statement per outcome, run once per batch with a row of values each
# (executemany): a batch of 100 receipts is three statements, not 100.
_ACKNOWLEDGE = (
    update(CHECK_RECORD_TABLE)
    .where(CHECK_RECORD_TABLE.c.id == bindparam("row_id"))
    .values(
        sync_state=SyncState.ACKNOWLEDGED.value,
        acknowledged_at=bindparam("now"),
        upstream_sequence=bindparam("sequence"),
        next_attempt_at=None,
        last_error=None,
        # The consent page promises residents that the device keeps their
        # results only until they have been sent: the sealed copy goes too
        # (secure_delete zeroes the freed bytes). The row keeps only its
        # id, times and delivery bookkeeping.
        envelope=None,
    )
)
_REJECT = (
    update(CHECK_RECORD_TABLE)
    .where(CHECK_RECORD_TABLE.c.id == bindparam("row_id"))
    .values(
        sync_state=SyncState.REJECTED.value,
        rejected_code=bindparam("code"),
        rejected_reason=bindparam("reason"),
        next_attempt_at=None,
    )
)
# Only a row still marked sending goes back to pending: never one a later
# pass has already acknowledged.
_AGAIN = (
    update(CHECK_RECORD_TABLE)
    .where(
        CHECK_RECORD_TABLE.c.id == bindparam("row_id"),
        CHECK_RECORD_TABLE.c.sync_state == SyncState.SENDING.value,
    )
    .values(
        sync_state=SyncState.PENDING.value,
        attempts=bindparam("attempts"),
        next_attempt_at=bindparam("due"),
        last_error=bindparam("error"),
    )
)


def apply_changes(
    *,
    session: Session,
    batch: Sequence[outbox.OutboxRow],
    changes: Sequence[outbox.Change],
    now: datetime,
    delay_for: Callable[[int], float],
) -> None:
    """Write what the upstream said; ``delay_for(attempts)`` schedules a record's own retry."""
    attempts = {row.id: row.attempts for row in batch}
    acknowledged: list[dict[str, object]] = []
    rejected: list[dict[str, object]] = []
    again: list[dict[str, object]] = []
    for change in changes:
        if isinstance(change, outbox.Acknowledged):
            acknowledged.append({"row_id": change.id, "now": now, "sequence": change.sequence})
        elif isinstance(change, outbox.Rejected):
            rejected.append(
                {"row_id": change.id, "code": change.code[:32], "reason": change.reason[:500]}
            )
        else:
            count = attempts.get(change.id, 0) + 1
            # A deferred record is due again at once: the worker's own backoff
            # decides when the queue goes next, oldest first (outbox.py).
            due = (
                None
                if isinstance(change, outbox.Deferred)
                else now + timedelta(seconds=delay_for(count))
            )
            again.append(
                {"row_id": change.id, "attempts": count, "due": due, "error": change.error[:500]}
            )
    connection = session.connection()
    for statement, rows in ((_ACKNOWLEDGE, acknowledged), (_REJECT, rejected), (_AGAIN, again)):
        if rows:
            connection.execute(statement, rows)
    session.commit()


def next_due_at(*, session: Session) -> datetime | None:
    """When the earliest sealed pending record may go (None: nothing to send)."""
    waiting, earliest, undated = session.exec(
        select(
            func.count(),
            func.min(CheckRecord.next_attempt_at),
            func.count().filter(col(CheckRecord.next_attempt_at).is_(None)),
        ).where(_sealed_pending())
    ).one()
    if not waiting:
        return None
    if undated or earliest is None:
        return datetime.min.replace(tzinfo=UTC)
    return _utc(earliest)


def _sealed_pending() -> ColumnElement[bool]:
    pending = col(CheckRecord.sync_state) == SyncState.PENDING
    return pending & col(CheckRecord.envelope).is_not(None)


def _utc(moment: datetime) -> datetime:
    # SQLite returns stored UTC times without their zone.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utc_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else _utc(moment)
