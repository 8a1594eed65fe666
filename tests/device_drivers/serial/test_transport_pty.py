"""SerialPort against a real pty pair: settings, framing, timeouts, unplug and
replug, and the pure backoff schedule."""

from __future__ import annotations

import asyncio
import dataclasses
import termios
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from device_drivers.errors import DeviceDisconnectedError, DeviceNotFoundError, DeviceTimeoutError
from device_drivers.serial.profiles import (
    OMRON_HBP9020,
    OMRON_STX,
    SUNTECH_ADVANTAGE,
    SerialProfile,
)
from device_drivers.serial.suntech_protocol import AckCode
from device_drivers.serial.transport import SerialPort, backoff_for, open_serial
from tests.device_drivers.serial import fake_devices
from tests.device_drivers.serial.fake_devices import (
    LINE_NOISE,
    PtyDevice,
    suntech_ack,
    suntech_pressure,
)


@pytest.fixture(autouse=True)
async def _no_leaks() -> AsyncIterator[None]:
    async with fake_devices.no_leaks():
        yield


@pytest.fixture
def link(tmp_path: Path) -> Path:
    """The configured port path: a symlink we repoint on replug."""
    return tmp_path / "ttyFAKE"


def fast_port(link: Path, profile: SerialProfile = SUNTECH_ADVANTAGE) -> SerialPort:
    return SerialPort(str(link), profile, backoff=lambda attempt: 0.02)


# --- backoff_for (pure) --------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "delay"),
    [(1, 0.1), (2, 0.2), (3, 0.4), (6, 3.2), (7, 5.0), (50, 5.0), (10**9, 5.0)],
)
def test_backoff_doubles_up_to_the_cap(attempt: int, delay: float) -> None:
    assert backoff_for(attempt) == pytest.approx(delay)


def test_backoff_takes_its_own_base_and_cap() -> None:
    assert [backoff_for(n, base_s=1.0, cap_s=3.0) for n in (1, 2, 3)] == [1.0, 2.0, 3.0]


def test_backoff_counts_attempts_from_one() -> None:
    with pytest.raises(ValueError, match="from 1"):
        backoff_for(0)


# --- opening ---------------------------------------------------------------------


async def test_opens_with_the_profiles_baud_rate_and_framing(link: Path) -> None:
    device = PtyDevice(link)
    try:
        async with SerialPort(str(link), SUNTECH_ADVANTAGE) as port:
            await port.open(timeout_s=1.0)
            iflag, _, cflag, _, ispeed, ospeed, _ = device.port_settings()
            assert (ispeed, ospeed) == (termios.B9600, termios.B9600)
            assert cflag & termios.CSIZE == termios.CS8
            assert not cflag & (termios.PARENB | termios.CSTOPB | termios.CRTSCTS)
            assert not iflag & (termios.IXON | termios.IXOFF)
    finally:
        device.close()


async def test_opens_with_the_profiles_stop_bits(link: Path) -> None:
    device = PtyDevice(link)
    two_stop_bits = dataclasses.replace(OMRON_HBP9020, stopbits=2)
    try:
        async with SerialPort(str(link), two_stop_bits) as port:
            await port.open(timeout_s=1.0)
            _, _, cflag, _, ispeed, _, _ = device.port_settings()
            assert ispeed == termios.B2400
            assert cflag & termios.CSTOPB
    finally:
        device.close()


async def test_a_pty_refuses_parity_so_the_port_is_reported_not_found(link: Path) -> None:
    # Linux ptys force 8 data bits and no parity; pyserial's second
    # tcsetattr (switching to non-blocking) then fails with EINVAL. On a real
    # UART the 8E profile opens; here it shows that a port refusing its
    # settings is retried, then reported, and leaks nothing.
    device = PtyDevice(link)
    port = fast_port(link, OMRON_STX)
    try:
        with pytest.raises(DeviceNotFoundError, match="Invalid argument"):
            await port.open(timeout_s=0.1)
        assert not port.is_open
    finally:
        await port.close()
        device.close()


async def test_an_absent_port_is_retried_on_the_backoff_schedule(link: Path) -> None:
    now = 0.0
    delays: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        nonlocal now
        delays.append(seconds)
        now += seconds

    port = SerialPort(str(link), SUNTECH_ADVANTAGE, sleep=fake_sleep, clock=lambda: now)
    with pytest.raises(DeviceNotFoundError, match="after 7 attempt"):
        await port.open(timeout_s=5.0)
    # 0.1, 0.2, 0.4, 0.8, 1.6, then what is left of the 5 s (not 3.2).
    assert delays == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6, 1.9])
    assert port.connections == 0


async def test_a_port_that_appears_later_is_opened(link: Path) -> None:
    loop = asyncio.get_running_loop()
    devices: list[PtyDevice] = []
    loop.call_later(0.1, lambda: devices.append(PtyDevice(link)))
    port = fast_port(link)
    try:
        await port.open(timeout_s=1.0)
        assert port.is_open
        assert port.connections == 1
    finally:
        await port.close()
        for device in devices:
            device.close()


async def test_a_cancelled_open_closes_what_the_executor_opened(link: Path) -> None:
    device = PtyDevice(link)
    release = threading.Event()

    def slow_opener(url: str, profile: SerialProfile) -> object:
        release.wait(2.0)
        return open_serial(url, profile)

    port = SerialPort(str(link), SUNTECH_ADVANTAGE, opener=slow_opener)  # type: ignore[arg-type]
    opening = asyncio.create_task(port.open(timeout_s=1.0))
    await asyncio.sleep(0.02)
    opening.cancel()
    with pytest.raises(asyncio.CancelledError):
        await opening
    release.set()  # the thread now opens the port; the leak check sees it closed
    assert not port.is_open
    device.close()


# --- frames ----------------------------------------------------------------------


async def test_frames_arrive_whole_through_noise_and_byte_by_byte(link: Path) -> None:
    device = PtyDevice(link, split_writes=True)
    async with fast_port(link) as port:
        await port.open(timeout_s=1.0)
        replies = [suntech_ack(AckCode.RECEIVED), suntech_pressure(150), suntech_pressure(148)]
        device.send(b"".join(LINE_NOISE + reply for reply in replies))
        frames = [await port.read_frame(timeout_s=1.0) for _ in replies]
        assert frames == replies
        assert port.discarded_bytes == len(LINE_NOISE) * len(replies)
    device.close()


async def test_writes_reach_the_device(link: Path) -> None:
    device = PtyDevice(link)
    async with fast_port(link) as port:
        await port.open(timeout_s=1.0)
        port.write(b":\x20\xa6")
        for _ in range(100):
            if device.received:
                break
            await asyncio.sleep(0.005)
        assert bytes(device.received) == b":\x20\xa6"
    device.close()


async def test_no_frame_in_time_is_a_timeout_and_the_port_stays_open(link: Path) -> None:
    device = PtyDevice(link)
    async with fast_port(link) as port:
        await port.open(timeout_s=1.0)
        with pytest.raises(DeviceTimeoutError):
            await port.read_frame(timeout_s=0.05)
        assert port.is_open
        device.send(suntech_pressure(12))
        assert await port.read_frame(timeout_s=1.0) == suntech_pressure(12)
    device.close()


async def test_discard_frames_drops_what_already_arrived(link: Path) -> None:
    device = PtyDevice(link)
    async with fast_port(link) as port:
        await port.open(timeout_s=1.0)
        device.send(suntech_pressure(1) + suntech_pressure(2))
        await asyncio.sleep(0.05)
        assert port.discard_frames() == 2
        device.send(suntech_pressure(3))
        assert await port.read_frame(timeout_s=1.0) == suntech_pressure(3)
    device.close()


# --- unplug and replug ---------------------------------------------------------


async def test_unplug_fails_the_pending_read_and_replug_reconnects(link: Path) -> None:
    device = PtyDevice(link)
    async with fast_port(link) as port:
        await port.open(timeout_s=1.0)
        reading = asyncio.create_task(port.read_frame(timeout_s=2.0))
        await asyncio.sleep(0.02)
        device.unplug()
        assert not link.exists()  # the pty's path vanished with its master
        with pytest.raises(DeviceDisconnectedError):
            await reading
        assert not port.is_open
        with pytest.raises(DeviceDisconnectedError):
            port.write(b"x")

        replugged = PtyDevice(link)  # a new pty, the symlink repointed
        await port.open(timeout_s=1.0)
        assert port.connections == 2
        replugged.send(suntech_pressure(99))
        assert await port.read_frame(timeout_s=1.0) == suntech_pressure(99)
    replugged.close()


async def test_frames_that_arrived_before_an_unplug_are_still_delivered(link: Path) -> None:
    device = PtyDevice(link)
    async with fast_port(link) as port:
        await port.open(timeout_s=1.0)
        device.send(suntech_pressure(77))
        await asyncio.sleep(0.05)
        device.unplug()
        await asyncio.sleep(0.05)
        assert await port.read_frame(timeout_s=1.0) == suntech_pressure(77)
        with pytest.raises(DeviceDisconnectedError):
            await port.read_frame(timeout_s=1.0)


async def test_close_ends_a_pending_read_and_can_be_repeated(link: Path) -> None:
    device = PtyDevice(link)
    port = fast_port(link)
    await port.open(timeout_s=1.0)
    reading = asyncio.create_task(port.read_frame(timeout_s=2.0))
    await asyncio.sleep(0.02)
    await port.close()
    with pytest.raises(DeviceDisconnectedError):
        await reading
    await port.close()
    with pytest.raises(DeviceDisconnectedError):
        await port.read_frame(timeout_s=0.1)
    device.close()
