"""A fault-injecting HTTP/1.1 proxy between a kiosk and its upstream (a process of its own).

    python tests/faults/fault_proxy.py --upstream-port 8100 --log proxy.jsonl \
        --plan '["status_before:500", "status_before:500", "slow_after", "reset_mid"]' \
        --then pass

It listens on a free loopback port and prints ``port N`` on its first line.
Every upload (``POST /api/v1/records:batch``, ``PUT /api/v1/records/{id}``)
takes the next step of the plan, then the ``--then`` mode for ever; other
requests pass through untouched. Each upload is one JSON line in ``--log``:
the mode, the record ids in the request, what the upstream answered (if it
was asked) and what the kiosk was sent.

Modes ("…_before": the upstream never sees the request; "…_after": it has
stored the records, and the reply is what goes wrong):

| mode | does |
| --- | --- |
| ``pass`` | forward, reply |
| ``delay_after`` | forward, wait a random ``--delay`` (seeded), reply |
| ``status_before:N`` | reply status N without forwarding |
| ``status_after:N`` | forward, reply status N instead of the upstream's answer |
| ``slow_before`` | wait ``--slow-s`` (past the kiosk's timeout), close; never forwarded |
| ``slow_after`` | forward, wait ``--slow-s``, then reply (the kiosk has given up) |
| ``close_before`` | read the request, close the connection (FIN) without a reply |
| ``reset_before`` | read the request, reset the connection (RST) |
| ``reset_after`` | forward, reset without a reply |
| ``close_mid`` / ``reset_mid`` | forward, send half the reply, then close / reset |

Standard library only; stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import signal
import socket
import struct
from dataclasses import dataclass, field
from typing import IO

UPLOAD_PREFIX = "/api/v1/records"
MODES = (
    "pass",
    "delay_after",
    "status_before",
    "status_after",
    "slow_before",
    "slow_after",
    "close_before",
    "reset_before",
    "reset_after",
    "close_mid",
    "reset_mid",
)


@dataclass
class Message:
    start: str
    headers: dict[str, str]
    head: bytes
    body: bytes

    @property
    def raw(self) -> bytes:
        return self.head + self.body


@dataclass
class Proxy:
    upstream_port: int
    plan: list[str]
    then: str
    slow_s: float
    delay: tuple[float, float]
    rng: random.Random
    log: IO[str]
    uploads: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def next_mode(self) -> str:
        mode = self.plan[self.uploads] if self.uploads < len(self.plan) else self.then
        self.uploads += 1
        return mode

    def record(self, entry: dict[str, object]) -> None:
        self.log.write(json.dumps(entry) + "\n")
        self.log.flush()


async def read_message(reader: asyncio.StreamReader) -> Message | None:
    """One request or response (Content-Length or chunked); None at a clean EOF."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if error.partial:
            raise
        return None
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        body = b""
    return Message(lines[0], headers, head, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    raw = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        raw += size_line
        size = int(size_line.split(b";")[0].strip(), 16)
        raw += await reader.readexactly(size + 2)
        if size == 0:
            return bytes(raw)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST: SO_LINGER 0, then abort."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _ids(request: Message) -> list[str]:
    method, path = request.start.split(" ")[:2]
    if method == "PUT":
        return [path.rsplit("/", 1)[-1]]
    try:
        records = json.loads(request.body)["records"]
        return [str(record.get("id")) for record in records]
    except (ValueError, KeyError, TypeError, AttributeError):
        return []


def _answer(request: Message, response: Message | None) -> object:
    """What the upstream said: receipt statuses in order, or the PUT's status."""
    if response is None:
        return None
    status = int(response.start.split(" ")[1])
    if request.start.startswith("PUT ") or status != 200:
        return status
    try:
        return [receipt.get("status") for receipt in json.loads(response.body)["receipts"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return status


def _status_reply(status: int) -> bytes:
    body = b'{"code":"injected_fault","reason":"fault proxy"}'
    head = (
        f"HTTP/1.1 {status} Injected\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


async def forward(proxy: Proxy, request: Message) -> Message:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.upstream_port)
    try:
        writer.write(request.raw)
        await writer.drain()
        response = await read_message(reader)
        if response is None:
            raise ConnectionError("the upstream closed without a reply")
        return response
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def serve_client(
    proxy: Proxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            request = await read_message(reader)
            if request is None:
                return
            method, path = request.start.split(" ")[:2]
            if not (path.startswith(UPLOAD_PREFIX) and method in ("POST", "PUT")):
                response = await forward(proxy, request)
                writer.write(response.raw)
                await writer.drain()
                continue
            if not await upload(proxy, request, writer):
                return
    except (ConnectionError, asyncio.IncompleteReadError, OSError):
        return
    finally:
        if not writer.transport.is_closing():
            writer.close()


async def upload(proxy: Proxy, request: Message, writer: asyncio.StreamWriter) -> bool:
    """Apply the next mode to one upload; False when the connection is finished."""
    number = proxy.uploads
    mode = proxy.next_mode()
    name, _, argument = mode.partition(":")
    entry: dict[str, object] = {"n": number, "mode": mode, "ids": _ids(request)}
    response: Message | None = None
    keep_open = True
    try:
        if name.endswith("_after") or name.endswith("_mid") or name in ("pass",):
            response = await forward(proxy, request)
        if name == "pass" and response is not None:
            writer.write(response.raw)
        elif name == "delay_after" and response is not None:
            pause = proxy.rng.uniform(*proxy.delay)
            entry["delay_s"] = round(pause, 3)
            await asyncio.sleep(pause)
            writer.write(response.raw)
        elif name == "status_before" or name == "status_after":
            writer.write(_status_reply(int(argument or 500)))
        elif name in ("slow_before", "slow_after"):
            await asyncio.sleep(proxy.slow_s)
            if response is not None:
                writer.write(response.raw)
            keep_open = False
        elif name == "close_before":
            keep_open = False
        elif name in ("reset_before", "reset_after"):
            _reset(writer)
            keep_open = False
        elif name in ("close_mid", "reset_mid") and response is not None:
            raw = response.raw
            writer.write(raw[: len(response.head) + len(response.body) // 2])
            await writer.drain()
            if name == "reset_mid":
                _reset(writer)
            keep_open = False
        else:
            raise ValueError(f"unknown mode {mode!r}")
        if keep_open:
            await writer.drain()
    finally:
        entry["upstream"] = _answer(request, response)
        proxy.record(entry)
    return keep_open


async def main_async(args: argparse.Namespace) -> None:
    plan = list(json.loads(args.plan))
    for mode in [*plan, args.then]:
        if mode.partition(":")[0] not in MODES:
            raise SystemExit(f"unknown mode {mode!r}")
    with open(args.log, "a", encoding="utf-8") as log:
        proxy = Proxy(
            upstream_port=args.upstream_port,
            plan=plan,
            then=args.then,
            slow_s=args.slow_s,
            delay=(args.delay[0], args.delay[1]),
            rng=random.Random(args.seed),
            log=log,
        )

        async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            if task is not None:
                proxy.tasks.add(task)
                task.add_done_callback(proxy.tasks.discard)
            await serve_client(proxy, reader, writer)

        server = await asyncio.start_server(on_client, "127.0.0.1", args.port)
        port = server.sockets[0].getsockname()[1]
        print(f"port {port}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        async with server:
            await stop.wait()
        for task in list(proxy.tasks):
            task.cancel()
        await asyncio.gather(*proxy.tasks, return_exceptions=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--log", required=True, help="JSON lines, one per upload")
    parser.add_argument("--plan", default="[]", help="JSON list of modes, one per upload")
    parser.add_argument("--then", default="pass", help="the mode once the plan is used up")
    parser.add_argument("--slow-s", type=float, default=2.0)
    parser.add_argument("--delay", type=float, nargs=2, default=(0.05, 0.2), metavar=("LO", "HI"))
    parser.add_argument("--seed", type=int, default=0)
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
