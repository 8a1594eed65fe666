"""A misbehaving network or upstream: 5xx and 429, replies past the timeout, connections
closed or reset before the request is forwarded, after, and in the middle of the reply.

A fault proxy process (tests/faults/fault_proxy.py) sits between a real kiosk
(``vital5 serve``) and a real upstream (``vital5 upstream serve``). The kiosk
is enrolled with the proxy's address. The proxy applies one fault per upload
from a fixed plan, then passes everything through. Afterwards: every check
is stored upstream exactly once, every kiosk row is acknowledged with the
upstream's sequence, and a reply that was lost after the upstream stored the
records led to a resend answered ``duplicate``.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.faults.driver import postcode_for
from tests.faults.procs import (
    Reaper,
    complete_check,
    drained,
    export_all,
    postcode_key,
    prepare_kiosk,
    prepare_upstream,
    start_proxy,
    wait_until,
)
from tests.sync.test_end_to_end import kiosk_rows

pytestmark = pytest.mark.faults

TIMEOUT_S = 1.0  # the kiosk's upload timeout (VITAL5_SYNC_TIMEOUT_S)
SLOW_S = 1.6  # how long a "slow" reply takes: past the timeout
# One upload per step; each fault a few times in a row ("for a while").
PLAN = [
    *["status_before:500"] * 2,
    "status_before:503",
    "status_before:429",
    *["status_after:500"] * 2,
    "status_after:502",
    "slow_before",
    *["slow_after"] * 2,
    "close_before",
    *["reset_before"] * 2,
    *["reset_after"] * 2,
    *["close_mid"] * 2,
    *["reset_mid"] * 2,
]
# Faults after which the upstream had already stored what it was sent.
STORED_FIRST = ("status_after", "slow_after", "reset_after", "close_mid", "reset_mid")
MIN_CHECKS, MAX_CHECKS = 20, 80


async def test_every_fault_then_no_loss_and_no_duplicates(tmp_path: Path, procs: Reaper) -> None:
    upstream = prepare_upstream(tmp_path / "upstream")
    upstream.start(procs)
    proxy = start_proxy(procs, tmp_path, upstream.port, plan=PLAN, slow_s=SLOW_S)
    kiosk = prepare_kiosk(
        tmp_path / "kiosk",
        proxy.url,
        upstream.info.public_key,
        sync_timeout_s=str(TIMEOUT_S),
        sync_backoff_base_s="0.05",
        sync_backoff_cap_s="0.3",
        sync_idle_poll_s="1",
    )
    upstream.register(kiosk.code)
    token = upstream.export_token()
    kiosk.start(procs)

    # Residents keep finishing checks until every fault has been served.
    started = time.monotonic()
    checks = 0
    async with httpx.AsyncClient(base_url=kiosk.url, trust_env=False, timeout=30) as client:
        while checks < MIN_CHECKS or len(proxy.entries()) < len(PLAN):
            assert checks < MAX_CHECKS, f"only {len(proxy.entries())} uploads in {checks} checks"
            await complete_check(client, checks)
            checks += 1
    figures = wait_until(lambda: drained(kiosk), 60, "the kiosk to drain")
    print(f"{checks} checks, {len(PLAN)} faults, drained in {time.monotonic() - started:.1f} s")

    # The kiosk: every record acknowledged, none rejected.
    assert figures["acknowledged"] == checks, figures
    assert figures["rejected"] == {}, figures
    rows = kiosk_rows(kiosk.database)
    assert len(rows) == checks
    assert all(state == "acknowledged" for _, state, _ in rows)
    # The upstream: each id stored exactly once, with the sequence the kiosk holds.
    stored = upstream.stored()
    assert len(stored) == len({record_id for record_id, _ in stored}) == checks
    assert dict(stored) == {record_id: sequence for record_id, _, sequence in rows}
    # Each resident's check, decrypted by the export API: once each, none missing.
    exported = Counter(e.postcode for e in export_all(upstream, token))
    assert exported == Counter(postcode_key(postcode_for(n)) for n in range(checks))

    # The proxy really served every fault, in order, each on a real upload …
    entries = proxy.entries()
    assert [entry["mode"] for entry in entries[: len(PLAN)]] == PLAN
    assert all(entry["ids"] for entry in entries)
    # … no upload was ever rejected …
    answers = [entry["upstream"] for entry in entries if isinstance(entry["upstream"], list)]
    assert all(status in ("stored", "duplicate") for answer in answers for status in answer)
    # … and whatever the upstream stored behind a lost reply was sent again
    # and acknowledged as a duplicate (the idempotent resend, end to end).
    stored_behind_a_fault = {
        record_id
        for entry in entries[: len(PLAN)]
        if str(entry["mode"]).startswith(STORED_FIRST) and isinstance(entry["upstream"], list)
        for record_id, status in zip(entry["ids"], entry["upstream"], strict=True)
        if status == "stored"
    }
    assert stored_behind_a_fault, "no fault hit a stored batch"
    answered_duplicate = {
        record_id
        for entry in entries
        if entry["mode"] == "pass" and isinstance(entry["upstream"], list)
        for record_id, status in zip(entry["ids"], entry["upstream"], strict=True)
        if status == "duplicate"
    }
    assert stored_behind_a_fault <= answered_duplicate
