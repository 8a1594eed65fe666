"""Properties of the BPS parsers and SFLOAT that must hold for ANY input.

A BLE peripheral can send anything; the kiosk must never crash on it nor
store it. So: every parser returns a value or raises FrameError or
ImplausibleReadingError, nothing else, and whatever it returns obeys the
plausibility rules.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from device_drivers.ble import (
    BpDeviceFailure,
    BpFeature,
    BpMeasurement,
    BpsFrame,
    DeviceTimestamp,
    MeasurementStatus,
    PressureUnit,
    SpecialValue,
    decode_bps_frame,
    decode_sfloat,
    encode_sfloat,
    expected_length,
    parse_bp_feature,
    parse_bp_measurement,
    parse_intermediate_cuff_pressure,
    to_event,
)
from device_drivers.errors import FrameError, ImplausibleReadingError
from device_drivers.events import BloodPressureMeasured, CuffPressure, MeasurementFailed
from device_drivers.plausibility import (
    DIASTOLIC_MAX_MMHG,
    DIASTOLIC_MIN_MMHG,
    PULSE_MAX_BPM,
    PULSE_MIN_BPM,
    SYSTOLIC_MAX_MMHG,
    SYSTOLIC_MIN_MMHG,
)
from tests.device_drivers.vectors import bps

names = st.one_of(
    st.none(), st.text(max_size=24), st.sampled_from(["BM85", "BM48/1", "Beurer ELITE 900"])
)


@st.composite
def shaped_frames(draw: st.DrawFn) -> bytes:
    """Mostly right-length frames, so the search reaches the field decoders."""
    flags = draw(st.integers(0, 0xFF))
    length = expected_length(flags) + draw(st.sampled_from([0, 0, 0, 1, -1]))
    return bytes([flags]) + draw(st.binary(min_size=length - 1, max_size=length - 1))


frames = st.one_of(st.binary(max_size=32), shaped_frames())


def _check_measurement(result: BpMeasurement | BpDeviceFailure) -> None:
    if isinstance(result, BpMeasurement):
        assert SYSTOLIC_MIN_MMHG <= result.systolic_mmhg <= SYSTOLIC_MAX_MMHG
        assert DIASTOLIC_MIN_MMHG <= result.diastolic_mmhg <= DIASTOLIC_MAX_MMHG
        assert result.systolic_mmhg > result.diastolic_mmhg
        assert result.pulse_rate is None or PULSE_MIN_BPM <= result.pulse_rate <= PULSE_MAX_BPM
        event = to_event(result, device="d").event
        assert isinstance(event, BloodPressureMeasured | MeasurementFailed)
    else:
        assert result.systolic_special or result.diastolic_special
        assert isinstance(to_event(result, device="d").event, MeasurementFailed)


@given(frames, names)
def test_measurement_parser_returns_or_raises_only_device_errors(
    data: bytes, name: str | None
) -> None:
    try:
        result = parse_bp_measurement(data, device_name=name)
    except (FrameError, ImplausibleReadingError):
        return
    _check_measurement(result)
    assert result.raw == data


@given(frames, names)
def test_frame_decoder_raises_only_frame_errors(data: bytes, name: str | None) -> None:
    try:
        frame = decode_bps_frame(data, device_name=name)
    except FrameError:
        return
    assert isinstance(frame, BpsFrame)
    assert frame.raw == data


@given(frames, names)
def test_cuff_pressure_parser(data: bytes, name: str | None) -> None:
    try:
        result = parse_intermediate_cuff_pressure(data, device_name=name)
    except (FrameError, ImplausibleReadingError):
        return
    assert result is None or (isinstance(result, CuffPressure) and 0 <= result.mmhg <= 350)


@given(st.binary(max_size=8))
def test_feature_parser(data: bytes) -> None:
    try:
        feature = parse_bp_feature(data)
    except FrameError:
        assert len(data) != 2
        return
    assert isinstance(feature, BpFeature)
    assert feature.raw == int.from_bytes(data, "little")


@given(st.sampled_from(sorted(bps.REAL_CAPTURES)), st.integers(0, 18), st.integers(0, 255))
def test_corrupted_real_captures(name: str, position: int, value: int) -> None:
    # One byte of a real capture changed anywhere: still only device errors.
    frame = bytearray(bps.REAL_CAPTURES[name])
    frame[position % len(frame)] = value
    try:
        result = parse_bp_measurement(bytes(frame))
    except (FrameError, ImplausibleReadingError):
        return
    _check_measurement(result)


@st.composite
def plausible_readings(draw: st.DrawFn) -> tuple[bytes, int, int, int]:
    systolic = draw(st.integers(SYSTOLIC_MIN_MMHG, SYSTOLIC_MAX_MMHG))
    diastolic = draw(st.integers(DIASTOLIC_MIN_MMHG, min(systolic - 1, DIASTOLIC_MAX_MMHG)))
    pulse = draw(st.integers(PULSE_MIN_BPM, PULSE_MAX_BPM))
    fields = (systolic, diastolic, 0, pulse)  # MAP 0x0000: "not computed"
    return b"\x04" + b"".join(v.to_bytes(2, "little") for v in fields), *fields[:2], pulse


@given(plausible_readings())
def test_plausible_mmhg_readings_come_through_unchanged(case: tuple[bytes, int, int, int]) -> None:
    data, systolic, diastolic, pulse = case
    result = parse_bp_measurement(data)
    assert isinstance(result, BpMeasurement)
    assert (result.systolic_mmhg, result.diastolic_mmhg, result.pulse_rate) == (
        systolic,
        diastolic,
        pulse,
    )


@given(st.integers(1, 2047))
def test_kpa_conversion_is_the_documented_formula(tenths: int) -> None:
    # 0x2A36 with an exponent -1 kPa value: mmHg = kPa × 7.50062, half-up.
    frame = b"\x01" + ((0xF << 12) | tenths).to_bytes(2, "little") + bytes.fromhex("ff07ff07")
    exact = Decimal(tenths) / 10 * Decimal("7.50062")
    expected = int(exact + Decimal("0.5"))  # positive: floor(x + 0.5) is half-up
    try:
        result = parse_intermediate_cuff_pressure(frame)
    except ImplausibleReadingError:
        assert expected > 350
        return
    assert result == CuffPressure(mmhg=expected)


# --- layout round trip: every combination of optional fields ------------------


@st.composite
def spec_frame_and_fields(draw: st.DrawFn) -> tuple[bytes, BpsFrame]:
    """A spec-conformant frame built here byte by byte, with the expected decode.

    Independent of the parser's offset logic: the layout is the table in
    docs/wire-format-bps.md. Reserved bits 5 and 7 may be set; bit 6 is left
    clear only because with no spare byte it cannot change anything anyway.
    """
    flags = draw(st.integers(0, 0x1F)) | draw(st.sampled_from([0, 0x20, 0x40, 0x80, 0xE0]))
    words = [draw(st.integers(0, 0xFFFF)) for _ in range(4)]
    out = bytearray([flags])
    for word in words[:3]:
        out += word.to_bytes(2, "little")
    timestamp = pulse = user_id = status = None
    if flags & 0x02:
        year = draw(st.sampled_from([0, 1582, 2024, 9999]))
        month, day = draw(st.integers(0, 12)), draw(st.integers(0, 31))
        clock = [draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59))]
        out += year.to_bytes(2, "little") + bytes([month, day, *clock])
        timestamp = DeviceTimestamp(year or None, month or None, day or None, *clock)
    if flags & 0x04:
        out += words[3].to_bytes(2, "little")
        pulse = decode_sfloat(words[3])
    if flags & 0x08:
        user_id = draw(st.integers(0, 255))
        out.append(user_id)
    if flags & 0x10:
        raw_status = draw(st.integers(0, 0xFFFF))
        out += raw_status.to_bytes(2, "little")
        status = MeasurementStatus.from_raw(raw_status)
    expected = BpsFrame(
        flags=flags,
        unit=PressureUnit.KPA if flags & 0x01 else PressureUnit.MMHG,
        systolic=decode_sfloat(words[0]),
        diastolic=decode_sfloat(words[1]),
        mean_arterial_pressure=decode_sfloat(words[2]),
        timestamp=timestamp,
        pulse_rate=pulse,
        user_id=user_id,
        status=status,
        quirk=None,
        raw=bytes(out),
    )
    return bytes(out), expected


@given(spec_frame_and_fields())
def test_every_field_combination_decodes_at_its_offset(
    case: tuple[bytes, BpsFrame],
) -> None:
    data, expected = case
    assert len(data) == expected_length(data[0])
    assert decode_bps_frame(data) == expected
    for cut in range(len(data)):  # any truncation is a FrameError
        try:
            decode_bps_frame(data[:cut])
        except FrameError:
            continue
        raise AssertionError(f"truncated to {cut} bytes but decoded")


# --- SFLOAT round trips ------------------------------------------------------

mantissas = st.integers(-2048, 2047)
exponents = st.integers(-8, 7)


@given(mantissas, exponents)
def test_sfloat_round_trip_for_encodable_values(mantissa: int, exponent: int) -> None:
    value = Decimal(mantissa).scaleb(exponent)
    try:
        word = encode_sfloat(value)
    except ValueError:
        # Only the five numbers that sit on the special words at exponent 0
        # have no other exact spelling (e.g. 2047 = 204.7 × 10^1 is not whole).
        assert exponent == 0
        assert mantissa in (2046, 2047, -2046, -2047, -2048)
        return
    assert decode_sfloat(word) == value


@given(st.integers(0, 0xFFFF))
def test_sfloat_decode_encode_decode(word: int) -> None:
    decoded = decode_sfloat(word)
    if isinstance(decoded, SpecialValue):
        assert encode_sfloat(decoded) == word
    else:
        assert decode_sfloat(encode_sfloat(decoded)) == decoded
