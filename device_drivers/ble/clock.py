"""Bytes that set a cuff's clock: pure builders, the time passed in.

Two characteristics carry a writable clock on blood pressure cuffs
(bp-devices.md §1.1, §1.5, §1.8):

* Current Time 0x2A2B (Current Time Service 0x1805), 10 bytes: a Date Time,
  then day of week (1 = Monday … 7 = Sunday), Fractions256 and the Adjust
  Reason bits. Omron and others; write support is optional in the spec.
* Date Time 0x2A08, 7 bytes: year (uint16 LE), month, day, hours, minutes,
  seconds. A&D puts it inside the BP service and needs it written
  (UA-651BLE, §3.2). Example from A&D's documentation:
  2013-08-26 09:10:20 → ``DD 07 08 1A 09 0A 14``.

Cuffs keep local wall-clock time with no zone, so the fields written are the
wall-clock fields of ``now`` exactly as given: pass the kiosk's local time.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntFlag

DATE_TIME_LENGTH = 7
CURRENT_TIME_LENGTH = 10
# §1.5: the year field is 1582-9999 (0 means "unknown", never written by us).
YEAR_MIN, YEAR_MAX = 1582, 9999


class AdjustReason(IntFlag):
    """Current Time "Adjust Reason" bits (§1.8)."""

    MANUAL_TIME_UPDATE = 0x01
    EXTERNAL_REFERENCE_TIME_UPDATE = 0x02
    TIME_ZONE_CHANGE = 0x04
    DST_CHANGE = 0x08


def date_time_bytes(now: datetime) -> bytes:
    """The 7-byte Date Time (0x2A08, and the first 7 bytes of 0x2A2B)."""
    if not YEAR_MIN <= now.year <= YEAR_MAX:
        raise ValueError(f"year {now.year} cannot be sent as a Date Time")
    return now.year.to_bytes(2, "little") + bytes(
        (now.month, now.day, now.hour, now.minute, now.second)
    )


def current_time_bytes(
    now: datetime, adjust_reason: AdjustReason = AdjustReason.MANUAL_TIME_UPDATE
) -> bytes:
    """The 10-byte Current Time (0x2A2B) for ``now``."""
    fractions256 = now.microsecond * 256 // 1_000_000
    return date_time_bytes(now) + bytes((now.isoweekday(), fractions256, int(adjust_reason)))
