"""A scripted fake cuff for the BLE session's fault-injection tests (no D-Bus).

``BleBloodPressureCuff`` takes a scanner and a client factory; ``Kiosk``
wires it to a ``FakeCuff`` played through ``FakeClient``, a fake clock and a
``sleep`` that records what it was asked to wait, so every failure a real
cuff shows in the wild (bp-devices.md §6) can be staged exactly and no test
waits for real back-off or silence windows.

``Kiosk.measure()`` and ``kept_events()`` drop each event's provenance, so
tests compare readings by value; provenance has tests of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData
from bleak.exc import BleakError

from device_drivers.ble.clock import current_time_bytes
from device_drivers.ble.gatt_client import (
    BLOOD_PRESSURE_MEASUREMENT,
    BLOOD_PRESSURE_SERVICE,
    CURRENT_TIME,
    FIRMWARE_REVISION,
    INTERMEDIATE_CUFF_PRESSURE,
    BleClient,
    DeviceFilter,
    NotifyCallback,
)
from device_drivers.ble.session import BleBloodPressureCuff, BleCuffConfig
from device_drivers.events import (
    BloodPressureMeasured,
    DeviceEvent,
    FailureReason,
    MeasurementFailed,
)
from tests.device_drivers.ble_sim import measurement_frame, without_provenance

KIOSK_NOW = datetime(2026, 3, 2, 10, 15, 30)
CHECK_START = KIOSK_NOW - timedelta(minutes=10)
NAME = "Vital5 Fake BPM"
ADDRESS = "AA:BB:CC:00:11:22"
BPS_CHARACTERISTICS: dict[str, list[str]] = {
    BLOOD_PRESSURE_MEASUREMENT: ["indicate"],
    INTERMEDIATE_CUFF_PRESSURE: ["notify"],
}
WITH_CURRENT_TIME = {**BPS_CHARACTERISTICS, CURRENT_TIME: ["read", "write"]}
NAN_FRAME = bytes.fromhex("1e ff07 ff07 ff07 ea07 0302 0a0f 00 ff07 01 0000")


def advertisement(name: str | None, uuids: Sequence[str]) -> AdvertisementData:
    return AdvertisementData(name, {}, {}, list(uuids), None, -60, ())


def frame(systolic: int, diastolic: int, pulse: int, taken_at: datetime | None) -> bytes:
    return measurement_frame(systolic, diastolic, pulse, taken_at)


@dataclass(frozen=True)
class FakeCharacteristic:
    uuid: str
    properties: list[str]


class FakeServices:
    def __init__(self, characteristics: dict[str, list[str]]) -> None:
        self._characteristics = characteristics

    def get_characteristic(self, specifier: str, /) -> FakeCharacteristic | None:
        properties = self._characteristics.get(specifier)
        return None if properties is None else FakeCharacteristic(specifier, properties)


@dataclass
class FakeCuff:
    """What the cuff does; ``on_subscribed`` runs when 0x2A35 is enabled."""

    characteristics: dict[str, list[str]] = field(default_factory=lambda: dict(WITH_CURRENT_TIME))
    clock: datetime | None = KIOSK_NOW  # what a clock read returns
    firmware: bytes = b""  # what a 0x2A26 read returns (offer it in ``characteristics``)
    requires_bond: bool = False
    connect_failures: int = 0
    subscribe_refusals: int = 0
    on_subscribed: Callable[[FakeClient], None] = lambda client: None
    # What happened, in order: ("connect",), ("write", uuid, data), ...
    log: list[tuple[Any, ...]] = field(default_factory=list)
    paired: bool = False

    def ops(self, name: str) -> list[tuple[Any, ...]]:
        return [entry for entry in self.log if entry[0] == name]


class FakeClient:
    def __init__(self, cuff: FakeCuff, on_disconnect: Callable[[], None]) -> None:
        self.cuff = cuff
        self._on_disconnect = on_disconnect
        self._connected = False
        self._callbacks: dict[str, NotifyCallback] = {}

    @property
    def is_connected(self) -> bool:
        return self._connected

    @property
    def services(self) -> FakeServices:
        return FakeServices(self.cuff.characteristics)

    async def connect(self) -> None:
        self.cuff.log.append(("connect",))
        if self.cuff.connect_failures:
            self.cuff.connect_failures -= 1
            raise BleakError("le-connection-abort-by-local")
        self._connected = True

    async def disconnect(self) -> None:
        self.cuff.log.append(("disconnect",))
        self.drop_link()

    async def pair(self) -> None:
        self.cuff.log.append(("pair",))
        self.cuff.paired = True

    async def read_gatt_char(self, char_specifier: str, /) -> bytearray:
        self.cuff.log.append(("read", char_specifier))
        if char_specifier == FIRMWARE_REVISION:
            return bytearray(self.cuff.firmware)
        if self.cuff.clock is None:
            raise BleakError("Read not permitted")
        return bytearray(current_time_bytes(self.cuff.clock))

    async def write_gatt_char(self, char_specifier: str, data: bytes, response: bool, /) -> None:
        self.cuff.log.append(("write", char_specifier, bytes(data)))

    async def start_notify(self, char_specifier: str, callback: NotifyCallback, /) -> None:
        self.cuff.log.append(("start_notify", char_specifier))
        if char_specifier == BLOOD_PRESSURE_MEASUREMENT and self.cuff.subscribe_refusals:
            self.cuff.subscribe_refusals -= 1
            raise BleakError("ATT error 0x0e: unlikely error")
        self._callbacks[char_specifier] = callback
        if char_specifier == BLOOD_PRESSURE_MEASUREMENT:
            self.cuff.on_subscribed(self)

    # -- what the scripted cuff does with the link --

    def indicate(self, data: bytes) -> None:
        # A cuff that wants a bond stays silent towards a stranger (§6).
        if self.cuff.requires_bond and not self.cuff.paired:
            return
        self._callbacks[BLOOD_PRESSURE_MEASUREMENT](None, bytearray(data))

    def notify_cuff(self, data: bytes) -> None:
        self._callbacks[INTERMEDIATE_CUFF_PRESSURE](None, bytearray(data))

    def drop_link(self) -> None:
        if self._connected:
            self._connected = False
            self._on_disconnect()


def sends(*frames: bytes, then_drop: bool = False) -> Callable[[FakeClient], None]:
    """A cuff that sends these 0x2A35 frames as soon as it is subscribed."""

    def script(client: FakeClient) -> None:
        for data in frames:
            client.indicate(data)
        if then_drop:
            client.drop_link()

    return script


@dataclass
class Kiosk:
    """The session under test, wired to a fake cuff, clock and sleep."""

    cuff: FakeCuff
    config: BleCuffConfig = field(default_factory=BleCuffConfig)
    name: str = NAME
    now: datetime = KIOSK_NOW
    visible: bool = True
    scan_error: Exception | None = None
    client_class: type[FakeClient] = FakeClient
    slept: list[float] = field(default_factory=list)
    scans: int = 0
    clients: list[FakeClient] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.session = BleBloodPressureCuff(
            self.config,
            scanner=self.scan,
            client_factory=self.make_client,
            now=lambda: self.now,
            sleep=self.sleep,
        )

    async def scan(self, matches: DeviceFilter, timeout_s: float) -> BLEDevice | None:
        self.scans += 1
        if self.scan_error is not None:
            raise self.scan_error
        if not self.visible:
            return None
        device = BLEDevice(ADDRESS, self.name, details=None)
        return (
            device if matches(device, advertisement(self.name, [BLOOD_PRESSURE_SERVICE])) else None
        )

    def make_client(self, device: BLEDevice, on_disconnect: Callable[[], None]) -> BleClient:
        client = self.client_class(self.cuff, on_disconnect)
        self.clients.append(client)
        return client

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await asyncio.sleep(0)

    async def measure(self, since: datetime | None = CHECK_START) -> list[DeviceEvent]:
        """One measurement's events, without provenance."""
        return [without_provenance(e) async for e in self.session.measure(since=since)]


def reading(systolic: int, diastolic: int, pulse: int) -> BloodPressureMeasured:
    return BloodPressureMeasured(systolic, diastolic, pulse, False, NAME)


def failed(reason: FailureReason) -> MeasurementFailed:
    return MeasurementFailed(reason, NAME)


def kept_events(kiosk: Kiosk) -> list[DeviceEvent]:
    """The readings the last measurement kept, in arrival order, without provenance."""
    return [without_provenance(r.event) for r in kiosk.session.last_readings]
