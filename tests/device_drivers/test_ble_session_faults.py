"""Fault injection for the BLE session: failures a real cuff shows in the wild (§6).

Each is staged with the scripted fake of ble_sim/fake_cuff.py. The cuff's
clock, time stamps and duplicates are tested in test_ble_clock.py.
"""

from __future__ import annotations

from datetime import timedelta

from bleak.exc import BleakError

from device_drivers.ble.clock import current_time_bytes
from device_drivers.ble.gatt_client import (
    BLOOD_PRESSURE_MEASUREMENT,
    CURRENT_TIME,
    FIRMWARE_REVISION,
    INTERMEDIATE_CUFF_PRESSURE,
    NotifyCallback,
)
from device_drivers.ble.session import BleCuffConfig
from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    FailureReason,
    Provenance,
)
from tests.device_drivers.ble_sim import cuff_pressure_frame, measurement_frame
from tests.device_drivers.ble_sim.fake_cuff import (
    ADDRESS,
    KIOSK_NOW,
    NAN_FRAME,
    WITH_CURRENT_TIME,
    FakeClient,
    FakeCuff,
    Kiosk,
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
