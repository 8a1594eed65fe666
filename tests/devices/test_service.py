"""ManagedCuff: status and plain failures around any driver (faults injected)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from device_drivers.errors import DeviceDisconnectedError, DeviceNotFoundError
from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    DeviceEvent,
    FailureReason,
    MeasurementFailed,
)
from device_drivers.simulator import SimulatedCuff
from kiosk_app.devices.service import DeviceStatus, ManagedCuff


class ScriptedDriver:
    """A driver that plays given events, then optionally raises or hangs."""

    name = "scripted"

    def __init__(
        self, events: list[DeviceEvent], *, then: BaseException | None = None, hang: bool = False
    ) -> None:
        self.events, self.then, self.hang = events, then, hang
        self.closed = False

    async def measure(self) -> AsyncGenerator[DeviceEvent, None]:
        try:
            for event in self.events:
                yield event
            if self.then is not None:
                raise self.then
            if self.hang:
                await asyncio.sleep(3600)
        finally:
            self.closed = True


async def collect(cuff: ManagedCuff) -> list[DeviceEvent]:
    return [event async for event in cuff.measure()]


async def test_a_good_reading_leaves_the_cuff_ready() -> None:
    cuff = ManagedCuff(SimulatedCuff(("131/84/70",), speed=1000))
    events = await collect(cuff)
    assert isinstance(events[0], CuffPressure)
    last = events[-1]
    assert isinstance(last, BloodPressureMeasured)
    assert (last.systolic, last.diastolic, last.pulse, last.device) == (131, 84, 70, "simulator")
    assert cuff.health().status is DeviceStatus.READY
    assert cuff.health().last_failure is None


async def test_a_dropped_link_becomes_a_plain_failure() -> None:
    driver = ScriptedDriver([CuffPressure(80)], then=DeviceDisconnectedError("link lost"))
    cuff = ManagedCuff(driver)
    events = await collect(cuff)
    assert events == [CuffPressure(80), MeasurementFailed(FailureReason.DISCONNECTED, "scripted")]
    assert cuff.health().status is DeviceStatus.DISCONNECTED
    assert driver.closed


async def test_a_missing_device_is_reported_as_not_found() -> None:
    cuff = ManagedCuff(ScriptedDriver([], then=DeviceNotFoundError("no cuff")))
    assert (await collect(cuff))[-1] == MeasurementFailed(FailureReason.NOT_FOUND, "scripted")


async def test_a_device_that_stops_answering_times_out() -> None:
    driver = ScriptedDriver([CuffPressure(40)], hang=True)
    cuff = ManagedCuff(driver, timeout_s=0.05)
    events = await collect(cuff)
    assert events[-1] == MeasurementFailed(FailureReason.TIMEOUT, "scripted")
    assert cuff.health().status is DeviceStatus.READY
    assert cuff.health().last_failure is FailureReason.TIMEOUT
    assert driver.closed


async def test_a_driver_that_ends_without_a_result_does_not_hang_the_page() -> None:
    cuff = ManagedCuff(ScriptedDriver([CuffPressure(40)]))
    assert (await collect(cuff))[-1] == MeasurementFailed(FailureReason.DISCONNECTED, "scripted")


async def test_a_device_reported_failure_keeps_the_cuff_ready() -> None:
    failed = MeasurementFailed(FailureReason.MOVEMENT, "scripted")
    cuff = ManagedCuff(ScriptedDriver([CuffPressure(40), failed]))
    assert (await collect(cuff))[-1] == failed
    assert cuff.health().status is DeviceStatus.READY
    assert cuff.health().last_failure is FailureReason.MOVEMENT


async def test_leaving_the_page_mid_measurement_closes_the_driver() -> None:
    driver = ScriptedDriver([CuffPressure(40), CuffPressure(60)], hang=True)
    cuff = ManagedCuff(driver)
    stream = cuff.measure()
    assert await anext(stream) == CuffPressure(40)
    await stream.aclose()
    assert driver.closed
    assert cuff.health().status is DeviceStatus.READY
