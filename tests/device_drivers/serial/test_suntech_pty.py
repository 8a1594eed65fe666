"""SunTechCuff against a fake SunTech module on a real pty pair.

Every way a cycle can end early must leave the cuff deflating: those tests
assert that the fake module received ABORT.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    DeviceEvent,
    FailureReason,
    MeasurementFailed,
    Provenance,
)
from device_drivers.serial.profiles import SUNTECH_ADVANTAGE
from device_drivers.serial.suntech_cuff import SunTechCuff, SunTechTimings
from device_drivers.serial.suntech_protocol import AckCode, Command
from device_drivers.serial.transport import SerialPort
from kiosk_app.devices.service import DeviceStatus, ManagedCuff
from tests.device_drivers.serial import fake_devices
from tests.device_drivers.serial.fake_devices import (
    LINE_NOISE,
    FakeSunTech,
    SunTechBehaviour,
    suntech_bp_data,
)

NAME = SUNTECH_ADVANTAGE.name
# Polling every 10 ms and calling 0.2 s of silence a timeout keeps a whole
# measurement well under a second.
FAST = SunTechTimings(
    connect_timeout_s=0.5,
    poll_interval_s=0.01,
    reply_timeout_s=0.2,
    busy_retry_s=0.01,
    busy_retries=3,
    cycle_timeout_s=3.0,
)
DEFAULT_PRESSURES = [CuffPressure(p) for p in SunTechBehaviour().pressures]


@pytest.fixture(autouse=True)
async def _no_leaks() -> AsyncIterator[None]:
    async with fake_devices.no_leaks():
        yield


@pytest.fixture
def link(tmp_path: Path) -> Path:
    return tmp_path / "ttySUNTECH"


@pytest.fixture
async def cuff(link: Path) -> AsyncIterator[SunTechCuff]:
    port = SerialPort(str(link), SUNTECH_ADVANTAGE, backoff=lambda attempt: 0.02)
    async with SunTechCuff(port, timings=FAST) as cuff:
        yield cuff


@pytest.fixture
async def module(link: Path) -> AsyncIterator[FakeSunTech]:
    module = FakeSunTech(link)
    yield module
    module.close()


async def measure(cuff: SunTechCuff) -> list[DeviceEvent]:
    async with contextlib.aclosing(cuff.measure()) as events:
        return [event async for event in events]


async def abort_seen(module: FakeSunTech) -> bool:
    try:
        async with asyncio.timeout(1.0):
            await module.abort_received.wait()
    except TimeoutError:
        return False
    return True


def measured(**provenance: str | None) -> BloodPressureMeasured:
    behaviour = SunTechBehaviour()
    return BloodPressureMeasured(
        systolic=behaviour.systolic,
        diastolic=behaviour.diastolic,
        pulse=behaviour.heart_rate,
        irregular_pulse=False,
        device=NAME,
        provenance=Provenance(
            raw_frame_hex=suntech_bp_data(
                behaviour.systolic,
                behaviour.diastolic,
                behaviour.mean_arterial,
                behaviour.heart_rate,
            ).hex(),
            **provenance,  # type: ignore[arg-type]
        ),
    )


READING = measured(device_model="SunTech Advantage", firmware="LX-1.23-2019.05")


async def test_a_measurement_shows_live_pressures_then_the_reading(
    cuff: SunTechCuff, module: FakeSunTech
) -> None:
    events = await measure(cuff)

    assert events == [*DEFAULT_PRESSURES, READING]
    assert module.commands[:3] == [
        Command.GET_MODULE_DATA,
        Command.GET_RETURN_STRING,
        Command.START_BP,
    ]
    polls = module.commands.count(Command.GET_CUFF_PRESSURE)
    assert polls >= len(DEFAULT_PRESSURES)
    assert module.commands[-1] is Command.GET_BP_DATA
    assert Command.ABORT not in module.commands


async def test_the_version_is_asked_once_per_connection(
    cuff: SunTechCuff, module: FakeSunTech
) -> None:
    assert (await measure(cuff))[-1] == READING
    assert (await measure(cuff))[-1] == READING
    assert module.commands.count(Command.GET_MODULE_DATA) == 1
    assert module.commands.count(Command.START_BP) == 2


async def test_a_module_without_version_text_still_measures(cuff: SunTechCuff, link: Path) -> None:
    module = FakeSunTech(link, SunTechBehaviour(version_texts=None))
    try:
        events = await measure(cuff)
    finally:
        module.close()
    assert events[-1] == measured(device_model=None, firmware=None)


@pytest.mark.parametrize(
    ("error_code", "reason"),
    [
        (2, FailureReason.MOVEMENT),
        (87, FailureReason.LOOSE_CUFF),
        (4, FailureReason.TIMEOUT),
        (99, FailureReason.DEVICE_ERROR),
        (200, FailureReason.DEVICE_ERROR),  # not in SunTech's list
    ],
)
async def test_a_device_error_code_is_a_plain_failure(
    cuff: SunTechCuff, link: Path, error_code: int, reason: FailureReason
) -> None:
    module = FakeSunTech(link, SunTechBehaviour(error_code=error_code))
    try:
        events = await measure(cuff)
    finally:
        module.close()
    assert events == [*DEFAULT_PRESSURES, MeasurementFailed(reason, NAME)]
    # The module ended the cycle itself (K), so there is nothing to abort.
    assert Command.ABORT not in module.commands


async def test_an_implausible_result_is_refused(cuff: SunTechCuff, link: Path) -> None:
    # 2047 mmHg with error code 0: an error stored as a number (§2.2).
    module = FakeSunTech(link, SunTechBehaviour(systolic=2047))
    try:
        events = await measure(cuff)
    finally:
        module.close()
    assert events[-1] == MeasurementFailed(FailureReason.IMPLAUSIBLE, NAME)


async def test_garbage_between_replies_and_replies_in_pieces(link: Path) -> None:
    module = FakeSunTech(link, SunTechBehaviour(noise=LINE_NOISE), split_writes=True)
    port = SerialPort(str(link), SUNTECH_ADVANTAGE)
    # Polls 30 ms apart, so each reply has trickled in before the next poll.
    timings = dataclasses.replace(FAST, poll_interval_s=0.03)
    try:
        async with SunTechCuff(port, timings=timings) as cuff:
            events = await measure(cuff)
            assert port.discarded_bytes >= len(LINE_NOISE) * len(DEFAULT_PRESSURES)
    finally:
        module.close()
    assert events == [*DEFAULT_PRESSURES, READING]


@pytest.mark.parametrize(
    "where",
    [(Command.GET_CUFF_PRESSURE, 4), (Command.GET_BP_DATA, 1)],
    ids=["mid-poll", "before-bp-data"],
)
async def test_a_stray_marker_claiming_a_long_reply_delays_but_does_not_fail(
    link: Path, where: tuple[Command, int]
) -> None:
    # Replies behind the stray '>' come out only once 67 bytes have followed
    # it: ~13 polls at 30 ms, longer than the 0.2 s reply timeout. The module
    # is still talking, so this is no timeout; the BP data is asked again.
    module = FakeSunTech(link, SunTechBehaviour(stray_marker_at=where))
    port = SerialPort(str(link), SUNTECH_ADVANTAGE)
    timings = dataclasses.replace(FAST, poll_interval_s=0.03)
    try:
        async with SunTechCuff(port, timings=timings) as cuff:
            events = await measure(cuff)
    finally:
        module.close()
    assert events == [*DEFAULT_PRESSURES, READING]
    assert Command.ABORT not in module.commands


async def test_a_busy_module_is_asked_again(cuff: SunTechCuff, link: Path) -> None:
    module = FakeSunTech(link, SunTechBehaviour(busy_replies=2))
    try:
        events = await measure(cuff)
    finally:
        module.close()
    assert events[-1] == READING
    assert module.commands.count(Command.START_BP) == 3


async def test_a_refused_start_fails_and_aborts(cuff: SunTechCuff, link: Path) -> None:
    module = FakeSunTech(link, SunTechBehaviour(start_refusal=AckCode.ERROR))
    try:
        events = await measure(cuff)
        assert events == [MeasurementFailed(FailureReason.DEVICE_ERROR, NAME)]
        assert await abort_seen(module)
    finally:
        module.close()


async def test_a_module_that_stops_answering_mid_measurement_times_out_and_is_aborted(
    cuff: SunTechCuff, link: Path
) -> None:
    module = FakeSunTech(link, SunTechBehaviour(silent_after_polls=3))
    try:
        events = await measure(cuff)
        assert events == [*DEFAULT_PRESSURES[:3], MeasurementFailed(FailureReason.TIMEOUT, NAME)]
        assert await abort_seen(module)
    finally:
        module.close()


async def test_a_silent_module_times_out_before_anything_inflates(
    cuff: SunTechCuff, module: FakeSunTech
) -> None:
    module.go_silent()
    events = await measure(cuff)
    assert events == [MeasurementFailed(FailureReason.TIMEOUT, NAME)]
    assert Command.START_BP not in module.commands


async def test_closing_the_measurement_midway_sends_abort(
    cuff: SunTechCuff, module: FakeSunTech
) -> None:
    events = cuff.measure()
    seen = [await anext(events) for _ in range(3)]
    assert module.measuring
    await events.aclose()
    assert seen == DEFAULT_PRESSURES[:3]
    assert await abort_seen(module)
    assert not module.measuring


async def test_cancelling_the_task_sends_abort(cuff: SunTechCuff, module: FakeSunTech) -> None:
    started = asyncio.Event()

    async def resident_walks_away() -> None:
        async with contextlib.aclosing(cuff.measure()) as events:
            async for event in events:
                if isinstance(event, CuffPressure) and event.mmhg > 0:
                    started.set()

    task = asyncio.create_task(resident_walks_away())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await abort_seen(module)


async def test_unplug_mid_measurement_then_replug_measures_again(
    cuff: SunTechCuff, link: Path
) -> None:
    module = FakeSunTech(link)
    events: list[DeviceEvent] = []
    async with contextlib.aclosing(cuff.measure()) as measurement:
        async for event in measurement:
            events.append(event)
            if len(events) == 3:
                module.unplug()
    assert events[:3] == DEFAULT_PRESSURES[:3]
    assert events[-1] == MeasurementFailed(FailureReason.DISCONNECTED, NAME)

    replugged = FakeSunTech(link)  # a new pty at the configured path
    try:
        assert await measure(cuff) == [*DEFAULT_PRESSURES, READING]
        assert cuff.port.connections == 2
        # A new connection may be a different module: asked again.
        assert replugged.commands[0] is Command.GET_MODULE_DATA
    finally:
        replugged.close()


async def test_a_cuff_plugged_in_while_waiting_is_found(cuff: SunTechCuff, link: Path) -> None:
    modules: list[FakeSunTech] = []
    asyncio.get_running_loop().call_later(0.1, lambda: modules.append(FakeSunTech(link)))
    try:
        assert (await measure(cuff))[-1] == READING
    finally:
        for module in modules:
            module.close()


async def test_no_port_is_not_found(cuff: SunTechCuff) -> None:
    assert await measure(cuff) == [MeasurementFailed(FailureReason.NOT_FOUND, NAME)]


async def test_the_kiosk_service_drives_the_cuff(cuff: SunTechCuff, module: FakeSunTech) -> None:
    managed = ManagedCuff(cuff, timeout_s=5.0)
    events = [event async for event in managed.measure()]
    assert events == [*DEFAULT_PRESSURES, READING]
    assert managed.health().status is DeviceStatus.READY
