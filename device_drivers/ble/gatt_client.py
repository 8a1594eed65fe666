"""What the BLE session needs from a GATT client, and bleak as the default.

session.py is written against the protocols here, not against bleak:
``BleClient`` is the part of ``bleak.BleakClient`` it uses, ``Scanner`` and
``ClientFactory`` how it finds a cuff and gets a client. Tests hand it fakes;
a kiosk gets ``bleak_scan`` and ``bleak_client_factory``. Also here: the SIG
UUIDs, the errors a failing link raises (``LINK_ERRORS``), the GATT calls the
session makes, each under a timeout, and ``LinkEvents``, which queues
notified frames and the link's drop in the order they happened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bleak import BleakClient, BleakScanner
from bleak.args.bluez import BlueZClientArgs, BlueZScannerArgs
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData
from bleak.exc import BleakError

from device_drivers.ble.clock import current_time_bytes, date_time_bytes
from device_drivers.ble.gatt_values import read_date_time

# Re-exported with the other UUIDs below; defined with the known cuffs.
from device_drivers.ble.known_devices import BLOOD_PRESSURE_SERVICE as BLOOD_PRESSURE_SERVICE
from device_drivers.errors import DeviceDisconnectedError, DeviceError, TransportError

_log = logging.getLogger(__name__)
_T = TypeVar("_T")


def uuid16(short: int) -> str:
    """The full 128-bit form of a 16-bit Bluetooth SIG UUID, as bleak reports it."""
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


BLOOD_PRESSURE_MEASUREMENT = uuid16(0x2A35)
INTERMEDIATE_CUFF_PRESSURE = uuid16(0x2A36)
CURRENT_TIME = uuid16(0x2A2B)
DATE_TIME = uuid16(0x2A08)
FIRMWARE_REVISION = uuid16(0x2A26)  # Device Information Service, UTF-8 text

# Errors bleak and its D-Bus layer raise when a link or a GATT call fails.
LINK_ERRORS = (BleakError, TimeoutError, OSError, EOFError)


class GattCharacteristicLike(Protocol):
    @property
    def uuid(self) -> str: ...
    @property
    def properties(self) -> Sequence[str]: ...


class GattServicesLike(Protocol):
    def get_characteristic(self, specifier: str, /) -> GattCharacteristicLike | None: ...


NotifyCallback = Callable[[Any, bytearray], None]


class BleClient(Protocol):
    """The part of ``bleak.BleakClient`` the session uses."""

    @property
    def is_connected(self) -> bool: ...
    @property
    def services(self) -> GattServicesLike: ...
    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def pair(self) -> None: ...
    async def read_gatt_char(self, char_specifier: str, /) -> bytearray: ...
    async def write_gatt_char(
        self, char_specifier: str, data: bytes, response: bool, /
    ) -> None: ...
    async def start_notify(self, char_specifier: str, callback: NotifyCallback, /) -> None: ...


DeviceFilter = Callable[[BLEDevice, AdvertisementData], bool]
# (filter, timeout seconds) -> the first matching device, or None.
Scanner = Callable[[DeviceFilter, float], Awaitable[BLEDevice | None]]
# (device, called when the link drops) -> an unconnected client.
ClientFactory = Callable[[BLEDevice, Callable[[], None]], BleClient]


async def bleak_scan(
    matches: DeviceFilter, timeout_s: float, adapter: str | None = None
) -> BLEDevice | None:
    """The default scanner: bleak's own, stopping at the first match."""
    bluez: BlueZScannerArgs = {} if adapter is None else {"adapter": adapter}
    return await BleakScanner.find_device_by_filter(matches, timeout=timeout_s, bluez=bluez)


def bleak_client_factory(*, adapter: str | None, connect_timeout_s: float) -> ClientFactory:
    """The default client factory: a plain ``BleakClient``."""

    def make(device: BLEDevice, on_disconnect: Callable[[], None]) -> BleClient:
        bluez: BlueZClientArgs = {} if adapter is None else {"adapter": adapter}

        def disconnected(_client: BleakClient) -> None:
            on_disconnect()

        return BleakClient(
            device,
            disconnected_callback=disconnected,
            timeout=connect_timeout_s,
            bluez=bluez,
        )

    return make


# -- GATT calls ------------------------------------------------------------------


def characteristic(client: BleClient, uuid: str) -> GattCharacteristicLike | None:
    try:
        return client.services.get_characteristic(uuid)
    except BleakError:  # services not resolved
        return None


def properties(client: BleClient, uuid: str) -> Sequence[str]:
    found = characteristic(client, uuid)
    return () if found is None else found.properties


def writable(client: BleClient, uuid: str) -> bool:
    # Written with response: a clock or setup write must not be lost silently.
    return "write" in properties(client, uuid)


async def within(operation: Awaitable[_T], timeout_s: float) -> _T:
    async with asyncio.timeout(timeout_s):
        return await operation


async def read(client: BleClient, uuid: str, timeout_s: float, what: str) -> bytes | None:
    """Read ``what`` at best: None if refused, DeviceDisconnectedError if the link went."""
    try:
        return bytes(await within(client.read_gatt_char(uuid), timeout_s))
    except LINK_ERRORS as error:
        if not client.is_connected:
            raise DeviceDisconnectedError(f"link lost reading {what}: {error}") from error
        _log.info("could not read %s: %s", what, error)
        return None


async def write(client: BleClient, uuid: str, data: bytes, timeout_s: float) -> None:
    """Write at best: a refusal is logged; DeviceDisconnectedError if the link went."""
    try:
        await within(client.write_gatt_char(uuid, data, True), timeout_s)
    except LINK_ERRORS as error:
        if not client.is_connected:
            raise DeviceDisconnectedError(f"link lost writing {uuid}: {error}") from error
        # Setting the clock is best effort: stamps fall back to receive time.
        _log.info("write to %s failed: %s", uuid, error)


async def subscribe(
    client: BleClient,
    uuid: str,
    callback: NotifyCallback,
    timeout_s: float,
    pause: Callable[[], Awaitable[None]],
) -> None:
    """Enable notifications; a refusal while the link holds is retried once after ``pause``."""
    for attempt in (1, 2):
        try:
            await within(client.start_notify(uuid, callback), timeout_s)
            return
        except LINK_ERRORS as error:
            if not client.is_connected:
                raise DeviceDisconnectedError(f"link lost subscribing: {error}") from error
            if attempt == 2:
                raise TransportError(f"subscription to {uuid} refused: {error}") from error
            _log.info("subscription to %s failed, retrying once: %s", uuid, error)
            await pause()


async def read_clock(client: BleClient, timeout_s: float) -> datetime | None:
    """The cuff's clock from Current Time, else Date Time; None if neither reads."""
    readable = [u for u in (CURRENT_TIME, DATE_TIME) if "read" in properties(client, u)]
    data = await read(client, readable[0], timeout_s, "the cuff clock") if readable else None
    if data is None:
        return None
    try:  # both start with the 7-byte Date Time
        return read_date_time(data, 0).as_datetime()
    except DeviceError as error:
        _log.info("cuff clock unreadable: %s", error)
        return None


async def read_firmware(client: BleClient, timeout_s: float) -> str | None:
    """The Firmware Revision String (0x2A26, UTF-8), if the cuff offers one."""
    if "read" not in properties(client, FIRMWARE_REVISION):
        return None
    data = await read(client, FIRMWARE_REVISION, timeout_s, "the firmware revision")
    text = None if data is None else data.decode("utf-8", errors="replace").strip("\x00 \t\r\n")
    return text or None


async def set_clock(client: BleClient, now: datetime, timeout_s: float) -> None:
    """Current Time if the cuff lets us write it (optional in CTS), else Date Time."""
    if writable(client, CURRENT_TIME):
        await write(client, CURRENT_TIME, current_time_bytes(now), timeout_s)
    elif writable(client, DATE_TIME):
        await write(client, DATE_TIME, date_time_bytes(now), timeout_s)


async def pair(client: BleClient, timeout_s: float) -> None:
    """Bond; a refusal is a TransportError (DeviceDisconnectedError if the link went)."""
    try:
        await within(client.pair(), timeout_s)
    except LINK_ERRORS as error:
        failure = TransportError if client.is_connected else DeviceDisconnectedError
        raise failure(f"pairing failed: {error}") from error


async def disconnect(client: BleClient, timeout_s: float) -> None:
    try:
        async with asyncio.timeout(timeout_s):
            await client.disconnect()
    except (*LINK_ERRORS, DeviceError) as error:
        _log.debug("disconnect failed: %s", error)


# -- what arrives over the link ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frame:
    characteristic: str
    data: bytes
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Disconnected:
    pass


class LinkEvents:
    """Notified frames and the live link's drop, in arrival order."""

    def __init__(self, received_at: Callable[[], datetime]) -> None:
        self._queue: asyncio.Queue[Frame | Disconnected] = asyncio.Queue()
        self._received_at = received_at
        self._live: Callable[[], None] | None = None

    def drop_callback(self) -> Callable[[], None]:
        """The disconnect callback for one connect attempt; silent until ``go_live``."""

        def dropped() -> None:
            if self._live is dropped:
                self._queue.put_nowait(Disconnected())

        return dropped

    def go_live(self, dropped: Callable[[], None]) -> None:
        # Only this link's drop ends the collection, not an earlier attempt's.
        while not self._queue.empty():
            self._queue.get_nowait()
        self._live = dropped

    def on_value(self, uuid: str) -> NotifyCallback:
        def queue_frame(_characteristic: Any, data: bytearray) -> None:
            self._queue.put_nowait(Frame(uuid, bytes(data), self._received_at()))

        return queue_frame

    async def next(
        self, timeout_s: float, sleep: Callable[[float], Awaitable[None]]
    ) -> Frame | Disconnected | None:
        """The next item, or None after ``timeout_s`` of the injected ``sleep``."""
        if not self._queue.empty():
            return self._queue.get_nowait()
        getter = asyncio.ensure_future(self._queue.get())
        timer = asyncio.ensure_future(sleep(timeout_s))
        try:
            await asyncio.wait((getter, timer), return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
            if not getter.done():
                getter.cancel()
        if getter.done() and not getter.cancelled():
            return getter.result()
        return None
