"""Record ids: UUID version 7 (RFC 9562 §5.7).

Time-ordered, so the outbox and the upstream index them in arrival order,
and random enough (74 bits) that two kiosks never collide. Python 3.11's
``uuid`` module has no v7, so it is built here from its definition.
"""

from __future__ import annotations

import os
import uuid


def uuid7(unix_ms: int, random_bytes: bytes | None = None) -> uuid.UUID:
    """A UUIDv7 for the given Unix time in milliseconds."""
    rand = random_bytes if random_bytes is not None else os.urandom(10)
    if len(rand) != 10:
        raise ValueError("uuid7 needs 10 random bytes")
    value = (unix_ms & ((1 << 48) - 1)) << 80  # 48-bit big-endian timestamp
    value |= int.from_bytes(rand, "big") & ((1 << 80) - 1)
    value &= ~(0xF << 76)
    value |= 0x7 << 76  # version 7
    value &= ~(0x3 << 62)
    value |= 0x2 << 62  # RFC 9562 variant (0b10)
    return uuid.UUID(int=value)
