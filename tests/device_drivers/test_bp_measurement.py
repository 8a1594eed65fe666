"""0x2A35 Blood Pressure Measurement, vector by vector (0x2A36, 0x2A49 and the
event mapping: test_bps_pressure_features_events.py).

Every vector is compared against the ENTIRE parsed value, so a field that
silently changes (a status bit, the quirk used, the raw bytes) fails a test.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN, Decimal, localcontext

import pytest

from device_drivers.ble import (
    BpDeviceFailure,
    BpMeasurement,
    BpsFrame,
    DeviceTimestamp,
    MeasurementStatus,
    PressureUnit,
    PulseRateRange,
    SpecialValue,
    decode_bps_frame,
    expected_length,
    parse_bp_measurement,
    to_mmhg,
)
from device_drivers.errors import FrameError, ImplausibleReadingError
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


# (vector, device name, expected): real captures first (bp-devices.md §2).
READINGS = [
    pytest.param(
        bps.REAL_DERDILLA_NORMAL,
        None,
        reading(
            bps.REAL_DERDILLA_NORMAL,
            (124, 86, 97),
            pulse=51,
            timestamp=ts(2024, 6, 15, 17, 17, 27),
            status=CLEAR,
        ),
        id="real-derdilla-normal",
    ),
    *[
        pytest.param(
            vector,
            name,
            reading(
                vector,
                (systolic, diastolic, None),  # MAP 0x0000: "not computed"
                pulse=pulse,
                timestamp=ts(2026, 8, 11, *clock),
                user_id=user,
                status=stat,
                quirk=BEURER,
            ),
            id=f"real-{label}-{name or 'by-shape'}",
        )
        for vector, label, systolic, diastolic, pulse, clock, user, stat in [
            (bps.REAL_BEURER_BM85_USER0, "bm85-user0", 106, 71, 63, (18, 31, 0), 0, CLEAR),
            (bps.REAL_BEURER_BM85_USER1, "bm85-user1", 113, 73, 65, (20, 56, 0), 1, CLEAR),
            (
                bps.REAL_BEURER_BM85_USER1_STATUS_BIT6,
                "bm85-bit6",
                119,
                70,
                87,
                (20, 57, 0),
                1,
                status(0x0040),
            ),
            (
                bps.REAL_BEURER_BM85_IRREGULAR,
                "bm85-irregular",
                118,
                80,
                60,
                (20, 27, 0),
                0,
                status(0x0004, irregular=True),
            ),
        ]
        # By shape alone, by its listed name, and with an unrelated name.
        for name in (None, "BM85", "A&D_UA-651BLE_D57B3F")
    ],
    pytest.param(
        bps.SYN_MINIMAL_MMHG, None, reading(bps.SYN_MINIMAL_MMHG, (120, 80, 93)), id="minimal"
    ),
    pytest.param(
        bps.SYN_MMHG_TIMESTAMP,
        None,
        reading(bps.SYN_MMHG_TIMESTAMP, (128, 82, 97), timestamp=ts(2013, 8, 26, 9, 10, 20)),
        id="mmhg-timestamp",
    ),
    pytest.param(
        bps.SYN_KPA_AND_DOC,
        None,
        reading(bps.SYN_KPA_AND_DOC, (132, 84, 100), unit=KPA, as_sent=("17.6", "11.2")),
        id="kpa-and-doc",
    ),
    pytest.param(
        bps.SYN_KPA_ALL_FIELDS,
        None,
        reading(
            bps.SYN_KPA_ALL_FIELDS,
            (120, 80, 94),
            pulse=72,
            unit=KPA,
            as_sent=("16.0", "10.7"),
            timestamp=ts(2025, 1, 31, 23, 59, 59),
            user_id=2,
            status=status(0x0004, irregular=True),
        ),
        id="kpa-all-fields",
    ),
    pytest.param(
        bps.SYN_TIMESTAMP_UNKNOWN_YEAR,
        None,
        reading(
            bps.SYN_TIMESTAMP_UNKNOWN_YEAR, (120, 80, 93), timestamp=ts(None, 6, 15, 17, 17, 27)
        ),
        id="timestamp-unknown-year",
    ),
    pytest.param(
        bps.SYN_TIMESTAMP_ALL_UNKNOWN,
        None,
        reading(
            bps.SYN_TIMESTAMP_ALL_UNKNOWN, (120, 80, 93), timestamp=ts(None, None, None, 0, 0, 0)
        ),
        id="timestamp-all-unknown",
    ),
    pytest.param(
        bps.SYN_TIMESTAMP_IMPOSSIBLE_DAY,
        None,
        reading(
            bps.SYN_TIMESTAMP_IMPOSSIBLE_DAY, (120, 80, 93), timestamp=ts(2023, 2, 30, 8, 0, 0)
        ),
        id="timestamp-impossible-day",
    ),
    pytest.param(
        bps.SYN_USER_UNKNOWN,
        None,
        reading(bps.SYN_USER_UNKNOWN, (120, 80, 93), user_id=0xFF),
        id="user-unknown",
    ),
    *[
        pytest.param(vector, None, reading(vector, (120, 80, 93), status=stat), id=label)
        for vector, label, stat in [
            (bps.SYN_STATUS_BODY_MOVEMENT, "status-movement", status(0x01, movement=True)),
            (bps.SYN_STATUS_CUFF_LOOSE, "status-cuff-loose", status(0x02, loose=True)),
            (bps.SYN_STATUS_IRREGULAR, "status-irregular", status(0x04, irregular=True)),
            (
                bps.SYN_STATUS_PULSE_ABOVE,
                "status-pulse-above",
                status(0x08, pulse_range=PulseRateRange.ABOVE_UPPER_LIMIT),
            ),
            (
                bps.SYN_STATUS_PULSE_BELOW,
                "status-pulse-below",
                status(0x10, pulse_range=PulseRateRange.BELOW_LOWER_LIMIT),
            ),
            (
                bps.SYN_STATUS_PULSE_RESERVED,
                "status-pulse-reserved",
                status(0x18, pulse_range=PulseRateRange.RESERVED),
            ),
            (bps.SYN_STATUS_POSITION, "status-position", status(0x20, position=True)),
            (
                bps.SYN_STATUS_ALL_DEFINED,
                "status-all",
                status(
                    0x3F,
                    movement=True,
                    loose=True,
                    irregular=True,
                    pulse_range=PulseRateRange.RESERVED,
                    position=True,
                ),
            ),
            (bps.SYN_STATUS_HIGH_BYTE_ONLY, "status-high-byte", status(0x0100)),
        ]
    ],
    pytest.param(
        bps.SYN_MAP_AND_PULSE_NAN,
        None,
        reading(bps.SYN_MAP_AND_PULSE_NAN, (120, 80, None)),
        id="map-and-pulse-nan",
    ),
    pytest.param(
        bps.SYN_RESERVED_FLAGS,
        None,
        reading(bps.SYN_RESERVED_FLAGS, (120, 80, 93)),
        id="reserved-flags-ignored",
    ),
    pytest.param(
        bps.SYN_BOUNDS_LOW, None, reading(bps.SYN_BOUNDS_LOW, (40, 20, 27)), id="bounds-low"
    ),
    pytest.param(
        bps.SYN_BOUNDS_HIGH, None, reading(bps.SYN_BOUNDS_HIGH, (300, 200, 230)), id="bounds-high"
    ),
    pytest.param(
        bps.SYN_KPA_BOUNDS_LOW,
        None,
        reading(bps.SYN_KPA_BOUNDS_LOW, (40, 20, None), unit=KPA, as_sent=("5.3", "2.7")),
        id="kpa-bounds-low",
    ),
    pytest.param(
        bps.SYN_KPA_BOUNDS_HIGH,
        None,
        reading(bps.SYN_KPA_BOUNDS_HIGH, (300, 100, None), unit=KPA, as_sent=("40.0", "13.3")),
        id="kpa-bounds-high",
    ),
    pytest.param(
        bps.SYN_BEURER_NAMED_SPEC_LENGTH,
        "BM85",
        reading(
            bps.SYN_BEURER_NAMED_SPEC_LENGTH,
            (120, 80, None),
            pulse=72,
            timestamp=ts(2026, 8, 11, 18, 31, 0),
            status=status(0x0004, irregular=True),
            quirk=BEURER,
        ),
        id="beurer-by-name-spec-length",
    ),
    pytest.param(
        bps.SYN_BEURER_NAMED_NO_MARKER,
        "Beurer BM 85",
        reading(
            bps.SYN_BEURER_NAMED_NO_MARKER,
            (120, 80, None),
            pulse=72,
            timestamp=ts(2026, 8, 11, 18, 31, 0),
            user_id=1,
            status=CLEAR,
            quirk=BEURER,
        ),
        id="beurer-by-name-no-marker",
    ),
    # A listed model's single spare byte sits in the user-ID slot (quirks.py).
    pytest.param(
        bps.SYN_TRAILING_BYTE,
        "BM85",
        reading(bps.SYN_TRAILING_BYTE, (120, 80, 93), user_id=0, quirk=BEURER),
        id="beurer-by-name-spare-user-byte",
    ),
]


@pytest.mark.parametrize(("vector", "name", "expected"), READINGS)
def test_readings(vector: bytes, name: str | None, expected: BpMeasurement) -> None:
    assert parse_bp_measurement(vector, device_name=name) == expected


FAILURES = [
    pytest.param(
        bps.REAL_DERDILLA_ERR_MOVEMENT,
        failure(
            bps.REAL_DERDILLA_ERR_MOVEMENT,
            NAN,
            NAN,
            timestamp=ts(2024, 6, 23, 14, 35, 10),
            status=CLEAR,  # the movement is not in the status bits (§2.2)
        ),
        id="real-derdilla-err-movement",
    ),
    pytest.param(
        bps.REAL_DERDILLA_ERR_CUFF,
        failure(
            bps.REAL_DERDILLA_ERR_CUFF,
            NAN,
            NAN,
            timestamp=ts(2024, 6, 23, 14, 47, 59),
            status=CLEAR,
        ),
        id="real-derdilla-err-cuff",
    ),
    pytest.param(
        bps.REAL_RNBLEPLX_SYSTOLIC_ONLY,
        failure(
            bps.REAL_RNBLEPLX_SYSTOLIC_ONLY,
            None,  # 156 was sent; a failure keeps no numbers
            NAN,
            timestamp=ts(2019, 8, 9, 13, 24, 53),
            user_id=0,
            status=status(0x0010, pulse_range=PulseRateRange.BELOW_LOWER_LIMIT),
        ),
        id="real-rnbleplx-systolic-only",
    ),
    pytest.param(
        bps.SYN_SYSTOLIC_NRES,
        failure(bps.SYN_SYSTOLIC_NRES, SpecialValue.NRES, None),
        id="systolic-nres-not-inf",
    ),
    pytest.param(
        bps.SYN_SYSTOLIC_NEGATIVE_INFINITY,
        failure(bps.SYN_SYSTOLIC_NEGATIVE_INFINITY, SpecialValue.NEGATIVE_INFINITY, None),
        id="systolic-negative-infinity",
    ),
    pytest.param(
        bps.SYN_SYSTOLIC_RESERVED,
        failure(bps.SYN_SYSTOLIC_RESERVED, SpecialValue.RESERVED, None),
        id="systolic-reserved",
    ),
    pytest.param(
        bps.SYN_DIASTOLIC_POSITIVE_INFINITY,
        failure(bps.SYN_DIASTOLIC_POSITIVE_INFINITY, None, SpecialValue.POSITIVE_INFINITY),
        id="diastolic-positive-infinity",
    ),
    pytest.param(
        bps.SYN_NAN_WITH_MOVEMENT,
        failure(bps.SYN_NAN_WITH_MOVEMENT, NAN, NAN, status=status(0x01, movement=True)),
        id="nan-with-movement",
    ),
]


@pytest.mark.parametrize(("vector", "expected"), FAILURES)
def test_device_failures(vector: bytes, expected: BpDeviceFailure) -> None:
    assert parse_bp_measurement(vector) == expected


@pytest.mark.parametrize(
    ("vector", "name"),
    [
        pytest.param(bps.REAL_FLUTTER_BLUE_UNKNOWN_FRAMING, None, id="real-flutter-blue"),
        pytest.param(bps.SYN_EMPTY, None, id="empty"),
        pytest.param(bps.SYN_TOO_SHORT, None, id="too-short"),
        pytest.param(bps.SYN_MISSING_TIMESTAMP, None, id="missing-timestamp"),
        pytest.param(bps.SYN_MISSING_STATUS_BYTE, None, id="missing-status-byte"),
        pytest.param(bps.SYN_TRAILING_BYTE, None, id="trailing-byte"),
        pytest.param(bps.SYN_MARKER_TWO_SPARE, None, id="marker-two-spare"),
        pytest.param(bps.SYN_MARKER_TWO_SPARE, "BM85", id="two-spare-even-named"),
        pytest.param(bps.SYN_TIMESTAMP_BAD_MONTH, None, id="timestamp-month-13"),
        pytest.param(bps.SYN_TIMESTAMP_BAD_YEAR, None, id="timestamp-year-1581"),
        pytest.param(bps.SYN_TIMESTAMP_BAD_HOUR, None, id="timestamp-hour-24"),
        pytest.param(bps.SYN_BEURER_NAMED_NO_MARKER, None, id="spare-byte-without-quirk"),
    ],
)
def test_frame_errors(vector: bytes, name: str | None) -> None:
    with pytest.raises(FrameError):
        parse_bp_measurement(vector, device_name=name)


@pytest.mark.parametrize(
    ("vector", "message"),
    [
        pytest.param(bps.SYN_SYSTOLIC_TOO_LOW, "systolic 39", id="systolic-39"),
        pytest.param(bps.SYN_SYSTOLIC_TOO_HIGH, "systolic 301", id="systolic-301"),
        pytest.param(bps.SYN_DIASTOLIC_TOO_LOW, "diastolic 19", id="diastolic-19"),
        pytest.param(bps.SYN_DIASTOLIC_TOO_HIGH, "diastolic 201", id="diastolic-201"),
        pytest.param(bps.SYN_SYSTOLIC_NOT_ABOVE, "not above", id="80-over-80"),
        pytest.param(bps.SYN_PULSE_TOO_HIGH, "pulse 251", id="pulse-251"),
        pytest.param(bps.SYN_MAP_OUTSIDE, "mean 130", id="map-above-systolic"),
        pytest.param(bps.SYN_KPA_SYSTOLIC_TOO_HIGH, "systolic 301", id="kpa-40.1"),
        pytest.param(bps.SYN_QARDIO_STYLE_INFLATING, "diastolic 0", id="qardio-inflating"),
        pytest.param(bps.TRAP_SIGPY_0X80_HIGH_BYTE, "systolic 0", id="trap-0x80-high-byte"),
        pytest.param(bps.TRAP_EXPONENT_8_IS_NOT_NAN, "pulse 0", id="trap-exponent-8"),
        # By the spec the big-endian pulse 00 48 is -2048 × 10^4.
        pytest.param(bps.SYN_BEURER_NAMED_SPEC_LENGTH, "pulse -20480000", id="beurer-unnamed"),
    ],
)
def test_implausible(vector: bytes, message: str) -> None:
    with pytest.raises(ImplausibleReadingError, match=message):
        parse_bp_measurement(vector)


def test_decode_frame_keeps_numbers_and_specials_as_sent() -> None:
    assert decode_bps_frame(bps.REAL_RNBLEPLX_SYSTOLIC_ONLY) == BpsFrame(
        flags=0x1E,
        unit=MMHG,
        systolic=D(156),
        diastolic=NAN,
        mean_arterial_pressure=NAN,
        timestamp=ts(2019, 8, 9, 13, 24, 53),
        pulse_rate=NAN,
        user_id=0,
        status=status(0x0010, pulse_range=PulseRateRange.BELOW_LOWER_LIMIT),
        quirk=None,
        raw=bps.REAL_RNBLEPLX_SYSTOLIC_ONLY,
    )


def test_decode_frame_beurer_keeps_flags_and_zero_map() -> None:
    assert decode_bps_frame(bps.REAL_BEURER_BM85_USER1) == BpsFrame(
        flags=0x56,
        unit=MMHG,
        systolic=D(113),
        diastolic=D(73),
        mean_arterial_pressure=D(0),
        timestamp=ts(2026, 8, 11, 20, 56, 0),
        pulse_rate=D(65),
        user_id=1,
        status=CLEAR,
        quirk=BEURER,
        raw=bps.REAL_BEURER_BM85_USER1,
    )


def test_decode_frame_keeps_reserved_flag_bits() -> None:
    frame = decode_bps_frame(bytearray(bps.SYN_RESERVED_FLAGS))  # any buffer
    assert frame == BpsFrame(
        flags=0xE0,
        unit=MMHG,
        systolic=D(120),
        diastolic=D(80),
        mean_arterial_pressure=D(93),
        timestamp=None,
        pulse_rate=None,
        user_id=None,
        status=None,
        quirk=None,
        raw=bps.SYN_RESERVED_FLAGS,
    )
    assert type(frame.raw) is bytes


@pytest.mark.parametrize(
    ("flags", "length"),
    [(0x00, 7), (0x01, 7), (0x02, 14), (0x04, 9), (0x08, 8), (0x10, 9), (0x1F, 19), (0xE0, 7)],
)
def test_expected_length(flags: int, length: int) -> None:
    assert expected_length(flags) == length


@pytest.mark.parametrize(
    ("value", "unit", "mmhg"),
    [
        (D("17.6"), KPA, 132),  # 132.011
        (D("5.3"), KPA, 40),  # 39.753
        (D("2.7"), KPA, 20),  # 20.252
        (D("40.1"), KPA, 301),  # 300.775
        (D("120.5"), MMHG, 121),  # half-up, not banker's rounding
        (D("121.5"), MMHG, 122),
        (D("120.4"), MMHG, 120),
    ],
)
def test_to_mmhg(value: Decimal, unit: PressureUnit, mmhg: int) -> None:
    assert to_mmhg(value, unit) == mmhg


def test_results_do_not_depend_on_the_callers_decimal_context() -> None:
    expected = parse_bp_measurement(bps.SYN_KPA_ALL_FIELDS)
    with localcontext() as ctx:
        ctx.prec, ctx.rounding = 2, ROUND_DOWN
        assert parse_bp_measurement(bps.SYN_KPA_ALL_FIELDS) == expected


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        (ts(2024, 6, 15, 17, 17, 27), datetime(2024, 6, 15, 17, 17, 27)),
        (ts(None, 6, 15, 17, 17, 27), None),
        (ts(2024, None, 15, 0, 0, 0), None),
        (ts(2024, 6, None, 0, 0, 0), None),
        (ts(2023, 2, 30, 8, 0, 0), None),
    ],
)
def test_timestamp_as_datetime(timestamp: DeviceTimestamp, expected: datetime | None) -> None:
    assert timestamp.as_datetime() == expected
