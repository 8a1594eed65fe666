"""The kiosk process SIGKILLed at random moments while residents finish checks and the
worker uploads them, then restarted on the same SQLite file and keys, 50 times.

- A driver process (tests/faults/driver.py) walks checks over HTTP, one after
  another, each with its own postcode, and reports every check whose results
  page was shown (``GET /results`` answered 200).
- The kiosk (``vital5 serve``; restarts through tests/faults/standby.py, the
  same command with its imports done ahead) uploads through a fault proxy
  that holds each reply back 20–250 ms after the upstream stored the batch,
  so that kills often land between "stored upstream" and "acknowledged on
  the kiosk".
- Kill moments come from a seeded schedule: while the kiosk starts, at a
  random moment while it runs, or just after the driver submits a check.
  The seed is printed, and given with any failure; ``FAULTS_SEED=N`` repeats
  the schedule (the timing of the other processes still varies), and
  ``FAULTS_KILLS=N`` changes the number of kills.

At the end the kiosk runs until its outbox is empty, and the upstream's
export (decrypted, with an export token) must hold every shown check exactly
once, nothing twice, and nothing that was not a check the driver began.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

from tests.faults.driver import postcode_for
from tests.faults.procs import (
    HERE,
    KioskSide,
    Reaper,
    UpstreamSide,
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

KILLS = int(os.environ.get("FAULTS_KILLS", "50"))
STARTING, RUNNING = "starting", "running"
AFTER_SUBMIT, AFTER_SHOWN = "after_submit", "after_shown"


@dataclass(frozen=True)
class Kill:
    kind: str
    delay_s: float


def kill_schedule(seed: int, kills: int) -> list[Kill]:
    """When to kill, for each restart: a pure function of the seed."""
    rng = random.Random(seed)
    schedule = []
    for _ in range(kills):
        roll = rng.random()
        if roll < 0.1:  # during start-up: from "go" on (migrations, recovery, first pass)
            schedule.append(Kill(STARTING, rng.uniform(0.0, 1.5)))
        elif roll < 0.4:  # around a completion: the submit, its commit, the results page
            schedule.append(Kill(AFTER_SUBMIT, rng.uniform(0.0, 0.1)))
        elif roll < 0.7:  # results shown: its upload (the proxy holds replies 20–250 ms)
            schedule.append(Kill(AFTER_SHOWN, rng.uniform(0.0, 0.3)))
        else:  # anywhere while residents use it and the worker uploads
            schedule.append(Kill(RUNNING, rng.uniform(0.05, 1.0)))
    return schedule


class Events:
    """The driver's JSON lines, read by a thread as they come."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.items: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        try:
            for raw in stream:
                with self._changed:
                    self.items.append(json.loads(raw))
                    self._changed.notify_all()
        except (OSError, ValueError):  # the pipe closed under us at teardown
            return

    def wait_for(self, event: str, after: int, timeout: float) -> bool:
        """Wait for an ``event`` at index ≥ ``after``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not any(e["e"] == event for e in self.items[after:]):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def numbers(self, event: str) -> list[int]:
        return [int(e["n"]) for e in self.items if e["e"] == event]


@dataclass
class KillStats:
    kinds: Counter[str]
    while_sending: int = 0  # an upload was in flight (rows left "sending")
    stored_not_acknowledged: int = 0  # … and the upstream had already stored some of it
    pending_at_kill: int = 0  # records sealed but not yet acknowledged, summed over kills
    restart_s: list[float] = field(default_factory=list)  # "go" to /healthz answering


def observe_kill(kiosk: KioskSide, upstream: UpstreamSide, stats: KillStats) -> None:
    """What the killed kiosk left behind (read from its database, the process is gone)."""
    with closing(sqlite3.connect(kiosk.database)) as db:
        sending = [
            str(i)
            for (i,) in db.execute("SELECT id FROM check_record WHERE sync_state = 'sending'")
        ]
        (pending,) = db.execute(
            "SELECT count(*) FROM check_record WHERE sync_state IN ('pending', 'sending')"
        ).fetchone()
    stats.pending_at_kill += int(pending)
    if sending:
        stats.while_sending += 1
        if set(sending) & {record_id for record_id, _ in upstream.stored()}:
            stats.stored_not_acknowledged += 1


def test_sigkill_during_completion_and_upload(tmp_path: Path, procs: Reaper) -> None:
    seed = int(os.environ.get("FAULTS_SEED") or secrets.randbelow(2**32))
    note = f"FAULTS_SEED={seed} FAULTS_KILLS={KILLS} reproduces this kill schedule"
    print(note)
    try:
        run(tmp_path, procs, seed)
    except BaseException as error:
        error.add_note(note)
        raise


def run(tmp_path: Path, procs: Reaper, seed: int) -> None:
    schedule = kill_schedule(seed, KILLS)
    started = time.monotonic()
    upstream = prepare_upstream(tmp_path / "upstream")
    upstream.start(procs)
    proxy = start_proxy(
        procs, tmp_path, upstream.port, then="delay_after", delay=(0.02, 0.25), seed=seed
    )
    kiosk = prepare_kiosk(
        tmp_path / "kiosk",
        proxy.url,
        upstream.info.public_key,
        sync_timeout_s="5",
        sync_backoff_base_s="0.05",
        sync_backoff_cap_s="0.5",
        sync_idle_poll_s="1",
    )
    upstream.register(kiosk.code)
    token = upstream.export_token()
    kiosk.start(procs)
    kiosk.prepare_standby(procs)

    stop_file = tmp_path / "stop-driver"
    driver = procs.spawn(
        [
            sys.executable,
            str(HERE / "driver.py"),
            "--url",
            kiosk.url,
            "--stop-file",
            str(stop_file),
            "--deadline-s",
            "1200",
        ],
        log=tmp_path / "driver.log",
        env={"PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
    )
    assert driver.stdout is not None
    events = Events(driver.stdout)

    stats = KillStats(kinds=Counter(kill.kind for kill in schedule))
    went = time.monotonic()
    for number, kill in enumerate(schedule):
        assert kiosk.popen is not None
        if kill.kind == STARTING:
            time.sleep(max(0.0, went + kill.delay_s - time.monotonic()))
        else:
            wait_until(kiosk.ready, 60, f"kiosk run {kiosk.runs} to answer", step=0.01)
            if kiosk.runs > 1:
                stats.restart_s.append(time.monotonic() - went)
            if kill.kind in (AFTER_SUBMIT, AFTER_SHOWN):
                events.wait_for(kill.kind.removeprefix("after_"), len(events.items), timeout=15)
            time.sleep(kill.delay_s)
        procs.kill(kiosk.popen)
        assert kiosk.popen.returncode == -9, f"kill {number}: exit {kiosk.popen.returncode}"
        observe_kill(kiosk, upstream, stats)
        restarts_left = len(schedule) - 1 - number
        if restarts_left:
            kiosk.go()
            went = time.monotonic()
            kiosk.prepare_standby(procs, ahead=min(2, restarts_left - 1))
    killing_s = time.monotonic() - started

    # The last run: `vital5 serve` until everything is acknowledged.
    kiosk.dismiss_standbys()
    kiosk.start(procs)
    stop_file.touch()
    driver.wait(timeout=60)
    events.join(timeout=10)
    figures = wait_until(lambda: drained(kiosk), 120, "the kiosk to drain")
    assert figures["rejected"] == {}, figures

    begun, shown = events.numbers("begin"), events.numbers("shown")
    lost = [e for e in events.items if e["e"] == "lost"]
    number_of = {postcode_key(postcode_for(n)): n for n in begun}
    exported = Counter(e.postcode for e in export_all(upstream, token))
    rows = kiosk_rows(kiosk.database)
    stored = upstream.stored()
    print(
        f"{KILLS} kills ({dict(stats.kinds)}) in {killing_s:.0f} s over {kiosk.runs} kiosk runs; "
        f"{len(begun)} checks begun, {len(shown)} shown, {len(lost)} lost "
        f"({dict(Counter(e['stage'] for e in lost))}); {len(stored)} stored upstream; "
        f"kills with an upload in flight: {stats.while_sending}, "
        f"of which the upstream had stored records not yet acknowledged: "
        f"{stats.stored_not_acknowledged}; unacknowledged records at kills: "
        f"{stats.pending_at_kill}; restart to /healthz: median "
        f"{statistics.median(stats.restart_s or [0.0]):.2f} s"
    )

    # Every check whose results were shown arrived exactly once …
    assert shown, "no check was completed"
    missing = [n for n in shown if exported[postcode_key(postcode_for(n))] == 0]
    assert not missing, f"shown but never arrived: {missing}"
    # … nothing arrived twice …
    twice = {postcode: count for postcode, count in exported.items() if count > 1}
    assert not twice, f"arrived more than once: {twice}"
    # … and nothing arrived that the driver did not submit (a check killed
    # after its commit but before its results may arrive: it is stored).
    assert set(exported) <= set(number_of), set(exported) - set(number_of)
    submitted = set(events.numbers("submit"))
    assert {number_of[postcode] for postcode in exported} <= submitted
    # The kiosk and the upstream agree, row for row.
    assert len(rows) == len(exported) == len(stored) == len({i for i, _ in stored})
    assert dict(stored) == {record_id: sequence for record_id, _, sequence in rows}
    assert all(state == "acknowledged" for _, state, _ in rows)
    # The run did what it claims: kills hit checks in progress and uploads in flight.
    assert kiosk.runs == KILLS + 1
    assert len(lost) >= KILLS // 4, "too few kills interrupted a check"
    assert stats.while_sending >= 1, "no kill interrupted an upload"
