"""What a measuring device tells us, as plain frozen values.

Every driver (simulator, Bluetooth cuff, serial module) speaks in these
events, so the app never cares which kind of device it is talking to. A
failed measurement is its own event type and carries no numbers: a failed
reading can never be stored as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FailureReason(StrEnum):
    """Why a cuff could not give a reading, in the terms residents are told."""

    MOVEMENT = "movement"
    LOOSE_CUFF = "loose_cuff"
    DEVICE_ERROR = "device_error"
    NOT_FOUND = "not_found"
    DISCONNECTED = "disconnected"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class CuffPressure:
    """Live cuff pressure while inflating or deflating (for the gauge)."""

    mmhg: int


@dataclass(frozen=True, slots=True)
class BloodPressureMeasured:
    systolic: int
    diastolic: int
    pulse: int | None
    irregular_pulse: bool
    device: str


@dataclass(frozen=True, slots=True)
class MeasurementFailed:
    reason: FailureReason
    device: str


DeviceEvent = CuffPressure | BloodPressureMeasured | MeasurementFailed
