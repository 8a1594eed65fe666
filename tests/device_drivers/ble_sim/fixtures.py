"""pytest fixtures for the BLE integration tests.

Import them into a test module (conftest names are reserved for the suite's
own conftest.py files)::

    from tests.device_drivers.ble_sim import fixtures

    ble_world = fixtures.ble_world
    sim_cuff = fixtures.sim_cuff

* ``ble_world`` (session): a private dbus-daemon and the patched BlueZoo
  with two adapters; DBUS_SYSTEM_BUS_ADDRESS points at the private bus for
  the session and is restored afterwards. Both processes are stopped by PID
  and the temp dir is removed. Without dbus-daemon the test is skipped, or
  fails when CI == "true" (CI must run these tests).
* ``sim_cuff`` (function): a fresh simulated cuff registered on hci1.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

from tests.device_drivers.ble_sim import CENTRAL_ADDRESS, CUFF_ADDRESS
from tests.device_drivers.ble_sim.bluezoo_launcher import start_bluezoo
from tests.device_drivers.ble_sim.bus import (
    PrivateBus,
    dbus_daemon_path,
    start_bus,
    stop_bus,
    stop_process,
)
from tests.device_drivers.ble_sim.cuff import SimulatedBleCuff

ENV_BUS = "DBUS_SYSTEM_BUS_ADDRESS"
MISSING_DBUS = (
    "dbus-daemon is not installed: the BLE integration tests need Debian's dbus "
    "package, which `make test` installs"
)


@dataclass
class BleWorld:
    bus: PrivateBus
    bluezoo: subprocess.Popen[bytes]


@pytest.fixture(scope="session")
def ble_world() -> Iterator[BleWorld]:
    if dbus_daemon_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING_DBUS)
        pytest.skip(MISSING_DBUS)
    bus = start_bus()
    previous = os.environ.get(ENV_BUS)
    bluezoo: subprocess.Popen[bytes] | None = None
    try:
        bluezoo = start_bluezoo(
            bus.address, [CENTRAL_ADDRESS, CUFF_ADDRESS], bus.directory / "bluezoo.log"
        )
        # bleak reads the address when its per-loop BlueZ manager connects.
        os.environ[ENV_BUS] = bus.address
        yield BleWorld(bus, bluezoo)
    finally:
        if previous is None:
            os.environ.pop(ENV_BUS, None)
        else:
            os.environ[ENV_BUS] = previous
        if bluezoo is not None:
            stop_process(bluezoo)
        stop_bus(bus)


async def close_bleak_manager() -> None:
    """Close the D-Bus connection bleak keeps for this event loop.

    bleak keeps one BlueZ manager per loop and only finalizes it lazily when
    a later loop asks for one; closing it with the test's loop keeps sockets
    from outliving the test. Uses bleak internals: tests only.
    """
    from bleak.backends.bluezdbus import manager

    instance = manager._global_instances.pop(asyncio.get_running_loop(), None)
    bus = None if instance is None else instance._bus
    if bus is not None:
        bus.disconnect()
        await bus.wait_for_disconnect()  # type: ignore[no-untyped-call]


@pytest.fixture
async def sim_cuff(ble_world: BleWorld) -> AsyncIterator[SimulatedBleCuff]:
    cuff = SimulatedBleCuff(local_name="Vital5 Sim BPM")
    await cuff.start()
    try:
        yield cuff
    finally:
        await cuff.stop()
        await close_bleak_manager()
