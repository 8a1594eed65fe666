"""OmronMonitor and TanitaScale against fake devices on a real pty pair.

Both devices talk unasked, once per measurement; the drivers listen for the
next record.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from device_drivers.errors import (
    DeviceDisconnectedError,
    DeviceNotFoundError,
    DeviceTimeoutError,
    ImplausibleReadingError,
)
from device_drivers.events import (
    BloodPressureMeasured,
    DeviceEvent,
    FailureReason,
    MeasurementFailed,
    Provenance,
)
from device_drivers.serial.omron_monitor import OmronMonitor
from device_drivers.serial.profiles import (
    OMRON_HBP9020,
    OMRON_STX,
    TANITA_BC418,
    TANITA_SC,
    Parity,
    SerialProfile,
)
from device_drivers.serial.tanita_protocol import ScaleReading
from device_drivers.serial.tanita_scale import TanitaScale
from device_drivers.serial.transport import SerialPort
from tests.device_drivers.serial import fake_devices
from tests.device_drivers.serial import vectors as v
from tests.device_drivers.serial.fake_devices import (
    FakeOmron,
    FakeTanita,
    omron_line,
    omron_stx,
    tanita_sc_record,
)

OMRON = OMRON_HBP9020.name
WHEN = datetime(2024, 5, 1, 9, 30)


@pytest.fixture(autouse=True)
async def _no_leaks() -> AsyncIterator[None]:
    async with fake_devices.no_leaks():
        yield


@pytest.fixture
def link(tmp_path: Path) -> Path:
    return tmp_path / "ttyFAKE"


def fast_port(link: Path, profile: SerialProfile) -> SerialPort:
    return SerialPort(str(link), profile, backoff=lambda attempt: 0.02)


@pytest.fixture
async def monitor(link: Path) -> AsyncIterator[OmronMonitor]:
    port = fast_port(link, OMRON_HBP9020)
    async with OmronMonitor(port, connect_timeout_s=0.2, result_timeout_s=0.5) as monitor:
        yield monitor


@pytest.fixture
async def omron(link: Path) -> AsyncIterator[FakeOmron]:
    device = FakeOmron(link)
    yield device
    device.close()


async def measure(monitor: OmronMonitor) -> list[DeviceEvent]:
    async with contextlib.aclosing(monitor.measure()) as events:
        return [event async for event in events]


def omron_reading(systolic: int, diastolic: int, pulse: int) -> BloodPressureMeasured:
    return BloodPressureMeasured(
        systolic=systolic,
        diastolic=diastolic,
        pulse=pulse,
        irregular_pulse=False,
        device=OMRON,
        # The line's ID may identify a patient: no raw bytes are kept.
        provenance=Provenance(device_model="Omron HBP-9020", device_time=WHEN),
    )


# --- Omron HBP-9020 -----------------------------------------------------------


async def test_omron_yields_one_reading_and_no_live_pressure(
    monitor: OmronMonitor, omron: FakeOmron
) -> None:
    omron.press_start(omron_line(132, 99, 84, 71), after_s=0.05)
    assert await measure(monitor) == [omron_reading(132, 84, 71)]
    assert omron.received == b""  # the kiosk never talks to the monitor


async def test_omron_ignores_a_record_sent_before_measure_was_called(
    monitor: OmronMonitor, omron: FakeOmron
) -> None:
    omron.press_start(omron_line(120, 93, 80, 64), after_s=0.05)
    assert await measure(monitor) == [omron_reading(120, 80, 64)]
    omron.press_start(omron_line(150, 110, 90, 80))  # nobody was listening
    await asyncio.sleep(0.05)
    omron.press_start(omron_line(124, 95, 81, 66), after_s=0.05)
    assert await measure(monitor) == [omron_reading(124, 81, 66)]


async def test_omron_finds_its_line_in_noise_arriving_in_pieces(
    monitor: OmronMonitor, link: Path
) -> None:
    omron = FakeOmron(link, split_writes=True)
    try:
        noise = b"\x00\xffbp,garbage\r\n" + v.OMRON_XIMPLIB_STX_HEADER
        omron.press_start(noise + omron_line(132, 99, 84, 71), after_s=0.05)
        assert await measure(monitor) == [omron_reading(132, 84, 71)]
    finally:
        omron.close()


async def test_omron_stx_packet_keeps_its_raw_bytes(link: Path) -> None:
    # The STX profile is 8E; a Linux pty cannot do parity, so 8N here.
    profile = dataclasses.replace(OMRON_STX, parity=Parity.NONE)
    omron = FakeOmron(link)
    record = omron_stx(125, 75, 99, when=WHEN)
    try:
        async with OmronMonitor(fast_port(link, profile), result_timeout_s=0.5) as monitor:
            omron.press_start(v.OMRON_XIMPLIB_STX_HEADER + record, after_s=0.05)
            [event] = await measure(monitor)
    finally:
        omron.close()
    assert event == BloodPressureMeasured(
        systolic=125,
        diastolic=75,
        pulse=99,
        irregular_pulse=False,
        device="omron_stx",
        provenance=Provenance(
            device_model="Omron HBP-9020", device_time=WHEN, raw_frame_hex=record.hex()
        ),
    )


async def test_omron_with_no_record_in_time_times_out(
    monitor: OmronMonitor, omron: FakeOmron
) -> None:
    assert await measure(monitor) == [MeasurementFailed(FailureReason.TIMEOUT, OMRON)]


async def test_omron_impossible_numbers_are_refused(
    monitor: OmronMonitor, omron: FakeOmron
) -> None:
    omron.press_start(v.SYNTHETIC_OMRON_LINE_ZEROS, after_s=0.05)
    assert await measure(monitor) == [MeasurementFailed(FailureReason.IMPLAUSIBLE, OMRON)]


async def test_omron_unplugged_while_waiting_then_replugged(
    monitor: OmronMonitor, link: Path
) -> None:
    omron = FakeOmron(link)
    asyncio.get_running_loop().call_later(0.05, omron.unplug)
    assert await measure(monitor) == [MeasurementFailed(FailureReason.DISCONNECTED, OMRON)]

    replugged = FakeOmron(link)
    try:
        replugged.press_start(omron_line(132, 99, 84, 71), after_s=0.05)
        assert await measure(monitor) == [omron_reading(132, 84, 71)]
        assert monitor.port.connections == 2
    finally:
        replugged.close()


async def test_omron_without_a_port_is_not_found(monitor: OmronMonitor) -> None:
    assert await measure(monitor) == [MeasurementFailed(FailureReason.NOT_FOUND, OMRON)]


# --- Tanita -----------------------------------------------------------------------


@pytest.fixture
async def scale(link: Path) -> AsyncIterator[TanitaScale]:
    port = fast_port(link, TANITA_SC)
    async with TanitaScale(port, connect_timeout_s=0.2, weigh_timeout_s=0.5) as scale:
        yield scale


@pytest.fixture
async def tanita(link: Path) -> AsyncIterator[FakeTanita]:
    device = FakeTanita(link)
    yield device
    device.close()


async def test_tanita_sc_record_is_the_reading(scale: TanitaScale, tanita: FakeTanita) -> None:
    tanita.step_on(tanita_sc_record(weight_kg="81.3", height_cm="178.0", bmi="25.7"), after_s=0.05)
    assert await scale.weigh() == ScaleReading(
        model="WB-3000",
        weight_kg=Decimal("81.3"),
        height_cm=Decimal("178.0"),
        bmi=Decimal("25.7"),
        body_fat_percent=None,
        tare_kg=None,
    )


async def test_tanita_takes_the_next_record_not_an_earlier_one(
    scale: TanitaScale, tanita: FakeTanita
) -> None:
    tanita.step_on(tanita_sc_record(weight_kg="60.0"), after_s=0.05)
    assert (await scale.weigh()).weight_kg == Decimal("60.0")
    tanita.step_on(tanita_sc_record(weight_kg="99.9"))  # nobody was weighing
    await asyncio.sleep(0.05)
    tanita.step_on(tanita_sc_record(weight_kg="70.4"), after_s=0.05)
    assert (await scale.weigh()).weight_kg == Decimal("70.4")


async def test_tanita_bc418_line_after_command_echoes(link: Path) -> None:
    tanita = FakeTanita(link, split_writes=True)
    try:
        async with TanitaScale(fast_port(link, TANITA_BC418), weigh_timeout_s=0.5) as scale:
            # The BC-418 echoes host commands (U0, D0...): not records.
            tanita.step_on(b"U0\r\nD1\r\n" + v.TANITA_BC418_XIMPLIB_LINE, after_s=0.05)
            reading = await scale.weigh()
    finally:
        tanita.close()
    assert (reading.model, reading.weight_kg, reading.height_cm) == (
        "BC-418",
        Decimal("78.3"),
        Decimal("170"),
    )


async def test_tanita_empty_plate_is_implausible(scale: TanitaScale, tanita: FakeTanita) -> None:
    tanita.step_on(v.SYNTHETIC_TANITA_SC240_EMPTY_PLATE, after_s=0.05)
    with pytest.raises(ImplausibleReadingError):
        await scale.weigh()


async def test_tanita_no_weighing_in_time_times_out(scale: TanitaScale, tanita: FakeTanita) -> None:
    with pytest.raises(DeviceTimeoutError):
        await scale.weigh()


async def test_tanita_unplugged_while_weighing(scale: TanitaScale, link: Path) -> None:
    tanita = FakeTanita(link)
    asyncio.get_running_loop().call_later(0.05, tanita.unplug)
    with pytest.raises(DeviceDisconnectedError):
        await scale.weigh()


async def test_tanita_without_a_port_is_not_found(scale: TanitaScale) -> None:
    with pytest.raises(DeviceNotFoundError):
        await scale.weigh()
