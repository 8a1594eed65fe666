"""The kiosk served by uvicorn in its own thread, with a bare SSE baseline route.

For bench/frame_to_browser.py: the real app on a fake SunTech module, plus
``/_bench/sse`` (hand-written SSE, sent when poked from the server's loop)
and an ASGI wrapper noting when the app hands each event to uvicorn.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

import uvicorn
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bench._fake_suntech import FIRST_MMHG, FakeSunTech
from bench._kiosk import bench_settings
from device_drivers.serial.suntech_cuff import SunTechTimings
from kiosk_app.main import create_app

SUBJECT_URL = "/blood-pressure/live"
BASELINE_URL = "/_bench/sse"
BLANK_URL = "/_bench/blank"
# The driver's real poll cadence; the baseline pokes on the same one.
POLL_S: Final = SunTechTimings().poll_interval_s
START_TIMEOUT_S = 15.0


class BenchError(RuntimeError):
    """The benchmark could not measure what it set out to (not a missed target)."""


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
