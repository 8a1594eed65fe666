"""The worker's loop: backoff through long outages, crash recovery, surviving
errors, waking on a new check, and a clean stop."""

from __future__ import annotations

import asyncio
import itertools
import logging
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from kiosk_app.settings import Settings
from kiosk_app.sync import outbox_store
from kiosk_app.sync.hub import SyncHub
from tests.conftest import make_settings
from tests.sync.conftest import T0, FakeClock, Seal, example_record
from tests.sync.fake_upstream import FakeUpstream, raises, status
from tests.sync.worker_kit import all_acknowledged, make_worker, run_until, states, until


async def test_outages_are_retried_with_capped_backoff_and_never_given_up(
    sync_settings: Settings, engine: Engine, upstream: FakeUpstream, seal: Seal
) -> None:
    ids = seal(2)
    upstream.faults = [
        status(500),
        status(503, {"code": "maintenance"}),
        status(429),
        raises(httpx.ConnectError),
        raises(httpx.ReadTimeout),
        raises(httpx.ReadError),  # connection reset
        raises(httpx.RemoteProtocolError),
        status(502),
        status(500),
        status(500),
        status(500),
    ]
    sleeps: list[float] = []
    worker = make_worker(sync_settings, engine, upstream, FakeClock(), sleeps)
    await run_until(worker, all_acknowledged(engine))
    # Doubling from 2 s, capped at 5 minutes; 11 failures, then success.
    assert sleeps[:11] == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert len(upstream.requests) == 12
    assert {i: upstream.receipts.count((i, "stored")) for i in ids} == dict.fromkeys(ids, 1)


async def test_after_an_outage_the_backlog_goes_in_completion_order(
    tmp_path: Path, keys_dir: Path, engine: Engine, upstream: FakeUpstream, seal: Seal
) -> None:
    # Two records per batch; the first batch fails three times while the
    # others wait untried. Jitter differs on every draw, as it does for real:
    # the queue waits as a whole, so no record overtakes an older one.
    ids = seal(5)
    settings = make_settings(tmp_path, keys_dir=keys_dir, sync_batch_size=2, sync_worker=False)
    upstream.faults = [raises(httpx.ConnectError), status(503), raises(httpx.ReadTimeout)]
    draws = itertools.cycle([0.9, 0.1, 0.6, 0.3, 0.75])
    worker = make_worker(settings, engine, upstream, FakeClock(), rand=lambda: next(draws))
    await run_until(worker, all_acknowledged(engine))
    assert list(upstream.stored) == ids
    assert [states(engine)[i][1] for i in ids] == [3, 3, 0, 0, 0]  # attempts that failed


async def test_records_left_sending_by_a_crash_go_again_at_start(
    sync_settings: Settings, engine: Engine, upstream: FakeUpstream, seal: Seal
) -> None:
    ids = seal()
    with Session(engine) as session:  # claimed, then the power went
        assert len(outbox_store.claim_batch(session=session, now=T0, limit=100)) == 3
    worker = make_worker(sync_settings, engine, upstream, FakeClock())
    assert (await worker.drain()).sent == 0  # a pass alone leaves them be
    await run_until(worker, all_acknowledged(engine))
    assert sorted(upstream.stored) == ids


async def test_a_failing_pass_backs_off_instead_of_spinning(
    tmp_path: Path, keys_dir: Path, engine: Engine, upstream: FakeUpstream, seal: Seal
) -> None:
    seal()
    broken = make_settings(tmp_path, keys_dir=keys_dir, upstream_ca_bundle=tmp_path / "gone.pem")
    sleeps: list[float] = []
    worker = make_worker(broken, engine, upstream, FakeClock(), sleeps)
    await run_until(worker, lambda: len(sleeps) >= 4)
    assert sleeps[:4] == [2, 4, 8, 16]
    assert upstream.requests == []


async def test_an_unexpected_error_is_logged_by_kind_only_and_survived(
    sync_settings: Settings,
    engine: Engine,
    upstream: FakeUpstream,
    seal: Seal,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    seal()
    real_claim = outbox_store.claim_batch
    calls: list[int] = []

    def flaky_claim(**kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE … [parameters: ('ZE3 9QX',)]", {}, Exception("locked"))
        return real_claim(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outbox_store, "claim_batch", flaky_claim)
    caplog.set_level(logging.DEBUG)
    worker = make_worker(sync_settings, engine, upstream, FakeClock())
    await run_until(worker, all_acknowledged(engine))
    assert "sync: pass failed: OperationalError" in caplog.text
    assert "ZE3" not in caplog.text


async def test_a_stored_check_wakes_the_worker(
    sync_settings: Settings, engine: Engine, upstream: FakeUpstream, seal: Seal
) -> None:
    hub = SyncHub(sync_settings, engine, transport=upstream.transport())
    hub.start()
    try:
        await until(lambda: hub.running)
        await asyncio.sleep(0.05)  # idle now, waiting up to sync_idle_poll_s (30 s)
        with engine.connect() as connection:
            record_id = hub.store_check(
                connection=connection, record=example_record(), completed_at=T0
            )
        await until(lambda: hub.health()["acknowledged"] == 1, timeout=5)
    finally:
        await hub.stop()
    assert not hub.running
    assert record_id in upstream.stored
