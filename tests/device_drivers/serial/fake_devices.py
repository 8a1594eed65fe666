"""Simulated serial devices on the master side of a real pty pair.

The driver under test opens the pty's slave through a symlink we control
(the "configured port path"), exactly as it would open ``/dev/ttyUSB0``; the
fake device reads the driver's bytes from the master and writes the
device's replies to it (bp-devices.md §5.1). Unplugging closes the master:
the slave's path vanishes and the driver's next read fails, as with a
pulled USB adapter. Replugging is a new pty with the symlink repointed.

The fakes speak the real protocols byte for byte, built with the pure
modules run backwards: SunTech replies use ``suntech_protocol.checksum`` and
the documented layouts, host commands are cut with a ``Packetizer`` and
matched against ``build_command``; Omron and Tanita records are written in
the documented formats. test_fake_devices.py checks the fakes against the
published vectors, so a fake cannot drift from the real bytes unnoticed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
import termios
import tty
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from device_drivers.errors import FrameError
from device_drivers.serial.framing import Packetizer
from device_drivers.serial.suntech_protocol import (
    HOST_START,
    MAX_REPLY_LENGTH,
    MODULE_START,
    AckCode,
    Command,
    build_command,
    checksum,
)


def open_fds() -> int:
    """How many file descriptors this process has open."""
    return len(os.listdir("/proc/self/fd"))


def _other_tasks() -> set[asyncio.Task[object]]:
    return {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}


@contextlib.asynccontextmanager
async def no_leaks() -> AsyncIterator[None]:
    """Fail unless the body leaves no file descriptor open and no task running.

    Closing a serial transport finishes in the executor, so a close that is
    still on its way gets a moment; a port nobody closed does not close.
    """
    before = open_fds()
    yield
    for _ in range(50):
        if open_fds() <= before and not _other_tasks():
            break
        await asyncio.sleep(0.01)
    assert open_fds() <= before, "file descriptors leaked"
    assert not _other_tasks(), f"tasks leaked: {_other_tasks()}"


def point_link(link: Path, target: str) -> None:
    """Atomically make ``link`` a symlink to ``target`` (the "replug")."""
    staging = link.with_name(link.name + ".new")
    staging.unlink(missing_ok=True)
    staging.symlink_to(target)
    staging.replace(link)


class PtyDevice:
    """A device on the master side of a fresh pty, reachable at ``link``."""

    # Replies dribbled out (split_writes): pieces of this many bytes, this
    # far apart. 4 bytes per millisecond is about 40 kbaud: slower than a
    # single write, fast enough not to pile up behind 10 ms polls.
    CHUNK_BYTES: Final = 4
    CHUNK_GAP_S: Final = 0.001

    def __init__(self, link: Path, *, split_writes: bool = False) -> None:
        self._loop = asyncio.get_running_loop()
        self._master, self._slave = os.openpty()
        # Raw before the driver opens it: a cooked tty would echo our bytes
        # back or translate CR. The fake keeps the slave open too, so the
        # master never reads EIO while the driver is between connections.
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self.slave_path = os.ttyname(self._slave)
        self.link = link
        point_link(link, self.slave_path)
        self.received = bytearray()
        self.plugged = True
        self._split_writes = split_writes
        self._outbox: deque[bytes] = deque()
        self._drain: asyncio.TimerHandle | None = None
        self._timers: list[asyncio.TimerHandle] = []
        self._loop.add_reader(self._master, self._on_readable)

    def port_settings(self) -> list[Any]:
        """The tty's termios attributes, as the driver configured them."""
        return termios.tcgetattr(self._slave)

    def send(self, data: bytes) -> None:
        """Bytes from the device to the host, in order."""
        if not self.plugged:
            return
        if not self._split_writes:
            self._write(data)
            return
        # Small pieces, spaced out, so the host sees a reply arrive across
        # several reads, cut at every possible place over a measurement.
        step = self.CHUNK_BYTES
        self._outbox.extend(data[i : i + step] for i in range(0, len(data), step))
        if self._drain is None:
            self._drain = self._loop.call_soon(self._drain_one)

    def send_later(self, delay_s: float, data: bytes) -> None:
        """``send`` after ``delay_s``; cancelled by ``unplug``."""
        if delay_s <= 0:
            self.send(data)
        else:
            self._timers.append(self._loop.call_later(delay_s, self.send, data))

    def _drain_one(self) -> None:
        self._drain = None
        if self._outbox and self.plugged:
            self._write(self._outbox.popleft())
            if self._outbox:
                self._drain = self._loop.call_later(self.CHUNK_GAP_S, self._drain_one)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._master, view)
            view = view[written:]

    def _on_readable(self) -> None:
        try:
            data = os.read(self._master, 4096)
        except BlockingIOError:
            return
        self.received += data
        self.on_bytes(data)

    def on_bytes(self, data: bytes) -> None:
        """Override: what the device does with the host's bytes."""

    def unplug(self) -> None:
        """Pull the cable: the pty and its path disappear."""
        if not self.plugged:
            return
        self.plugged = False
        for timer in [*self._timers, self._drain]:
            if timer is not None:
                timer.cancel()
        self._timers.clear()
        self._drain = None
        self._loop.remove_reader(self._master)
        os.close(self._master)
        os.close(self._slave)

    close = unplug


# --- SunTech Advantage (bp-devices.md §4.1) ----------------------------------

# Host command lengths by first command byte: ':' + body + checksum. 0x79
# commands carry two more bytes (suntech_protocol.Command).
_HOST_COMMAND_LENGTHS: Final = {0x20: 3, 0x00: 3, 0x87: 3, 0x28: 3, 0x79: 5}
_COMMANDS: Final = {build_command(command): command for command in Command}
# suntech_protocol's BP data layout: SYS, DIA, beats, status, 8 test codes,
# HR, spare, MAP, error code, 2 spare (little-endian).
_BP_DATA: Final = struct.Struct("<HHBB8sBxHBxx")


@dataclass(frozen=True, slots=True)
class HostCommandFraming:
    """Cuts the host's command stream (no length byte: known per command)."""

    start: bytes = HOST_START
    max_length: int = 5

    def frame_length(self, buffer: bytes | bytearray) -> int | None:
        if len(buffer) < 2:
            return None
        length = _HOST_COMMAND_LENGTHS.get(buffer[1])
        if length is None:
            raise FrameError(f"unknown command byte 0x{buffer[1]:02X}")
        if len(buffer) < length:
            return None
        if sum(buffer[:length]) & 0xFF:
            raise FrameError("bad command checksum")
        return length


def suntech_reply(payload: bytes) -> bytes:
    """A module reply: '>' length payload checksum (length counts it all)."""
    body = MODULE_START + bytes([len(payload) + 3]) + payload
    return body + bytes([checksum(body)])


def suntech_ack(code: AckCode) -> bytes:
    return suntech_reply(code.value.encode("ascii"))


def suntech_pressure(mmhg: int) -> bytes:
    return suntech_reply(struct.pack("<H", mmhg))


def suntech_bp_data(
    systolic: int,
    diastolic: int,
    mean_arterial: int,
    heart_rate: int,
    *,
    error_code: int = 0,
    beat_count: int = 30,
    bp_status: int = 1,
    test_codes: bytes = bytes(8),
) -> bytes:
    return suntech_reply(
        _BP_DATA.pack(
            systolic,
            diastolic,
            beat_count,
            bp_status,
            test_codes,
            heart_rate,
            mean_arterial,
            error_code,
        )
    )


def suntech_return_string(texts: Sequence[str]) -> bytes:
    """The 67-byte version reply: NUL-terminated texts at offsets 0, 8, ..."""
    payload = bytearray(MAX_REPLY_LENGTH - 3)
    for index, text in enumerate(texts):
        raw = text.encode("ascii")
        assert len(raw) < 8, "each text has an 8-byte slot including its NUL"
        payload[index * 8 : index * 8 + len(raw)] = raw
    return suntech_reply(bytes(payload))


# Noise seen between replies: stray bytes, a '>' whose length byte is
# impossible, and a whole reply with a bad checksum (the DesktopFX vector).
LINE_NOISE: Final = b"\x00\xff>\x01\x13" + bytes.fromhex("3e 05 02 01 b1") + b"\x7f"


@dataclass
class SunTechBehaviour:
    """What the fake module does; the defaults measure 128/82, pulse 70."""

    pressures: Sequence[int] = (0, 30, 70, 110, 150, 158, 140, 120, 100, 80, 60)
    systolic: int = 128
    diastolic: int = 82
    mean_arterial: int = 97
    heart_rate: int = 70
    error_code: int = 0
    # START_BP is answered with Ack B this many times first.
    busy_replies: int = 0
    # Ack to START_BP other than O/B, e.g. AckCode.ERROR.
    start_refusal: AckCode | None = None
    # None: GET_RETURN_STRING goes unanswered.
    version_texts: Sequence[str] | None = ("LX-1.23", "2019.05")
    # Stop answering anything once this many pressure polls were answered.
    silent_after_polls: int | None = None
    # Sent before every reply.
    noise: bytes = b""
    # (command, n): before the n-th reply to that command, a stray '>' whose
    # length byte claims the longest reply (67 bytes). The framing holds
    # every reply behind it until 67 bytes have followed (framing.py).
    stray_marker_at: tuple[Command, int] | None = None


class FakeSunTech(PtyDevice):
    """A SunTech Advantage module: answers commands, inflates over a few
    polls, says K, reports the result or an error code, honours ABORT."""

    def __init__(
        self,
        link: Path,
        behaviour: SunTechBehaviour | None = None,
        *,
        split_writes: bool = False,
    ) -> None:
        super().__init__(link, split_writes=split_writes)
        self.behaviour = behaviour or SunTechBehaviour()
        self.commands: list[Command | None] = []
        self.abort_received = asyncio.Event()
        self.silent = False
        self._host = Packetizer(HostCommandFraming())
        self._busy_left = self.behaviour.busy_replies
        self._measuring = False
        self._step = 0
        self._polls_answered = 0
        self._answered: dict[Command, int] = {}

    @property
    def measuring(self) -> bool:
        """True while the fake cuff is "inflated" (START seen, no K/ABORT yet)."""
        return self._measuring

    def go_silent(self) -> None:
        self.silent = True

    def on_bytes(self, data: bytes) -> None:
        for frame in self._host.feed(data):
            command = _COMMANDS.get(frame)
            self.commands.append(command)
            if command is Command.ABORT:
                self._measuring = False
                self.abort_received.set()
            if self.silent or command is None:
                continue
            count = self._answered[command] = self._answered.get(command, 0) + 1
            if self.behaviour.stray_marker_at == (command, count):
                self.send(MODULE_START + bytes([MAX_REPLY_LENGTH]))
            self._answer(command)

    def _reply(self, frame: bytes) -> None:
        self.send(self.behaviour.noise + frame)

    def _answer(self, command: Command) -> None:
        behaviour = self.behaviour
        if command is Command.GET_MODULE_DATA:
            self._reply(suntech_ack(AckCode.EXECUTED))
        elif command is Command.GET_RETURN_STRING:
            if behaviour.version_texts is not None:
                self._reply(suntech_return_string(behaviour.version_texts))
        elif command is Command.START_BP:
            self._start()
        elif command is Command.GET_CUFF_PRESSURE:
            self._poll()
        elif command is Command.GET_BP_DATA:
            self._reply(
                suntech_bp_data(
                    behaviour.systolic,
                    behaviour.diastolic,
                    behaviour.mean_arterial,
                    behaviour.heart_rate,
                    error_code=behaviour.error_code,
                )
            )
        elif command is Command.ABORT:
            # Appciton: an abort is acknowledged A, then K ("AK").
            self._reply(suntech_ack(AckCode.ABORTED) + suntech_ack(AckCode.EXECUTED))

    def _start(self) -> None:
        if self._busy_left:
            self._busy_left -= 1
            self._reply(suntech_ack(AckCode.BUSY))
            return
        if self.behaviour.start_refusal is not None:
            self._reply(suntech_ack(self.behaviour.start_refusal))
            return
        self._reply(suntech_ack(AckCode.RECEIVED))
        self._measuring = True
        self._step = 0

    def _poll(self) -> None:
        limit = self.behaviour.silent_after_polls
        if limit is not None and self._polls_answered >= limit:
            self.silent = True
            return
        self._polls_answered += 1
        if not self._measuring:
            self._reply(suntech_pressure(0))
            return
        pressures = self.behaviour.pressures
        self._reply(suntech_pressure(pressures[self._step]))
        self._step += 1
        if self._step >= len(pressures):
            # The cycle is over: K, unasked (bp-devices.md §4.1).
            self._measuring = False
            self._reply(suntech_ack(AckCode.EXECUTED))


# --- Omron HBP-9020 / HBP-9030 (bp-devices.md §4.2) ---------------------------


def omron_line(
    systolic: int,
    mean_arterial: int,
    diastolic: int,
    pulse: int,
    *,
    when: datetime = datetime(2024, 5, 1, 9, 30),
    record_id: str = "0" * 20,
    status_digit: int = 0,
) -> bytes:
    """A "Mode 5, F3" line: bp,<ID>,YYYY/MM/DD,HH:MM,SYS,MEAN,DIA,PULSE,d CR LF."""
    assert len(record_id) == 20
    return (
        f"bp,{record_id},{when:%Y/%m/%d,%H:%M},{systolic:03d},{mean_arterial:03d},"
        f"{diastolic:03d},{pulse:03d},{status_digit}\r\n"
    ).encode("ascii")


def omron_stx(
    systolic: int,
    diastolic: int,
    pulse: int,
    *,
    when: datetime = datetime(2024, 5, 1, 9, 30),
) -> bytes:
    """The older STX packet: STX yymmdd HHMM SYS DIA PULSE ETX, space-separated."""
    text = f" {when:%y%m%d} {when:%H%M} {systolic:03d} {diastolic:03d} {pulse:03d}"
    return b"\x02" + text.encode("ascii") + b"\x03"


class FakeOmron(PtyDevice):
    """An Omron HBP-9020: silent until "START is pressed", then one record."""

    def press_start(self, record: bytes, *, after_s: float = 0.0) -> None:
        """The measurement runs on the monitor; ``record`` comes at its end."""
        self.send_later(after_s, record)


# --- Tanita (bp-devices.md §4.10) ---------------------------------------------


def tanita_sc_record(
    *,
    model: str = "WB-3000",
    weight_kg: Decimal | str = "70.4",
    height_cm: Decimal | str | None = "172.5",
    bmi: Decimal | str | None = "23.7",
) -> bytes:
    """A WB-3000-style record; CS = low byte of the ASCII sum from '{' up to
    and including the comma before CS (tanita_protocol)."""
    items = ["{0,16,~0,1,~1,1,~2,1", f'MO,"{model}"']
    if height_cm is not None:
        items.append(f"Hm,{height_cm}")
    items.append(f"Wk,{weight_kg}")
    if bmi is not None:
        items.append(f"MI,{bmi}")
    covered = (",".join(items) + ",").encode("ascii")
    return covered + f"CS,{sum(covered) & 0xFF:02X}\r\n".encode("ascii")


class FakeTanita(PtyDevice):
    """A Tanita scale: sends a record after each weighing, unasked."""

    def step_on(self, record: bytes, *, after_s: float = 0.0) -> None:
        """The person steps on; the scale sends ``record`` when it settles."""
        self.send_later(after_s, record)
