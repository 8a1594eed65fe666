"""A Bluetooth LE blood-pressure cuff session: the I/O shell.

``BleBloodPressureCuff.measure()`` yields the shared device events, exactly
like ``device_drivers.simulator.SimulatedCuff``, so the app can swap them:
``CuffPressure`` from 0x2A36 as it arrives, then one ``BloodPressureMeasured``
(with its ``Provenance``) or one ``MeasurementFailed``. Parsers decode the
bytes, reading_filter.py makes every decision about readings, gatt_client.py
talks to the cuff; this module runs the steps and decides when it is over.

One measurement (bp-devices.md §7.2):

1. scan for service 0x1810, a known cuff name (known_devices.py) or the
   configured address; connect, retrying with exponential backoff;
2. pause ~100 ms after service discovery: some cuffs drop a link that
   subscribes too early (§6, Beurer BM85);
3. pair if configured (or if the known model needs a bond), then the vendor
   setup write a known model needs (A&D ``02 00 E1``);
4. read the cuff's clock, then set it: Current Time 0x2A2B if writable, else
   Date Time 0x2A08; read the Firmware Revision 0x2A26 if offered;
5. subscribe to 0x2A36 (notify) if present, then 0x2A35 (indicate),
   retrying a failed subscription once;
6. collect until the cuff has been silent for ``silence_s`` after a usable
   reading, or it disconnects (the normal end for A&D), or nothing at all
   arrives for ``idle_timeout_s``; report the newest reading that is neither
   a duplicate nor from before the check (``last_readings`` has all kept).

``measure()`` never raises for a transport failure: it ends with a
``MeasurementFailed`` whose reason the resident is told (``reason_for``,
``settle``), as the simulator does. ``now``, ``sleep``, the scanner and the
client factory are injectable: tests run this against fakes and BlueZoo.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bleak.backends.device import BLEDevice

from device_drivers.ble import gatt_client as gatt
from device_drivers.ble.bp_measurement import parse_bp_measurement, parse_intermediate_cuff_pressure
from device_drivers.ble.known_devices import CuffModel, model_for_name
from device_drivers.ble.reading_filter import (
    Collected,
    CuffIdentity,
    ReadingWindow,
    ReceivedReading,
    backoff_for,
    is_bp_cuff,
    is_repeat,
    reading_key,
    reason_for,
    receive_reading,
    settle,
    wall,
)
from device_drivers.errors import DeviceError, DeviceNotFoundError, TransportError
from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    DeviceEvent,
    MeasurementFailed,
)

__all__ = ["BleBloodPressureCuff", "BleCuffConfig", "is_bp_cuff"]  # is_bp_cuff: cli_devices.py

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BleCuffConfig:
    # Pin one cuff by address, or by its advertised name: needed wherever
    # several cuffs are in range.
    address: str | None = None
    name: str | None = None
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


class BleBloodPressureCuff:
    """A real Bluetooth LE cuff; ``measure()`` yields device events."""

    def __init__(
        self,
        config: BleCuffConfig | None = None,
        *,
        name: str = "ble-cuff",
        scanner: gatt.Scanner | None = None,
        client_factory: gatt.ClientFactory | None = None,
        now: Callable[[], datetime] = datetime.now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.config = config or BleCuffConfig()
        self.name = name
        self._scanner = scanner
        self._client_factory = client_factory or gatt.bleak_client_factory(
            adapter=self.config.adapter, connect_timeout_s=self.config.connect_timeout_s
        )
        self._now = now
        self._sleep = sleep
        self._lock = asyncio.Lock()
        # Readings already reported: a cuff that replays its memory on every
        # connect must not hand the next resident an earlier one.
        self._reported: set[tuple[object, ...]] = set()
        self.last_device: BLEDevice | None = None
        self.last_clock_offset: timedelta | None = None
        self.last_readings: tuple[ReceivedReading, ...] = ()

    async def find_device(self) -> BLEDevice:
        """Scan for the cuff; DeviceNotFoundError if nothing matches in time."""
        matches = functools.partial(is_bp_cuff, address=self.config.address, name=self.config.name)
        timeout_s = self.config.scan_timeout_s
        try:
            if self._scanner is not None:
                device = await self._scanner(matches, timeout_s)
            else:
                device = await gatt.bleak_scan(matches, timeout_s, self.config.adapter)
        except gatt.LINK_ERRORS as error:
            raise DeviceNotFoundError(f"Bluetooth scan failed: {error}") from error
        if device is None:
            raise DeviceNotFoundError(f"no blood pressure cuff seen in {timeout_s:g} s")
        self.last_device = device
        return device

    async def measure(self, *, since: datetime | None = None) -> AsyncGenerator[DeviceEvent, None]:
        """One measurement: live cuff pressures, then one reading or failure.

        ``since``: readings taken before it are ignored; by default the time
        this call started minus ``since_slack_s``.
        """
        async with self._lock:
            slack = timedelta(seconds=self.config.since_slack_s)
            cutoff = since if since is not None else self._kiosk_now() - slack
            self.last_readings = ()
            self.last_clock_offset = None
            label = self.name
            client: gatt.BleClient | None = None
            try:
                device = await self.find_device()
                label = device.name or device.address
                link = gatt.LinkEvents(self._kiosk_now)
                client = await self._connect(device, link)
                await self._prepare(client, model_for_name(device.name))
                offset = self.last_clock_offset = await self._sync_clock(client)
                firmware = await gatt.read_firmware(client, self.config.gatt_timeout_s)
                await self._subscribe(client, link)
                tolerance = timedelta(seconds=self.config.clock_tolerance_s)
                collection = Collected(
                    CuffIdentity(device.name, device.address, firmware),
                    ReadingWindow(cutoff, offset, tolerance),
                )
                async with contextlib.aclosing(self._collect(link, collection)) as pressures:
                    async for pressure in pressures:
                        yield pressure
                yield self._outcome(collection)
            except TransportError as error:
                _log.info("cuff measurement failed: %s", error)
                yield MeasurementFailed(reason_for(error), label)
            finally:
                if client is not None:
                    await gatt.disconnect(client, self.config.gatt_timeout_s)

    def _kiosk_now(self) -> datetime:
        return wall(self._now())

    # -- steps -----------------------------------------------------------------

    async def _connect(self, device: BLEDevice, link: gatt.LinkEvents) -> gatt.BleClient:
        attempts = max(1, self.config.connect_attempts)
        last_error: BaseException | None = None
        for attempt in range(attempts):
            if attempt:
                base_s, cap_s = self.config.backoff_base_s, self.config.backoff_cap_s
                await self._sleep(backoff_for(attempt, base_s=base_s, cap_s=cap_s))
            dropped = link.drop_callback()
            client = self._client_factory(device, dropped)
            try:
                async with asyncio.timeout(self.config.connect_timeout_s):
                    await client.connect()
            except gatt.LINK_ERRORS as error:
                last_error = error
                _log.info("connect attempt %d/%d failed: %s", attempt + 1, attempts, error)
                await gatt.disconnect(client, self.config.gatt_timeout_s)
                continue
            link.go_live(dropped)
            return client
        raise DeviceNotFoundError(
            f"could not connect to {device.address} in {attempts} attempt(s): {last_error}"
        ) from last_error

    async def _prepare(self, client: gatt.BleClient, model: CuffModel | None) -> None:
        await self._sleep(self.config.subscribe_delay_s)
        pair = self.config.pair
        if pair is None:
            pair = model is not None and model.requires_bonding
        if pair:
            await gatt.pair(client, self.config.gatt_timeout_s)
        if model is not None and model.setup_write is not None:
            uuid, command = model.setup_write
            if gatt.writable(client, uuid):
                await gatt.write(client, uuid, command, self.config.gatt_timeout_s)

    async def _sync_clock(self, client: gatt.BleClient) -> timedelta | None:
        """Read the cuff's clock (for the offset), then set it to ours."""
        device_now = await gatt.read_clock(client, self.config.gatt_timeout_s)
        offset = None if device_now is None else device_now - self._kiosk_now()
        if self.config.set_clock:
            await gatt.set_clock(client, self._kiosk_now(), self.config.gatt_timeout_s)
        return offset

    async def _subscribe(self, client: gatt.BleClient, link: gatt.LinkEvents) -> None:
        if gatt.characteristic(client, gatt.BLOOD_PRESSURE_MEASUREMENT) is None:
            raise TransportError("the device has no Blood Pressure Measurement (0x2A35)")
        # A refused subscription is retried once, after a pause (§6).
        pause = functools.partial(self._sleep, self.config.subscribe_delay_s)
        timeout_s = self.config.gatt_timeout_s
        # Gauge first, so no live pressure is missed once readings flow.
        for uuid in (gatt.INTERMEDIATE_CUFF_PRESSURE, gatt.BLOOD_PRESSURE_MEASUREMENT):
            if gatt.characteristic(client, uuid) is not None:
                await gatt.subscribe(client, uuid, link.on_value(uuid), timeout_s, pause)

    async def _collect(
        self, link: gatt.LinkEvents, collection: Collected
    ) -> AsyncGenerator[CuffPressure, None]:
        while True:
            wait_s = self.config.silence_s if collection.kept else self.config.idle_timeout_s
            item = await link.next(wait_s, self._sleep)
            if item is None:
                return
            if isinstance(item, gatt.Disconnected):
                collection.disconnected = True
                return
            if item.characteristic != gatt.INTERMEDIATE_CUFF_PRESSURE:
                self._take_reading(item, collection)
                continue
            try:
                pressure = parse_intermediate_cuff_pressure(
                    item.data, device_name=collection.cuff.name
                )
            except DeviceError as error:
                # A garbled gauge frame is not worth failing a measurement for.
                _log.debug("dropped cuff pressure frame %s: %s", item.data.hex(), error)
                continue
            if pressure is not None:
                yield pressure

    def _take_reading(self, frame: gatt.Frame, collection: Collected) -> None:
        order = collection.received
        collection.received += 1
        try:
            result = parse_bp_measurement(frame.data, device_name=collection.cuff.name)
        except DeviceError as error:
            collection.undecodable += 1
            _log.info("undecodable 0x2A35 frame %s: %s", frame.data.hex(), error)
            return
        reading = receive_reading(
            result, frame.received_at, order, cuff=collection.cuff, window=collection.window
        )
        if reading is None:
            _log.info("ignored a reading taken before the check: %s", result.timestamp)
        elif is_repeat(reading, collection.kept, self._reported):
            _log.debug("duplicate reading %s ignored", reading_key(reading))
        else:
            collection.kept[reading_key(reading)] = reading

    def _outcome(self, collection: Collected) -> BloodPressureMeasured | MeasurementFailed:
        readings = tuple(sorted(collection.kept.values(), key=lambda r: r.order))
        self.last_readings = readings
        self._reported.update(reading_key(r) for r in readings if r.stamp.device_time is not None)
        result = settle(collection)
        if isinstance(result, ReceivedReading):
            return result.event
        _log.info("cuff measurement failed: %s", result)
        return MeasurementFailed(result, collection.cuff.label)
