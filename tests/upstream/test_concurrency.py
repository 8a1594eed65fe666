"""Several clients uploading at once: sequence numbers stay unique, increasing, gap-safe.

"Gap-safe" is what exporters need: a reader that pages by ``since`` while
batches are still arriving must see every record exactly once. That holds
only if sequence numbers become visible in order (upstream/store/db.py), so
a reader runs alongside the writers here, which upload through two instances
of the upstream sharing one database, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time

import httpx
from fastapi import FastAPI
from sqlalchemy import event
from sqlmodel import Session

from tests.upstream.conftest import counts, engine, enrol_kiosk
from tests.upstream.fake_kiosk import FakeKiosk
from upstream.ingest import Submitted
from upstream.main import create_app
from upstream.settings import UpstreamSettings
from upstream.store.records import records_since

KIOSKS = 4
BATCHES_EACH = 5
RECORDS_PER_BATCH = 10
TOTAL = KIOSKS * BATCHES_EACH * RECORDS_PER_BATCH


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://upstream.test"
    )


async def _upload(app: FastAPI, batches: list[list[dict[str, object]]]) -> list[list[int]]:
    sequences = []
    async with _client(app) as client:
        for batch in batches:
            response = await client.post("/api/v1/records:batch", json={"records": batch})
            receipts = response.json()["receipts"]
            assert {r["status"] for r in receipts} == {"stored"}
            sequences.append([r["sequence"] for r in receipts])
    return sequences


async def _follow(app: FastAPI, auth: dict[str, str], writers_done: asyncio.Event) -> list[str]:
    """Page through the export while records arrive, as an ICB's loader would."""
    seen: list[str] = []
    since = 0
    async with _client(app) as client:
        while True:
            finished = writers_done.is_set()
            response = await client.get(
                "/api/v1/export.ndjson", params={"since": since, "limit": 50}, headers=auth
            )
            lines = response.text.splitlines()
            seen.extend(json.loads(line)["id"] for line in lines)
            since = int(response.headers["X-Next-Since"])
            if finished and not lines:
                return seen
            await asyncio.sleep(0)


async def test_concurrent_batches_get_unique_increasing_sequences_and_a_reader_misses_none(
    upstream_app: FastAPI,
    upstream_settings: UpstreamSettings,
    upstream_public_key: bytes,
    export_auth: dict[str, str],
) -> None:
    # Two instances of the upstream on one database, as behind a load balancer.
    instances = [upstream_app, create_app(upstream_settings)]
    kiosks = [FakeKiosk(upstream_public_key) for _ in range(KIOSKS)]
    for kiosk in kiosks:
        enrol_kiosk(upstream_app, kiosk)
    work = [
        [[kiosk.record() for _ in range(RECORDS_PER_BATCH)] for _ in range(BATCHES_EACH)]
        for kiosk in kiosks
    ]
    writers_done = asyncio.Event()

    async def writers() -> list[list[list[int]]]:
        try:
            return await asyncio.gather(
                *(_upload(instances[i % 2], batches) for i, batches in enumerate(work))
            )
        finally:
            writers_done.set()

    per_kiosk, seen = await asyncio.gather(
        writers(), _follow(upstream_app, export_auth, writers_done)
    )

    every = [seq for batches in per_kiosk for batch in batches for seq in batch]
    assert len(every) == len(set(every)) == TOTAL
    for batches in per_kiosk:
        flat = [seq for batch in batches for seq in batch]
        assert flat == sorted(flat)  # one client's batches, in the order sent
    sent = [str(envelope["id"]) for batches in work for batch in batches for envelope in batch]
    assert sorted(seen) == sorted(sent)  # every record exactly once
    assert counts(upstream_app)["record"] == TOTAL
    engine(instances[1]).dispose()


def test_a_record_that_commits_late_is_not_stepped_over(
    upstream_app: FastAPI, kiosk: FakeKiosk
) -> None:
    """A holds sequence n open; B must not become visible with n + 1 before A commits.

    Without the ingest lock this fails on PostgreSQL: B commits at once and a
    reader paging by ``since`` moves past n for good.
    """
    state = upstream_app.state.upstream
    results: dict[str, int] = {}

    def submit(name: str) -> None:
        [receipt] = state.ingest.submit([Submitted(kiosk.record(), 3000)])
        assert receipt.sequence is not None
        results[name] = receipt.sequence

    def observe() -> None:
        with Session(state.engine) as session:
            visible = records_since(session=session, since=0, limit=10)
        results["visible"] = len(visible)
        results["highest"] = max((row.sequence or 0 for row in visible), default=0)

    thread_a = threading.Thread(target=submit, args=("a",))
    a_flushed, release_a = threading.Event(), threading.Event()

    def after_flush(_session: Session, _context: object) -> None:
        if threading.current_thread() is thread_a:
            a_flushed.set()

    def before_commit(_session: Session) -> None:
        if threading.current_thread() is thread_a:
            release_a.wait(timeout=10)

    event.listen(Session, "after_flush", after_flush)
    event.listen(Session, "before_commit", before_commit)
    try:
        thread_a.start()
        assert a_flushed.wait(timeout=10)  # A has its number, not yet committed
        thread_b = threading.Thread(target=submit, args=("b",))
        thread_b.start()
        time.sleep(0.3)  # without the ingest lock, B would commit now
        reader = threading.Thread(target=observe)
        reader.start()
        reader.join(timeout=0.5)  # SQLite: the reader waits for A (one writer at a time)
        release_a.set()
        for thread in (thread_a, thread_b, reader):
            thread.join(timeout=10)
    finally:
        event.remove(Session, "after_flush", after_flush)
        event.remove(Session, "before_commit", before_commit)

    assert results["a"] < results["b"]
    # What the reader saw was a gap-free prefix: never B without A.
    assert results["highest"] == results["visible"]
