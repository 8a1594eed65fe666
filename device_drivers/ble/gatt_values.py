"""The small value types of the Blood Pressure Service.

* The 0x2A35/0x2A36 flags byte and pressure unit, bp-devices.md §1.3.
* Date Time (7 bytes, also characteristic 0x2A08), bp-devices.md §1.5,
  embedded in 0x2A35/0x2A36.
* Blood Pressure Measurement Status (uint16 bitfield), §1.6, likewise.
* Blood Pressure Feature (0x2A49, uint16 bitmap), §1.6, read on its own.

All plain values. The device clock is kept as the device sent it:
readings from cuffs with an unset clock (2000-01-01, 2044-06-01, §1.5) are
common, so the kiosk stamps readings with its own receive time and keeps
this only as provenance (§6, "Wrong device clock").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, IntFlag, StrEnum

from device_drivers.ble.ieee11073 import BytesLike
from device_drivers.errors import FrameError


class BpsFlags(IntFlag):
    """0x2A35/0x2A36 flags byte (§1.3); bits 5-7 are reserved.

    Receivers ignore reserved bits, but Beurer sets bit 6 (quirks.py).
    """

    KPA = 0x01  # bit 0: 0 = mmHg; applies to sys/dia/MAP, never to pulse
    TIMESTAMP = 0x02  # bit 1: a 7-byte Date Time follows MAP
    PULSE_RATE = 0x04  # bit 2: SFLOAT, beats per minute
    USER_ID = 0x08  # bit 3: uint8, 0xFF = unknown user
    MEASUREMENT_STATUS = 0x10  # bit 4: uint16 bitfield, always last


class PressureUnit(StrEnum):
    # §1.9: keep the unit the cuff used; convert only to check and display.
    MMHG = "mmHg"
    KPA = "kPa"


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


def read_date_time(data: BytesLike, offset: int) -> DeviceTimestamp:
    """Decode the 7-byte Date Time at ``offset``; FrameError if out of range.

    Out-of-range fields (month 13, hour 24) are FrameError rather than
    "unknown": they break the spec's own ranges, which is what a frame read
    at the wrong offset looks like, so the whole frame is suspect.
    """
    # Layout: year uint16 LE, then month, day, hours, minutes, seconds (uint8).
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


@dataclass(frozen=True, slots=True)
class BpFeature:
    """0x2A49 Blood Pressure Feature (§1.6): what the cuff can detect."""

    body_movement_detection: bool  # bit 0
    cuff_fit_detection: bool  # bit 1
    irregular_pulse_detection: bool  # bit 2
    pulse_rate_range_detection: bool  # bit 3 (one bit here, two in the status)
    measurement_position_detection: bool  # bit 4 (bit 5 in the status)
    multiple_bonds: bool  # bit 5
    raw: int  # later BPS versions define more bits; kept, not interpreted


def parse_bp_feature(data: BytesLike) -> BpFeature:
    """Parse 0x2A49, a uint16 bitmap (§1.6); any other length is FrameError."""
    # Exactly 2: the bitmap is uint16 in every BPS version we know of, so
    # another length means we are not reading the characteristic we think.
    if len(data) != 2:
        raise FrameError(f"Blood Pressure Feature is 2 bytes, got {len(data)}")
    raw = int.from_bytes(data, "little")
    return BpFeature(
        body_movement_detection=bool(raw & 0x01),
        cuff_fit_detection=bool(raw & 0x02),
        irregular_pulse_detection=bool(raw & 0x04),
        pulse_rate_range_detection=bool(raw & 0x08),
        measurement_position_detection=bool(raw & 0x10),
        multiple_bonds=bool(raw & 0x20),
        raw=raw,
    )
