"""A simulated Bluetooth world for BLE integration tests.

Everything runs in user space: a private ``dbus-daemon`` (bus.py), BlueZoo as
``org.bluez`` on it with two adapters and three runtime fixes
(bluezoo_launcher.py), and a blood-pressure cuff written with dbus-fast that
registers a GATT application and an LE advertisement on the second adapter
(cuff.py). The code under test is plain, unmodified bleak on the first
adapter. pytest fixtures live in fixtures.py. The frame builders below are
shared with the fault-injection tests, which need no D-Bus at all: they
drive the session through the scripted fake in fake_cuff.py.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from device_drivers.events import BloodPressureMeasured, DeviceEvent

CENTRAL_ADDRESS = "00:00:00:11:11:11"  # hci0: the kiosk
CUFF_ADDRESS = "00:00:00:22:22:22"  # hci1: the simulated cuff
CUFF_ADAPTER = "/org/bluez/hci1"


def cuff_pressure_frame(mmhg: int) -> bytes:
    """A 0x2A36 frame: flags 0 (mmHg), the pressure, then NaN diastolic and MAP."""
    return bytes((0x00,)) + mmhg.to_bytes(2, "little") + bytes.fromhex("ff07ff07")


def measurement_frame(
    systolic: int,
    diastolic: int,
    pulse: int,
    taken_at: datetime | None,
    *,
    status: int = 0,
    user_id: int = 1,
) -> bytes:
    """A 0x2A35 frame in mmHg (exponent 0), with pulse, user ID and status.

    The time stamp is included when ``taken_at`` is given (flags 0x1E, else
    0x1C). MAP is (sys + 2 × dia) / 3, as a cuff would compute it.
    """
    flags = 0x1C | (0x02 if taken_at is not None else 0)
    mean = (systolic + 2 * diastolic) // 3
    frame = bytes((flags,))
    for value in (systolic, diastolic, mean):
        frame += value.to_bytes(2, "little")
    if taken_at is not None:
        frame += taken_at.year.to_bytes(2, "little") + bytes(
            (taken_at.month, taken_at.day, taken_at.hour, taken_at.minute, taken_at.second)
        )
    frame += pulse.to_bytes(2, "little") + bytes((user_id,)) + status.to_bytes(2, "little")
    return frame


def without_provenance(event: DeviceEvent) -> DeviceEvent:
    """The event with its provenance dropped, to compare readings by value."""
    if isinstance(event, BloodPressureMeasured):
        return dataclasses.replace(event, provenance=None)
    return event
