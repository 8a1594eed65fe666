"""Helpers for the worker tests: a worker on a fake clock, row states, waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import Engine, text

from kiosk_app.settings import Settings
from kiosk_app.store.tables import SyncState
from kiosk_app.sync.enrolment import EnrolmentCache
from kiosk_app.sync.worker import SyncWorker
from tests.sync.conftest import FakeClock
from tests.sync.fake_upstream import FakeUpstream


def make_worker(
    settings: Settings,
    engine: Engine,
    upstream: FakeUpstream,
    clock: FakeClock,
    sleeps: list[float] | None = None,
    rand: Callable[[], float] = lambda: 1.0,  # the top of the jitter range: delays are exact
) -> SyncWorker:
    async def sleep(delay: float) -> None:
        if sleeps is not None:
            sleeps.append(delay)
        clock.advance(delay)
        await asyncio.sleep(0.001)

    return SyncWorker(
        settings,
        engine,
        EnrolmentCache(settings.keys_dir),
        transport=upstream.transport(),
        clock=clock,
        sleep=sleep,
        rand=rand,
    )


def states(engine: Engine) -> dict[str, tuple[str, int, str | None]]:
    with engine.connect() as db:
        rows = db.execute(
            text("SELECT id, sync_state, attempts, rejected_code FROM check_record ORDER BY id")
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out waiting")


async def run_until(worker: SyncWorker, predicate: Callable[[], bool]) -> None:
    """Run the worker's forever loop until ``predicate`` holds, then stop and close it."""
    task = asyncio.create_task(worker.run())
    try:
        await until(predicate)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await worker.aclose()


def all_acknowledged(engine: Engine) -> Callable[[], bool]:
    return lambda: all(s == SyncState.ACKNOWLEDGED for s, _, _ in states(engine).values())
