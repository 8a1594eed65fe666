"""Fault injection for the BLE session, with a fake client and scanner.

The session takes a scanner and a client factory; here both are fakes that
play a scripted cuff (``FakeCuff``), so every failure a real cuff shows in
the wild (bp-devices.md §6) can be staged exactly: a link that drops
mid-transfer, a cuff that sends nothing until bonded, a replayed memory
full of duplicates, a clock from the year 2000, readings from before the
check, nothing in range. ``sleep`` is injected too, so no test waits for
real back-off or silence windows; each records what it was asked to wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData
from bleak.exc import BleakError

from device_drivers.ble.clock import current_time_bytes, date_time_bytes
from device_drivers.ble.known_devices import AND_CONFIG_CHARACTERISTIC, AND_SEND_ALL_COMMAND
from device_drivers.ble.session import (
    BLOOD_PRESSURE_MEASUREMENT,
    BLOOD_PRESSURE_SERVICE,
    CURRENT_TIME,
    DATE_TIME,
    INTERMEDIATE_CUFF_PRESSURE,
    BleBloodPressureCuff,
    BleClient,
    BleCuffConfig,
    DeviceFilter,
    NotifyCallback,
    Stamp,
    backoff_for,
    is_bp_cuff,
    stamp_reading,
)
from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    DeviceEvent,
    FailureReason,
    MeasurementFailed,
)
from tests.device_drivers.ble_sim import cuff_pressure_frame, measurement_frame

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


def frame(systolic: int, diastolic: int, pulse: int, taken_at: datetime | None) -> bytes:
    return measurement_frame(systolic, diastolic, pulse, taken_at)


# -- the fake cuff and its bleak-shaped client ---------------------------------


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
        advertisement = AdvertisementData(
            local_name=self.name,
            manufacturer_data={},
            service_data={},
            service_uuids=[BLOOD_PRESSURE_SERVICE],
            tx_power=None,
            rssi=-60,
            platform_data=(),
        )
        return device if matches(device, advertisement) else None

    def make_client(self, device: BLEDevice, on_disconnect: Callable[[], None]) -> BleClient:
        client = self.client_class(self.cuff, on_disconnect)
        self.clients.append(client)
        return client

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await asyncio.sleep(0)

    async def measure(self, since: datetime | None = CHECK_START) -> list[DeviceEvent]:
        return [event async for event in self.session.measure(since=since)]


def reading(systolic: int, diastolic: int, pulse: int) -> BloodPressureMeasured:
    return BloodPressureMeasured(systolic, diastolic, pulse, False, NAME)


def failed(reason: FailureReason) -> MeasurementFailed:
    return MeasurementFailed(reason, NAME)


def kept_events(kiosk: Kiosk) -> list[BloodPressureMeasured | MeasurementFailed]:
    """The readings the last measurement kept, in arrival order."""
    return [r.event for r in kiosk.session.last_readings]


# -- the happy path, as a baseline ---------------------------------------------


async def test_a_reading_follows_the_recommended_session_order() -> None:
    cuff = FakeCuff(on_subscribed=sends(frame(124, 79, 66, KIOSK_NOW)))
    kiosk = Kiosk(cuff)

    assert await kiosk.measure() == [reading(124, 79, 66)]

    assert [entry[0] for entry in cuff.log] == [
        "connect",
        "read",  # the clock, for its offset…
        "write",  # …then set to ours
        "start_notify",  # gauge first
        "start_notify",
        "disconnect",
    ]
    assert cuff.ops("write") == [("write", CURRENT_TIME, current_time_bytes(KIOSK_NOW))]
    assert cuff.ops("start_notify") == [
        ("start_notify", INTERMEDIATE_CUFF_PRESSURE),
        ("start_notify", BLOOD_PRESSURE_MEASUREMENT),
    ]
    # ~100 ms after service discovery before anything is subscribed (§6),
    # then one silence window after the reading.
    assert kiosk.slept == [0.1, BleCuffConfig().silence_s]


async def test_live_pressures_are_yielded_before_the_result_and_bad_gauge_frames_skipped() -> None:
    def script(client: FakeClient) -> None:
        client.notify_cuff(cuff_pressure_frame(40))
        client.notify_cuff(b"\x00\x01")  # truncated: dropped, not fatal
        client.notify_cuff(cuff_pressure_frame(160))
        client.indicate(frame(118, 75, 60, KIOSK_NOW))

    kiosk = Kiosk(FakeCuff(on_subscribed=script))

    assert await kiosk.measure() == [CuffPressure(40), CuffPressure(160), reading(118, 75, 60)]


# -- disconnects -----------------------------------------------------------------


async def test_a_link_lost_mid_measurement_ends_in_disconnected() -> None:
    def script(client: FakeClient) -> None:
        client.notify_cuff(cuff_pressure_frame(90))
        client.drop_link()

    kiosk = Kiosk(FakeCuff(on_subscribed=script))

    assert await kiosk.measure() == [CuffPressure(90), failed(FailureReason.DISCONNECTED)]


async def test_a_disconnect_after_the_readings_ends_the_transfer_normally() -> None:
    # A&D's cuffs disconnect by themselves once every unsent reading is out (§3.2).
    cuff = FakeCuff(
        on_subscribed=sends(
            frame(131, 85, 70, KIOSK_NOW - timedelta(minutes=2)),
            frame(127, 83, 69, KIOSK_NOW),
            then_drop=True,
        )
    )
    kiosk = Kiosk(cuff)

    assert await kiosk.measure() == [reading(127, 83, 69)]
    assert BleCuffConfig().silence_s not in kiosk.slept  # no silence wait after a disconnect


async def test_a_link_lost_while_subscribing_is_disconnected() -> None:
    class DroppingClient(FakeClient):
        async def start_notify(self, char_specifier: str, callback: NotifyCallback, /) -> None:
            self.drop_link()
            raise BleakError("Not connected")

    kiosk = Kiosk(FakeCuff(), client_class=DroppingClient)

    assert await kiosk.measure() == [failed(FailureReason.DISCONNECTED)]


async def test_the_link_is_closed_when_the_app_stops_listening() -> None:
    cuff = FakeCuff(on_subscribed=lambda client: client.notify_cuff(cuff_pressure_frame(30)))
    kiosk = Kiosk(cuff)

    events = kiosk.session.measure()
    assert await anext(events) == CuffPressure(30)
    await events.aclose()  # the resident left the page

    assert cuff.log[-1] == ("disconnect",)
    assert not kiosk.clients[-1].is_connected


# -- bonding ---------------------------------------------------------------------


async def test_a_cuff_that_wants_a_bond_sends_nothing_until_paired() -> None:
    frames = sends(frame(135, 88, 75, KIOSK_NOW))
    stranger = Kiosk(FakeCuff(requires_bond=True, on_subscribed=frames), BleCuffConfig(pair=False))

    assert await stranger.measure() == [failed(FailureReason.TIMEOUT)]
    assert stranger.slept[-1] == BleCuffConfig().idle_timeout_s

    bonded = Kiosk(FakeCuff(requires_bond=True, on_subscribed=frames), BleCuffConfig(pair=True))

    assert await bonded.measure() == [reading(135, 88, 75)]
    steps = [entry[0] for entry in bonded.cuff.log]
    assert steps.index("pair") < steps.index("start_notify")


async def test_a_known_model_is_paired_and_set_up_as_its_vendor_requires() -> None:
    # An A&D UA-651BLE: bonded only, "send all data" first, clock in 0x2A08 (§3.2).
    cuff = FakeCuff(
        characteristics={
            **BPS_CHARACTERISTICS,
            DATE_TIME: ["read", "write"],
            AND_CONFIG_CHARACTERISTIC: ["write"],
        },
        requires_bond=True,
        on_subscribed=sends(frame(122, 80, 64, KIOSK_NOW)),
    )
    kiosk = Kiosk(cuff, name="A&D_UA-651BLE_ABC123")

    events = await kiosk.measure()

    assert events == [BloodPressureMeasured(122, 80, 64, False, "A&D_UA-651BLE_ABC123")]
    assert cuff.ops("pair") == [("pair",)]
    assert cuff.ops("write") == [
        ("write", AND_CONFIG_CHARACTERISTIC, AND_SEND_ALL_COMMAND),
        ("write", DATE_TIME, date_time_bytes(KIOSK_NOW)),
    ]


async def test_a_read_only_current_time_falls_back_to_writing_date_time() -> None:
    # CTS write support is optional (§1.8); the clock is then set through 0x2A08.
    cuff = FakeCuff(
        characteristics={
            **BPS_CHARACTERISTICS,
            CURRENT_TIME: ["read", "notify"],
            DATE_TIME: ["write"],
        },
        clock=KIOSK_NOW + timedelta(minutes=20),
        on_subscribed=sends(frame(126, 80, 66, KIOSK_NOW)),
    )
    kiosk = Kiosk(cuff)

    assert await kiosk.measure() == [reading(126, 80, 66)]
    assert cuff.ops("read") == [("read", CURRENT_TIME)]
    assert cuff.ops("write") == [("write", DATE_TIME, date_time_bytes(KIOSK_NOW))]
    assert kiosk.session.last_clock_offset == timedelta(minutes=20)


async def test_setting_the_clock_can_be_turned_off() -> None:
    cuff = FakeCuff(on_subscribed=sends(frame(126, 80, 66, KIOSK_NOW)))
    kiosk = Kiosk(cuff, BleCuffConfig(set_clock=False))

    assert await kiosk.measure() == [reading(126, 80, 66)]
    assert cuff.ops("write") == []


async def test_a_refused_clock_write_is_not_fatal() -> None:
    class StubbornClient(FakeClient):
        async def write_gatt_char(
            self, char_specifier: str, data: bytes, response: bool, /
        ) -> None:
            raise BleakError("ATT error 0x03: write not permitted")

    cuff = FakeCuff(on_subscribed=sends(frame(126, 80, 66, KIOSK_NOW)))
    kiosk = Kiosk(cuff, client_class=StubbornClient)

    assert await kiosk.measure() == [reading(126, 80, 66)]


# -- the stored-readings burst -----------------------------------------------------


async def test_a_replayed_burst_is_de_duplicated_and_the_newest_reported() -> None:
    earlier = frame(140, 92, 77, KIOSK_NOW - timedelta(minutes=4))
    latest = frame(133, 86, 72, KIOSK_NOW - timedelta(seconds=20))
    # Interrupted and resent, as A&D's "send all data" may do (§3.2 inference).
    cuff = FakeCuff(on_subscribed=sends(earlier, latest, earlier, latest, latest))
    kiosk = Kiosk(cuff)

    assert await kiosk.measure() == [reading(133, 86, 72)]
    assert kept_events(kiosk) == [
        reading(140, 92, 77),
        reading(133, 86, 72),
    ]

    # The next measurement: the cuff replays its memory again, then a new reading.
    kiosk.now = later = KIOSK_NOW + timedelta(minutes=3)
    cuff.on_subscribed = sends(earlier, latest, frame(129, 84, 70, later))

    assert await kiosk.measure() == [reading(129, 84, 70)]
    assert kept_events(kiosk) == [reading(129, 84, 70)]


async def test_identical_values_at_different_times_are_two_readings() -> None:
    first = frame(125, 80, 70, KIOSK_NOW - timedelta(minutes=2))
    second = frame(125, 80, 70, KIOSK_NOW)
    kiosk = Kiosk(FakeCuff(on_subscribed=sends(first, second)))

    await kiosk.measure()

    assert len(kiosk.session.last_readings) == 2


# -- clocks and the start of the check -------------------------------------------------


async def test_a_wrong_device_clock_falls_back_to_receive_time() -> None:
    # Battery changed: the cuff's clock restarted at 2000-01-01 (§1.5, §6).
    device_now = datetime(2000, 1, 1, 0, 12, 0)
    taken = device_now - timedelta(seconds=40)  # just before it connected
    cuff = FakeCuff(
        clock=device_now,
        on_subscribed=sends(
            frame(150, 95, 80, device_now - timedelta(hours=3)),  # an old one: dropped
            frame(138, 89, 74, taken),
        ),
    )
    kiosk = Kiosk(cuff)

    assert await kiosk.measure(since=None) == [reading(138, 89, 74)]

    (kept,) = kiosk.session.last_readings
    assert kept.stamp == Stamp(
        recorded_at=KIOSK_NOW,  # the kiosk's receive time…
        device_time=taken,  # …with the device's time kept as metadata
        device_clock_trusted=False,
        estimated_at=KIOSK_NOW - timedelta(seconds=40),
    )
    assert kept.provenance.device_timestamp is not None
    assert kiosk.session.last_clock_offset == device_now - KIOSK_NOW
    # …and the clock was put right for next time.
    assert cuff.ops("write") == [("write", CURRENT_TIME, current_time_bytes(KIOSK_NOW))]


async def test_an_unreadable_wrong_clock_still_gives_a_reading_stamped_on_arrival() -> None:
    taken = datetime(2044, 6, 1, 8, 0, 0)  # a Visomat-style unset clock (§1.5)
    cuff = FakeCuff(
        characteristics={**BPS_CHARACTERISTICS, CURRENT_TIME: ["write"]},
        on_subscribed=sends(frame(119, 78, 61, taken)),
    )
    kiosk = Kiosk(cuff)

    assert await kiosk.measure() == [reading(119, 78, 61)]
    (kept,) = kiosk.session.last_readings
    assert (kept.stamp.recorded_at, kept.stamp.device_time) == (KIOSK_NOW, taken)
    assert not kept.stamp.device_clock_trusted
    assert cuff.ops("read") == []


async def test_readings_from_before_the_check_are_discarded() -> None:
    cuff = FakeCuff(
        on_subscribed=sends(
            frame(160, 100, 88, KIOSK_NOW - timedelta(days=1)),  # yesterday's resident
            frame(145, 93, 79, CHECK_START - timedelta(minutes=1)),  # just before this check
        )
    )
    kiosk = Kiosk(cuff)

    # Only old readings: the session keeps waiting for the resident's own, then gives up.
    assert await kiosk.measure() == [failed(FailureReason.TIMEOUT)]
    assert kiosk.session.last_readings == ()

    cuff.on_subscribed = sends(
        frame(160, 100, 88, KIOSK_NOW - timedelta(days=1)),
        frame(126, 81, 67, KIOSK_NOW - timedelta(seconds=30)),
    )
    assert await kiosk.measure() == [reading(126, 81, 67)]
    assert kept_events(kiosk) == [reading(126, 81, 67)]


async def test_by_default_the_check_starts_when_measure_is_called() -> None:
    before = frame(150, 90, 70, KIOSK_NOW - timedelta(minutes=2))
    kiosk = Kiosk(FakeCuff(on_subscribed=sends(before)))

    assert await kiosk.measure(since=None) == [failed(FailureReason.TIMEOUT)]


async def test_a_reading_without_a_time_stamp_counts_as_received_now() -> None:
    kiosk = Kiosk(FakeCuff(on_subscribed=sends(frame(117, 76, 58, None))))

    assert await kiosk.measure() == [reading(117, 76, 58)]
    (kept,) = kiosk.session.last_readings
    assert kept.stamp.recorded_at == KIOSK_NOW
    assert kept.stamp.device_time is None


# -- not found, connect retries, subscription retry --------------------------------------


async def test_no_cuff_in_range_is_not_found() -> None:
    kiosk = Kiosk(FakeCuff(), visible=False)

    assert await kiosk.measure() == [MeasurementFailed(FailureReason.NOT_FOUND, "ble-cuff")]
    assert kiosk.clients == []


async def test_a_failing_scan_is_not_found() -> None:
    kiosk = Kiosk(FakeCuff(), scan_error=BleakError("org.bluez.Error.NotReady"))

    assert await kiosk.measure() == [MeasurementFailed(FailureReason.NOT_FOUND, "ble-cuff")]


async def test_a_cuff_pinned_by_address_ignores_other_cuffs() -> None:
    kiosk = Kiosk(FakeCuff(), BleCuffConfig(address="11:22:33:44:55:66"))

    assert await kiosk.measure() == [MeasurementFailed(FailureReason.NOT_FOUND, "ble-cuff")]


async def test_connect_is_retried_with_exponential_backoff() -> None:
    cuff = FakeCuff(connect_failures=2, on_subscribed=sends(frame(121, 79, 65, KIOSK_NOW)))
    kiosk = Kiosk(cuff)

    assert await kiosk.measure() == [reading(121, 79, 65)]
    assert len(cuff.ops("connect")) == 3
    assert kiosk.slept[:2] == [backoff_for(1), backoff_for(2)] == [0.5, 1.0]


async def test_a_cuff_that_never_accepts_the_connection_is_not_found() -> None:
    cuff = FakeCuff(connect_failures=99)
    kiosk = Kiosk(cuff, BleCuffConfig(connect_attempts=4))

    assert await kiosk.measure() == [failed(FailureReason.NOT_FOUND)]
    assert len(cuff.ops("connect")) == 4
    assert kiosk.slept == [0.5, 1.0, 2.0]


async def test_an_early_subscription_refused_once_is_retried_after_a_pause() -> None:
    cuff = FakeCuff(subscribe_refusals=1, on_subscribed=sends(frame(123, 81, 63, KIOSK_NOW)))
    kiosk = Kiosk(cuff)

    assert await kiosk.measure() == [reading(123, 81, 63)]
    assert cuff.ops("start_notify")[-2:] == [
        ("start_notify", BLOOD_PRESSURE_MEASUREMENT),
        ("start_notify", BLOOD_PRESSURE_MEASUREMENT),
    ]
    assert kiosk.slept[:2] == [0.1, 0.1]


async def test_a_subscription_refused_twice_is_a_device_error() -> None:
    kiosk = Kiosk(FakeCuff(subscribe_refusals=2))

    assert await kiosk.measure() == [failed(FailureReason.DEVICE_ERROR)]


async def test_a_device_without_the_measurement_characteristic_is_a_device_error() -> None:
    kiosk = Kiosk(FakeCuff(characteristics={INTERMEDIATE_CUFF_PRESSURE: ["notify"]}))

    assert await kiosk.measure() == [failed(FailureReason.DEVICE_ERROR)]


# -- what the cuff itself reports -------------------------------------------------------


async def test_a_cuff_error_reading_is_a_failed_measurement() -> None:
    # "Err" on the display arrives as NaN values with status 0 (§2.2).
    kiosk = Kiosk(FakeCuff(on_subscribed=sends(NAN_FRAME)))

    assert await kiosk.measure() == [failed(FailureReason.DEVICE_ERROR)]


async def test_movement_flagged_by_the_cuff_is_reported_as_movement() -> None:
    moved = measurement_frame(130, 85, 70, KIOSK_NOW, status=0x0001)
    kiosk = Kiosk(FakeCuff(on_subscribed=sends(moved)))

    assert await kiosk.measure() == [failed(FailureReason.MOVEMENT)]


async def test_only_undecodable_frames_is_a_device_error() -> None:
    kiosk = Kiosk(FakeCuff(on_subscribed=sends(b"\x1e\x78", frame(400, 80, 70, KIOSK_NOW))))

    assert await kiosk.measure() == [failed(FailureReason.DEVICE_ERROR)]


async def test_one_bad_frame_does_not_spoil_a_good_reading() -> None:
    kiosk = Kiosk(FakeCuff(on_subscribed=sends(b"\x1e\x78", frame(120, 80, 70, KIOSK_NOW))))

    assert await kiosk.measure() == [reading(120, 80, 70)]


# -- the pure pieces -----------------------------------------------------------------


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [backoff_for(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert backoff_for(3, base_s=0.1, cap_s=0.25) == 0.25
    with pytest.raises(ValueError, match="from 1"):
        backoff_for(0)


def _advert(name: str | None, uuids: Sequence[str]) -> AdvertisementData:
    return AdvertisementData(name, {}, {}, list(uuids), None, -70, ())


@pytest.mark.parametrize(
    ("name", "uuids", "address", "expected"),
    [
        (None, [BLOOD_PRESSURE_SERVICE], None, True),
        ("BLESmart_00000480ABCDEF", [], None, True),
        ("A&D_UA-651BLE_1A2B3C", [], None, True),
        ("BM85", [], None, True),
        ("Somebody's Earbuds", ["0000180f-0000-1000-8000-00805f9b34fb"], None, False),
        (None, [BLOOD_PRESSURE_SERVICE], "aa:bb:cc:00:11:22", True),
        (None, [BLOOD_PRESSURE_SERVICE], "11:22:33:44:55:66", False),
    ],
)
def test_which_advertisements_are_a_cuff(
    name: str | None, uuids: list[str], address: str | None, expected: bool
) -> None:
    device = BLEDevice(ADDRESS, name, details=None)
    assert is_bp_cuff(device, _advert(name, uuids), address=address) is expected


TOLERANCE = timedelta(minutes=5)
SINCE = KIOSK_NOW - timedelta(minutes=1)


@pytest.mark.parametrize(
    ("device_time", "offset", "expected"),
    [
        # No time stamp: counts as received now.
        (None, None, Stamp(KIOSK_NOW, None, False, KIOSK_NOW)),
        # Device clock agrees with ours: its time is used…
        (
            KIOSK_NOW - timedelta(seconds=30),
            timedelta(0),
            Stamp(
                KIOSK_NOW - timedelta(seconds=30),
                KIOSK_NOW - timedelta(seconds=30),
                True,
                KIOSK_NOW - timedelta(seconds=30),
            ),
        ),
        # …and a reading from before the check is dropped.
        (KIOSK_NOW - timedelta(minutes=3), None, None),
        # Clock was right at connect: a far-off reading is simply old.
        (KIOSK_NOW - timedelta(hours=2), timedelta(seconds=2), None),
        # Clock known 10 years slow: corrected, stamped on arrival, device time kept.
        (
            KIOSK_NOW - timedelta(days=3652, seconds=20),
            -timedelta(days=3652),
            Stamp(
                KIOSK_NOW,
                KIOSK_NOW - timedelta(days=3652, seconds=20),
                False,
                KIOSK_NOW - timedelta(seconds=20),
            ),
        ),
        # …and its corrected time can still predate the check.
        (KIOSK_NOW - timedelta(days=3652, hours=1), -timedelta(days=3652), None),
        # Clock unreadable and far off: kept, stamped on arrival (§6).
        (
            datetime(2000, 1, 1),
            None,
            Stamp(KIOSK_NOW, datetime(2000, 1, 1), False, datetime(2000, 1, 1)),
        ),
    ],
)
def test_stamp_reading(
    device_time: datetime | None, offset: timedelta | None, expected: Stamp | None
) -> None:
    stamp = stamp_reading(
        device_time, KIOSK_NOW, since=SINCE, clock_offset=offset, tolerance=TOLERANCE
    )
    assert stamp == expected
