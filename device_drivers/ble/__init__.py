"""Bluetooth LE cuffs: sans-I/O parsers for the Blood Pressure Service.

Everything here is pure (bytes in, frozen values out); the bleak transport
that feeds these parsers lives elsewhere. Byte layouts: docs/wire-format-bps.md.
"""

from device_drivers.ble.bp_measurement import (
    CUFF_PRESSURE_MAX_MMHG,
    CUFF_PRESSURE_MIN_MMHG,
    KPA_TO_MMHG,
    UNKNOWN_USER_ID,
    BpDeviceFailure,
    BpMeasurement,
    BpsFrame,
    decode_bps_frame,
    expected_length,
    parse_bp_measurement,
    parse_intermediate_cuff_pressure,
    to_mmhg,
)
from device_drivers.ble.gatt_values import (
    BpFeature,
    BpsFlags,
    DeviceTimestamp,
    MeasurementStatus,
    PressureUnit,
    PulseRateRange,
    parse_bp_feature,
    read_date_time,
)
from device_drivers.ble.ieee11073 import (
    BytesLike,
    SpecialValue,
    decode_float,
    decode_sfloat,
    encode_sfloat,
    read_sfloat,
)
from device_drivers.ble.quirks import QUIRKS, FrameQuirk, select_quirk
from device_drivers.ble.to_events import BpsEvent, BpsProvenance, failure_reason, to_event

__all__ = [
    "CUFF_PRESSURE_MAX_MMHG",
    "CUFF_PRESSURE_MIN_MMHG",
    "KPA_TO_MMHG",
    "QUIRKS",
    "UNKNOWN_USER_ID",
    "BpDeviceFailure",
    "BpFeature",
    "BpMeasurement",
    "BpsEvent",
    "BpsFlags",
    "BpsFrame",
    "BpsProvenance",
    "BytesLike",
    "DeviceTimestamp",
    "FrameQuirk",
    "MeasurementStatus",
    "PressureUnit",
    "PulseRateRange",
    "SpecialValue",
    "decode_bps_frame",
    "decode_float",
    "decode_sfloat",
    "encode_sfloat",
    "expected_length",
    "failure_reason",
    "parse_bp_feature",
    "parse_bp_measurement",
    "parse_intermediate_cuff_pressure",
    "read_date_time",
    "read_sfloat",
    "select_quirk",
    "to_event",
    "to_mmhg",
]
