"""0x2A36 cuff pressure, 0x2A49 features, and mapping frames to the shared events.

Every vector is compared against the ENTIRE parsed value, so a field that
silently changes (a status bit, the quirk used, the raw bytes) fails a test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from device_drivers.ble import (
    BpDeviceFailure,
    BpFeature,
    BpMeasurement,
    BpsEvent,
    BpsProvenance,
    DeviceTimestamp,
    MeasurementStatus,
    PressureUnit,
    PulseRateRange,
    SpecialValue,
    parse_bp_feature,
    parse_bp_measurement,
    parse_intermediate_cuff_pressure,
    to_event,
)
from device_drivers.errors import FrameError, ImplausibleReadingError
from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    FailureReason,
    MeasurementFailed,
)
from tests.device_drivers.vectors import bps

MMHG, KPA = PressureUnit.MMHG, PressureUnit.KPA
NAN = SpecialValue.NAN
BEURER = "beurer-swapped-pulse-status"
D = Decimal


def status(
    raw: int,
    *,
    movement: bool = False,
    loose: bool = False,
    irregular: bool = False,
    pulse_range: PulseRateRange = PulseRateRange.WITHIN,
    position: bool = False,
) -> MeasurementStatus:
    # Spelled out, not MeasurementStatus.from_raw: expected values must not
    # come from the code under test.
    return MeasurementStatus(
        body_movement=movement,
        cuff_too_loose=loose,
        irregular_pulse=irregular,
        pulse_rate_range=pulse_range,
        improper_position=position,
        raw=raw,
    )


CLEAR = status(0)


def ts(
    year: int | None, month: int | None, day: int | None, hours: int, minutes: int, seconds: int
) -> DeviceTimestamp:
    return DeviceTimestamp(year, month, day, hours, minutes, seconds)


def reading(
    raw: bytes,
    sys_dia_map: tuple[int, int, int | None],
    *,
    pulse: int | None = None,
    unit: PressureUnit = MMHG,
    as_sent: tuple[str, str] | None = None,
    timestamp: DeviceTimestamp | None = None,
    user_id: int | None = None,
    status: MeasurementStatus | None = None,
    quirk: str | None = None,
) -> BpMeasurement:
    systolic, diastolic, mean = sys_dia_map
    sent_sys, sent_dia = as_sent or (str(systolic), str(diastolic))
    return BpMeasurement(
        systolic_mmhg=systolic,
        diastolic_mmhg=diastolic,
        mean_arterial_pressure_mmhg=mean,
        pulse_rate=pulse,
        unit=unit,
        systolic=D(sent_sys),
        diastolic=D(sent_dia),
        timestamp=timestamp,
        user_id=user_id,
        status=status,
        quirk=quirk,
        raw=raw,
    )


def failure(
    raw: bytes,
    systolic: SpecialValue | None,
    diastolic: SpecialValue | None,
    *,
    timestamp: DeviceTimestamp | None = None,
    user_id: int | None = None,
    status: MeasurementStatus | None = None,
) -> BpDeviceFailure:
    return BpDeviceFailure(
        systolic_special=systolic,
        diastolic_special=diastolic,
        unit=MMHG,
        timestamp=timestamp,
        user_id=user_id,
        status=status,
        quirk=None,
        raw=raw,
    )


# --- 0x2A36 Intermediate Cuff Pressure -------------------------------------


@pytest.mark.parametrize(
    ("vector", "expected"),
    [
        pytest.param(bps.SYN_ICP_SPEC, CuffPressure(mmhg=150), id="spec"),
        pytest.param(bps.SYN_ICP_ZERO_FILLED, CuffPressure(mmhg=100), id="zero-filled"),
        pytest.param(bps.SYN_ICP_KPA, CuffPressure(mmhg=150), id="kpa"),
        pytest.param(bps.SYN_ICP_WITH_STATUS, CuffPressure(mmhg=0), id="with-status"),
        pytest.param(bps.SYN_ICP_NAN, None, id="nan"),
    ],
)
def test_intermediate_cuff_pressure(vector: bytes, expected: CuffPressure | None) -> None:
    assert parse_intermediate_cuff_pressure(vector) == expected


@pytest.mark.parametrize(
    ("vector", "error"),
    [
        pytest.param(bps.SYN_ICP_TOO_HIGH, ImplausibleReadingError, id="351"),
        pytest.param(bps.SYN_ICP_NEGATIVE, ImplausibleReadingError, id="minus-1"),
        pytest.param(bps.SYN_ICP_TOO_SHORT, FrameError, id="too-short"),
    ],
)
def test_intermediate_cuff_pressure_errors(vector: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_intermediate_cuff_pressure(vector)


# --- 0x2A49 Blood Pressure Feature -------------------------------------------


def feature(raw: int, *, all_six: bool) -> BpFeature:
    return BpFeature(
        body_movement_detection=all_six,
        cuff_fit_detection=all_six,
        irregular_pulse_detection=all_six,
        pulse_rate_range_detection=all_six,
        measurement_position_detection=all_six,
        multiple_bonds=all_six,
        raw=raw,
    )


@pytest.mark.parametrize(
    ("vector", "expected"),
    [
        (bps.SYN_FEATURE_ALL_SIX, feature(0x003F, all_six=True)),
        (bps.SYN_FEATURE_NONE, feature(0x0000, all_six=False)),
        (bps.SYN_FEATURE_RESERVED_BITS, feature(0xFFC0, all_six=False)),
    ],
)
def test_feature(vector: bytes, expected: BpFeature) -> None:
    assert parse_bp_feature(vector) == expected


def test_feature_single_bits() -> None:
    parsed = [parse_bp_feature((1 << bit).to_bytes(2, "little")) for bit in range(6)]
    assert [p.body_movement_detection for p in parsed] == [True, False, False, False, False, False]
    assert [p.cuff_fit_detection for p in parsed] == [False, True, False, False, False, False]
    assert [p.irregular_pulse_detection for p in parsed] == [
        False,
        False,
        True,
        False,
        False,
        False,
    ]
    assert [p.pulse_rate_range_detection for p in parsed] == [
        False,
        False,
        False,
        True,
        False,
        False,
    ]
    assert [p.measurement_position_detection for p in parsed] == [False] * 4 + [True, False]
    assert [p.multiple_bonds for p in parsed] == [False] * 5 + [True]


@pytest.mark.parametrize("vector", [bps.SYN_FEATURE_TOO_SHORT, bps.SYN_FEATURE_TOO_LONG, b""])
def test_feature_wrong_length(vector: bytes) -> None:
    with pytest.raises(FrameError):
        parse_bp_feature(vector)


# --- mapping to the shared events ---------------------------------------------


def test_to_event_reading() -> None:
    parsed = parse_bp_measurement(bps.REAL_DERDILLA_NORMAL)
    assert to_event(parsed, device="cuff-1") == BpsEvent(
        event=BloodPressureMeasured(
            systolic=124, diastolic=86, pulse=51, irregular_pulse=False, device="cuff-1"
        ),
        provenance=BpsProvenance(
            raw_hex="167c0056006100e807060f11111b33000000",
            unit=MMHG,
            device_timestamp=ts(2024, 6, 15, 17, 17, 27),
            status=CLEAR,
            user_id=None,
            mean_arterial_pressure_mmhg=97,
            quirk=None,
        ),
    )


def test_to_event_beurer_irregular_pulse_keeps_quirk() -> None:
    parsed = parse_bp_measurement(bps.REAL_BEURER_BM85_IRREGULAR, device_name="BM85")
    assert to_event(parsed, device="BM85") == BpsEvent(
        event=BloodPressureMeasured(
            systolic=118, diastolic=80, pulse=60, irregular_pulse=True, device="BM85"
        ),
        provenance=BpsProvenance(
            raw_hex=bps.REAL_BEURER_BM85_IRREGULAR.hex(),
            unit=MMHG,
            device_timestamp=ts(2026, 8, 11, 20, 27, 0),
            status=status(0x0004, irregular=True),
            user_id=0,
            mean_arterial_pressure_mmhg=None,
            quirk=BEURER,
        ),
    )


@pytest.mark.parametrize(
    ("vector", "reason"),
    [
        # §2.2: "Err" and "Err CUF" look identical on the wire: all we can say
        # is that the device failed.
        pytest.param(bps.REAL_DERDILLA_ERR_MOVEMENT, FailureReason.DEVICE_ERROR, id="real-err"),
        pytest.param(bps.REAL_DERDILLA_ERR_CUFF, FailureReason.DEVICE_ERROR, id="real-err-cuf"),
        pytest.param(bps.REAL_RNBLEPLX_SYSTOLIC_ONLY, FailureReason.DEVICE_ERROR, id="real-694"),
        pytest.param(bps.SYN_NAN_WITH_MOVEMENT, FailureReason.MOVEMENT, id="nan-movement"),
        pytest.param(bps.SYN_STATUS_BODY_MOVEMENT, FailureReason.MOVEMENT, id="movement"),
        pytest.param(bps.SYN_STATUS_CUFF_LOOSE, FailureReason.LOOSE_CUFF, id="cuff-loose"),
        pytest.param(bps.SYN_STATUS_ALL_DEFINED, FailureReason.MOVEMENT, id="movement-first"),
    ],
)
def test_to_event_failures(vector: bytes, reason: FailureReason) -> None:
    parsed = parse_bp_measurement(vector)
    assert to_event(parsed, device="cuff-1") == BpsEvent(
        event=MeasurementFailed(reason=reason, device="cuff-1"),
        provenance=BpsProvenance(
            raw_hex=vector.hex(),
            unit=MMHG,
            device_timestamp=parsed.timestamp,
            status=parsed.status,
            user_id=parsed.user_id,
            mean_arterial_pressure_mmhg=None,  # no numbers on a failure
            quirk=None,
        ),
    )


@pytest.mark.parametrize(
    "vector",
    [
        pytest.param(bps.SYN_STATUS_IRREGULAR, id="irregular"),
        pytest.param(bps.SYN_STATUS_PULSE_ABOVE, id="pulse-above"),
        pytest.param(bps.SYN_STATUS_POSITION, id="position"),
        pytest.param(bps.SYN_STATUS_HIGH_BYTE_ONLY, id="reserved-bit"),
    ],
)
def test_status_bits_that_do_not_fail_a_reading(vector: bytes) -> None:
    event = to_event(parse_bp_measurement(vector), device="cuff-1").event
    assert isinstance(event, BloodPressureMeasured)
    assert (event.systolic, event.diastolic) == (120, 80)


@pytest.mark.parametrize("wrap", [bytearray, memoryview])
def test_bleak_buffer_types_are_accepted(wrap: type[bytearray] | type[memoryview]) -> None:
    # bleak delivers notifications as bytearray; results must not depend on it.
    vector = bps.SYN_KPA_ALL_FIELDS
    assert parse_bp_measurement(wrap(vector)) == parse_bp_measurement(vector)
    assert parse_intermediate_cuff_pressure(wrap(bps.SYN_ICP_SPEC)) == CuffPressure(mmhg=150)
    assert parse_bp_feature(wrap(bps.SYN_FEATURE_ALL_SIX)) == feature(0x3F, all_six=True)
