"""Outbox policy, pure: what to send next, when to retry, what a reply means.

No I/O and no clock: ``now`` and the random source are passed in, so every
rule here is a table test (tests/sync/test_outbox.py). The worker is the shell
that loads rows, calls these, and writes the changes back.

The rules (docs/sync-protocol.md, "Upload" and "Kiosk outbox states"):

- records go in id order (UUIDv7: completion order), at most 100 and 4 MiB
  per batch, skipping any whose own retry time has not come;
- ``stored``/``duplicate`` → acknowledged; ``rejected`` → rejected with its
  code and reason, never retried; no receipt for a record → retry that
  record after its own backoff (it holds back nothing behind it);
- 429, 5xx and network failures are about the upstream, not the records:
  the batch is *deferred* (pending again, due at once) and the worker waits
  with exponential backoff and full jitter (first retry within ~2 s, capped
  at 5 minutes), forever. The queue waits as a whole, so after an outage the
  backlog goes in completion order; 400/413 refuse the batch as a whole, so
  its records are sent one by one to find the one at fault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

MAX_BATCH_RECORDS: Final = 100
# The upstream accepts 4 MiB per request; leave room for the {"records": […]} wrapper.
MAX_BATCH_BYTES: Final = 4 * 1024 * 1024 - 1024
# Codes the upstream may give for a permanently unacceptable record.
REJECTION_CODES: Final = frozenset(
    {
        "unknown_device",
        "revoked_device",
        "bad_signature",
        "unknown_upstream_key",
        "cannot_decrypt",
        "id_mismatch",
        "conflict",
        "too_large",
        "malformed",
    }
)
# 2^64 × base is already far past any cap; stops float overflow on huge counts.
_MAX_EXPONENT: Final = 64


class Failure(StrEnum):
    TRANSIENT = "transient"  # retry the same request later
    REFUSED = "refused"  # the whole request is unacceptable as it stands


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: str
    attempts: int
    next_attempt_at: datetime | None
    size: int  # bytes of the envelope


@dataclass(frozen=True, slots=True)
class Receipt:
    id: str | None  # None: the upstream could not read an id (paired by position)
    status: str  # stored | duplicate | rejected
    sequence: int | None = None
    code: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Acknowledged:
    id: str
    sequence: int | None


@dataclass(frozen=True, slots=True)
class Rejected:
    id: str
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class Retry:
    """This record, alone, goes again after its own backoff."""

    id: str
    error: str


@dataclass(frozen=True, slots=True)
class Deferred:
    """The upstream could not take the batch: pending again, in its place in the queue."""

    id: str
    error: str


Change = Acknowledged | Rejected | Retry | Deferred


def backoff_for(attempt: int, *, base: float, cap: float, rand: Callable[[], float]) -> float:
    """Seconds to wait after the ``attempt``-th failure (1, 2, …): full jitter.

    Uniform in [0, min(cap, base × 2^(attempt-1))): spreads a fleet of kiosks
    coming back after an upstream outage instead of having them retry in step.
    """
    if attempt < 1:
        return 0.0
    ceiling = min(cap, base * 2.0 ** min(attempt - 1, _MAX_EXPONENT))
    fraction = rand()
    # Written so that NaN, like any value outside [0, 1], means "the ceiling".
    return ceiling * (fraction if 0.0 <= fraction <= 1.0 else 1.0)


def is_due(row: OutboxRow, now: datetime) -> bool:
    return row.next_attempt_at is None or row.next_attempt_at <= now


def next_batch(
    rows: Iterable[OutboxRow],
    now: datetime,
    limit: int = MAX_BATCH_RECORDS,
    max_bytes: int = MAX_BATCH_BYTES,
) -> list[OutboxRow]:
    """The due rows in id order, up to ``limit`` records and ``max_bytes``.

    A row waiting for its retry time is skipped, not waited for: a record the
    upstream keeps failing never holds back the checks behind it. The first
    row always goes, even if alone it is over ``max_bytes`` (the upstream
    then rejects it as ``too_large`` and the queue moves on).
    """
    batch: list[OutboxRow] = []
    total = 0
    for row in sorted((r for r in rows if is_due(r, now)), key=lambda r: r.id):
        if len(batch) >= min(limit, MAX_BATCH_RECORDS):
            break
        if batch and total + row.size + 1 > max_bytes:
            break
        batch.append(row)
        total += row.size + 1  # the comma between envelopes
    return batch


def classify_status(status: int) -> Failure | None:
    """None when the reply carries receipts (200); otherwise how to treat it."""
    if status == 200:
        return None
    if status in (400, 413):
        return Failure.REFUSED
    # 429, 5xx, and anything unexpected (a proxy's 404 or 401, a redirect):
    # keep the records and retry; staff see the status in `vital5 sync status`.
    return Failure.TRANSIENT


def parse_receipts(body: object) -> list[Receipt]:
    """The ``receipts`` of a 200 reply; ``ValueError`` if it is not one."""
    if not isinstance(body, Mapping) or not isinstance(body.get("receipts"), list):
        raise ValueError("the reply has no receipts list")
    return [parse_receipt(item) for item in body["receipts"]]


def parse_receipt(item: object) -> Receipt:
    if not isinstance(item, Mapping):
        raise ValueError("a receipt is not a JSON object")
    record_id, sequence = item.get("id"), item.get("sequence")
    code, reason = item.get("code"), item.get("reason")
    return Receipt(
        id=record_id if isinstance(record_id, str) else None,
        status=str(item.get("status")),
        sequence=sequence if isinstance(sequence, int) and not isinstance(sequence, bool) else None,
        code=str(code)[:32] if code is not None else None,
        reason=str(reason)[:500] if reason is not None else None,
    )


def receipt_for_put(record_id: str, status: int, body: object) -> Receipt | Failure:
    """What ``PUT /api/v1/records/{id}`` said about one record."""
    fields = body if isinstance(body, Mapping) else {}
    sequence = fields.get("sequence")
    sequence = sequence if isinstance(sequence, int) and not isinstance(sequence, bool) else None
    if status == 201:
        return Receipt(record_id, "stored", sequence=sequence)
    if status == 200:
        return Receipt(record_id, "duplicate", sequence=sequence)
    code = fields.get("code")
    if status == 409 or (400 <= status < 500 and code in REJECTION_CODES):
        reason = fields.get("reason")
        return Receipt(
            record_id,
            "rejected",
            code=str(code) if code in REJECTION_CODES else "conflict",
            reason=str(reason)[:500] if reason is not None else f"HTTP {status}",
        )
    # A 4xx without a known code is more likely a misconfigured proxy than a
    # bad record: keep the record rather than reject it on a guess.
    return Failure.TRANSIENT


def apply_receipts(batch: Sequence[OutboxRow], receipts: Sequence[Receipt]) -> list[Change]:
    """One change per batch row, in batch order.

    Receipts come one per record, in order; each is paired with its record by
    position when that agrees with every id given, otherwise by id alone (a
    receipt without an id then counts for nothing, and its record is retried).
    """
    changes: list[Change] = []
    for row, receipt in zip(batch, _pair(batch, receipts), strict=True):
        if receipt is None:
            changes.append(Retry(row.id, "no receipt for this record"))
        elif receipt.status in ("stored", "duplicate"):
            changes.append(Acknowledged(row.id, receipt.sequence))
        elif receipt.status == "rejected":
            code = receipt.code or "unspecified"
            changes.append(Rejected(row.id, code, receipt.reason or code))
        else:
            changes.append(Retry(row.id, f"unknown receipt status {receipt.status[:40]!r}"))
    return changes


def defer_all(batch: Sequence[OutboxRow], error: str) -> list[Change]:
    return [Deferred(row.id, error) for row in batch]


def _pair(batch: Sequence[OutboxRow], receipts: Sequence[Receipt]) -> list[Receipt | None]:
    in_order = len(receipts) == len(batch) and all(
        receipt.id in (None, row.id) for row, receipt in zip(batch, receipts, strict=True)
    )
    if in_order:
        return list(receipts)
    by_id = {receipt.id: receipt for receipt in receipts if receipt.id is not None}
    return [by_id.get(row.id) for row in batch]
