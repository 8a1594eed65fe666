"""Outbox policy: tables and properties, no I/O (kiosk_app/sync/outbox.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_app.sync.outbox import (
    MAX_BATCH_RECORDS,
    Acknowledged,
    Deferred,
    Failure,
    OutboxRow,
    Receipt,
    Rejected,
    Retry,
    apply_receipts,
    backoff_for,
    classify_status,
    defer_all,
    next_batch,
    parse_receipts,
    receipt_for_put,
)
from tests.sync.conftest import T0

BASE, CAP = 2.0, 300.0


def row(n: int, *, wait_s: float | None = None, size: int = 3000) -> OutboxRow:
    due = None if wait_s is None else T0 + timedelta(seconds=wait_s)
    return OutboxRow(
        id=f"0193f3c2-0000-7000-8000-{n:012d}", attempts=0, next_attempt_at=due, size=size
    )


# -- backoff ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "ceiling"),
    [(0, 0.0), (1, 2.0), (2, 4.0), (3, 8.0), (8, 256.0), (9, 300.0), (50, 300.0), (10**6, 300.0)],
)
def test_backoff_ceiling(attempt: int, ceiling: float) -> None:
    assert backoff_for(attempt, base=BASE, cap=CAP, rand=lambda: 1.0) == ceiling
    assert backoff_for(attempt, base=BASE, cap=CAP, rand=lambda: 0.0) == 0.0


def test_first_retry_comes_within_about_two_seconds() -> None:
    assert backoff_for(1, base=BASE, cap=CAP, rand=lambda: 0.999) < 2.0


@given(
    attempt=st.integers(min_value=1, max_value=10**9),
    base=st.floats(min_value=0.01, max_value=60),
    cap=st.floats(min_value=60, max_value=3600),
    rand=st.floats(min_value=0.0, max_value=1.0),
)
def test_backoff_is_full_jitter_within_bounds(
    attempt: int, base: float, cap: float, rand: float
) -> None:
    delay = backoff_for(attempt, base=base, cap=cap, rand=lambda: rand)
    assert 0.0 <= delay <= min(cap, base * 2.0 ** min(attempt - 1, 64))
    assert delay <= cap


@given(
    attempt=st.integers(min_value=1, max_value=10_000),
    base=st.floats(min_value=0.01, max_value=60),
    cap=st.floats(min_value=60, max_value=3600),
)
def test_backoff_ceiling_grows_monotonically_to_the_cap(
    attempt: int, base: float, cap: float
) -> None:
    def ceiling(n: int) -> float:
        return backoff_for(n, base=base, cap=cap, rand=lambda: 1.0)

    assert ceiling(attempt) <= ceiling(attempt + 1) <= cap
    assert ceiling(attempt + 64) == cap  # reached within 64 doublings and held


@given(st.floats())
def test_a_broken_random_source_cannot_escape_the_bounds(rand: float) -> None:
    assert 0.0 <= backoff_for(3, base=BASE, cap=CAP, rand=lambda: rand) <= 8.0


# -- choosing a batch ---------------------------------------------------------


def test_batch_is_due_rows_in_id_order() -> None:
    rows = [row(3), row(1, wait_s=60), row(2), row(0, wait_s=-1)]
    assert [r.id[-1] for r in next_batch(rows, T0, limit=10)] == ["0", "2", "3"]


def test_a_row_waiting_to_retry_does_not_hold_back_the_rest() -> None:
    rows = [row(1, wait_s=300), *(row(n) for n in range(2, 5))]
    assert [r.id[-1] for r in next_batch(rows, T0, limit=10)] == ["2", "3", "4"]
    assert next_batch(rows, T0 + timedelta(seconds=300), limit=1)[0].id.endswith("1")


def test_batch_limits_records_and_bytes() -> None:
    rows = [row(n) for n in range(250)]
    assert len(next_batch(rows, T0, limit=250)) == MAX_BATCH_RECORDS
    assert len(next_batch(rows, T0, limit=7)) == 7
    assert len(next_batch(rows, T0, limit=100, max_bytes=10_000)) == 3
    # One oversized record still goes (alone) and is rejected upstream, not stuck.
    assert len(next_batch([row(1, size=10**7), row(2)], T0, max_bytes=10_000)) == 1


def test_nothing_due_gives_an_empty_batch() -> None:
    assert next_batch([row(1, wait_s=5)], T0) == []
    assert next_batch([], T0) == []


@given(
    waits=st.lists(st.one_of(st.none(), st.integers(-100, 100)), max_size=150),
    limit=st.integers(1, 150),
)
def test_batch_properties(waits: list[int | None], limit: int) -> None:
    rows = [row(n, wait_s=w) for n, w in enumerate(waits)]
    batch = next_batch(rows, T0, limit=limit)
    assert len(batch) <= min(limit, MAX_BATCH_RECORDS)
    assert [r.id for r in batch] == sorted(r.id for r in batch)
    assert all(r.next_attempt_at is None or r.next_attempt_at <= T0 for r in batch)
    due = sorted(r.id for r in rows if r.next_attempt_at is None or r.next_attempt_at <= T0)
    assert [r.id for r in batch] == due[: len(batch)]  # a prefix: nothing due is skipped


# -- replies ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "failure"),
    [
        (200, None),
        (400, Failure.REFUSED),
        (413, Failure.REFUSED),
        (429, Failure.TRANSIENT),
        (500, Failure.TRANSIENT),
        (502, Failure.TRANSIENT),
        (503, Failure.TRANSIENT),
        (504, Failure.TRANSIENT),
        # Not in the protocol: a proxy or a misconfiguration. Keep the records.
        (401, Failure.TRANSIENT),
        (404, Failure.TRANSIENT),
        (301, Failure.TRANSIENT),
        (201, Failure.TRANSIENT),
    ],
)
def test_batch_status_classification(status: int, failure: Failure | None) -> None:
    assert classify_status(status) is failure


def test_receipts_become_state_changes() -> None:
    batch = [row(n) for n in range(5)]
    receipts = [
        Receipt(batch[0].id, "stored", sequence=1041),
        Receipt(batch[1].id, "duplicate", sequence=977),
        Receipt(batch[2].id, "rejected", code="bad_signature", reason="does not match"),
        Receipt(batch[4].id, "mystery"),
    ]  # nothing for batch[3]
    assert apply_receipts(batch, receipts) == [
        Acknowledged(batch[0].id, 1041),
        Acknowledged(batch[1].id, 977),
        Rejected(batch[2].id, "bad_signature", "does not match"),
        Retry(batch[3].id, "no receipt for this record"),
        Retry(batch[4].id, "unknown receipt status 'mystery'"),
    ]


def test_a_failed_batch_is_deferred_record_by_record() -> None:
    batch = [row(n) for n in range(3)]
    assert defer_all(batch, "HTTP 503") == [Deferred(r.id, "HTTP 503") for r in batch]
    assert defer_all([], "HTTP 503") == []


def test_receipts_pair_by_position_when_ids_are_missing_and_by_id_when_shuffled() -> None:
    batch = [row(n) for n in range(3)]
    unreadable = Receipt(None, "rejected", code="malformed", reason="no id")
    in_order = [Receipt(batch[0].id, "stored", 1), unreadable, Receipt(batch[2].id, "stored", 2)]
    assert isinstance(apply_receipts(batch, in_order)[1], Rejected)
    shuffled = [Receipt(batch[2].id, "stored", 2), Receipt(batch[0].id, "stored", 1)]
    assert apply_receipts(batch, shuffled) == [
        Acknowledged(batch[0].id, 1),
        Retry(batch[1].id, "no receipt for this record"),
        Acknowledged(batch[2].id, 2),
    ]


def test_receipts_from_json() -> None:
    body = {
        "receipts": [
            {"id": "a", "status": "stored", "sequence": 1041},
            {"id": "b", "status": "rejected", "code": "conflict", "reason": "different content"},
            {"id": None, "status": "rejected", "code": "malformed"},
            {"id": "c", "status": "duplicate", "sequence": True},  # a bool is not a sequence
        ]
    }
    assert parse_receipts(body) == [
        Receipt("a", "stored", sequence=1041),
        Receipt("b", "rejected", code="conflict", reason="different content"),
        Receipt(None, "rejected", code="malformed"),
        Receipt("c", "duplicate"),
    ]
    bad: object
    for bad in (None, [], {"receipts": {}}, {"receipts": ["x"]}):
        with pytest.raises(ValueError, match="receipt"):
            parse_receipts(bad)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (201, {"sequence": 5}, Receipt("r", "stored", sequence=5)),
        (200, {"sequence": 4}, Receipt("r", "duplicate", sequence=4)),
        (
            409,
            {"code": "conflict", "reason": "differs"},
            Receipt("r", "rejected", None, "conflict", "differs"),
        ),
        (409, None, Receipt("r", "rejected", None, "conflict", "HTTP 409")),
        (
            400,
            {"code": "malformed", "reason": "bad"},
            Receipt("r", "rejected", None, "malformed", "bad"),
        ),
        (
            403,
            {"code": "revoked_device", "reason": "r"},
            Receipt("r", "rejected", None, "revoked_device", "r"),
        ),
        (
            413,
            {"code": "too_large", "reason": "big"},
            Receipt("r", "rejected", None, "too_large", "big"),
        ),
        (403, {"detail": "forbidden"}, Failure.TRANSIENT),  # no protocol code: a proxy?
        (404, None, Failure.TRANSIENT),
        (429, {"code": "slow_down"}, Failure.TRANSIENT),
        (503, None, Failure.TRANSIENT),
    ],
)
def test_single_record_put_replies(status: int, body: object, expected: Receipt | Failure) -> None:
    assert receipt_for_put("r", status, body) == expected
