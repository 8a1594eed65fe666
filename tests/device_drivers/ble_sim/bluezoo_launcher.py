"""Run BlueZoo (a user-space mock of ``org.bluez``) with three runtime fixes.

Usage (the fixtures do this, with DBUS_SYSTEM_BUS_ADDRESS set to a private
bus)::

    python bluezoo_launcher.py --auto-enable --scan-interval 0.25 \\
        -a 00:00:00:11:11:11 -a 00:00:00:22:22:22

It prints ``READY`` on stdout once ``org.bluez`` is owned and the adapters
exist, and exits cleanly on SIGTERM. The fixes touch only the mock, never
bleak (see shared/reference/ble-testing.md §5):

1. Disconnect removes the GATT link objects that Connect exported under the
   central's device path (stock BlueZoo leaves them, so a second Connect
   fails with EEXIST), drops the link's value relay, closes any
   AcquireNotify reader and, like real BlueZ when a link goes down, calls
   StopNotify on the peripheral app that is still in StartNotify mode.
2. Every scan pass re-reports an already known device by flipping its RSSI
   (real BlueZ updates RSSI on every advertisement). Stock BlueZoo reports a
   device once, so a scanner that registers its callback after
   StartDiscovery (bleak's find_device_by_filter does) can miss it, and any
   second scan never sees it.
3. Only adapter 0 claims the ``central`` role, so bleak's default adapter
   (the first powered central, picked from a set) is always hci0.

This file is run as a script; importing it does not import BlueZoo.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

LAUNCHER = Path(__file__).resolve()
READY = "READY"
_log = logging.getLogger("bluezoo_launcher")


def apply_patches() -> None:
    """Monkeypatch the three BlueZoo bugs (see the module docstring)."""
    from bluezoo.adapter import Adapter
    from bluezoo.device import Device
    from bluezoo.gatt import GattCharacteristicClientLink

    original_disconnect = Device.disconnect

    async def disconnect(self: Any, uuid: str | None = None) -> None:
        await original_disconnect(self, uuid)
        links: dict[str, Any] = self.services
        if not links:
            return
        loop = asyncio.get_running_loop()
        for link in links.values():
            if not isinstance(link, GattCharacteristicClientLink):
                continue
            link.client_props_changed_subscription.unsubscribe()
            if link.f_read is not None:
                with contextlib.suppress(Exception):
                    loop.remove_reader(link.f_read)
                link.f_read.close()
                link.f_read = None
            client = link.client
            if client.NotifyAcquired.get() is None and client.Notifying.get(False):
                try:
                    await client.StopNotify()
                except Exception:  # the app may already be gone
                    _log.debug("StopNotify on %s failed", client.get_object_path())
        mock = self.peer_adapter.mock
        for path in sorted(links, key=len, reverse=True):
            with contextlib.suppress(KeyError):
                mock.remove_object(links[path])
        links.clear()
        await self.ServicesResolved.set_async(False)

    Device.disconnect = disconnect

    original_add_device = Adapter.add_device

    async def add_device(self: Any, device: Any) -> None:
        path = f"{self.get_object_path()}/dev_{device.address.replace(':', '_')}"
        known = self.devices.get(path)
        await original_add_device(self, device)
        if known is not None and self.discovering:
            known.rssi = -61 if known.rssi == -60 else -60
            known.properties_changed.emit(("org.bluez.Device1", {"RSSI": ("n", known.rssi)}, []))

    Adapter.add_device = add_device

    def roles(self: Any) -> list[str]:
        if self.id == 0:
            return ["central", "peripheral", "central-peripheral"]
        return ["peripheral"]

    Adapter.Roles.property_getter = roles


async def _run(adapters: list[str], auto_enable: bool, scan_interval: float) -> None:
    import bluezoo.bluezoo

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await bluezoo.bluezoo.startup(
        bus="system", adapters=adapters, auto_enable=auto_enable, scan_interval=scan_interval
    )
    print(READY, flush=True)
    await stop.wait()
    with contextlib.suppress(Exception):
        await bluezoo.bluezoo.shutdown()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="BlueZoo with the test fixes applied")
    parser.add_argument("--auto-enable", action="store_true", help="power the adapters")
    parser.add_argument("--scan-interval", type=float, default=0.25, help="seconds per scan")
    parser.add_argument("-a", "--adapter", dest="adapters", action="append", default=[])
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    apply_patches()
    asyncio.run(_run(args.adapters, args.auto_enable, args.scan_interval))


def start_bluezoo(
    bus_address: str,
    adapters: list[str],
    log_path: Path,
    scan_interval: float = 0.25,
    timeout_s: float = 10.0,
) -> subprocess.Popen[bytes]:
    """Start the launcher on the given bus; returns once it printed READY."""
    # Imported here: run as a script, this file has no package around it.
    from tests.device_drivers.ble_sim.bus import die_with_parent

    env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": bus_address}
    command = [sys.executable, str(LAUNCHER), "--auto-enable", f"--scan-interval={scan_interval}"]
    for address in adapters:
        command += ["-a", address]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            preexec_fn=die_with_parent,
        )
    assert process.stdout is not None
    os.set_blocking(process.stdout.fileno(), False)
    deadline = time.monotonic() + timeout_s
    seen = b""
    while READY.encode() not in seen:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            process.stdout.close()
            raise RuntimeError(f"BlueZoo did not start: {log_path.read_text(errors='replace')}")
        chunk = process.stdout.read()
        if chunk:
            seen += chunk
        else:
            time.sleep(0.01)
    return process


if __name__ == "__main__":
    main()
