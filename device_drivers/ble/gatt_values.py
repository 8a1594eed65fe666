"""Two GATT field types the blood pressure frames embed.

* Date Time (7 bytes, also characteristic 0x2A08), bp-devices.md §1.5.
* Blood Pressure Measurement Status (uint16 bitfield), §1.6.

Both are plain values. The device clock is kept as the device sent it:
readings from cuffs with an unset clock (2000-01-01, 2044-06-01, §1.5) are
common, so the kiosk stamps readings with its own receive time and keeps
this only as provenance (§6, "Wrong device clock").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from device_drivers.errors import FrameError

DATE_TIME_LENGTH = 7
# §1.5: year 1582-9999, 0 = unknown; month and day 0 = unknown. Hours,
# minutes and seconds have no "unknown" value in the spec.
YEAR_MIN, YEAR_MAX = 1582, 9999


@dataclass(frozen=True, slots=True)
class DeviceTimestamp:
    """A Date Time as the device sent it; ``None`` fields were sent as 0."""

    year: int | None
    month: int | None
    day: int | None
    hours: int
    minutes: int
    seconds: int

    def as_datetime(self) -> datetime | None:
        """A naive datetime in the device's local time, if fully known.

        None when the year, month or day is unknown, or the fields name a
        day that does not exist (31 April): the device's clock is only
        provenance, so an impossible date is not worth rejecting a reading.
        """
        if self.year is None or self.month is None or self.day is None:
            return None
        try:
            # Naive on purpose: 0x2A35 carries no time zone.
            return datetime(self.year, self.month, self.day, self.hours, self.minutes, self.seconds)
        except ValueError:
            return None


def read_date_time(data: bytes, offset: int) -> DeviceTimestamp:
    """Decode the 7-byte Date Time at ``offset``; FrameError if out of range.

    Out-of-range fields (month 13, hour 24) are FrameError rather than
    "unknown": they break the spec's own ranges, which is what a frame read
    at the wrong offset looks like, so the whole frame is suspect.
    """
    field = data[offset : offset + DATE_TIME_LENGTH]
    if len(field) != DATE_TIME_LENGTH:
        raise FrameError(f"Date Time needs {DATE_TIME_LENGTH} bytes at offset {offset}")
    year = int.from_bytes(field[0:2], "little")
    month, day, hours, minutes, seconds = field[2:7]
    if year and not YEAR_MIN <= year <= YEAR_MAX:
        raise FrameError(f"Date Time year {year} outside {YEAR_MIN}-{YEAR_MAX}")
    if month > 12 or day > 31 or hours > 23 or minutes > 59 or seconds > 59:
        raise FrameError(f"Date Time field out of range: {field.hex(' ')}")
    return DeviceTimestamp(
        year=year or None,
        month=month or None,
        day=day or None,
        hours=hours,
        minutes=minutes,
        seconds=seconds,
    )


class PulseRateRange(IntEnum):
    """Status bits 3-4 (§1.6): where the pulse was relative to the cuff's limits."""

    WITHIN = 0
    ABOVE_UPPER_LIMIT = 1
    BELOW_LOWER_LIMIT = 2
    RESERVED = 3


@dataclass(frozen=True, slots=True)
class MeasurementStatus:
    """The uint16 measurement status (§1.6); ``raw`` keeps reserved bits 6-15.

    Real cuffs often report failures only through NaN values and leave these
    bits at 0 (derdilla #80), so a clear status does not mean a good reading.
    """

    body_movement: bool  # bit 0
    cuff_too_loose: bool  # bit 1, "cuff fit"
    irregular_pulse: bool  # bit 2
    pulse_rate_range: PulseRateRange  # bits 3-4
    improper_position: bool  # bit 5
    raw: int

    @classmethod
    def from_raw(cls, raw: int) -> MeasurementStatus:
        # Each flag read at its own bit, and the range masked before the
        # shift: the two mistakes derdilla PR #730 fixed (§1.10).
        return cls(
            body_movement=bool(raw & 0x0001),
            cuff_too_loose=bool(raw & 0x0002),
            irregular_pulse=bool(raw & 0x0004),
            pulse_rate_range=PulseRateRange((raw & 0x0018) >> 3),
            improper_position=bool(raw & 0x0020),
            raw=raw,
        )
