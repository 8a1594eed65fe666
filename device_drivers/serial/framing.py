"""Cutting a serial byte stream into frames, whatever the line throws at it.

A serial port delivers bytes, not messages: a reply can arrive split over
several reads, two replies can arrive in one, and a cable plugged in
mid-message, a device booting, or electrical noise puts garbage in between.
``Packetizer`` buffers what arrives and hands back only whole frames that the
protocol's own check accepts (style-anchors.md §3.5, after zigpy-znp uart.py):

    packetizer = Packetizer(suntech_protocol.FRAMING)
    for frame in packetizer.feed(data):
        reply = suntech_protocol.parse(frame)

How it resynchronises: bytes before a start-of-frame marker are garbage. When
the candidate at a marker turns out bad (impossible length, bad checksum, no
terminator in time, wrong syntax), only the marker's first byte is dropped
and the search resumes at the next marker. Dropping the whole candidate
instead would also drop a real frame that starts inside it, e.g. after a
stray ``>`` byte whose "length" reaches over the real reply.

Every decision depends only on the bytes, never on how they were split into
reads, so any chunking of the same stream yields the same frames and the same
garbage counts (tests/device_drivers/serial/test_serial_properties.py). The
price: a garbage marker whose claimed length or missing terminator reaches
past the real frame delays that frame until enough bytes have arrived to
rule the candidate out (at most ``max_length`` bytes).

The buffer never holds ``max_length`` bytes or more, so a device spewing
garbage cannot grow memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from device_drivers.errors import FrameError

FrameCheck = Callable[[bytes], None]
"""Raises FrameError if a complete candidate frame is not a valid frame."""


class FrameSpec(Protocol):
    """How one protocol marks its frames; framing.py ships two shapes."""

    @property
    def start(self) -> bytes: ...

    @property
    def max_length(self) -> int: ...

    def frame_length(self, buffer: bytes | bytearray) -> int | None:
        """Length of the frame at the start of ``buffer`` (which begins with
        ``start``), or None if more bytes are needed. Raises FrameError if no
        valid frame can start here."""
        ...


@dataclass(frozen=True, slots=True)
class LengthPrefixed:
    """Binary frames: a start marker, then a length byte counting the whole
    frame (SunTech, bp-devices.md §4.1)."""

    start: bytes
    length_offset: int
    min_length: int
    max_length: int
    check: FrameCheck | None = None

    def __post_init__(self) -> None:
        if not self.start:
            raise ValueError("a start-of-frame marker is required")
        if not self.length_offset < self.min_length <= self.max_length:
            raise ValueError("lengths must satisfy length_offset < min_length <= max_length")

    def frame_length(self, buffer: bytes | bytearray) -> int | None:
        if len(buffer) <= self.length_offset:
            return None
        length = buffer[self.length_offset]
        if not self.min_length <= length <= self.max_length:
            raise FrameError(f"length byte {length} outside {self.min_length}..{self.max_length}")
        if len(buffer) < length:
            return None
        if self.check is not None:
            self.check(bytes(buffer[:length]))
        return length


@dataclass(frozen=True, slots=True)
class Delimited:
    """Text lines or STX/ETX packets: a start marker, then everything up to
    and including the first ``end`` marker (Omron, Tanita, §4.2 and §4.10)."""

    start: bytes
    end: bytes
    max_length: int
    check: FrameCheck | None = None

    def __post_init__(self) -> None:
        if not self.start or not self.end:
            raise ValueError("start and end markers are required")
        if self.max_length < len(self.start) + len(self.end):
            raise ValueError("max_length cannot hold the markers")

    def frame_length(self, buffer: bytes | bytearray) -> int | None:
        # Only a terminator wholly inside the first max_length bytes counts,
        # so the verdict does not depend on how much has arrived beyond that.
        end_at = buffer.find(self.end, len(self.start), self.max_length)
        if end_at < 0:
            if len(buffer) >= self.max_length:
                raise FrameError(f"no {self.end!r} within {self.max_length} bytes")
            return None
        length = end_at + len(self.end)
        if self.check is not None:
            self.check(bytes(buffer[:length]))
        return length


class Packetizer:
    """Feed it bytes as they arrive; get back complete, checked frames."""

    def __init__(self, spec: FrameSpec) -> None:
        self._spec = spec
        self._buffer = bytearray()
        self._discarded = 0
        self._rejected = 0

    @property
    def discarded_bytes(self) -> int:
        """Bytes thrown away so far: garbage between frames and bad frames."""
        return self._discarded

    @property
    def rejected_frames(self) -> int:
        """Start markers whose candidate frame failed a length, terminator,
        checksum or syntax check."""
        return self._rejected

    @property
    def buffered(self) -> int:
        """Bytes held back waiting for the rest of a frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        frames: list[bytes] = []
        while (frame := self._next_frame()) is not None:
            frames.append(frame)
        return frames

    def _next_frame(self) -> bytes | None:
        start = self._spec.start
        buffer = self._buffer
        while True:
            at = buffer.find(start)
            if at < 0:
                self._drop(len(buffer) - _partial_marker(buffer, start))
                return None
            self._drop(at)
            try:
                length = self._spec.frame_length(buffer)
            except FrameError:
                self._rejected += 1
                self._drop(1)
                continue
            if length is None:
                return None
            frame = bytes(buffer[:length])
            del buffer[:length]
            return frame

    def _drop(self, count: int) -> None:
        del self._buffer[:count]
        self._discarded += count


def _partial_marker(buffer: bytearray, start: bytes) -> int:
    """How many trailing bytes could be the beginning of a split marker."""
    for keep in range(min(len(start) - 1, len(buffer)), 0, -1):
        if buffer.endswith(start[:keep]):
            return keep
    return 0
