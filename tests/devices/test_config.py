"""Device settings: every accepted form, and a clear message for the rest."""

from __future__ import annotations

import pytest

from kiosk_app.devices.config import DeviceKind, DeviceSpec, DeviceSpecError, parse_device_spec

PROFILES = frozenset({"suntech_advantage", "tanita_sc"})


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("simulator", DeviceSpec(DeviceKind.SIMULATOR)),
        (" none ", DeviceSpec(DeviceKind.NONE)),
        ("ble", DeviceSpec(DeviceKind.BLE)),
        ("ble:00:09:1f:80:a1:b2", DeviceSpec(DeviceKind.BLE, address="00:09:1F:80:A1:B2")),
        # Omron's advertised names carry the cuff's own serial (bp-devices.md).
        (
            "ble-name:BLESmart_0000048012AB",
            DeviceSpec(DeviceKind.BLE, name="BLESmart_0000048012AB"),
        ),
        ("ble-name:A&D_UA-651BLE_1A2B3C", DeviceSpec(DeviceKind.BLE, name="A&D_UA-651BLE_1A2B3C")),
        (
            "serial:suntech_advantage:/dev/ttyUSB0",
            DeviceSpec(DeviceKind.SERIAL, profile="suntech_advantage", port="/dev/ttyUSB0"),
        ),
        (
            "serial:tanita_sc:socket://127.0.0.1:7000",
            DeviceSpec(DeviceKind.SERIAL, profile="tanita_sc", port="socket://127.0.0.1:7000"),
        ),
    ],
)
def test_accepted_forms(text: str, spec: DeviceSpec) -> None:
    assert parse_device_spec(text, profiles=PROFILES) == spec


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ble:00:09:1f", "AA:BB:CC:DD:EE:FF"),
        ("serial:omron:/dev/ttyUSB0", "known: suntech_advantage, tanita_sc"),
        ("serial:suntech_advantage", "give the port"),
        ("ble-name:", "advertised name"),
        ("ble-name:" + "x" * 249, "1 to 248 bytes"),
        ("usb", "expected simulator, ble"),
    ],
)
def test_rejected_forms_say_what_to_write(text: str, message: str) -> None:
    with pytest.raises(DeviceSpecError, match=message):
        parse_device_spec(text, profiles=PROFILES)
