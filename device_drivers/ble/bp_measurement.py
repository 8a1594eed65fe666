"""Sans-I/O parsers for the Bluetooth Blood Pressure Service (0x1810).

Bytes in, frozen values out; the byte layouts are in docs/wire-format-bps.md.

* ``decode_bps_frame``: the structural decode of a 0x2A35 or 0x2A36 value.
  Raises FrameError only; numbers stay as the device sent them.
* ``parse_bp_measurement``: 0x2A35 as the kiosk uses it: a plausible
  reading in whole mmHg (``BpMeasurement``), or ``BpDeviceFailure`` when the
  cuff sent NaN/NRes/INF instead of numbers. Implausible numbers raise
  ImplausibleReadingError.
* ``parse_intermediate_cuff_pressure``: 0x2A36, the live gauge.
* ``parse_bp_feature`` (gatt_values.py): 0x2A49, what the cuff can detect.

Length policy: the flags fix the exact length. Short frames are FrameError.
Surplus bytes are also FrameError, except the one surplus byte a known quirk
explains (quirks.py): §1.2 calls surplus "a strong hint of a vendor quirk",
and decoding a quirky frame by the spec gives wrong numbers, not errors
(§2.3: pulse -256000, a false "body movement"). Reserved flag bits are
ignored, as the spec asks of receivers, but kept in ``flags``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Literal

from device_drivers.ble.gatt_values import (
    DATE_TIME_LENGTH,
    BpsFlags,
    DeviceTimestamp,
    MeasurementStatus,
    PressureUnit,
    read_date_time,
)
from device_drivers.ble.ieee11073 import BytesLike, SpecialValue, decode_sfloat
from device_drivers.ble.quirks import select_quirk
from device_drivers.errors import FrameError, ImplausibleReadingError
from device_drivers.events import CuffPressure
from device_drivers.plausibility import SYSTOLIC_MAX_MMHG, check_blood_pressure

# §1.2: flags + systolic + diastolic + MAP are always there.
MIN_FRAME_LENGTH = 7
UNKNOWN_USER_ID = 0xFF  # §1.2: user ID 0xFF means "unknown user"

# §1.9: 1 mmHg = 133.322 Pa, so 1 kPa = 7.50062 mmHg (hass-omron's factor).
KPA_TO_MMHG = Decimal("7.50062")

# Plausibility limits are shared by every driver (device_drivers/plausibility.py),
# applied to the whole mmHg the kiosk records, after any kPa conversion.
# A cuff inflates past systolic before it deflates (our simulator goes 30
# mmHg above), so the gauge may read above the systolic ceiling.
CUFF_PRESSURE_MIN_MMHG, CUFF_PRESSURE_MAX_MMHG = 0, SYSTOLIC_MAX_MMHG + 50

# All arithmetic in one explicit context, so a caller's decimal settings
# cannot change a result. Rounding is half-up to whole mmHg/bpm: the unit
# the kiosk records. (An exact .5 cannot arise from a 0.1 kPa step.)
_CTX = Context(prec=28, rounding=ROUND_HALF_UP)
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class BpsFrame:
    """A 0x2A35/0x2A36 value decoded field by field, numbers as sent."""

    flags: int  # the whole byte, reserved bits included
    unit: PressureUnit
    systolic: Decimal | SpecialValue  # 0x2A36: the current cuff pressure
    diastolic: Decimal | SpecialValue
    mean_arterial_pressure: Decimal | SpecialValue
    timestamp: DeviceTimestamp | None
    pulse_rate: Decimal | SpecialValue | None  # beats per minute
    user_id: int | None  # None: not sent; 0xFF: sent as "unknown user"
    status: MeasurementStatus | None
    quirk: str | None  # FrameQuirk.key used to decode, None = by the spec
    raw: bytes


@dataclass(frozen=True, slots=True)
class BpMeasurement:
    """A finished, plausible reading; mmHg fields are what the kiosk uses."""

    systolic_mmhg: int
    diastolic_mmhg: int
    mean_arterial_pressure_mmhg: int | None  # None: NaN, or 0 = "not computed"
    pulse_rate: int | None  # None: not sent, or a special value
    unit: PressureUnit  # §1.9: keep the unit and values as sent
    systolic: Decimal
    diastolic: Decimal
    timestamp: DeviceTimestamp | None
    user_id: int | None
    status: MeasurementStatus | None
    quirk: str | None
    raw: bytes


@dataclass(frozen=True, slots=True)
class BpDeviceFailure:
    """The cuff reported "no reading" with special values; carries no numbers.

    Each ``*_special`` is the special value the device sent in that field,
    or None if that field held a number (§2.2: #694 sent a real systolic
    with a NaN diastolic; the number is not kept, only ``raw``).
    """

    systolic_special: SpecialValue | None
    diastolic_special: SpecialValue | None
    unit: PressureUnit
    timestamp: DeviceTimestamp | None
    user_id: int | None
    status: MeasurementStatus | None
    quirk: str | None
    raw: bytes


def expected_length(flags: int) -> int:
    """The exact frame length the flags promise (§1.2), 7 to 19 bytes."""
    # Field sizes: Date Time 7, SFLOAT pulse 2, uint8 user ID, uint16 status.
    return (
        MIN_FRAME_LENGTH
        + (DATE_TIME_LENGTH if flags & BpsFlags.TIMESTAMP else 0)
        + (2 if flags & BpsFlags.PULSE_RATE else 0)
        + (1 if flags & BpsFlags.USER_ID else 0)
        + (2 if flags & BpsFlags.MEASUREMENT_STATUS else 0)
    )


def decode_bps_frame(data: BytesLike, *, device_name: str | None = None) -> BpsFrame:
    """Decode a 0x2A35 or 0x2A36 value; ``device_name`` selects quirks."""
    # A private immutable copy: transports may hand over a bytearray or
    # memoryview they reuse, and ``raw`` must stay what was received.
    data = bytes(data)
    if not data:
        raise FrameError("empty blood pressure frame")
    flags = data[0]
    needed = expected_length(flags)
    spare = len(data) - needed
    if spare < 0:
        raise FrameError(f"{len(data)}-byte frame, flags 0x{flags:02X} need {needed} bytes")
    quirk = select_quirk(flags, spare, device_name)
    has_user_id = bool(flags & BpsFlags.USER_ID)
    # §2.3: the one spare byte of a Beurer frame is a user ID the flags do
    # not announce, in the slot the spec gives the user ID (after pulse).
    if quirk is not None and quirk.unflagged_user_id and not has_user_id and spare == 1:
        has_user_id, spare = True, 0
    if spare:
        raise FrameError(f"{spare} unexplained byte(s) after a {needed}-byte frame")

    def sfloat_at(offset: int, big_endian: bool = False) -> Decimal | SpecialValue:
        return decode_sfloat(int.from_bytes(data[offset : offset + 2], _order(big_endian)))

    # Sys, dia and MAP sit at fixed offsets 1, 3 and 5; the optional fields
    # follow in flag-bit order, each only if its bit is set (§1.2).
    offset = MIN_FRAME_LENGTH
    timestamp: DeviceTimestamp | None = None
    pulse: Decimal | SpecialValue | None = None
    user_id: int | None = None
    status: MeasurementStatus | None = None
    if flags & BpsFlags.TIMESTAMP:
        timestamp = read_date_time(data, offset)
        offset += DATE_TIME_LENGTH
    if flags & BpsFlags.PULSE_RATE:
        pulse = sfloat_at(offset, quirk is not None and quirk.big_endian_pulse)
        offset += 2
    if has_user_id:
        user_id = data[offset]
        offset += 1
    if flags & BpsFlags.MEASUREMENT_STATUS:
        big_endian = quirk is not None and quirk.big_endian_status
        status = MeasurementStatus.from_raw(
            int.from_bytes(data[offset : offset + 2], _order(big_endian))
        )
    return BpsFrame(
        flags=flags,
        unit=PressureUnit.KPA if flags & BpsFlags.KPA else PressureUnit.MMHG,
        systolic=sfloat_at(1),
        diastolic=sfloat_at(3),
        mean_arterial_pressure=sfloat_at(5),
        timestamp=timestamp,
        pulse_rate=pulse,
        user_id=user_id,
        status=status,
        quirk=None if quirk is None else quirk.key,
        raw=data,
    )


def parse_bp_measurement(
    data: BytesLike, *, device_name: str | None = None
) -> BpMeasurement | BpDeviceFailure:
    """Parse 0x2A35 into a reading the kiosk may store, or a device failure."""
    frame = decode_bps_frame(data, device_name=device_name)
    sys_, dia = frame.systolic, frame.diastolic
    # §1.6/§2.2: cuffs report "Err" through special values and often leave
    # the status bits at 0, so the special values alone decide failure.
    if isinstance(sys_, SpecialValue) or isinstance(dia, SpecialValue):
        return BpDeviceFailure(
            systolic_special=sys_ if isinstance(sys_, SpecialValue) else None,
            diastolic_special=dia if isinstance(dia, SpecialValue) else None,
            unit=frame.unit,
            timestamp=frame.timestamp,
            user_id=frame.user_id,
            status=frame.status,
            quirk=frame.quirk,
            raw=frame.raw,
        )
    # Limits apply to the whole mmHg the kiosk records, after conversion:
    # a kPa cuff's 5.3 kPa (39.75 mmHg) is recorded, and checked, as 40.
    systolic, diastolic = to_mmhg(sys_, frame.unit), to_mmhg(dia, frame.unit)
    # A NaN pulse next to good pressures is just a missing pulse. A numeric
    # pulse out of bounds means the frame was misread, so the pressures
    # cannot be trusted either: reject the whole reading.
    pulse = None
    if isinstance(frame.pulse_rate, Decimal):
        pulse = _round(frame.pulse_rate)
    mean = frame.mean_arterial_pressure
    # §1.2: devices that do not compute MAP send NaN or 0x0000 (Beurer BM85).
    mean_mmhg = to_mmhg(mean, frame.unit) if isinstance(mean, Decimal) and mean else None
    # A mean is a weighted average of sys and dia, so one outside them means
    # misread fields (same rule as the serial drivers). Rounding is monotonic,
    # so a true kPa mean cannot fall outside after conversion.
    check_blood_pressure(systolic, diastolic, pulse, mean_arterial=mean_mmhg)
    return BpMeasurement(
        systolic_mmhg=systolic,
        diastolic_mmhg=diastolic,
        mean_arterial_pressure_mmhg=mean_mmhg,
        pulse_rate=pulse,
        unit=frame.unit,
        systolic=sys_,
        diastolic=dia,
        timestamp=frame.timestamp,
        user_id=frame.user_id,
        status=frame.status,
        quirk=frame.quirk,
        raw=frame.raw,
    )


def parse_intermediate_cuff_pressure(
    data: BytesLike, *, device_name: str | None = None
) -> CuffPressure | None:
    """Parse 0x2A36: the live cuff pressure, None if the cuff sent no number.

    Same layout as 0x2A35 (§1.1); only the first SFLOAT is used. The spec
    puts NaN in the diastolic and MAP slots, Nordic's vectors put 0x0000:
    both are ignored. Callers may simply drop gauge frames that raise.
    """
    current = decode_bps_frame(data, device_name=device_name)
    # A gauge frame without a number is not a failure: the gauge just keeps
    # its last value. The final result arrives separately on 0x2A35.
    if isinstance(current.systolic, SpecialValue):
        return None
    mmhg = to_mmhg(current.systolic, current.unit)
    if not CUFF_PRESSURE_MIN_MMHG <= mmhg <= CUFF_PRESSURE_MAX_MMHG:
        raise ImplausibleReadingError(
            f"cuff pressure {mmhg} mmHg outside {CUFF_PRESSURE_MIN_MMHG}-{CUFF_PRESSURE_MAX_MMHG}"
        )
    return CuffPressure(mmhg=mmhg)


def to_mmhg(value: Decimal, unit: PressureUnit) -> int:
    """A pressure in whole mmHg: kPa × 7.50062 (§1.9), rounded half-up."""
    return _round(_CTX.multiply(value, KPA_TO_MMHG) if unit is PressureUnit.KPA else value)


def _round(value: Decimal) -> int:
    return int(value.quantize(_ONE, rounding=ROUND_HALF_UP, context=_CTX))


def _order(big_endian: bool) -> Literal["big", "little"]:
    # Everything in BPS is little-endian (§1.2); "big" only for quirks.
    return "big" if big_endian else "little"
