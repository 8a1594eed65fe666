"""Benchmark 1 (issue #2): the server cost of submitting a check, against the floor.

Subject: ``POST /submit`` (assemble, score, durable SQLite insert) and then
``GET /results`` (render the results page) for a session already at the
review page. Baseline: ``POST /_bench/floor`` (one durable insert on the same
engine and pragmas) and then ``GET /_bench/floor`` (a trivial template), in
the same app and process. The floor follows the same post-redirect-get
pattern as the real submit, which a kiosk needs (Back and refresh must never
submit twice): so the ratio compares the work each side does, not the number
of HTTP round trips.

The app runs in this process behind ``httpx.ASGITransport``; a
:class:`~bench._kiosk.ServerTimer` around the app times the server side of
each request only. Each round first walks ``per_round`` fresh sessions up to
the review page (untimed), then times one submit+results and one floor call
per session, alternating which goes first. Target: median ratio ≤ 2.
"""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import statistics
import tempfile
import time
from contextlib import closing
from pathlib import Path

import httpx

from bench._kiosk import ServerTimer, bench_settings
from bench._result import BenchResult, Spread
from kiosk_app import synthetic
from kiosk_app.main import create_app

NAME = "submit_vs_floor"
TARGET_RATIO = 2.0
# Fewer rounds than this and the verdict would be a coin toss on a noisy box.
MIN_JUDGED_ROUNDS = 5
BASE_URL = "http://kiosk.bench"


def _client(app: ServerTimer) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)


async def _subject(client: httpx.AsyncClient, timer: ServerTimer) -> tuple[int, int, int]:
    """Server ns of POST /submit and of GET /results, and client-observed ns of both."""
    started = time.perf_counter_ns()
    if synthetic.see_other(await client.post("/submit")) != synthetic.RESULTS:
        raise synthetic.FlowError("/submit did not lead to /results")
    submit = timer.last_ns
    synthetic.ok(await client.get(synthetic.RESULTS))
    return submit, timer.last_ns, time.perf_counter_ns() - started


async def _floor(client: httpx.AsyncClient, timer: ServerTimer) -> tuple[int, int]:
    """Server ns of the floor's POST and GET together, and client-observed ns."""
    started = time.perf_counter_ns()
    if synthetic.see_other(await client.post("/_bench/floor")) != "/_bench/floor":
        raise synthetic.FlowError("the floor did not redirect to its page")
    stored = timer.last_ns
    synthetic.ok(await client.get("/_bench/floor"))
    return stored + timer.last_ns, time.perf_counter_ns() - started


def _count(database: Path, table: str) -> int:
    with closing(sqlite3.connect(database)) as db:
        (count,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(count)


async def _measure(directory: Path, rounds: int, per_round: int, warmup_rounds: int) -> BenchResult:
    settings = bench_settings(directory, bench_floor=True)
    app = create_app(settings)
    timer = ServerTimer(app)
    subject_ms: list[float] = []
    floor_ms: list[float] = []
    submit_ms: list[float] = []
    results_ms: list[float] = []
    ratios: list[float] = []
    extra_ms: list[float] = []
    client_ratios: list[float] = []
    try:
        async with _client(timer) as floor_client:
            for round_no in range(warmup_rounds + rounds):
                clients = [_client(timer) for _ in range(per_round)]
                try:
                    # Untimed: every session walks to the review page first.
                    for client in clients:
                        await synthetic.to_review(client)
                    gc.collect()
                    subject: list[tuple[int, int, int]] = []
                    floor: list[tuple[int, int]] = []
                    for i, client in enumerate(clients):
                        if (round_no + i) % 2 == 0:
                            subject.append(await _subject(client, timer))
                            floor.append(await _floor(floor_client, timer))
                        else:
                            floor.append(await _floor(floor_client, timer))
                            subject.append(await _subject(client, timer))
                finally:
                    for client in clients:
                        await client.aclose()
                if round_no < warmup_rounds:
                    continue
                s = statistics.median(a + b for a, b, _ in subject) / 1e6
                f = statistics.median(ns for ns, _ in floor) / 1e6
                subject_ms.append(s)
                floor_ms.append(f)
                ratios.append(s / f)
                extra_ms.append(
                    statistics.median(
                        a + b - f_ns for (a, b, _), (f_ns, _) in zip(subject, floor, strict=True)
                    )
                    / 1e6
                )
                submit_ms.append(statistics.median(a for a, _, _ in subject) / 1e6)
                results_ms.append(statistics.median(b for _, b, _ in subject) / 1e6)
                client_ratios.append(
                    statistics.median(c for _, _, c in subject)
                    / statistics.median(c for _, c in floor)
                )
    finally:
        app.state.kiosk.engine.dispose()

    database = directory / "kiosk.sqlite3"
    submits = (warmup_rounds + rounds) * per_round
    stored, floors = _count(database, "check_record"), _count(database, "bench_floor")
    if (stored, floors) != (submits, submits):
        raise synthetic.FlowError(
            f"expected {submits} records and floor rows, got {stored}, {floors}"
        )

    ratio = Spread.of(ratios)
    return BenchResult(
        name=NAME,
        unit="ms",
        baseline_label="floor",
        subject_label="submit+results",
        baseline=Spread.of(floor_ms),
        subject=Spread.of(subject_ms),
        ratio=ratio,
        target=f"ratio ≤ {TARGET_RATIO:g}",
        target_met=ratio.median <= TARGET_RATIO if rounds >= MIN_JUDGED_ROUNDS else None,
        notes={
            "rounds": f"{rounds} timed (+{warmup_rounds} warm-up) × {per_round} pairs, interleaved",
            # The durable commit is in both; the difference is the work the
            # floor does not do, and moves less with the disk's fsync latency.
            "subject − floor, paired (ms)": Spread.of(extra_ms).show(),
            "POST /submit alone (ms)": Spread.of(submit_ms).show(),
            "GET /results alone (ms)": Spread.of(results_ms).show(),
            "client-observed ratio (incl. httpx)": Spread.of(client_ratios).show(),
        },
    )


def run(rounds: int = 15, per_round: int = 20, warmup_rounds: int = 1) -> BenchResult:
    """Run the benchmark on a fresh SQLite file in a temporary directory."""
    if rounds < 1 or per_round < 1 or warmup_rounds < 0:
        raise ValueError("rounds and per_round must be ≥ 1, warmup_rounds ≥ 0")
    with tempfile.TemporaryDirectory(prefix="vital5-bench-") as tmp:
        return asyncio.run(_measure(Path(tmp), rounds, per_round, warmup_rounds))
