"""Which devices a site uses, written as one short text per device.

Pure: parses the setting into a typed spec, with a message that tells a
field engineer exactly what is wrong. The forms are

    simulator                       the built-in simulated cuff (the default)
    ble                             the first Bluetooth BP cuff found (service 0x1810)
    ble:AA:BB:CC:DD:EE:FF           one Bluetooth cuff, by address
    ble-name:BLESmart_0000048012AB  one Bluetooth cuff, by its advertised name
    serial:PROFILE:/dev/ttyUSB0     a wired device on a serial port, with its
                                    profile from device_drivers/serial/profiles.py
    none                            no device (scale only)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_BLE_ADDRESS = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")
# Bluetooth Core: a Device Name is at most 248 octets of UTF-8.
_MAX_BLE_NAME_BYTES = 248


class DeviceKind(StrEnum):
    NONE = "none"
    SIMULATOR = "simulator"
    BLE = "ble"
    SERIAL = "serial"


@dataclass(frozen=True, slots=True)
class DeviceSpec:
    kind: DeviceKind
    address: str | None = None  # Bluetooth address, when pinned
    name: str | None = None  # Bluetooth advertised name, when pinned
    profile: str | None = None  # serial profile name
    port: str | None = None  # serial port path or pyserial URL


class DeviceSpecError(ValueError):
    """A device setting that cannot be understood."""


def parse_device_spec(text: str, *, profiles: frozenset[str]) -> DeviceSpec:
    value = text.strip()
    if value in (DeviceKind.NONE, DeviceKind.SIMULATOR, DeviceKind.BLE):
        return DeviceSpec(DeviceKind(value))
    if value.startswith("ble:"):
        address = value.removeprefix("ble:")
        if not _BLE_ADDRESS.match(address):
            raise DeviceSpecError(f"{text!r}: a Bluetooth address looks like AA:BB:CC:DD:EE:FF")
        return DeviceSpec(DeviceKind.BLE, address=address.upper())
    if value.startswith("ble-name:"):
        name = value.removeprefix("ble-name:")
        if not name or len(name.encode()) > _MAX_BLE_NAME_BYTES:
            raise DeviceSpecError(
                f"{text!r}: give the cuff's advertised name (1 to 248 bytes), "
                "as `vital5 devices scan` shows it"
            )
        return DeviceSpec(DeviceKind.BLE, name=name)
    if value.startswith("serial:"):
        profile, _, port = value.removeprefix("serial:").partition(":")
        if profile not in profiles:
            known = ", ".join(sorted(profiles))
            raise DeviceSpecError(f"{text!r}: unknown serial profile {profile!r}; known: {known}")
        if not port:
            raise DeviceSpecError(f"{text!r}: give the port, e.g. serial:{profile}:/dev/ttyUSB0")
        return DeviceSpec(DeviceKind.SERIAL, profile=profile, port=port)
    raise DeviceSpecError(
        f"{text!r}: expected simulator, ble, ble:ADDRESS, ble-name:NAME, "
        "serial:PROFILE:PORT or none"
    )
