"""The BLE session's pure decisions: which cuff, when to retry, which readings count.

No bleak, no asyncio, no logging and no clock reads (the session passes
times in), so each decision is tested on its own. session.py does the I/O,
records what arrived in a ``Collected`` and asks these functions.

Time stamps (bp-devices.md §6 "Wrong device clock"). A reading whose device
time is within the tolerance of the kiosk's receive time is stamped with the
device time. Otherwise the device clock is presumed wrong: the reading is
stamped with the receive time and the device time is kept as metadata. The
offset read from the cuff's clock before the session set it tells an old
reading (clock was right: discard it if it predates the check) from a wrong
clock (clock was off: correct the device time by the offset, then apply the
same rule). A cuff whose clock cannot be read gives no such evidence; its
far-off readings are kept with the receive time, as §6 recommends.

Duplicates (§3.2, §6): a cuff replays its memory, so readings are told
apart by (time stamp, sys, dia, pulse), and the newest is reported.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from device_drivers.ble.bp_measurement import BpDeviceFailure, BpMeasurement
from device_drivers.ble.known_devices import BLOOD_PRESSURE_SERVICE, model_for_name
from device_drivers.ble.to_events import BpsProvenance, to_event
from device_drivers.errors import (
    DeviceDisconnectedError,
    DeviceNotFoundError,
    DeviceTimeoutError,
    TransportError,
)
from device_drivers.events import (
    BloodPressureMeasured,
    FailureReason,
    MeasurementFailed,
    Provenance,
)


def backoff_for(attempt: int, *, base_s: float = 0.5, cap_s: float = 8.0) -> float:
    """Seconds to wait before connect retry ``attempt`` (1 = the first retry).

    Exponential: base, 2×base, 4×base … capped. No jitter: one kiosk, one
    cuff, nothing to de-synchronise, and tests stay exact.
    """
    if attempt < 1:
        raise ValueError("retries are numbered from 1")
    return float(min(cap_s, base_s * 2 ** (attempt - 1)))


class ScannedDevice(Protocol):
    """What the filter reads of a ``bleak.BLEDevice``."""

    @property
    def address(self) -> str: ...
    @property
    def name(self) -> str | None: ...


class Advertisement(Protocol):
    """What the filter reads of a ``bleak`` ``AdvertisementData``."""

    @property
    def local_name(self) -> str | None: ...
    @property
    def service_uuids(self) -> Sequence[str]: ...


def is_bp_cuff(
    device: ScannedDevice,
    advertisement: Advertisement,
    *,
    address: str | None = None,
    name: str | None = None,
) -> bool:
    """Does this advertisement belong to the cuff we want?

    With ``address`` set, only that device; with ``name``, only a device
    advertising exactly that name (cuffs such as Omron's put their serial
    number in it). Otherwise anything advertising the Blood Pressure
    service, or a known cuff name.
    """
    if address is not None:
        return device.address.casefold() == address.casefold()
    if name is not None:
        return name in (advertisement.local_name, device.name)
    if BLOOD_PRESSURE_SERVICE in (u.casefold() for u in advertisement.service_uuids):
        return True
    return model_for_name(advertisement.local_name or device.name) is not None


@dataclass(frozen=True, slots=True)
class Stamp:
    """When a reading counts as taken, on the kiosk's clock."""

    recorded_at: datetime  # the time to store with the reading
    device_time: datetime | None  # the cuff's own time stamp: metadata
    device_clock_trusted: bool  # recorded_at is the device time
    estimated_at: datetime  # best guess of the true time, for "newest"


def stamp_reading(
    device_time: datetime | None,
    received_at: datetime,
    *,
    since: datetime,
    clock_offset: timedelta | None,
    tolerance: timedelta,
) -> Stamp | None:
    """Stamp one reading, or None when it was taken before ``since``.

    ``clock_offset`` is device clock minus kiosk clock as read at connect
    (None: not readable). Times are naive wall-clock times.
    """
    if device_time is None:
        # Nothing to judge by: it arrived now, so it counts as now.
        return Stamp(received_at, None, False, received_at)
    if abs(device_time - received_at) <= tolerance:
        # The device clock agrees with ours (perhaps since we set it).
        if device_time < since:
            return None
        return Stamp(device_time, device_time, True, device_time)
    if clock_offset is None:
        # An old reading or a wrong clock, and no way to tell: §6 says to
        # stamp it with the receive time and keep the device time.
        return Stamp(received_at, device_time, False, device_time)
    if abs(clock_offset) <= tolerance and device_time <= received_at + tolerance:
        # The clock was right when we connected, so this is an old reading.
        if device_time < since:
            return None
        return Stamp(device_time, device_time, True, device_time)
    estimated = device_time - clock_offset
    if estimated < since:
        return None
    return Stamp(received_at, device_time, False, estimated)


@dataclass(frozen=True, slots=True)
class ReceivedReading:
    """One 0x2A35 result kept from the last measurement, with its times."""

    event: BloodPressureMeasured | MeasurementFailed
    provenance: BpsProvenance
    received_at: datetime
    stamp: Stamp
    order: int  # arrival order within the measurement


def reading_key(reading: ReceivedReading) -> tuple[object, ...]:
    """Identity for de-duplication: (time stamp, sys, dia, pulse), §3.2/§6."""
    event = reading.event
    if isinstance(event, BloodPressureMeasured):
        return (reading.stamp.device_time, event.systolic, event.diastolic, event.pulse)
    return (reading.stamp.device_time, event.reason, reading.provenance.raw_hex)


def is_repeat(
    reading: ReceivedReading,
    kept: Collection[tuple[object, ...]],
    reported: Collection[tuple[object, ...]],
) -> bool:
    """Kept already in this measurement, or reported by an earlier one.

    Only time-stamped readings are matched against earlier measurements:
    without a stamp, equal values are a new reading.
    """
    key = reading_key(reading)
    return key in kept or (reading.stamp.device_time is not None and key in reported)


def newest(readings: Sequence[ReceivedReading]) -> ReceivedReading:
    """The newest reading: by estimated time, then by arrival (§6)."""
    return max(readings, key=lambda r: (r.stamp.estimated_at, r.order))


@dataclass(frozen=True, slots=True)
class CuffIdentity:
    """The connected cuff, as its events and their provenance name it."""

    name: str | None  # advertised: picks parser quirks and the known model
    address: str
    firmware: str | None = None  # Device Information 0x2A26, if read

    @property
    def label(self) -> str:
        """What the kiosk shows and logs as the event's ``device``."""
        return self.name or self.address

    @property
    def model(self) -> str | None:
        """The known model (known_devices.py), else the advertised name."""
        known = model_for_name(self.name)
        return self.name if known is None else known.description


@dataclass(frozen=True, slots=True)
class ReadingWindow:
    """What decides whether a reading belongs to this check."""

    since: datetime
    clock_offset: timedelta | None  # device clock minus kiosk clock, if read
    tolerance: timedelta


@dataclass
class Collected:
    """What one measurement has received so far; the session fills it in."""

    cuff: CuffIdentity
    window: ReadingWindow
    kept: dict[tuple[object, ...], ReceivedReading] = field(default_factory=dict)
    received: int = 0
    undecodable: int = 0
    disconnected: bool = False


def settle(collected: Collected) -> ReceivedReading | FailureReason:
    """What a finished measurement reports: the newest reading kept, else why none.

    No reading and the link dropped → DISCONNECTED; frames came but none
    decoded to a plausible reading → DEVICE_ERROR; nothing came → TIMEOUT.
    """
    if collected.kept:
        return newest(list(collected.kept.values()))
    if collected.disconnected:
        return FailureReason.DISCONNECTED
    return FailureReason.DEVICE_ERROR if collected.undecodable else FailureReason.TIMEOUT


def provenance_for(source: BpsProvenance, cuff: CuffIdentity) -> Provenance:
    """The shared provenance of one 0x2A35 reading from ``cuff``."""
    timestamp = source.device_timestamp
    return Provenance(
        device_model=cuff.model,
        device_id=cuff.address,
        firmware=cuff.firmware,
        device_time=None if timestamp is None else timestamp.as_datetime(),
        status_bits=None if source.status is None else source.status.raw,
        raw_frame_hex=source.raw_hex,
    )


def receive_reading(
    result: BpMeasurement | BpDeviceFailure,
    received_at: datetime,
    order: int,
    *,
    cuff: CuffIdentity,
    window: ReadingWindow,
) -> ReceivedReading | None:
    """A decoded 0x2A35 result, stamped and with provenance; None if before the check."""
    mapped = to_event(result, device=cuff.label)
    device_time = None if result.timestamp is None else result.timestamp.as_datetime()
    stamp = stamp_reading(
        device_time,
        received_at,
        since=window.since,
        clock_offset=window.clock_offset,
        tolerance=window.tolerance,
    )
    if stamp is None:
        return None
    event = mapped.event
    if isinstance(event, BloodPressureMeasured):
        event = replace(event, provenance=provenance_for(mapped.provenance, cuff))
    return ReceivedReading(event, mapped.provenance, received_at, stamp, order)


def reason_for(error: TransportError) -> FailureReason:
    """What the resident is told when the link failed this way.

    Nothing found, or no connect → NOT_FOUND; the link dropped →
    DISCONNECTED; the device stopped answering → TIMEOUT; any other link
    failure (pairing refused, subscription refused twice) → DEVICE_ERROR.
    """
    if isinstance(error, DeviceNotFoundError):
        return FailureReason.NOT_FOUND
    if isinstance(error, DeviceDisconnectedError):
        return FailureReason.DISCONNECTED
    if isinstance(error, DeviceTimeoutError):
        return FailureReason.TIMEOUT
    return FailureReason.DEVICE_ERROR


def wall(moment: datetime) -> datetime:
    """Naive wall-clock time: cuffs keep local time without a zone."""
    return moment.replace(tzinfo=None)
