"""``vital5 devices decode``: what a captured frame means, as JSON.

Pure: a field engineer pastes the hex a device sent and sees every decoded
field. A frame the device itself marks as a failed measurement is reported
as ``"outcome": "device_failure"`` with no numbers, never as a reading.
Serial captures go through the profile's framing first, so a capture with
line noise or several frames decodes the same way the kiosk would read it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from device_drivers.ble import (
    BpDeviceFailure,
    parse_bp_feature,
    parse_bp_measurement,
    parse_intermediate_cuff_pressure,
)
from device_drivers.errors import FrameError, ImplausibleReadingError
from device_drivers.events import MeasurementFailed
from device_drivers.serial import omron_protocol, suntech_protocol, tanita_protocol
from device_drivers.serial.framing import Packetizer
from device_drivers.serial.profiles import PROFILES, ProtocolModule
from kiosk_app.jsonable import to_jsonable

_BLE_PARSERS: Final[Mapping[str, Callable[[bytes], object]]] = MappingProxyType(
    {
        "ble-bp-measurement": parse_bp_measurement,  # 0x2A35
        "ble-cuff-pressure": parse_intermediate_cuff_pressure,  # 0x2A36
        "ble-bp-feature": parse_bp_feature,  # 0x2A49
    }
)

_SERIAL_PARSERS: Final[Mapping[ProtocolModule, Callable[[bytes], object]]] = MappingProxyType(
    {
        ProtocolModule.SUNTECH: suntech_protocol.parse,
        ProtocolModule.OMRON: omron_protocol.parse,
        ProtocolModule.TANITA: tanita_protocol.parse,
    }
)

# What the kiosk would make of a decoded serial reply: a reading, a failure the
# device reported (with its own error code), or nothing (acks, versions).
_SERIAL_EVENTS: Final[Mapping[ProtocolModule, Callable[[Any], object]]] = MappingProxyType(
    {
        ProtocolModule.SUNTECH: suntech_protocol.to_event,
        ProtocolModule.OMRON: omron_protocol.to_event,
    }
)

DECODE_PROFILES: Final = tuple(sorted((*_BLE_PARSERS, *PROFILES)))


def _one(
    parse: Callable[[bytes], object],
    frame: bytes,
    to_event: Callable[[Any], object] | None = None,
) -> dict[str, object]:
    try:
        decoded = parse(frame)
        event = to_event(decoded) if to_event is not None else None
    except FrameError as error:
        return {"outcome": "frame_error", "error": str(error), "raw": frame.hex()}
    except ImplausibleReadingError as error:
        return {"outcome": "implausible", "error": str(error), "raw": frame.hex()}
    if isinstance(event, MeasurementFailed):
        # Never show a failed measurement's numbers: only why it failed.
        code = getattr(decoded, "error_code", None)
        return {"outcome": "device_failure", "reason": event.reason.value, "device_code": code}
    outcome = "device_failure" if isinstance(decoded, BpDeviceFailure) else "decoded"
    return {"outcome": outcome, "type": type(decoded).__name__, "value": to_jsonable(decoded)}


def decode_capture(profile: str, hex_text: str) -> dict[str, object]:
    """Decode one capture; raises ValueError for an unknown profile or bad hex."""
    data = bytes.fromhex("".join(hex_text.split()))
    if profile in _BLE_PARSERS:
        # A BLE notification is always exactly one frame.
        return {"profile": profile, "frames": [_one(_BLE_PARSERS[profile], data)]}
    serial = PROFILES.get(profile)
    if serial is None:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(DECODE_PROFILES)}")
    packetizer = Packetizer(serial.framing)
    frames = packetizer.feed(data)
    parse, to_event = _SERIAL_PARSERS[serial.protocol], _SERIAL_EVENTS.get(serial.protocol)
    return {
        "profile": profile,
        "frames": [_one(parse, frame, to_event) for frame in frames],
        "discarded_bytes": packetizer.discarded_bytes,
        "incomplete_bytes": packetizer.buffered,
    }
