"""End to end: unmodified bleak ⇄ patched BlueZoo ⇄ a simulated cuff.

The session under test uses bleak's own scanner and BleakClient with no
knowledge of the simulation; the cuff is a dbus-fast GATT app on BlueZoo's
second adapter (tests/device_drivers/ble_sim). Nothing needs Bluetooth
hardware or root; dbus-daemon is the only system dependency.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest

from device_drivers.ble.clock import current_time_bytes
from device_drivers.ble.session import BleBloodPressureCuff, BleCuffConfig
from device_drivers.events import BloodPressureMeasured, CuffPressure, DeviceEvent, Provenance
from tests.device_drivers.ble_sim import (
    CUFF_ADDRESS,
    cuff_pressure_frame,
    fixtures,
    measurement_frame,
    without_provenance,
)
from tests.device_drivers.ble_sim.cuff import SimulatedBleCuff

pytestmark = pytest.mark.ble

# The shared fixtures (ble_sim/fixtures.py), made visible to pytest here.
ble_world = fixtures.ble_world
sim_cuff = fixtures.sim_cuff

KIOSK_NOW = datetime(2026, 3, 2, 10, 15, 30)
# Short waits: the simulation answers in milliseconds.
CONFIG = BleCuffConfig(
    scan_timeout_s=5.0,
    pair=False,
    silence_s=0.3,
    idle_timeout_s=5.0,
    gatt_timeout_s=5.0,
)


class KioskClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def measure_while(
    session: BleBloodPressureCuff,
    cuff: SimulatedBleCuff,
    act: Callable[[], Awaitable[None]],
) -> list[DeviceEvent]:
    """Run one measurement; once the cuff sees the subscription, run ``act``."""

    async def consume() -> list[DeviceEvent]:
        return [event async for event in session.measure()]

    measuring = asyncio.create_task(consume())
    subscribed = asyncio.create_task(cuff.subscribed.wait())
    done, _ = await asyncio.wait(
        (measuring, subscribed), timeout=10, return_when=asyncio.FIRST_COMPLETED
    )
    if subscribed not in done:
        subscribed.cancel()
        events = await measuring if measuring in done else []
        measuring.cancel()
        pytest.fail(f"the session never subscribed to 0x2A35; events: {events}")
    await act()
    return await asyncio.wait_for(measuring, 10)


async def test_reading_is_scanned_connected_clocked_subscribed_and_decoded(
    sim_cuff: SimulatedBleCuff,
) -> None:
    clock = KioskClock(KIOSK_NOW)
    session = BleBloodPressureCuff(CONFIG, now=clock)

    sent = measurement_frame(132, 84, 71, KIOSK_NOW, status=0x0004)

    async def cuff_measures() -> None:
        await sim_cuff.indicate(sent)

    events = await measure_while(session, sim_cuff, cuff_measures)

    assert events == [
        BloodPressureMeasured(
            systolic=132,
            diastolic=84,
            pulse=71,
            irregular_pulse=True,
            device="Vital5 Sim BPM",
            # An unknown model is named as advertised; the simulated cuff
            # has no Device Information service, so no firmware.
            provenance=Provenance(
                device_model="Vital5 Sim BPM",
                device_id=CUFF_ADDRESS,
                firmware=None,
                device_time=KIOSK_NOW,
                status_bits=0x0004,
                raw_frame_hex=sent.hex(),
            ),
        )
    ]
    assert session.last_device is not None
    assert session.last_device.address == CUFF_ADDRESS
    # The cuff's clock was set with a 10-byte Current Time from the kiosk clock…
    assert sim_cuff.clock_writes == [current_time_bytes(KIOSK_NOW)]
    # …after reading it: the simulated cuff's clock starts at 2000-01-01.
    assert session.last_clock_offset == datetime(2000, 1, 1) - KIOSK_NOW
    (reading,) = session.last_readings
    assert reading.stamp.device_clock_trusted
    assert reading.stamp.recorded_at == KIOSK_NOW


async def test_live_cuff_pressures_arrive_as_cuff_pressure_events(
    sim_cuff: SimulatedBleCuff,
) -> None:
    session = BleBloodPressureCuff(CONFIG, now=KioskClock(KIOSK_NOW))
    pressures = [20, 80, 150, 162, 140, 118, 96]

    async def cuff_measures() -> None:
        assert sim_cuff.cuff_pressure_subscribed.is_set()
        for mmhg in pressures:
            sim_cuff.notify_cuff(cuff_pressure_frame(mmhg))
            await asyncio.sleep(0.01)
        await sim_cuff.indicate(measurement_frame(121, 77, 64, KIOSK_NOW))

    events = await measure_while(session, sim_cuff, cuff_measures)

    assert [without_provenance(e) for e in events] == [
        *(CuffPressure(mmhg) for mmhg in pressures),
        BloodPressureMeasured(121, 77, 64, False, "Vital5 Sim BPM"),
    ]


async def test_the_next_resident_connects_and_measures_again(
    sim_cuff: SimulatedBleCuff,
) -> None:
    clock = KioskClock(KIOSK_NOW)
    session = BleBloodPressureCuff(CONFIG, now=clock)
    # Once set, the cuff's clock keeps the kiosk's time.
    assert sim_cuff.current_time is not None
    sim_cuff.current_time.read_hook = lambda: current_time_bytes(clock.now)
    first = await measure_while(
        session,
        sim_cuff,
        lambda: sim_cuff.indicate(measurement_frame(128, 82, 70, KIOSK_NOW)),
    )
    assert not sim_cuff.subscribed.is_set(), "disconnect should end the subscription"

    clock.now = later = KIOSK_NOW + timedelta(minutes=7)

    async def second_resident() -> None:
        # Like a cuff that replays its memory: the first reading again, then the new one.
        await sim_cuff.indicate(measurement_frame(128, 82, 70, KIOSK_NOW))
        await sim_cuff.indicate(measurement_frame(141, 90, 80, later))

    second = await measure_while(session, sim_cuff, second_resident)

    assert [without_provenance(e) for e in first] == [
        BloodPressureMeasured(128, 82, 70, False, "Vital5 Sim BPM")
    ]
    assert [without_provenance(e) for e in second] == [
        BloodPressureMeasured(141, 90, 80, False, "Vital5 Sim BPM")
    ]
    # The replayed first reading predates this check and was dropped.
    assert [r.event for r in session.last_readings] == second
    assert session.last_clock_offset == timedelta(0)
    assert sim_cuff.measurement.subscriptions == 2
    assert sim_cuff.clock_writes == [current_time_bytes(KIOSK_NOW), current_time_bytes(later)]
