"""The asyncio side of a serial port's reads: buffer, resync, queue whole frames.

It only buffers bytes into the profile's ``Packetizer`` (framing.py) and
hands whole frames on, in order; it never interprets one (style-anchors.md
A4). transport.py's ``SerialPort`` owns it, one per connection.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Final

from device_drivers.errors import DeviceDisconnectedError
from device_drivers.serial.framing import Packetizer

# Frames nobody asked for (a monitor that talks between measurements) are
# kept up to this many, oldest dropped first, so memory cannot grow.
MAX_QUEUED_FRAMES: Final = 64


class FrameProtocol(asyncio.Protocol):
    """Buffers bytes into a Packetizer and queues the whole frames.

    It never interprets a frame: that is the driver's job.
    """

    def __init__(self, packetizer: Packetizer) -> None:
        self._packetizer = packetizer
        self._frames: deque[bytes] = deque(maxlen=MAX_QUEUED_FRAMES)
        self._changed = asyncio.Event()
        self._lost = False
        self._lost_because: Exception | None = None
        self._bytes_received = 0
        self._closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    @property
    def lost(self) -> bool:
        return self._lost

    @property
    def discarded_bytes(self) -> int:
        return self._packetizer.discarded_bytes

    @property
    def bytes_received(self) -> int:
        return self._bytes_received

    def data_received(self, data: bytes) -> None:
        self._bytes_received += len(data)
        frames = self._packetizer.feed(data)
        if frames:
            self._frames.extend(frames)
            self._changed.set()

    def connection_lost(self, exc: Exception | None) -> None:
        # serial_asyncio_fast calls this once the port is closed, whether
        # we closed it (exc None) or a read or write failed (exc set).
        self._lost = True
        self._lost_because = exc
        self._changed.set()
        if not self._closed.done():
            self._closed.set_result(None)

    def discard_frames(self) -> int:
        count = len(self._frames)
        self._frames.clear()
        return count

    async def next_frame(self) -> bytes:
        # Frames that arrived before a loss are still handed out first.
        while True:
            if self._frames:
                return self._frames.popleft()
            if self._lost:
                raise DeviceDisconnectedError(f"port lost: {self._lost_because or 'closed'}")
            self._changed.clear()
            await self._changed.wait()

    async def wait_closed(self) -> None:
        await asyncio.shield(self._closed)
