"""A simulated Bluetooth world for BLE integration tests.

Everything runs in user space: a private ``dbus-daemon`` (bus.py), BlueZoo as
``org.bluez`` on it with two adapters and three runtime fixes
(bluezoo_launcher.py), and a blood-pressure cuff written with dbus-fast that
registers a GATT application and an LE advertisement on the second adapter
(cuff.py). The code under test is plain, unmodified bleak on the first
adapter. pytest fixtures live in fixtures.py.
"""

from __future__ import annotations

CENTRAL_ADDRESS = "00:00:00:11:11:11"  # hci0: the kiosk
CUFF_ADDRESS = "00:00:00:22:22:22"  # hci1: the simulated cuff
CENTRAL_ADAPTER = "/org/bluez/hci0"
CUFF_ADAPTER = "/org/bluez/hci1"
