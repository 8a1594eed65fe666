"""Benchmark 4 (issue #4): draining queued sealed records to the upstream, batched vs one by one.

Subject: the kiosk's sync worker (``SyncWorker.drain()``, the pass ``vital5
sync now`` runs) drains a queue of sealed records from a kiosk database:
claim up to 100, ``POST /api/v1/records:batch``, record every receipt, repeat.
Baseline: the same checks, sealed the same way, sent one per request with
the kiosk's own client (``PUT /api/v1/records/{id}``, ``client.put_one``),
nothing written on the kiosk side.

Both go to one real upstream process (``vital5 upstream serve`` on a free
loopback port, SQLite in a temporary directory, keys from ``vital5 upstream
keygen``, the kiosk registered with ``vital5 upstream devices add``), in
rounds that alternate which side goes first. Every record is new to the
upstream: an id can only be stored once, so each round seals twice as many
checks (the same content, consecutive completion times) and deals them out
alternately to the two sides. Sealing is done up front and not timed, with
the kiosk's own code (``outbox_store.check_plaintext`` and the enrolled
``Sealer``, as ``store_sealed_check`` does); the worker's share of each round
goes into a throwaway kiosk database. Target: batched ÷ one by one ≥ 2
(records/s).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert
from sqlmodel import Session

from bench._kiosk import bench_settings
from bench._processes import UpstreamProcess
from bench._result import BenchResult, Spread
from kiosk_app.domain.codec import answers_from_json, answers_to_json, result_to_json
from kiosk_app.domain.vital5 import score_check
from kiosk_app.settings import PROJECT_ROOT, Settings
from kiosk_app.store import migrate
from kiosk_app.store.db import make_engine
from kiosk_app.store.ids import uuid7
from kiosk_app.store.tables import CheckMeta, CheckRecord, CheckRecordBase, SyncState
from kiosk_app.sync import client as upstream_client
from kiosk_app.sync import outbox_store
from kiosk_app.sync.crypto import Sealer
from kiosk_app.sync.enrolment import EnrolmentCache, enroll
from kiosk_app.sync.worker import SyncWorker

NAME = "drain_batch_vs_put"
TARGET_RATIO = 2.0
# The brief's figure: 10,000 records each way; fewer and the target is not judged.
JUDGED_RECORDS = 10_000
SITE = "bench-site"


def _example_check() -> CheckRecordBase:
    """docs/examples/answers.json, scored, as the kiosk's submit route stores it."""
    raw = json.loads((PROJECT_ROOT / "docs" / "examples" / "answers.json").read_text())
    answers = answers_from_json(raw)
    return CheckRecordBase(
        site_id=SITE,
        mode="kiosk",
        form_id="vital5",
        form_version=1,
        answers_json=json.dumps(answers_to_json(answers)),
        result_json=json.dumps(result_to_json(score_check(answers))),
    )


def _sealed_rows(sealer: Sealer, count: int, start: datetime) -> list[dict[str, object]]:
    """``count`` check_record rows as ``outbox_store.store_sealed_check`` writes them.

    The same steps (a UUIDv7 from the completion time, ``check_plaintext``,
    the kiosk's ``Sealer``, no plaintext columns), without a commit per row.
    """
    record = _example_check()
    meta = record.model_dump(include=set(CheckMeta.model_fields))
    now = datetime.now(UTC)
    rows: list[dict[str, object]] = []
    for i in range(count):
        completed_at = start + timedelta(milliseconds=i)
        record_id = str(uuid7(int(completed_at.timestamp() * 1000)))
        plaintext = outbox_store.check_plaintext(
            record_id=record_id,
            completed_at=completed_at,
            meta=record,
            answers_json=record.answers_json,
            result_json=record.result_json,
        )
        rows.append(
            meta
            | {
                "id": record_id,
                "completed_at": completed_at,
                "envelope": sealer.seal(record_id, plaintext, now),
                "sync_state": SyncState.PENDING.value,
            }
        )
    return rows


@dataclass(frozen=True)
class Queue:
    """One round's records for the worker: a throwaway kiosk database and its settings."""

    settings: Settings
    database: Path


def _queue(directory: Path, keys_dir: Path, rows: list[dict[str, object]]) -> Queue:
    directory.mkdir(parents=True)
    settings = bench_settings(directory, keys_dir=keys_dir)
    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            session.execute(insert(CheckRecord), rows)
            session.commit()
    finally:
        engine.dispose()
    return Queue(settings, directory / "kiosk.sqlite3")


def _acknowledged(queue: Queue) -> int:
    with closing(sqlite3.connect(queue.database)) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM check_record WHERE sync_state = 'acknowledged'"
        ).fetchone()
    return int(count)


class _TimedTransport(httpx.AsyncBaseTransport):
    """httpx's own transport, timing each request from sent to reply headers."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.waited_s = 0.0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        try:
            return await self._inner.handle_async_request(request)
        finally:
            self.waited_s += time.perf_counter() - started

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass(frozen=True)
class Timing:
    total_s: float
    waited_s: float  # of which waiting for the upstream's replies


async def _drain(queue: Queue) -> Timing:
    """The worker draining the queue (its client made beforehand, untimed)."""
    engine = make_engine(queue.settings.database_url)
    transport = _TimedTransport()
    worker = SyncWorker(
        queue.settings, engine, EnrolmentCache(queue.settings.keys_dir), transport=transport
    )
    try:
        # Untimed: a pass with nothing due makes the client; then all is due.
        with Session(engine) as session:
            session.connection().exec_driver_sql(
                "UPDATE check_record SET next_attempt_at = '9999-01-01 00:00:00'"
            )
            session.commit()
        warm = await worker.drain()
        with Session(engine) as session:
            session.connection().exec_driver_sql("UPDATE check_record SET next_attempt_at = NULL")
            session.commit()
        if warm.error is not None or warm.sent:
            raise RuntimeError(f"the warm-up pass did something: {warm.summary()}")
        started = time.perf_counter()
        outcome = await worker.drain()
        elapsed = time.perf_counter() - started
    finally:
        await worker.aclose()
        engine.dispose()
    if outcome.error is not None or outcome.rejected or outcome.retrying:
        raise RuntimeError(f"the worker's drain failed: {outcome.summary()}")
    return Timing(elapsed, transport.waited_s)


async def _put_each(settings: Settings, envelopes: list[tuple[str, str]]) -> Timing:
    """PUT every envelope, one request each, with the kiosk's client."""
    transport = _TimedTransport()
    client = upstream_client.make_client(settings, transport)
    try:
        started = time.perf_counter()
        for record_id, envelope in envelopes:
            receipt = await upstream_client.put_one(client, record_id, envelope)
            if receipt.status != "stored":
                raise RuntimeError(f"PUT {record_id}: {receipt.status} {receipt.code or ''}")
        return Timing(time.perf_counter() - started, transport.waited_s)
    finally:
        await client.aclose()


async def _measure(
    directory: Path, upstream: UpstreamProcess, rounds: int, per_round: int, warmup_rounds: int
) -> BenchResult:
    keys_dir = directory / "keys"
    public_key = upstream.keygen()
    enrolment = enroll(
        keys_dir, upstream_url=upstream.url, upstream_public_key=public_key, now=datetime.now(UTC)
    )
    upstream.command("migrate")
    upstream.command("devices", "add", enrolment.code, "--site", SITE)
    upstream.start()

    # Untimed: every round's records, for both sides, sealed up front.
    prepared = time.perf_counter()
    enrolled = EnrolmentCache(keys_dir).current()
    if enrolled is None:
        raise RuntimeError("the bench kiosk is not enrolled")
    start = datetime.now(UTC) - timedelta(days=1)
    plans: list[tuple[Queue, list[tuple[str, str]]]] = []
    for round_no in range(warmup_rounds + rounds):
        rows = _sealed_rows(enrolled.sealer, 2 * per_round, start + timedelta(hours=round_no))
        # Alternate rows to each side: the same checks, interleaved in time.
        subject = _queue(directory / f"round-{round_no}", keys_dir, rows[0::2])
        envelopes = [(str(row["id"]), str(row["envelope"])) for row in rows[1::2]]
        plans.append((subject, envelopes))
    prepare_s = time.perf_counter() - prepared
    envelope_bytes = sum(len(envelope) for _, envelope in plans[0][1]) / per_round

    batched: list[float] = []
    single: list[float] = []
    ratios: list[float] = []
    drains: list[Timing] = []
    puts: list[Timing] = []
    for round_no, (subject, envelopes) in enumerate(plans):
        if round_no % 2 == 0:
            drain = await _drain(subject)
            put = await _put_each(subject.settings, envelopes)
        else:
            put = await _put_each(subject.settings, envelopes)
            drain = await _drain(subject)
        if _acknowledged(subject) != per_round:
            raise RuntimeError(f"round {round_no}: not every record was acknowledged")
        if round_no < warmup_rounds:
            continue
        batched.append(per_round / drain.total_s)
        single.append(per_round / put.total_s)
        ratios.append(put.total_s / drain.total_s)
        drains.append(drain)
        puts.append(put)

    total = (warmup_rounds + rounds) * per_round
    if upstream.stored() != 2 * total:
        raise RuntimeError(f"the upstream holds {upstream.stored()} records, not {2 * total}")
    ratio = Spread.of(ratios)
    counted = rounds * per_round
    return BenchResult(
        name=NAME,
        unit="records/s",
        baseline_label="PUT one per request",
        subject_label="worker, batches of 100",
        baseline=Spread.of(single),
        subject=Spread.of(batched),
        ratio=ratio,
        target=f"ratio ≥ {TARGET_RATIO:g}",
        target_met=ratio.median >= TARGET_RATIO if counted >= JUDGED_RECORDS else None,
        notes={
            "records": f"{counted} each way in {rounds} interleaved rounds of {per_round} "
            f"(+{warmup_rounds} warm-up round{'s' * (warmup_rounds != 1)}); "
            f"envelopes {envelope_bytes / 1024:.1f} KiB",
            "overall": f"batched {counted / _sum(drains):.0f} records/s, "
            f"one by one {counted / _sum(puts):.0f} records/s",
            "waiting for the upstream's replies": f"batched {_waited(drains)}, "
            f"one by one {_waited(puts)} of the time (the rest is the kiosk's side: "
            "claims, receipts written, the client)",
            "server": "vital5 upstream serve (1 worker, SQLite) on 127.0.0.1",
            "untimed preparation": f"{2 * total} records sealed in {prepare_s:.1f} s",
        },
    )


def _sum(timings: list[Timing]) -> float:
    return sum(t.total_s for t in timings)


def _waited(timings: list[Timing]) -> str:
    return f"{sum(t.waited_s for t in timings) / _sum(timings):.0%}"


def run(rounds: int = 5, per_round: int = 2000, warmup_rounds: int = 1) -> BenchResult:
    """Start an upstream, drain ``rounds × per_round`` records each way, stop it."""
    if rounds < 1 or per_round < 1 or warmup_rounds < 0:
        raise ValueError("rounds and per_round must be ≥ 1, warmup_rounds ≥ 0")
    with tempfile.TemporaryDirectory(prefix="vital5-bench-") as tmp:
        upstream = UpstreamProcess(Path(tmp))
        try:
            return asyncio.run(_measure(Path(tmp), upstream, rounds, per_round, warmup_rounds))
        finally:
            upstream.stop()
