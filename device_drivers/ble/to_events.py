"""Turn a parsed 0x2A35 result into the device events the kiosk consumes.

The shared events (device_drivers/events.py) are deliberately small and
device-neutral. What a Bluetooth cuff adds (status bits, its own clock, the
quirk used, the raw frame) travels beside the event as ``BpsProvenance``,
so a stored reading can be traced to the exact bytes it came from.
Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from device_drivers.ble.bp_measurement import BpDeviceFailure, BpMeasurement
from device_drivers.ble.gatt_values import DeviceTimestamp, MeasurementStatus, PressureUnit
from device_drivers.events import BloodPressureMeasured, FailureReason, MeasurementFailed


@dataclass(frozen=True, slots=True)
class BpsProvenance:
    """Where an event came from, for the audit trail; never shown as a reading."""

    raw_hex: str  # the whole frame, lower-case hex without separators
    unit: PressureUnit  # the unit the cuff measured in
    device_timestamp: DeviceTimestamp | None  # the cuff's clock: metadata only (§6)
    status: MeasurementStatus | None  # None: the cuff sent no status field
    user_id: int | None
    mean_arterial_pressure_mmhg: int | None  # None for failures, NaN or 0
    quirk: str | None


@dataclass(frozen=True, slots=True)
class BpsEvent:
    """A shared device event plus its Bluetooth provenance."""

    event: BloodPressureMeasured | MeasurementFailed
    provenance: BpsProvenance


def failure_reason(result: BpMeasurement | BpDeviceFailure) -> FailureReason | None:
    """Why this result is not a usable reading, or None if it is one.

    Status bits come first because they say *why*, which is what a resident
    can act on ("keep still", "refit the cuff"); when a cuff sets them next
    to numbers it is telling us the numbers are unreliable. Special values
    alone (the usual case, bp-devices.md §2.2) only say that it failed.
    """
    status = result.status
    if status is not None and status.body_movement:
        return FailureReason.MOVEMENT
    if status is not None and status.cuff_too_loose:
        return FailureReason.LOOSE_CUFF
    if isinstance(result, BpDeviceFailure):
        return FailureReason.DEVICE_ERROR
    # Irregular pulse, pulse-rate range and measurement position do not
    # invalidate a reading: the first travels on the event, all in provenance.
    return None


def to_event(result: BpMeasurement | BpDeviceFailure, *, device: str) -> BpsEvent:
    """Map a parsed measurement to ``BloodPressureMeasured``/``MeasurementFailed``."""
    # ``device`` is the label the kiosk shows and logs (events.py); it is not
    # the advertised name the parser used to pick a quirk.
    reason = failure_reason(result)
    event: BloodPressureMeasured | MeasurementFailed
    if reason is not None or isinstance(result, BpDeviceFailure):
        event = MeasurementFailed(reason=reason or FailureReason.DEVICE_ERROR, device=device)
        # A failure carries no numbers (events.py), not even in provenance:
        # the raw hex is there for anyone who must see what was sent.
        mean = None
    else:
        event = BloodPressureMeasured(
            systolic=result.systolic_mmhg,
            diastolic=result.diastolic_mmhg,
            pulse=result.pulse_rate,
            # No status field means "not reported", which we show as "not seen".
            irregular_pulse=result.status is not None and result.status.irregular_pulse,
            device=device,
        )
        mean = result.mean_arterial_pressure_mmhg
    # Hex, not bytes: provenance is stored and logged as text.
    provenance = BpsProvenance(
        raw_hex=result.raw.hex(),
        unit=result.unit,
        device_timestamp=result.timestamp,
        status=result.status,
        user_id=result.user_id,
        mean_arterial_pressure_mmhg=mean,
        quirk=result.quirk,
    )
    return BpsEvent(event=event, provenance=provenance)
