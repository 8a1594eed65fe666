"""A fake SunTech Advantage module on a real pty, for bench/frame_to_browser.py.

bench/ does not import tests/, so it has its own: just enough of the module
for a pressure cycle (identify, START_BP, pressure polls, BP data).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
import threading
import time
import tty
from collections.abc import Sequence
from typing import Final

from device_drivers.serial.suntech_protocol import (
    MAX_REPLY_LENGTH,
    MODULE_START,
    AckCode,
    Command,
    build_command,
    checksum,
)

# Pressures sent in a block are FIRST_MMHG, FIRST_MMHG + 1, ...: each event's
# data names the frame it came from.
FIRST_MMHG: Final = 100

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
