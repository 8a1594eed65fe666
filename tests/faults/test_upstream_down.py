"""The upstream is down while residents finish checks; it comes back; the backlog drains.

Real processes: ``vital5 upstream serve`` (stopped, then started on the same
port and database) and ``vital5 serve`` (enrolled with ``vital5 enroll``);
the checks are walked over HTTP with a distinct postcode each.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.faults.driver import postcode_for
from tests.faults.procs import (
    KioskSide,
    Reaper,
    UpstreamSide,
    complete_check,
    drained,
    export_all,
    postcode_key,
    prepare_kiosk,
    prepare_upstream,
    wait_until,
)
from tests.sync.test_end_to_end import kiosk_rows

pytestmark = pytest.mark.faults

CHECKS = 30
# Fast retries so the test is short; the policy is the same as with the defaults.
FAST = {"sync_backoff_base_s": "0.05", "sync_backoff_cap_s": "0.5", "sync_idle_poll_s": "1"}
# Retries spread as they are with the defaults (2 s … 300 s), scaled down to 1 s … 4 s.
SPREAD = {"sync_backoff_base_s": "1", "sync_backoff_cap_s": "4", "sync_idle_poll_s": "1"}


@dataclass
class Outage:
    upstream: UpstreamSide
    kiosk: KioskSide
    drain_s: float


async def outage(tmp_path: Path, procs: Reaper, settings: dict[str, str]) -> Outage:
    """CHECKS checks with the upstream stopped; then it starts; returns once drained."""
    upstream = prepare_upstream(tmp_path / "upstream")
    kiosk = prepare_kiosk(tmp_path / "kiosk", upstream.url, upstream.info.public_key, **settings)
    upstream.register(kiosk.code)
    kiosk.start(procs)

    # The upstream is not running: every check is kept, sealed, and retried.
    async with httpx.AsyncClient(base_url=kiosk.url, trust_env=False, timeout=30) as client:
        for n in range(CHECKS):
            await complete_check(client, n)
    time.sleep(1.0)  # a few more failed passes, so every record has been tried
    down = kiosk.sync()
    # A batch may be in flight (sending) at the moment we look: both count.
    assert down["pending"] + down["sending"] == CHECKS, down
    assert down["acknowledged"] == 0, down
    assert "ConnectError" in str(down["last_error"]), down
    rows = kiosk_rows(kiosk.database)
    assert len(rows) == CHECKS
    assert {state for _, state, _ in rows} <= {"pending", "sending"}

    # It comes back on the same address: the backlog drains by itself.
    started = time.monotonic()
    upstream.start(procs)
    wait_until(lambda: drained(kiosk), 60, "the backlog to drain")
    return Outage(upstream, kiosk, time.monotonic() - started)


async def test_backlog_drains_after_the_upstream_comes_back(tmp_path: Path, procs: Reaper) -> None:
    run = await outage(tmp_path, procs, FAST)
    upstream, kiosk = run.upstream, run.kiosk
    print(f"backlog of {CHECKS} drained {run.drain_s:.2f} s after the upstream started")
    figures = kiosk.sync()
    assert figures["acknowledged"] == CHECKS, figures
    assert figures["rejected"] == {}, figures

    # Nothing lost, nothing twice: the same ids, each stored once, each
    # acknowledged with the sequence the upstream gave it.
    rows = kiosk_rows(kiosk.database)
    stored = upstream.stored()
    assert sorted(record_id for record_id, _ in stored) == sorted(i for i, _, _ in rows)
    assert len({record_id for record_id, _ in stored}) == len(stored) == CHECKS
    sequence_of = dict(stored)
    assert all(
        state == "acknowledged" and sequence == sequence_of[record_id]
        for record_id, state, sequence in rows
    )
    # And each resident's check, decrypted by the upstream's export, once.
    exported = export_all(upstream, upstream.export_token())
    assert sorted(e.postcode for e in exported) == sorted(
        postcode_key(postcode_for(n)) for n in range(CHECKS)
    )


async def test_backlog_drains_in_completion_order(tmp_path: Path, procs: Reaper) -> None:
    run = await outage(tmp_path, procs, SPREAD)
    in_sequence_order = [record_id for record_id, _ in run.upstream.stored()]
    in_completion_order = sorted(record_id for record_id, _, _ in kiosk_rows(run.kiosk.database))
    assert len(in_sequence_order) == CHECKS
    out_of_place = sum(a != b for a, b in zip(in_sequence_order, in_completion_order, strict=True))
    assert out_of_place == 0, f"{out_of_place} of {CHECKS} records out of completion order"
