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
import contextlib
import math
import os
import socket
import statistics
import struct
import tempfile
import threading
import time
import tty
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import uvicorn
from playwright.async_api import Browser, Page, async_playwright
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bench._kiosk import bench_settings
from bench._result import BenchResult, Spread
from device_drivers.serial.suntech_cuff import SunTechTimings
from device_drivers.serial.suntech_protocol import (
    MAX_REPLY_LENGTH,
    MODULE_START,
    AckCode,
    Command,
    build_command,
    checksum,
)
from kiosk_app.main import create_app

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
SUBJECT_URL = "/blood-pressure/live"
BASELINE_URL = "/_bench/sse"
BLANK_URL = "/_bench/blank"
# The driver's real poll cadence; the baseline pokes on the same one.
POLL_S: Final = SunTechTimings().poll_interval_s
# Pressures sent in a block are FIRST_MMHG, FIRST_MMHG + 1, ...: each event's
# data names the frame it came from.
FIRST_MMHG: Final = 100
MAX_MMHG: Final = 300
START_TIMEOUT_S = 15.0
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


class BenchError(RuntimeError):
    """The benchmark could not measure what it set out to (not a missed target)."""


# ---- The fake SunTech module on a pty ------------------------------------------


def _reply(payload: bytes) -> bytes:
    """A module reply: '>' length payload checksum (the length counts it all)."""
    body = MODULE_START + bytes([len(payload) + 3]) + payload
    return body + bytes([checksum(body)])


def _ack(code: AckCode) -> bytes:
    return _reply(code.value.encode("ascii"))


def _return_string(texts: Sequence[str]) -> bytes:
    payload = bytearray(MAX_REPLY_LENGTH - 3)
    for index, text in enumerate(texts):
        raw = text.encode("ascii")
        payload[index * 8 : index * 8 + len(raw)] = raw
    return _reply(bytes(payload))


# SYS, DIA, beats, status, 8 test codes, HR, spare, MAP, error code, 2 spare.
_BP_DATA: Final = struct.Struct("<HHBB8sBxHBxx")
BP_DATA_REPLY: Final = _reply(_BP_DATA.pack(128, 82, 30, 1, bytes(8), 70, 97, 0))
_COMMANDS: Final = {build_command(command): command for command in Command}


class FakeSunTech:
    """Just enough of a SunTech Advantage module, on the master side of a pty.

    The kiosk opens the slave (:attr:`slave_path`) as it would open
    ``/dev/ttyUSB0``. After START_BP the module answers the next ``frames``
    pressure polls with FIRST_MMHG, FIRST_MMHG + 1, ... and notes the
    wall-clock time just before each frame's bytes are written; the poll
    after that is answered with Ack K (the cycle is over), and GET_BP_DATA
    with 128/82. The reply bytes go out in one ``os.write`` from the reader
    callback, in the server's event loop.
    """

    def __init__(self) -> None:
        self._master, self._slave = os.openpty()
        try:
            # Raw, so the tty neither echoes nor translates; the slave stays
            # open here too so the master never reads EIO between connections.
            tty.setraw(self._slave)
            os.set_blocking(self._master, False)
            self.slave_path = os.ttyname(self._slave)
        except BaseException:
            os.close(self._master)
            os.close(self._slave)
            raise
        self._loop: asyncio.AbstractEventLoop | None = None
        self._buffer = bytearray()
        self._lock = threading.Lock()
        self._frames = 0
        self._step: int | None = None
        self._sent: list[tuple[int, int]] = []

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        loop.add_reader(self._master, self._on_readable)

    def close(self) -> None:
        if self._loop is not None:
            self._loop.remove_reader(self._master)
            self._loop = None
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def expect(self, frames: int) -> None:
        """The next measurement sends ``frames`` pressures (from another thread)."""
        with self._lock:
            self._frames = frames
            self._sent = []

    def sent(self) -> list[tuple[int, int]]:
        """(mmHg, epoch ns just before the write) of the last measurement."""
        with self._lock:
            return list(self._sent)

    def _on_readable(self) -> None:
        try:
            data = os.read(self._master, 4096)
        except BlockingIOError:
            return
        self._buffer += data
        while self._buffer:
            for raw, command in _COMMANDS.items():
                if self._buffer.startswith(raw):
                    del self._buffer[: len(raw)]
                    self._answer(command)
                    break
            else:
                if any(raw.startswith(self._buffer) for raw in _COMMANDS):
                    return  # the rest of a command is still on its way
                del self._buffer[0]

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._master, view) :]

    def _answer(self, command: Command) -> None:
        if command is Command.GET_MODULE_DATA:
            self._write(_ack(AckCode.EXECUTED))
        elif command is Command.GET_RETURN_STRING:
            self._write(_return_string(("LX-1.23", "2019.05")))
        elif command is Command.START_BP:
            self._step = 0
            self._write(_ack(AckCode.RECEIVED))
        elif command is Command.GET_CUFF_PRESSURE:
            self._poll()
        elif command is Command.GET_BP_DATA:
            self._write(BP_DATA_REPLY)
        elif command is Command.ABORT:
            self._step = None
            self._write(_ack(AckCode.ABORTED) + _ack(AckCode.EXECUTED))

    def _poll(self) -> None:
        if self._step is None:
            self._write(_reply(struct.pack("<H", 0)))
            return
        with self._lock:
            if self._step >= self._frames:
                self._step = None
                self._write(_ack(AckCode.EXECUTED))
                return
            mmhg = FIRST_MMHG + self._step
            self._step += 1
            frame = _reply(struct.pack("<H", mmhg))
            self._sent.append((mmhg, time.time_ns()))
            self._write(frame)


# ---- The baseline: bare SSE, poked from the server's loop -----------------------


class BareSse:
    """``GET /_bench/sse?n=N``: N ``pressure`` events, each sent when poked.

    The pokes are loop callbacks ``POLL_S`` apart, as the driver's polls are;
    each notes the wall-clock time and sets an ``asyncio.Event``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: list[tuple[int, int]] = []

    def sent(self) -> list[tuple[int, int]]:
        with self._lock:
            return list(self._sent)

    async def endpoint(self, request: Request) -> Response:
        n = int(request.query_params["n"])
        with self._lock:
            self._sent = []
        return StreamingResponse(
            self._events(n), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    async def _events(self, n: int) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        poked = asyncio.Event()
        timer: asyncio.Handle | None = None

        def poke(k: int) -> None:
            nonlocal timer
            with self._lock:
                self._sent.append((FIRST_MMHG + k, time.time_ns()))
            poked.set()
            timer = loop.call_later(POLL_S, poke, k + 1) if k + 1 < n else None

        timer = loop.call_soon(poke, 0)
        try:
            for k in range(n):
                await poked.wait()
                poked.clear()
                yield f"event: pressure\ndata: {FIRST_MMHG + k}\n\n".encode()
            yield b"event: done\ndata: /\n\n"
        finally:
            if timer is not None:
                timer.cancel()


async def _blank(_request: Request) -> Response:
    return HTMLResponse("<!doctype html><html lang=en><title>bench</title></html>")


class SendClock:
    """Notes when the app hands each SSE body chunk to uvicorn (epoch ns)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._chunks: list[tuple[int, bytes]] = []

    def take(self) -> list[tuple[int, int]]:
        """(event data, epoch ns) of the pressure events sent since the last take."""
        with self._lock:
            chunks, self._chunks = self._chunks, []
        found: list[tuple[int, int]] = []
        for at, body in chunks:
            for block in body.split(b"\n\n"):
                lines = block.split(b"\n")
                if b"event: pressure" in lines:
                    data = next(line for line in lines if line.startswith(b"data: "))
                    found.append((int(data.removeprefix(b"data: ")), at))
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in (SUBJECT_URL, BASELINE_URL):
            await self.app(scope, receive, send)
            return

        async def noted(message: Message) -> None:
            if message["type"] == "http.response.body":
                at = time.time_ns()
                with self._lock:
                    self._chunks.append((at, bytes(message.get("body", b""))))
            await send(message)

        await self.app(scope, receive, noted)


# ---- The server thread -----------------------------------------------------------


class ServerThread:
    """uvicorn, the fake module and the baseline in one thread and event loop."""

    def __init__(self, directory: Path) -> None:
        self.fake = FakeSunTech()
        self.bare = BareSse()
        self.socket: socket.socket | None = None
        try:
            settings = bench_settings(
                directory, bp_device=f"serial:suntech_advantage:{self.fake.slave_path}"
            )
            app = create_app(settings)
            # Mounted on this app only: the kiosk itself has no such routes.
            app.add_route(BASELINE_URL, self.bare.endpoint, methods=["GET"])
            app.add_route(BLANK_URL, _blank, methods=["GET"])
            self.clock = SendClock(app)
            # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that
            # say so, as `vital5 serve` (uvicorn on host and port) gets. With
            # Nagle on, the first event of every stream on a kept-alive
            # connection waits ~40 ms for a delayed ACK.
            self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            self.socket.bind(("127.0.0.1", 0))
            port = self.socket.getsockname()[1]
            config = uvicorn.Config(
                self.clock,
                host="127.0.0.1",
                port=port,
                log_level="warning",
                access_log=False,
                ws="none",
                lifespan="on",
                timeout_graceful_shutdown=2,
            )
        except BaseException:
            self.fake.close()
            if self.socket is not None:
                self.socket.close()
            raise
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, name=f"bench-kiosk-{port}", daemon=True)
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:
            self.error = error

    async def _serve(self) -> None:
        assert self.socket is not None
        self.fake.attach(asyncio.get_running_loop())
        try:
            await self.server.serve(sockets=[self.socket])
        finally:
            self.fake.close()

    async def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                await self.stop()
                raise BenchError(f"the kiosk did not start on {self.url}: {self.error!r}")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.thread.ident is not None:
            await asyncio.to_thread(self.thread.join, 15)
        else:
            self.fake.close()  # never started: nothing else will close it
        if self.socket is not None:
            self.socket.close()
        if self.thread.is_alive():
            raise BenchError(f"the kiosk server on {self.url} did not stop")


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
