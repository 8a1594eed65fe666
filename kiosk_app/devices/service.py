"""Owns each configured device's lifecycle and what staff see of it.

A thin shell over device_drivers: it never slices bytes. It turns a
driver's measurement into status changes (ready → measuring → ready, or
disconnected / error) and turns a dropped link into a ``MeasurementFailed``
the resident is told about in plain words, so a transport failure never
surfaces as a stack trace or a number.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from device_drivers.errors import (
    DeviceDisconnectedError,
    DeviceError,
    DeviceNotFoundError,
    DeviceTimeoutError,
)
from device_drivers.events import (
    BloodPressureMeasured,
    DeviceEvent,
    FailureReason,
    MeasurementFailed,
)
from device_drivers.serial.tanita_protocol import ScaleReading


class BloodPressureDriver(Protocol):
    name: str

    def measure(self) -> AsyncGenerator[DeviceEvent, None]: ...


class ScaleDriver(Protocol):
    name: str

    async def weigh(self) -> ScaleReading: ...


class DeviceStatus(StrEnum):
    READY = "ready"
    MEASURING = "measuring"
    DISCONNECTED = "disconnected"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class DeviceHealth:
    """What /healthz and the staff page show; never any resident data."""

    role: str
    name: str
    status: DeviceStatus
    last_failure: FailureReason | None
    # Seconds since the device last produced any event; None if never.
    idle_s: float | None


# Transport errors a resident can be told about, in the terms of events.py.
_TRANSPORT_FAILURES: dict[type[DeviceError], FailureReason] = {
    DeviceNotFoundError: FailureReason.NOT_FOUND,
    DeviceDisconnectedError: FailureReason.DISCONNECTED,
    DeviceTimeoutError: FailureReason.TIMEOUT,
}


def failure_for(error: DeviceError) -> FailureReason:
    for kind, reason in _TRANSPORT_FAILURES.items():
        if isinstance(error, kind):
            return reason
    return FailureReason.DEVICE_ERROR


class ManagedCuff:
    """One BP driver with status tracking and a whole-measurement time limit."""

    role = "blood_pressure"

    def __init__(
        self,
        driver: BloodPressureDriver,
        *,
        timeout_s: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._driver = driver
        self._timeout_s = timeout_s
        self._clock = clock
        self._status = DeviceStatus.READY
        self._last_failure: FailureReason | None = None
        self._last_event_at: float | None = None

    @property
    def name(self) -> str:
        return self._driver.name

    async def close(self) -> None:
        """Release the driver's port or link at shutdown, if it holds one."""
        close = getattr(self._driver, "close", None)
        if close is not None:
            await close()

    def health(self) -> DeviceHealth:
        idle = None if self._last_event_at is None else self._clock() - self._last_event_at
        return DeviceHealth(self.role, self.name, self._status, self._last_failure, idle)

    async def measure(self) -> AsyncIterator[DeviceEvent]:
        """The driver's events, ending in exactly one reading or one failure."""
        self._status = DeviceStatus.MEASURING
        outcome: BloodPressureMeasured | MeasurementFailed | None = None
        events = self._driver.measure()
        try:
            async with asyncio.timeout(self._timeout_s):
                async for event in events:
                    self._last_event_at = self._clock()
                    if isinstance(event, BloodPressureMeasured | MeasurementFailed):
                        outcome = event
                    yield event
                    if outcome is not None:
                        break
        except TimeoutError:
            outcome = MeasurementFailed(FailureReason.TIMEOUT, self.name)
            yield outcome
        except DeviceError as error:
            outcome = MeasurementFailed(failure_for(error), self.name)
            yield outcome
        finally:
            # Close the driver's generator now, not whenever it is collected:
            # a real cuff session holds a Bluetooth link or a serial port.
            await events.aclose()
            self._settle(outcome)
        if outcome is None:
            # The driver ended without a result: say so rather than hang the page.
            outcome = MeasurementFailed(FailureReason.DISCONNECTED, self.name)
            self._settle(outcome)
            yield outcome

    def _settle(self, outcome: BloodPressureMeasured | MeasurementFailed | None) -> None:
        if isinstance(outcome, MeasurementFailed):
            self._last_failure = outcome.reason
            link_down = outcome.reason in (FailureReason.DISCONNECTED, FailureReason.NOT_FOUND)
            self._status = DeviceStatus.DISCONNECTED if link_down else DeviceStatus.READY
        elif isinstance(outcome, BloodPressureMeasured):
            self._last_failure = None
            self._status = DeviceStatus.READY
        else:
            # Cancelled mid-measurement (the resident left the page).
            self._status = DeviceStatus.READY
