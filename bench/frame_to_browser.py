"""Benchmark 3 (issue #3): a cuff-pressure frame on the wire to the browser, against bare SSE.

Subject: a fake SunTech Advantage module on the master side of a real pty
answers the kiosk's ``GET_CUFF_PRESSURE`` polls. The kiosk is ``create_app``
with ``bp_device = "serial:suntech_advantage:<pty slave>"``, so the real
factory, ``SerialPort``, ``FrameProtocol``, ``SunTechCuff`` (its real 200 ms
poll) and ``ManagedCuff`` turn each frame into a ``pressure`` event on
``GET /blood-pressure/live``, served by uvicorn on loopback. The clock starts
just before the fake writes the frame's bytes to the pty master
(``time.time_ns()``) and stops when an ``EventSource`` listener in headless
Chromium receives the event (``performance.timeOrigin + performance.now()``,
read first thing in the listener): wall-clock epoch times on one machine.

Baseline: the bare SSE round trip. A tiny Starlette route mounted on the same
app, only here (``/_bench/sse``), streams hand-written SSE bytes. A callback
in the server's event loop, on the driver's 200 ms cadence, takes the time
and sets an ``asyncio.Event`` that the stream waits on; the stream then
sends the event. The same page receives it with the same listener. Each
round runs one stream of each, alternating which goes first; the ratio is
taken per round (median of each side), and the figure is the median of the
per-round ratios.

The server (uvicorn, the fake module and the baseline's pokes) runs in its
own thread and event loop; Playwright's client waits in the main thread and
sends nothing while a stream runs. An ASGI wrapper notes when the app hands
each event's bytes to uvicorn, which splits every latency into "inside the
app" and "uvicorn to the listener".

The page's performance clock is fixed when the page is created and coarsened
to 0.1 ms, so it can sit a little off the wall clock. Its offset is read at
the start and the end (against ``Date.now()`` at the moment it ticks over)
and taken off every latency; round trips through Playwright bound it
against Python's clock as a check. Target: median ratio ≤ 1.5.
"""

from __future__ import annotations

import asyncio
import math
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from playwright.async_api import Browser, Page, async_playwright

from bench._fake_suntech import FIRST_MMHG
from bench._result import BenchResult, Spread
from bench._sse_server import (
    BASELINE_URL,
    BLANK_URL,
    POLL_S,
    SUBJECT_URL,
    BenchError,
    ServerThread,
)

NAME = "frame_to_browser"
TARGET_RATIO = 1.5
# Fewer rounds than this and the verdict would be a coin toss on a noisy box.
MIN_JUDGED_ROUNDS = 5

CHROMIUM = "/usr/bin/chromium"
# As the browser tests launch it (tests/browser/conftest.py; bench/ does not import tests/).
CHROMIUM_ARGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
)
MAX_MMHG: Final = 300
BLOCK_TIMEOUT_S = 30.0

# The listener. The time is taken first thing; nothing else runs before it.
LISTEN_JS: Final = """
([url]) => new Promise((resolve, reject) => {
  const got = [];
  const source = new EventSource(url);
  source.addEventListener("pressure", (e) => {
    const now = performance.now();
    got.push([Number(e.data), performance.timeOrigin + now]);
  });
  source.addEventListener("done", () => { source.close(); resolve(got); });
  source.addEventListener("failed", (e) => { source.close(); reject(new Error(e.data)); });
  source.onerror = () => { source.close(); reject(new Error("EventSource error")); };
})
"""
# How far the page's performance clock (timeOrigin + now(), fixed per page and
# coarsened to 0.1 ms) sits from the wall clock: read it the moment Date.now()
# (the system's wall clock, whole ms, as Python's time.time) ticks over.
CLOCK_EDGES = 25
CLOCK_OFFSET_JS: Final = f"""
() => {{
  const offsets = [];
  for (let i = 0; i < {CLOCK_EDGES}; i++) {{
    const before = Date.now();
    let wall;
    while ((wall = Date.now()) === before) {{}}
    offsets.push(performance.timeOrigin + performance.now() - wall);
  }}
  return offsets;
}}
"""
# Independent of the above: bounds on (page's performance clock − Python's
# time.time()) from round trips through Playwright (each ≥ ~1 ms, so loose).
CLOCK_BRACKETS = 30
# Beyond this, start and end disagree: the clock was stepped during the run.
MAX_CLOCK_DRIFT_MS = 0.3


# ---- Measuring -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Block:
    """One stream's events: latencies in ms, split at the hand-over to uvicorn."""

    total: list[float]
    in_app: list[float]
    to_browser: list[float]


@dataclass(frozen=True, slots=True)
class PageClock:
    """The page's performance clock against the wall clock (ms)."""

    offset_start: float
    offset_end: float
    # Bounds on (performance clock − Python's time.time()) from round trips.
    low: float
    high: float

    @property
    def offset(self) -> float:
        return (self.offset_start + self.offset_end) / 2


async def _clock_offset(page: Page) -> float:
    offsets: list[float] = await page.evaluate(CLOCK_OFFSET_JS)
    return statistics.median(offsets)


async def _clock_bounds(page: Page) -> tuple[float, float]:
    low, high = -math.inf, math.inf
    for _ in range(CLOCK_BRACKETS):
        before = time.time_ns() / 1e6
        at: float = await page.evaluate("performance.timeOrigin + performance.now()")
        after = time.time_ns() / 1e6
        low, high = max(low, at - after), min(high, at - before)
    return low, high


def _block(
    sent: Sequence[tuple[int, int]],
    handed: Sequence[tuple[int, int]],
    received: Sequence[Sequence[float]],
    frames: int,
    label: str,
) -> Block:
    """Match the events by their data; raw times, not yet corrected for the page clock."""
    sent_at = {data: ns / 1e6 for data, ns in sent}
    handed_at = {data: ns / 1e6 for data, ns in handed}
    got = {int(data): at for data, at in received}
    expected = list(range(FIRST_MMHG, FIRST_MMHG + frames))
    for name, seen in (("sent", sent_at), ("handed to uvicorn", handed_at), ("received", got)):
        if sorted(seen) != expected:
            raise BenchError(f"{label}: events {name}: {sorted(seen)}, expected {expected}")
    return Block(
        total=[got[i] - sent_at[i] for i in expected],
        in_app=[handed_at[i] - sent_at[i] for i in expected],
        to_browser=[got[i] - handed_at[i] for i in expected],
    )


def _corrected(block: Block, offset: float, label: str) -> Block:
    """Latencies on the wall clock: the page clock's offset taken off."""
    total = [x - offset for x in block.total]
    to_browser = [x - offset for x in block.to_browser]
    if min(to_browser) <= 0:
        raise BenchError(f"{label}: an event arrived before it was sent: the clocks disagree")
    return Block(total=total, in_app=block.in_app, to_browser=to_browser)


async def _listen(page: Page, url: str) -> list[list[float]]:
    """(event data, performance clock) per ``pressure`` event, once ``done`` came."""
    # Playwright's evaluate has no time limit of its own.
    async with asyncio.timeout(BLOCK_TIMEOUT_S):
        received: list[list[float]] = await page.evaluate(LISTEN_JS, [url])
    return received


async def _subject(page: Page, server: ServerThread, frames: int) -> Block:
    server.fake.expect(frames)
    received = await _listen(page, SUBJECT_URL)
    return _block(server.fake.sent(), server.clock.take(), received, frames, "subject")


async def _baseline(page: Page, server: ServerThread, frames: int) -> Block:
    received = await _listen(page, f"{BASELINE_URL}?n={frames}")
    return _block(server.bare.sent(), server.clock.take(), received, frames, "baseline")


async def _page(browser: Browser, url: str) -> Page:
    context = await browser.new_context(base_url=url)
    context.set_default_timeout(BLOCK_TIMEOUT_S * 1000)
    # A consented check, so /blood-pressure/live streams (cookies shared with the page).
    forms: dict[str, dict[str, str | float | bool]] = {
        "/start": {"language": "en"},
        "/consent": {"consent": "yes"},
    }
    for path, form in forms.items():
        response = await context.request.post(path, form=form)
        if not response.ok:
            raise BenchError(f"POST {path}: {response.status}")
    page = await context.new_page()
    await page.goto(BLANK_URL)
    return page


async def _measure(directory: Path, rounds: int, frames: int, warmup_rounds: int) -> BenchResult:
    server = ServerThread(directory)
    subject: list[Block] = []
    baseline: list[Block] = []
    await server.start()
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=list(CHROMIUM_ARGS)
            )
            try:
                page = await _page(browser, server.url)
                offset_start = await _clock_offset(page)
                for round_no in range(warmup_rounds + rounds):
                    if round_no % 2 == 0:
                        s = await _subject(page, server, frames)
                        b = await _baseline(page, server, frames)
                    else:
                        b = await _baseline(page, server, frames)
                        s = await _subject(page, server, frames)
                    if round_no >= warmup_rounds:
                        subject.append(s)
                        baseline.append(b)
                offset_end = await _clock_offset(page)
                clock = PageClock(offset_start, offset_end, *await _clock_bounds(page))
            finally:
                await browser.close()
    finally:
        await server.stop()
    if server.error is not None:
        raise BenchError(f"the kiosk server failed: {server.error!r}")
    if abs(clock.offset_end - clock.offset_start) > MAX_CLOCK_DRIFT_MS:
        raise BenchError(f"the page clock moved during the run: {clock}")
    if not clock.low <= clock.offset <= clock.high:
        raise BenchError(f"the page clock disagrees with Python's time.time(): {clock}")
    subject = [_corrected(b, clock.offset, "subject") for b in subject]
    baseline = [_corrected(b, clock.offset, "baseline") for b in baseline]
    return _result(subject, baseline, clock, rounds, frames, warmup_rounds)


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _result(
    subject: Sequence[Block],
    baseline: Sequence[Block],
    clock: PageClock,
    rounds: int,
    frames: int,
    warmup: int,
) -> BenchResult:
    s_med = [statistics.median(b.total) for b in subject]
    b_med = [statistics.median(b.total) for b in baseline]
    ratio = Spread.of([s / b for s, b in zip(s_med, b_med, strict=True)])
    all_s = [x for b in subject for x in b.total]
    all_b = [x for b in baseline for x in b.total]

    def per_round(blocks: Sequence[Block], part: str) -> str:
        return Spread.of([statistics.median(getattr(b, part)) for b in blocks]).show()

    return BenchResult(
        name=NAME,
        unit="ms",
        baseline_label="bare SSE",
        subject_label="pty frame→listener",
        baseline=Spread.of(b_med),
        subject=Spread.of(s_med),
        ratio=ratio,
        target=f"ratio ≤ {TARGET_RATIO:g}",
        target_met=ratio.median <= TARGET_RATIO if rounds >= MIN_JUDGED_ROUNDS else None,
        notes={
            "rounds": (
                f"{rounds} timed (+{warmup} warm-up) × {frames} events each side, "
                f"{POLL_S * 1000:g} ms apart, interleaved"
            ),
            "subject − baseline, per round (ms)": Spread.of(
                [s - b for s, b in zip(s_med, b_med, strict=True)]
            ).show(),
            "subject: frame written → app hands bytes to uvicorn (ms)": per_round(
                subject, "in_app"
            ),
            "baseline: poke → app hands bytes to uvicorn (ms)": per_round(baseline, "in_app"),
            "subject: uvicorn → listener (ms)": per_round(subject, "to_browser"),
            "baseline: uvicorn → listener (ms)": per_round(baseline, "to_browser"),
            "p90 / max over all events, subject (ms)": (
                f"{_quantile(all_s, 0.9):.2f} / {max(all_s):.2f}"
            ),
            "p90 / max over all events, baseline (ms)": (
                f"{_quantile(all_b, 0.9):.2f} / {max(all_b):.2f}"
            ),
            "page clock − wall clock, start / end (ms; taken off)": (
                f"{clock.offset_start:+.2f} / {clock.offset_end:+.2f}; "
                f"against Python within [{clock.low:+.2f}, {clock.high:+.2f}]"
            ),
        },
    )


def run(rounds: int = 15, frames: int = 10, warmup_rounds: int = 1) -> BenchResult:
    """Run the benchmark against a kiosk on a fresh SQLite file in a temporary directory."""
    if rounds < 1 or frames < 1 or warmup_rounds < 0:
        raise ValueError("rounds and frames must be ≥ 1, warmup_rounds ≥ 0")
    if FIRST_MMHG + frames > MAX_MMHG:
        raise ValueError(f"at most {MAX_MMHG - FIRST_MMHG} frames per block")
    with tempfile.TemporaryDirectory(prefix="vital5-bench-") as tmp:
        return asyncio.run(_measure(Path(tmp), rounds, frames, warmup_rounds))
