"""The asyncio shell around one serial port: the only serial module doing I/O.

Everything protocol-specific stays in the pure modules. This module opens the
port with a profile's settings (profiles.py), feeds whatever arrives into the
profile's ``Packetizer`` (framing.py) and hands whole frames on; the drivers
(suntech_cuff.py, omron_monitor.py, tanita_scale.py) decide what the frames
mean (style-anchors.md A4: an ``asyncio.Protocol`` that only buffers and
resyncs)::

    async with SerialPort("/dev/ttyUSB0", PROFILES["suntech_advantage"]) as port:
        await port.open(timeout_s=3.0)
        port.write(build_command(Command.GET_CUFF_PRESSURE))
        frame = await port.read_frame(timeout_s=1.0)

Errors, in the terms of device_drivers/errors.py:

* ``DeviceNotFoundError``: ``open`` could not open the port before its
  deadline (the path is absent, e.g. the USB adapter is unplugged, or the
  port refuses to open). ``open`` retries with ``backoff_for`` until then.
* ``DeviceDisconnectedError``: the port failed while open (a read error is
  what an unplugged USB adapter, or a pty whose master closed, looks like),
  or it is not open. The port closes itself; the next ``open`` reopens it,
  so a replugged device is picked up again by the next measurement.
* ``DeviceTimeoutError``: no whole frame arrived in time.

Nothing here sleeps on the wall clock directly: the retry loop takes an
injectable ``sleep`` and ``clock`` so tests can check the schedule instantly.
Read timeouts use the event loop's own clock.
"""

from __future__ import annotations

import asyncio
import logging
import termios
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Final

import serial
import serial_asyncio_fast

from device_drivers.errors import (
    DeviceDisconnectedError,
    DeviceNotFoundError,
    DeviceTimeoutError,
)
from device_drivers.serial.frame_reader import FrameProtocol
from device_drivers.serial.framing import Packetizer
from device_drivers.serial.profiles import SerialProfile

_LOG = logging.getLogger(__name__)

# Reopen attempts: 0.1 s, 0.2 s, 0.4 s ... then every 5 s. A kiosk has one
# device per port and nobody else competes for it, so no jitter is needed; a
# cap of 5 s means a replugged cuff is found within 5 s of being back.
BACKOFF_BASE_S: Final = 0.1
BACKOFF_CAP_S: Final = 5.0
# How long ``close`` lets unsent bytes drain before dropping them.
CLOSE_DRAIN_S: Final = 1.0

SerialOpener = Callable[[str, SerialProfile], serial.Serial]
"""Opens a port synchronously (it runs in the loop's executor)."""


def backoff_for(
    attempt: int, *, base_s: float = BACKOFF_BASE_S, cap_s: float = BACKOFF_CAP_S
) -> float:
    """Seconds to wait after the ``attempt``-th failed open (1-based):
    doubling from ``base_s``, never more than ``cap_s``."""
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    # The exponent is clamped so a port missing for days cannot overflow.
    return float(min(cap_s, base_s * 2 ** min(attempt - 1, 32)))


def open_serial(url: str, profile: SerialProfile) -> serial.Serial:
    """The default opener: a device path (or a pyserial URL) with the
    profile's baud rate, byte size, parity and stop bits."""
    return serial.serial_for_url(url, **profile.pyserial_settings())


class SerialPort:
    """One configured port: opened on demand, reopened after an unplug.

    ``url`` is a device path such as ``/dev/ttyUSB0`` or a stable
    ``/dev/serial/by-id/...`` symlink (recommended: the ``ttyUSB`` number can
    change when the adapter is replugged).
    """

    def __init__(
        self,
        url: str,
        profile: SerialProfile,
        *,
        backoff: Callable[[int], float] = backoff_for,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        opener: SerialOpener = open_serial,
    ) -> None:
        self._url = url
        self._profile = profile
        self._backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._opener = opener
        self._transport: asyncio.Transport | None = None
        self._protocol: FrameProtocol | None = None
        self._open_lock = asyncio.Lock()
        self._connections = 0

    def __repr__(self) -> str:
        state = "open" if self.is_open else "closed"
        return f"SerialPort({self._url!r}, {self._profile.name!r}, {state})"

    @property
    def url(self) -> str:
        return self._url

    @property
    def profile(self) -> SerialProfile:
        return self._profile

    @property
    def is_open(self) -> bool:
        return (
            self._transport is not None
            and self._protocol is not None
            and not self._protocol.lost
            and not self._transport.is_closing()
        )

    @property
    def connections(self) -> int:
        """How many times the port has been opened; changes on reconnect."""
        return self._connections

    @property
    def discarded_bytes(self) -> int:
        """Garbage bytes dropped by the framing on the current connection."""
        return 0 if self._protocol is None else self._protocol.discarded_bytes

    @property
    def bytes_received(self) -> int:
        """Bytes received on the current connection, whole frames or not.

        A device whose replies are held back by the framing (a stray start
        marker claiming a long frame, framing.py) is still talking: drivers
        compare this, not frames, to tell "slow" from "silent".
        """
        return 0 if self._protocol is None else self._protocol.bytes_received

    async def open(self, *, timeout_s: float) -> None:
        """Open the port unless it is open, retrying with ``backoff_for``.

        Raises DeviceNotFoundError if it cannot be opened within
        ``timeout_s`` (one attempt is always made, even with 0).
        """
        async with self._open_lock:
            if self.is_open:
                return
            await self._forget_connection()
            deadline = self._clock() + timeout_s
            attempt = 0
            while True:
                try:
                    await self._open_once()
                except (OSError, termios.error) as error:
                    # serial.SerialException is an OSError. termios.error
                    # comes from a port that takes the open but refuses the
                    # settings (a Linux pty given parity or 7 data bits).
                    attempt += 1
                    remaining = deadline - self._clock()
                    if remaining <= 0:
                        raise DeviceNotFoundError(
                            f"cannot open {self._url} after {attempt} attempt(s): {error}"
                        ) from error
                    delay = min(self._backoff(attempt), remaining)
                    _LOG.debug("open %s failed (%s); retrying in %.2f s", self._url, error, delay)
                    await self._sleep(delay)
                else:
                    self._connections += 1
                    _LOG.info("opened %s as %s", self._url, self._profile.name)
                    return

    async def _open_once(self) -> None:
        loop = asyncio.get_running_loop()
        opening = loop.run_in_executor(None, self._opener, self._url, self._profile)
        try:
            port = await asyncio.shield(opening)
        except asyncio.CancelledError:
            # The executor thread carries on; close what it opens.
            opening.add_done_callback(_close_if_opened)
            raise
        protocol = FrameProtocol(Packetizer(self._profile.framing))
        try:
            # Sets the port non-blocking: the second point where a port can
            # refuse its settings.
            transport, _ = await serial_asyncio_fast.connection_for_serial(
                loop, lambda: protocol, port
            )
        except BaseException:
            port.close()
            raise
        self._transport = transport
        self._protocol = protocol

    def write(self, data: bytes) -> None:
        """Queue ``data`` for sending; never blocks.

        Raises DeviceDisconnectedError if the port is not open.
        """
        if self._transport is None or not self.is_open:
            raise DeviceDisconnectedError(f"{self._url} is not open")
        self._transport.write(data)

    async def read_frame(self, *, timeout_s: float) -> bytes:
        """The next whole frame, oldest first.

        Raises DeviceTimeoutError if none arrives within ``timeout_s``, and
        DeviceDisconnectedError if the port is not open or fails meanwhile.
        """
        protocol = self._protocol
        if protocol is None:
            raise DeviceDisconnectedError(f"{self._url} is not open")
        try:
            async with asyncio.timeout(timeout_s):
                return await protocol.next_frame()
        except TimeoutError:
            raise DeviceTimeoutError(f"no frame from {self._url} within {timeout_s} s") from None

    def discard_frames(self) -> int:
        """Drop frames already received (stale replies, an earlier record)."""
        return 0 if self._protocol is None else self._protocol.discard_frames()

    async def close(self) -> None:
        """Close the port; safe to call at any time and more than once."""
        async with self._open_lock:
            transport = self._transport
            if transport is not None and not transport.is_closing():
                transport.close()
            await self._forget_connection()

    async def _forget_connection(self) -> None:
        transport, protocol = self._transport, self._protocol
        self._transport = self._protocol = None
        if transport is None or protocol is None:
            return
        try:
            async with asyncio.timeout(CLOSE_DRAIN_S):
                await protocol.wait_closed()
        except TimeoutError:
            # Still trying to send to a device that does not read. The close
            # has not been scheduled yet while bytes are pending, so
            # aborting now cannot close the port twice.
            if transport.get_write_buffer_size():
                transport.abort()
            await protocol.wait_closed()

    async def __aenter__(self) -> SerialPort:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


def _close_if_opened(opening: asyncio.Future[serial.Serial]) -> None:
    if not opening.cancelled() and opening.exception() is None:
        opening.result().close()
