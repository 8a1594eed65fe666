"""Sealed records: store a verified batch, read one, page through by sequence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from upstream.envelope import Envelope, RejectCode, RejectedError
from upstream.receipts import Receipt
from upstream.store.db import lock_for_ingest
from upstream.store.tables import Record


@dataclass(frozen=True, slots=True)
class Verified:
    """A record whose device, signature and contents all checked out."""

    envelope: Envelope
    site_id: str
    envelope_sha256: str
    canonical_plaintext: bytes  # compared, never stored


# Is this stored row the same record as the verified one? (ingest.same_content)
SameContent = Callable[[Record, Verified], bool]


def store_verified(
    *,
    session: Session,
    records: Sequence[Verified],
    same_content: SameContent,
    now: datetime,
) -> list[Receipt]:
    """Store new records, recognise resends; one receipt each, in order; one commit."""
    if not records:
        return []
    # Held to the commit: sequence numbers are handed out in commit order.
    lock_for_ingest(session)
    ids = sorted({record.envelope.id for record in records})
    existing = {row.id: row for row in session.exec(select(Record).where(col(Record.id).in_(ids)))}
    receipts: list[Receipt] = []
    for record in records:
        envelope = record.envelope
        row = existing.get(envelope.id)
        if row is None:
            row = _new_row(record, now)
            session.add(row)
            session.flush()  # assigns the sequence
            existing[envelope.id] = row
            receipts.append(Receipt.stored(envelope.id, _sequence(row)))
        elif same_content(row, record):
            receipts.append(Receipt.duplicate(envelope.id, _sequence(row)))
        else:
            conflict = RejectedError(
                RejectCode.CONFLICT, "a different record with this id is already stored"
            )
            receipts.append(Receipt.rejected(envelope.id, conflict))
    session.commit()
    return receipts


def get_record(*, session: Session, record_id: str) -> Record | None:
    return session.exec(select(Record).where(col(Record.id) == record_id)).first()


def records_since(*, session: Session, since: int, limit: int) -> list[Record]:
    statement = (
        select(Record)
        .where(col(Record.sequence) > since)
        .order_by(col(Record.sequence))
        .limit(limit)
    )
    return list(session.exec(statement))


def records_between(*, session: Session, after: int, upto: int, limit: int) -> list[Record]:
    """Records with ``after < sequence <= upto``, in sequence order (a report's snapshot)."""
    statement = (
        select(Record)
        .where(col(Record.sequence) > after)
        .where(col(Record.sequence) <= upto)
        .order_by(col(Record.sequence))
        .limit(limit)
    )
    return list(session.exec(statement))


def last_sequence(*, session: Session) -> int:
    return session.exec(select(func.max(Record.sequence))).one() or 0


def count_records(*, session: Session) -> int:
    return session.exec(select(func.count()).select_from(Record)).one()


def _new_row(record: Verified, now: datetime) -> Record:
    envelope = record.envelope
    return Record(
        id=envelope.id,
        device_id=envelope.device_id,
        device_key_id=envelope.device_key_id,
        site_id=record.site_id,
        upstream_key_id=envelope.upstream_key_id,
        sealed_at=envelope.sealed_at,
        received_at=now,
        envelope_sha256=record.envelope_sha256,
        ciphertext=envelope.ciphertext,
        signature=envelope.signature,
    )


def _sequence(row: Record) -> int:
    assert row.sequence is not None
    return row.sequence
