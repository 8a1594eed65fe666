"""What a measuring device tells us, as plain frozen values.

Every driver (simulator, Bluetooth cuff, serial module) speaks in these
events, so the app never cares which kind of device it is talking to. A
failed measurement is its own event type and carries no numbers: a failed
reading can never be stored as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FailureReason(StrEnum):
    """Why a cuff could not give a reading, in the terms residents are told."""

    MOVEMENT = "movement"
    LOOSE_CUFF = "loose_cuff"
    DEVICE_ERROR = "device_error"
    NOT_FOUND = "not_found"
    DISCONNECTED = "disconnected"
    TIMEOUT = "timeout"
    # Decoded cleanly but cannot be a person's reading (bp-devices.md §2.2).
    IMPLAUSIBLE = "implausible"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a reading came from, kept with it so it can be audited later.

    Every field is optional: a simulator or a typed-in reading knows little,
    a Bluetooth cuff knows its clock and status bits, a serial module its
    firmware. ``raw_frame_hex`` is the exact bytes the reading decoded from.
    """

    device_model: str | None = None
    device_id: str | None = None  # serial number or Bluetooth address
    firmware: str | None = None
    device_time: datetime | None = None
    status_bits: int | None = None
    raw_frame_hex: str | None = None


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
    provenance: Provenance | None = None


@dataclass(frozen=True, slots=True)
class MeasurementFailed:
    reason: FailureReason
    device: str


DeviceEvent = CuffPressure | BloodPressureMeasured | MeasurementFailed
