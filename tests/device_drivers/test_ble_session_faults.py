"""Fault injection for the BLE session: failures a real cuff shows in the wild (§6).

Each is staged with the scripted fake of ble_sim/fake_cuff.py. The cuff's
clock, time stamps and duplicates are tested in test_ble_clock.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from bleak.backends.device import BLEDevice
from bleak.exc import BleakError

from device_drivers.ble.clock import current_time_bytes, date_time_bytes
from device_drivers.ble.gatt_client import (
    BLOOD_PRESSURE_MEASUREMENT,
    BLOOD_PRESSURE_SERVICE,
    CURRENT_TIME,
    DATE_TIME,
    FIRMWARE_REVISION,
    INTERMEDIATE_CUFF_PRESSURE,
    NotifyCallback,
)
from device_drivers.ble.known_devices import AND_CONFIG_CHARACTERISTIC, AND_SEND_ALL_COMMAND
from device_drivers.ble.reading_filter import backoff_for, is_bp_cuff
from device_drivers.ble.session import BleCuffConfig
from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    FailureReason,
    MeasurementFailed,
    Provenance,
)
from tests.device_drivers.ble_sim import cuff_pressure_frame, measurement_frame
from tests.device_drivers.ble_sim.fake_cuff import (
    ADDRESS,
    BPS_CHARACTERISTICS,
    KIOSK_NOW,
    NAN_FRAME,
    WITH_CURRENT_TIME,
    FakeClient,
    FakeCuff,
    Kiosk,
    advertisement,
    failed,
    frame,
    reading,
    sends,
)

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


# -- provenance --------------------------------------------------------------------------


async def test_a_reading_carries_where_it_came_from() -> None:
    taken = KIOSK_NOW - timedelta(seconds=30)
    sent = measurement_frame(128, 83, 71, taken, status=0x0024)  # irregular pulse, bad position
    cuff = FakeCuff(
        characteristics={**WITH_CURRENT_TIME, FIRMWARE_REVISION: ["read"]},
        firmware=b"2.1.0\x00",  # NUL-padded, as some cuffs send it
        on_subscribed=sends(sent),
    )
    kiosk = Kiosk(cuff, name="A&D_UA-651BLE_1A2B3C")

    (event,) = [event async for event in kiosk.session.measure()]

    assert isinstance(event, BloodPressureMeasured)
    assert event.provenance == Provenance(
        device_model="A&D Medical UA-651BLE",  # known_devices.py, not the advertised name
        device_id=ADDRESS,
        firmware="2.1.0",
        device_time=taken,  # the cuff's own stamp, as sent
        status_bits=0x0024,
        raw_frame_hex=sent.hex(),
    )
    assert (event.systolic, event.irregular_pulse) == (128, True)


# -- the pure pieces -----------------------------------------------------------------


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [backoff_for(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert backoff_for(3, base_s=0.1, cap_s=0.25) == 0.25
    with pytest.raises(ValueError, match="from 1"):
        backoff_for(0)


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
    assert is_bp_cuff(device, advertisement(name, uuids), address=address) is expected
