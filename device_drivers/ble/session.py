"""A Bluetooth LE blood-pressure cuff session: the bleak side, I/O only.

``BleBloodPressureCuff.measure()`` yields the shared device events, exactly
like ``device_drivers.simulator.SimulatedCuff``, so the app can swap them:
``CuffPressure`` from 0x2A36 as it arrives, then one ``BloodPressureMeasured``
or one ``MeasurementFailed``. Every byte is decoded by the parser modules
(bp_measurement.py, gatt_values.py, to_events.py); this module only moves
bytes and decides when a measurement is over.

One measurement (bp-devices.md §7.2):

1. scan for service 0x1810, a known cuff name (known_devices.py) or the
   configured address;
2. connect, retrying with exponential backoff (``backoff_for``);
3. pause ~100 ms after service discovery: some cuffs drop a link that
   subscribes too early (§6, Beurer BM85);
4. pair if configured (or if the known model needs a bond);
5. the vendor setup write a known model needs (A&D ``02 00 E1``);
6. read the cuff's clock, then set it: Current Time 0x2A2B (10 bytes) if
   writable, else Date Time 0x2A08 (7 bytes); bytes from clock.py;
7. subscribe to 0x2A36 (notify) if present, then 0x2A35 (indicate),
   retrying a failed subscription once;
8. collect until the cuff has been silent for ``silence_s`` after a usable
   reading, or it disconnects (the normal end for A&D), or nothing at all
   arrives for ``idle_timeout_s``;
9. de-duplicate the stored-readings burst on (time stamp, sys, dia, pulse),
   drop readings taken before the check started, and report the newest.

Time stamps (§6 "Wrong device clock"). A reading whose device time is
within ``clock_tolerance_s`` of the kiosk's receive time is stamped with the
device time. Otherwise the device clock is presumed wrong: the reading is
stamped with the receive time and the device time is kept as metadata. The
offset read from the cuff's clock before we set it tells an old reading
(clock was right: discard it if it predates the check) from a wrong clock
(clock was off: correct the device time by the offset, then apply the same
rule). A cuff whose clock cannot be read gives no such evidence; its
far-off readings are kept with the receive time, as §6 recommends. See
``stamp_reading``. The stamps and device times of the last measurement are
in ``last_readings``; the shared events carry no times.

Errors. ``measure()`` never raises for a transport failure: it ends with
``MeasurementFailed`` whose reason says what the resident is told, as the
simulator does. The steps underneath raise the TransportError family, which
``measure()`` maps:

* nothing found by the scan, or every connect attempt failed →
  ``DeviceNotFoundError`` → ``FailureReason.NOT_FOUND``;
* the link dropped before a usable reading arrived →
  ``DeviceDisconnectedError`` → ``DISCONNECTED``;
* connected and subscribed, but no reading within ``idle_timeout_s`` →
  ``DeviceTimeoutError`` → ``TIMEOUT``;
* any other link failure (pairing refused, subscription refused twice while
  still connected) → ``TransportError`` → ``DEVICE_ERROR``, as are frames
  that arrived but none decoded to a plausible reading.

Clock (``now``) and ``sleep`` are injectable; so are the scanner and the
client factory, which is how tests run this against fakes and BlueZoo.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from bleak import BleakClient, BleakScanner
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData
from bleak.exc import BleakError

from device_drivers.ble.bp_measurement import (
    parse_bp_measurement,
    parse_intermediate_cuff_pressure,
)
from device_drivers.ble.clock import current_time_bytes, date_time_bytes
from device_drivers.ble.gatt_values import read_date_time
from device_drivers.ble.known_devices import CuffModel, model_for_name
from device_drivers.ble.to_events import BpsProvenance, to_event
from device_drivers.errors import (
    DeviceDisconnectedError,
    DeviceError,
    DeviceNotFoundError,
    DeviceTimeoutError,
    TransportError,
)
from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    DeviceEvent,
    FailureReason,
    MeasurementFailed,
)

_log = logging.getLogger(__name__)
_T = TypeVar("_T")


def uuid16(short: int) -> str:
    """The full 128-bit form of a 16-bit Bluetooth SIG UUID, as bleak reports it."""
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


BLOOD_PRESSURE_SERVICE = uuid16(0x1810)
BLOOD_PRESSURE_MEASUREMENT = uuid16(0x2A35)
INTERMEDIATE_CUFF_PRESSURE = uuid16(0x2A36)
CURRENT_TIME = uuid16(0x2A2B)
DATE_TIME = uuid16(0x2A08)

# Errors bleak and its D-Bus layer raise when a link or a GATT call fails.
_LINK_ERRORS = (BleakError, TimeoutError, OSError, EOFError)


# -- what the session needs from bleak, so tests can hand it fakes ----------


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
Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


# -- configuration and pure decisions ---------------------------------------


@dataclass(frozen=True, slots=True)
class BleCuffConfig:
    # Pin one cuff by address: needed wherever several cuffs are in range.
    address: str | None = None
    # BlueZ adapter name ("hci0"); None lets bleak pick the default.
    adapter: str | None = None
    scan_timeout_s: float = 10.0
    connect_attempts: int = 3
    connect_timeout_s: float = 20.0
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 8.0
    # None: pair only if the known model needs a bond (known_devices.py).
    pair: bool | None = None
    set_clock: bool = True
    # §6: a cuff may ignore a subscription right after service discovery.
    subscribe_delay_s: float = 0.1
    # After a usable reading: the cuff is done once silent this long.
    silence_s: float = 2.0
    # Before a usable reading: give up after this long with no frame at all.
    # Cuff pressure frames count: the resident is measuring.
    idle_timeout_s: float = 60.0
    # §6: "more than a few minutes" off the kiosk clock = a wrong clock.
    clock_tolerance_s: float = 300.0
    # Readings taken this long before measure() started still count, for a
    # resident who pressed the cuff's button before the kiosk's.
    since_slack_s: float = 60.0
    gatt_timeout_s: float = 10.0


def backoff_for(attempt: int, *, base_s: float = 0.5, cap_s: float = 8.0) -> float:
    """Seconds to wait before connect retry ``attempt`` (1 = the first retry).

    Exponential: base, 2×base, 4×base … capped. No jitter: one kiosk, one
    cuff, nothing to de-synchronise, and tests stay exact.
    """
    if attempt < 1:
        raise ValueError("retries are numbered from 1")
    return float(min(cap_s, base_s * 2 ** (attempt - 1)))


def is_bp_cuff(
    device: BLEDevice, advertisement: AdvertisementData, *, address: str | None = None
) -> bool:
    """Does this advertisement belong to the cuff we want?

    With ``address`` set, only that device. Otherwise anything advertising
    the Blood Pressure service, or a known cuff name.
    """
    if address is not None:
        return device.address.casefold() == address.casefold()
    if BLOOD_PRESSURE_SERVICE in (u.casefold() for u in advertisement.service_uuids):
        return True
    return model_for_name(advertisement.local_name or device.name) is not None


@dataclass(frozen=True, slots=True)
class Stamp:
    """When a reading counts as taken, on the kiosk's clock."""

    recorded_at: datetime  # the time to store with the reading
    device_time: datetime | None  # the cuff's own time stamp: metadata
    device_clock_trusted: bool  # recorded_at is the device time
    estimated_at: datetime  # best guess of the true time, for "newest"


def stamp_reading(
    device_time: datetime | None,
    received_at: datetime,
    *,
    since: datetime,
    clock_offset: timedelta | None,
    tolerance: timedelta,
) -> Stamp | None:
    """Stamp one reading, or None when it was taken before ``since``.

    ``clock_offset`` is device clock minus kiosk clock as read at connect
    (None: not readable). Times are naive wall-clock times.
    """
    if device_time is None:
        # Nothing to judge by: it arrived now, so it counts as now.
        return Stamp(received_at, None, False, received_at)
    if abs(device_time - received_at) <= tolerance:
        # The device clock agrees with ours (perhaps since we set it).
        if device_time < since:
            return None
        return Stamp(device_time, device_time, True, device_time)
    if clock_offset is None:
        # An old reading or a wrong clock, and no way to tell: §6 says to
        # stamp it with the receive time and keep the device time.
        return Stamp(received_at, device_time, False, device_time)
    if abs(clock_offset) <= tolerance and device_time <= received_at + tolerance:
        # The clock was right when we connected, so this is an old reading.
        if device_time < since:
            return None
        return Stamp(device_time, device_time, True, device_time)
    estimated = device_time - clock_offset
    if estimated < since:
        return None
    return Stamp(received_at, device_time, False, estimated)


@dataclass(frozen=True, slots=True)
class ReceivedReading:
    """One 0x2A35 result kept from the last measurement, with its times."""

    event: BloodPressureMeasured | MeasurementFailed
    provenance: BpsProvenance
    received_at: datetime
    stamp: Stamp
    order: int  # arrival order within the measurement


def reading_key(reading: ReceivedReading) -> tuple[object, ...]:
    """Identity for de-duplication: (time stamp, sys, dia, pulse), §3.2/§6."""
    event = reading.event
    if isinstance(event, BloodPressureMeasured):
        return (reading.stamp.device_time, event.systolic, event.diastolic, event.pulse)
    return (reading.stamp.device_time, event.reason, reading.provenance.raw_hex)


def newest(readings: Sequence[ReceivedReading]) -> ReceivedReading:
    """The newest reading: by estimated time, then by arrival (§6)."""
    return max(readings, key=lambda r: (r.stamp.estimated_at, r.order))


# -- the session ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Frame:
    characteristic: str
    data: bytes
    received_at: datetime


@dataclass(frozen=True, slots=True)
class _Disconnected:
    pass


_Item = _Frame | _Disconnected


class _LinkState:
    """Reports a dropped link to the collector, once the link is the live one."""

    def __init__(self) -> None:
        self.active = False

    def dropped(self, queue: asyncio.Queue[_Item]) -> Callable[[], None]:
        def on_disconnect() -> None:
            if self.active:
                queue.put_nowait(_Disconnected())

        return on_disconnect


async def bleak_scan(
    matches: DeviceFilter, timeout_s: float, adapter: str | None = None
) -> BLEDevice | None:
    """The default scanner: bleak's own, stopping at the first match."""
    if adapter is None:
        return await BleakScanner.find_device_by_filter(matches, timeout=timeout_s)
    return await BleakScanner.find_device_by_filter(
        matches, timeout=timeout_s, bluez={"adapter": adapter}
    )


def bleak_client_factory(
    config: BleCuffConfig,
) -> ClientFactory:
    """The default client factory: a plain ``BleakClient``."""

    def make(device: BLEDevice, on_disconnect: Callable[[], None]) -> BleClient:
        def disconnected(_client: BleakClient) -> None:
            on_disconnect()

        if config.adapter is None:
            return BleakClient(
                device, disconnected_callback=disconnected, timeout=config.connect_timeout_s
            )
        return BleakClient(
            device,
            disconnected_callback=disconnected,
            timeout=config.connect_timeout_s,
            bluez={"adapter": config.adapter},
        )

    return make


@dataclass
class _Collection:
    """What one measurement has received so far."""

    since: datetime
    clock_offset: timedelta | None
    device_label: str
    device_name: str | None
    kept: dict[tuple[object, ...], ReceivedReading] = field(default_factory=dict)
    received: int = 0
    undecodable: int = 0
    disconnected: bool = False


class BleBloodPressureCuff:
    """A real Bluetooth LE cuff; ``measure()`` yields device events."""

    def __init__(
        self,
        config: BleCuffConfig | None = None,
        *,
        name: str = "ble-cuff",
        scanner: Scanner | None = None,
        client_factory: ClientFactory | None = None,
        now: Clock = datetime.now,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.config = config or BleCuffConfig()
        self.name = name
        self._scanner = scanner
        self._client_factory = client_factory or bleak_client_factory(self.config)
        self._now = now
        self._sleep = sleep
        self._lock = asyncio.Lock()
        # Readings already reported: a cuff that replays its memory on every
        # connect must not hand the next resident an earlier one.
        self._reported: set[tuple[object, ...]] = set()
        self.last_device: BLEDevice | None = None
        self.last_clock_offset: timedelta | None = None
        self.last_readings: tuple[ReceivedReading, ...] = ()

    # -- public steps -----------------------------------------------------------

    async def find_device(self) -> BLEDevice:
        """Scan for the cuff; DeviceNotFoundError if nothing matches in time."""
        address = self.config.address

        def matches(device: BLEDevice, advertisement: AdvertisementData) -> bool:
            return is_bp_cuff(device, advertisement, address=address)

        try:
            if self._scanner is not None:
                device = await self._scanner(matches, self.config.scan_timeout_s)
            else:
                device = await bleak_scan(matches, self.config.scan_timeout_s, self.config.adapter)
        except _LINK_ERRORS as error:
            raise DeviceNotFoundError(f"Bluetooth scan failed: {error}") from error
        if device is None:
            raise DeviceNotFoundError(
                f"no blood pressure cuff seen in {self.config.scan_timeout_s:g} s"
            )
        self.last_device = device
        return device

    async def measure(self, *, since: datetime | None = None) -> AsyncGenerator[DeviceEvent, None]:
        """One measurement: live cuff pressures, then one reading or failure.

        ``since``: readings taken before it are ignored; by default the time
        this call started minus ``since_slack_s``.
        """
        async with self._lock:
            start = _wall(self._now())
            cutoff = since if since is not None else start - _s(self.config.since_slack_s)
            self.last_readings = ()
            self.last_clock_offset = None
            label = self.name
            client: BleClient | None = None
            try:
                device = await self.find_device()
                label = device.name or device.address
                queue: asyncio.Queue[_Item] = asyncio.Queue()
                client = await self._connect(device, queue)
                model = model_for_name(device.name)
                await self._prepare(client, model)
                offset = await self._sync_clock(client)
                self.last_clock_offset = offset
                await self._subscribe(client, queue)
                collection = _Collection(cutoff, offset, label, device.name)
                async with contextlib.aclosing(self._collect(queue, collection)) as pressures:
                    async for pressure in pressures:
                        yield pressure
                yield self._outcome(collection)
            except TransportError as error:
                _log.info("cuff measurement failed: %s", error)
                yield MeasurementFailed(_reason_for(error), label)
            finally:
                if client is not None:
                    await self._disconnect(client)

    # -- steps -----------------------------------------------------------------

    async def _connect(self, device: BLEDevice, queue: asyncio.Queue[_Item]) -> BleClient:
        attempts = max(1, self.config.connect_attempts)
        last_error: BaseException | None = None
        for attempt in range(attempts):
            if attempt:
                await self._sleep(
                    backoff_for(
                        attempt, base_s=self.config.backoff_base_s, cap_s=self.config.backoff_cap_s
                    )
                )
            live = _LinkState()
            client = self._client_factory(device, live.dropped(queue))
            try:
                async with asyncio.timeout(self.config.connect_timeout_s):
                    await client.connect()
            except _LINK_ERRORS as error:
                last_error = error
                _log.info("connect attempt %d/%d failed: %s", attempt + 1, attempts, error)
                await self._disconnect(client)
                continue
            # Only this link's drop ends the collection, not an earlier attempt's.
            _drain(queue)
            live.active = True
            return client
        raise DeviceNotFoundError(
            f"could not connect to {device.address} in {attempts} attempt(s): {last_error}"
        ) from last_error

    async def _prepare(self, client: BleClient, model: CuffModel | None) -> None:
        await self._sleep(self.config.subscribe_delay_s)
        pair = self.config.pair
        if pair is None:
            pair = model is not None and model.requires_bonding
        if pair:
            try:
                await self._gatt(client.pair())
            except _LINK_ERRORS as error:
                raise self._link_failure(client, f"pairing failed: {error}") from error
        if model is not None and model.setup_write is not None:
            uuid, command = model.setup_write
            if _writable(client, uuid):
                await self._write(client, uuid, command)

    async def _sync_clock(self, client: BleClient) -> timedelta | None:
        """Read the cuff's clock (for the offset), then set it to ours."""
        clocks = (CURRENT_TIME, DATE_TIME)
        offset = None
        readable = [u for u in clocks if "read" in _properties(client, u)]
        if readable:
            offset = await self._read_clock_offset(client, readable[0])
        if self.config.set_clock:
            # Current Time if the cuff lets us write it (optional in CTS), else Date Time.
            if _writable(client, CURRENT_TIME):
                await self._write(client, CURRENT_TIME, current_time_bytes(_wall(self._now())))
            elif _writable(client, DATE_TIME):
                await self._write(client, DATE_TIME, date_time_bytes(_wall(self._now())))
        return offset

    async def _read_clock_offset(self, client: BleClient, uuid: str) -> timedelta | None:
        try:
            data = await self._gatt(client.read_gatt_char(uuid))
        except _LINK_ERRORS as error:
            if not client.is_connected:
                raise DeviceDisconnectedError(f"link lost reading the clock: {error}") from error
            _log.info("could not read the cuff clock: %s", error)
            return None
        try:
            device_now = read_date_time(bytes(data), 0).as_datetime()
        except DeviceError as error:
            _log.info("cuff clock unreadable: %s", error)
            return None
        if device_now is None:
            return None
        return device_now - _wall(self._now())

    async def _subscribe(self, client: BleClient, queue: asyncio.Queue[_Item]) -> None:
        measurement = _characteristic(client, BLOOD_PRESSURE_MEASUREMENT)
        if measurement is None:
            raise TransportError("the device has no Blood Pressure Measurement (0x2A35)")
        # Gauge first, so no live pressure is missed once readings flow.
        if _characteristic(client, INTERMEDIATE_CUFF_PRESSURE) is not None:
            await self._start_notify(client, INTERMEDIATE_CUFF_PRESSURE, queue)
        await self._start_notify(client, BLOOD_PRESSURE_MEASUREMENT, queue)

    async def _start_notify(
        self, client: BleClient, uuid: str, queue: asyncio.Queue[_Item]
    ) -> None:
        def on_value(_characteristic: Any, data: bytearray) -> None:
            queue.put_nowait(_Frame(uuid, bytes(data), _wall(self._now())))

        for attempt in (1, 2):
            try:
                await self._gatt(client.start_notify(uuid, on_value))
                return
            except _LINK_ERRORS as error:
                if not client.is_connected:
                    raise DeviceDisconnectedError(f"link lost subscribing: {error}") from error
                if attempt == 2:
                    raise TransportError(f"subscription to {uuid} refused: {error}") from error
                _log.info("subscription to %s failed, retrying once: %s", uuid, error)
                await self._sleep(self.config.subscribe_delay_s)

    async def _collect(
        self, queue: asyncio.Queue[_Item], collection: _Collection
    ) -> AsyncGenerator[CuffPressure, None]:
        while True:
            wait_s = self.config.silence_s if collection.kept else self.config.idle_timeout_s
            item = await self._next(queue, wait_s)
            if item is None:
                return
            if isinstance(item, _Disconnected):
                collection.disconnected = True
                return
            if item.characteristic == INTERMEDIATE_CUFF_PRESSURE:
                pressure = self._cuff_pressure(item, collection)
                if pressure is not None:
                    yield pressure
            else:
                self._take_reading(item, collection)

    def _cuff_pressure(self, frame: _Frame, collection: _Collection) -> CuffPressure | None:
        try:
            return parse_intermediate_cuff_pressure(frame.data, device_name=collection.device_name)
        except DeviceError as error:
            # A garbled gauge frame is not worth failing a measurement for.
            _log.debug("dropped cuff pressure frame %s: %s", frame.data.hex(), error)
            return None

    def _take_reading(self, frame: _Frame, collection: _Collection) -> None:
        order = collection.received
        collection.received += 1
        try:
            result = parse_bp_measurement(frame.data, device_name=collection.device_name)
        except DeviceError as error:
            collection.undecodable += 1
            _log.info("undecodable 0x2A35 frame %s: %s", frame.data.hex(), error)
            return
        mapped = to_event(result, device=collection.device_label)
        device_time = None if result.timestamp is None else result.timestamp.as_datetime()
        stamp = stamp_reading(
            device_time,
            frame.received_at,
            since=collection.since,
            clock_offset=collection.clock_offset,
            tolerance=_s(self.config.clock_tolerance_s),
        )
        if stamp is None:
            _log.info("ignored a reading taken before the check: %s", device_time)
            return
        reading = ReceivedReading(mapped.event, mapped.provenance, frame.received_at, stamp, order)
        key = reading_key(reading)
        if key in collection.kept or (device_time is not None and key in self._reported):
            _log.debug("duplicate reading %s ignored", key)
            return
        collection.kept[key] = reading

    def _outcome(self, collection: _Collection) -> BloodPressureMeasured | MeasurementFailed:
        readings = sorted(collection.kept.values(), key=lambda r: r.order)
        self.last_readings = tuple(readings)
        if readings:
            self._reported.update(
                reading_key(r) for r in readings if r.stamp.device_time is not None
            )
            return newest(readings).event
        if collection.disconnected:
            raise DeviceDisconnectedError("the cuff disconnected before sending a reading")
        if collection.undecodable:
            return MeasurementFailed(FailureReason.DEVICE_ERROR, collection.device_label)
        raise DeviceTimeoutError(
            f"no reading from the cuff within {self.config.idle_timeout_s:g} s"
        )

    # -- helpers ---------------------------------------------------------------

    async def _next(self, queue: asyncio.Queue[_Item], timeout_s: float) -> _Item | None:
        """The next queued item, or None after ``timeout_s`` of the injected sleep."""
        if not queue.empty():
            return queue.get_nowait()
        getter = asyncio.ensure_future(queue.get())
        timer = asyncio.ensure_future(self._sleep(timeout_s))
        try:
            await asyncio.wait((getter, timer), return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
            if not getter.done():
                getter.cancel()
        if getter.done() and not getter.cancelled():
            return getter.result()
        return None

    async def _gatt(self, operation: Awaitable[_T]) -> _T:
        async with asyncio.timeout(self.config.gatt_timeout_s):
            return await operation

    async def _write(self, client: BleClient, uuid: str, data: bytes) -> None:
        try:
            await self._gatt(client.write_gatt_char(uuid, data, True))
        except _LINK_ERRORS as error:
            if not client.is_connected:
                raise DeviceDisconnectedError(f"link lost writing {uuid}: {error}") from error
            # Setting the clock is best effort: stamps fall back to receive time.
            _log.info("write to %s failed: %s", uuid, error)

    def _link_failure(self, client: BleClient, message: str) -> TransportError:
        if not client.is_connected:
            return DeviceDisconnectedError(message)
        return TransportError(message)

    async def _disconnect(self, client: BleClient) -> None:
        try:
            async with asyncio.timeout(self.config.gatt_timeout_s):
                await client.disconnect()
        except (*_LINK_ERRORS, DeviceError) as error:
            _log.debug("disconnect failed: %s", error)


def _reason_for(error: TransportError) -> FailureReason:
    if isinstance(error, DeviceNotFoundError):
        return FailureReason.NOT_FOUND
    if isinstance(error, DeviceDisconnectedError):
        return FailureReason.DISCONNECTED
    if isinstance(error, DeviceTimeoutError):
        return FailureReason.TIMEOUT
    return FailureReason.DEVICE_ERROR


def _characteristic(client: BleClient, uuid: str) -> GattCharacteristicLike | None:
    try:
        return client.services.get_characteristic(uuid)
    except BleakError:  # services not resolved
        return None


def _properties(client: BleClient, uuid: str) -> Sequence[str]:
    characteristic = _characteristic(client, uuid)
    return () if characteristic is None else characteristic.properties


def _writable(client: BleClient, uuid: str) -> bool:
    # Written with response: a clock or setup write must not be lost silently.
    return "write" in _properties(client, uuid)


def _drain(queue: asyncio.Queue[_Item]) -> None:
    while not queue.empty():
        queue.get_nowait()


def _wall(moment: datetime) -> datetime:
    """Naive wall-clock time: cuffs keep local time without a zone."""
    return moment.replace(tzinfo=None)


def _s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)
