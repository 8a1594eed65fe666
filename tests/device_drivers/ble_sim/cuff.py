"""A simulated blood-pressure cuff: a dbus-fast GATT app + LE advertisement.

It registers on BlueZoo's second adapter (hci1) and looks to a central on
hci0 like a real BPS cuff (bp-devices.md §1.1):

* service 0x1810 with 0x2A35 Blood Pressure Measurement (indicate),
  0x2A36 Intermediate Cuff Pressure (notify) and 0x2A49 Feature (read);
* optionally a Current Time service 0x1805 whose 0x2A2B can be read and
  written; every write is recorded in ``clock_writes``;
* an LE advertisement with service 0x1810, a local name and
  ``Discoverable=True`` (BlueZoo reports only adapters with a discoverable
  advertisement; the adapter's own flag would time out after 180 s).

The D-Bus surface follows ble-testing.md §4. The key detail: notifying
characteristics have **no NotifyAcquired property** and ``Notifying`` starts
False, so BlueZoo relays bleak's StartNotify to our StartNotify and turns
each ``PropertiesChanged(Value)`` into a value on the central, then calls
our ``Confirm()``. ``indicate()`` waits for that Confirm, as a real
indication waits for its ATT confirmation, which also keeps frames in order.

Usage::

    cuff = SimulatedBleCuff()
    await cuff.start()
    await cuff.subscribed.wait()
    await cuff.indicate(frame)
    await cuff.stop()
"""

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from dbus_fast import BusType, Message, MessageType, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import (
    DBusBool,
    DBusBytes,
    DBusDict,
    DBusObjectPath,
    DBusSignature,
    DBusStr,
    DBusUInt16,
)
from dbus_fast.constants import PropertyAccess
from dbus_fast.service import ServiceInterface, dbus_method, dbus_property

from device_drivers.ble.clock import current_time_bytes
from tests.device_drivers.ble_sim import CUFF_ADAPTER

DBusStrList = Annotated[list[str], DBusSignature("as")]
DBusPathList = Annotated[list[str], DBusSignature("ao")]


def uuid16(short: int) -> str:
    """The full 128-bit form of a 16-bit SIG UUID."""
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


BPS_UUID = uuid16(0x1810)
BPM_UUID = uuid16(0x2A35)
ICP_UUID = uuid16(0x2A36)
FEATURE_UUID = uuid16(0x2A49)
CTS_UUID = uuid16(0x1805)
CURRENT_TIME_UUID = uuid16(0x2A2B)
APPEARANCE_BLOOD_PRESSURE = 0x0380


class GattService(ServiceInterface):
    def __init__(self, uuid: str) -> None:
        super().__init__("org.bluez.GattService1")
        self._uuid = uuid

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> DBusStr:  # noqa: N802 (D-Bus member names)
        return self._uuid

    @dbus_property(access=PropertyAccess.READ)
    def Primary(self) -> DBusBool:  # noqa: N802
        return True

    @dbus_property(access=PropertyAccess.READ)
    def Includes(self) -> DBusPathList:  # noqa: N802
        return []


class GattCharacteristic(ServiceInterface):
    """One characteristic. No Handle, NotifyAcquired or WriteAcquired on purpose."""

    def __init__(self, uuid: str, service_path: str, flags: list[str], value: bytes = b"") -> None:
        super().__init__("org.bluez.GattCharacteristic1")
        self.uuid = uuid
        self._service_path = service_path
        self._flags = flags
        self.value = value
        self.notifying = False
        self.subscribed = asyncio.Event()
        self.subscriptions = 0
        self.confirmed = asyncio.Event()
        self.writes: list[bytes] = []
        # Computes the value for each read (a ticking clock); None: ``value``.
        self.read_hook: Callable[[], bytes] | None = None

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> DBusStr:  # noqa: N802
        return self.uuid

    @dbus_property(access=PropertyAccess.READ)
    def Service(self) -> DBusObjectPath:  # noqa: N802
        return self._service_path

    @dbus_property(access=PropertyAccess.READ)
    def Flags(self) -> DBusStrList:  # noqa: N802
        return self._flags

    @dbus_property(access=PropertyAccess.READ)
    def Value(self) -> DBusBytes:  # noqa: N802
        return self.value

    @dbus_property(access=PropertyAccess.READ)
    def Notifying(self) -> DBusBool:  # noqa: N802
        return self.notifying

    @dbus_method()
    def ReadValue(self, options: DBusDict) -> DBusBytes:  # noqa: N802
        return self.value if self.read_hook is None else self.read_hook()

    @dbus_method()
    def WriteValue(self, value: DBusBytes, options: DBusDict) -> None:  # noqa: N802
        self.writes.append(bytes(value))
        self.value = bytes(value)

    @dbus_method()
    def StartNotify(self) -> None:  # noqa: N802
        self.subscriptions += 1
        self._set_notifying(True)
        self.subscribed.set()

    @dbus_method()
    def StopNotify(self) -> None:  # noqa: N802
        self._set_notifying(False)
        self.subscribed.clear()

    @dbus_method()
    def Confirm(self) -> None:  # noqa: N802
        self.confirmed.set()

    def _set_notifying(self, notifying: bool) -> None:
        self.notifying = notifying
        self.emit_properties_changed({"Notifying": notifying})

    def send(self, value: bytes) -> None:
        """Set Value and emit PropertiesChanged: BlueZoo relays it to the central."""
        if not self.notifying:
            raise RuntimeError(f"nobody subscribed to {self.uuid}")
        self.value = bytes(value)
        self.emit_properties_changed({"Value": self.value})


class Advertisement(ServiceInterface):
    def __init__(self, local_name: str, service_uuids: list[str]) -> None:
        super().__init__("org.bluez.LEAdvertisement1")
        self._local_name = local_name
        self._service_uuids = service_uuids

    @dbus_property(access=PropertyAccess.READ)
    def Type(self) -> DBusStr:  # noqa: N802
        return "peripheral"

    @dbus_property(access=PropertyAccess.READ)
    def ServiceUUIDs(self) -> DBusStrList:  # noqa: N802
        return self._service_uuids

    @dbus_property(access=PropertyAccess.READ)
    def LocalName(self) -> DBusStr:  # noqa: N802
        return self._local_name

    @dbus_property(access=PropertyAccess.READ)
    def Appearance(self) -> DBusUInt16:  # noqa: N802
        return APPEARANCE_BLOOD_PRESSURE

    @dbus_property(access=PropertyAccess.READ)
    def Discoverable(self) -> DBusBool:  # noqa: N802
        return True

    @dbus_method()
    def Release(self) -> None:  # noqa: N802
        return


class SimulatedBleCuff:
    """The cuff peripheral; one instance per test, started and stopped by it."""

    def __init__(
        self,
        *,
        local_name: str = "A&D_UA-651BLE_SIM",
        adapter_path: str = CUFF_ADAPTER,
        current_time_service: bool = True,
        device_clock: datetime | None = None,
        feature: int = 0x0007,
        root: str = "/vital5/cuff",
    ) -> None:
        self.local_name = local_name
        self._adapter_path = adapter_path
        self._app_path = f"{root}/app"
        # Kept outside the application path (ble-testing.md §3).
        self._adv_path = f"{root}/adv"
        self._bus: MessageBus | None = None
        self._objects: list[tuple[str, ServiceInterface]] = []
        bps_path = f"{self._app_path}/service0"
        self.bps = GattService(BPS_UUID)
        self.measurement = GattCharacteristic(BPM_UUID, bps_path, ["indicate"])
        self.cuff_pressure = GattCharacteristic(ICP_UUID, bps_path, ["notify"])
        self.feature = GattCharacteristic(
            FEATURE_UUID, bps_path, ["read"], feature.to_bytes(2, "little")
        )
        self._objects += [
            (bps_path, self.bps),
            (f"{bps_path}/char0", self.measurement),
            (f"{bps_path}/char1", self.cuff_pressure),
            (f"{bps_path}/char2", self.feature),
        ]
        self.current_time: GattCharacteristic | None = None
        if current_time_service:
            cts_path = f"{self._app_path}/service1"
            clock = device_clock or datetime(2000, 1, 1)  # an unset cuff clock (§1.5)
            self.current_time = GattCharacteristic(
                CURRENT_TIME_UUID, cts_path, ["read", "write"], current_time_bytes(clock)
            )
            self._objects += [
                (cts_path, GattService(CTS_UUID)),
                (f"{cts_path}/char0", self.current_time),
            ]
        self._advertisement = Advertisement(local_name, [BPS_UUID])

    @property
    def subscribed(self) -> asyncio.Event:
        """Set while the central has 0x2A35 indications enabled."""
        return self.measurement.subscribed

    @property
    def cuff_pressure_subscribed(self) -> asyncio.Event:
        return self.cuff_pressure.subscribed

    @property
    def clock_writes(self) -> list[bytes]:
        return [] if self.current_time is None else self.current_time.writes

    async def start(self) -> None:
        bus = await MessageBus(bus_type=BusType.SYSTEM).connect()
        self._bus = bus
        for path, interface in self._objects:
            bus.export(path, interface)
        bus.export(self._adv_path, self._advertisement)
        await self._call(
            self._adapter_path,
            "org.freedesktop.DBus.Properties",
            "Set",
            "ssv",
            ["org.bluez.Adapter1", "Powered", Variant("b", True)],
        )
        # The app must exist before anyone connects: BlueZoo builds the
        # central's view of our services at Connect time.
        await self._call(
            self._adapter_path,
            "org.bluez.GattManager1",
            "RegisterApplication",
            "oa{sv}",
            [self._app_path, {}],
        )
        await self._call(
            self._adapter_path,
            "org.bluez.LEAdvertisingManager1",
            "RegisterAdvertisement",
            "oa{sv}",
            [self._adv_path, {}],
        )

    async def stop(self) -> None:
        bus, self._bus = self._bus, None
        if bus is None:
            return
        # If these fail BlueZoo still drops our app when our bus name goes.
        with contextlib.suppress(Exception):
            await self._call_on(
                bus,
                self._adapter_path,
                "org.bluez.LEAdvertisingManager1",
                "UnregisterAdvertisement",
                "o",
                [self._adv_path],
            )
        with contextlib.suppress(Exception):
            await self._call_on(
                bus,
                self._adapter_path,
                "org.bluez.GattManager1",
                "UnregisterApplication",
                "o",
                [self._app_path],
            )
        bus.disconnect()
        await bus.wait_for_disconnect()  # type: ignore[no-untyped-call]

    async def indicate(self, frame: bytes, timeout_s: float = 2.0) -> None:
        """Send a 0x2A35 indication and wait for the central's confirmation."""
        self.measurement.confirmed.clear()
        self.measurement.send(frame)
        async with asyncio.timeout(timeout_s):
            await self.measurement.confirmed.wait()

    def notify_cuff(self, frame: bytes) -> None:
        """Send a 0x2A36 notification (no confirmation in BLE)."""
        self.cuff_pressure.send(frame)

    async def _call(
        self, path: str, interface: str, member: str, signature: str, body: list[object]
    ) -> None:
        assert self._bus is not None, "start() first"
        await self._call_on(self._bus, path, interface, member, signature, body)

    @staticmethod
    async def _call_on(
        bus: MessageBus, path: str, interface: str, member: str, signature: str, body: list[object]
    ) -> None:
        reply = await bus.call(
            Message(
                destination="org.bluez",
                path=path,
                interface=interface,
                member=member,
                signature=signature,
                body=body,
            )
        )
        assert reply is not None
        if reply.message_type == MessageType.ERROR:
            raise RuntimeError(f"{member} failed: {reply.error_name} {reply.body}")
