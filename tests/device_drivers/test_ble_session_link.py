"""The BLE session finding and joining a cuff: scan, connect retries, bonding, subscribing.

Each is staged with the scripted fake of ble_sim/fake_cuff.py. The cuff's
clock, time stamps and duplicates are tested in test_ble_clock.py.
"""

from __future__ import annotations

from bleak.exc import BleakError

from device_drivers.ble.clock import date_time_bytes
from device_drivers.ble.gatt_client import (
    BLOOD_PRESSURE_MEASUREMENT,
    DATE_TIME,
    INTERMEDIATE_CUFF_PRESSURE,
)
from device_drivers.ble.known_devices import AND_CONFIG_CHARACTERISTIC, AND_SEND_ALL_COMMAND
from device_drivers.ble.reading_filter import backoff_for
from device_drivers.ble.session import BleCuffConfig
from device_drivers.events import (
    BloodPressureMeasured,
    FailureReason,
    MeasurementFailed,
)
from tests.device_drivers.ble_sim.fake_cuff import (
    BPS_CHARACTERISTICS,
    KIOSK_NOW,
    NAME,
    FakeCuff,
    Kiosk,
    failed,
    frame,
    reading,
    sends,
)

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


async def test_a_cuff_pinned_by_name_is_read_and_another_name_is_not_found() -> None:
    cuff = FakeCuff(on_subscribed=sends(frame(121, 79, 65, KIOSK_NOW)))
    assert await Kiosk(cuff, BleCuffConfig(name=NAME)).measure() == [reading(121, 79, 65)]
    other = Kiosk(FakeCuff(), BleCuffConfig(name="BLESmart_0000048099FF"))
    assert await other.measure() == [MeasurementFailed(FailureReason.NOT_FOUND, "ble-cuff")]


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
