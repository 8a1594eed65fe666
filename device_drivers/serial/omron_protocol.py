"""Omron HBP-9020 / HBP-9030 professional monitors: serial output, no port.

The monitor talks unprompted: after each measurement it sends one record.
Two record shapes are public (bp-devices.md §4.2; byte tables in
docs/wire-format-serial.md §2):

* "Mode 5, F3" line: ``bp,<ID>,YYYY/MM/DD,HH:MM,SYS,MEAN,DIA,PULSE,<d>`` CR LF.
  Field order and widths agree in XiMPLib ``xBpMeter/Omron/HBP9020.cs``
  (packet definition) and EnvisionIE MDI ``frmMonitoring.cs`` (a 2023 line).
  The HBP-9030 is said to send the same as its "format 5" (function item 32;
  an ESP32 project accepts only format 5). [two sources; 9030 unverified]
* An older STX packet, model not stated: STX, space, yymmdd, space, HHMM,
  space, SYS, space, DIA, space, PULSE, ETX (hex dump in XiMPLib's
  HBP9020.cs header). [single source]

Unknown, so not interpreted:
* the last digit of the line (XiMPLib calls it errCode; MDI's line has 3 next
  to valid numbers): kept raw as ``status_digit``;
* how a failed measurement is reported (no sample found): numbers that cannot
  be real raise ImplausibleReadingError in ``to_event``;
* any irregular-heartbeat indication;
* the 6-byte header XiMPLib shows before STX and the byte after ETX: the
  packetizer discards them as garbage;
* the MDI "HBP-9030" CSV read at fields 7/8/9: its other fields are unknown,
  so it is not decoded here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from device_drivers.errors import FrameError
from device_drivers.events import BloodPressureMeasured, Provenance
from device_drivers.plausibility import check_blood_pressure
from device_drivers.serial.framing import Delimited

DEVICE_NAME: Final = "omron_hbp9020"
LINE_START: Final = b"bp,"
LINE_END: Final = b"\r\n"
STX: Final = b"\x02"
ETX: Final = b"\x03"

# The ID field is 20 characters in both sources; any printable ASCII but the
# comma. Values are zero-padded to 3 digits (MDI: "098", XiMPLib: "075").
_LINE: Final = re.compile(
    rb"bp,([\x20-\x2b\x2d-\x7e]{20}),([0-9]{4})/([0-9]{2})/([0-9]{2}),([0-9]{2}):([0-9]{2}),"
    rb"([0-9]{3}),([0-9]{3}),([0-9]{3}),([0-9]{3}),([0-9])"
)
_STX_RECORD: Final = re.compile(
    rb"\x02 ([0-9]{2})([0-9]{2})([0-9]{2}) ([0-9]{2})([0-9]{2})"
    rb" ([0-9]{3}) ([0-9]{3}) ([0-9]{3})\x03"
)
# "bp," (3) + ID (20) + the other fields and commas (35) + CR LF (2).
LINE_LENGTH: Final = 60
STX_RECORD_LENGTH: Final = 26
# yymmdd: XiMPLib's sample "150502" is 2015-05-02.
_CENTURY: Final = 2000


@dataclass(frozen=True, slots=True)
class OmronRecord:
    """One record as the monitor sent it."""

    # The monitor's own clock, naive; often wrong (bp-devices.md §6), so the
    # kiosk stamps readings with its own time and keeps this as metadata.
    measured_at: datetime
    systolic: int
    diastolic: int
    pulse: int
    # Line format only (None for the STX packet):
    mean_arterial: int | None
    # The monitor's ID field as sent; may hold a patient identifier typed on
    # the monitor, so it must not be logged.
    record_id: str | None
    status_digit: int | None


def parse(frame: bytes) -> OmronRecord:
    """Decode one record (line or STX packet); raises FrameError only.

    A trailing CR LF or lone CR is accepted: MDI reads CR LF, while XiMPLib
    ends its packet at CR.
    """
    if frame.startswith(LINE_START):
        return _parse_line(frame.removesuffix(b"\n").removesuffix(b"\r"))
    if frame.startswith(STX):
        return _parse_stx(frame)
    raise FrameError(f"not an Omron record: starts {frame[:3]!r}")


def _parse_line(line: bytes) -> OmronRecord:
    match = _LINE.fullmatch(line)
    if match is None:
        raise FrameError("line does not match bp,<ID>,date,time,SYS,MEAN,DIA,PULSE,d")
    record_id, *numbers = match.groups()
    year, month, day, hour, minute, systolic, mean, diastolic, pulse, digit = map(int, numbers)
    return OmronRecord(
        measured_at=_datetime(year, month, day, hour, minute),
        systolic=systolic,
        diastolic=diastolic,
        pulse=pulse,
        mean_arterial=mean,
        record_id=record_id.decode("ascii"),
        status_digit=digit,
    )


def _parse_stx(packet: bytes) -> OmronRecord:
    match = _STX_RECORD.fullmatch(packet)
    if match is None:
        raise FrameError("packet does not match STX yymmdd HHMM SYS DIA PULSE ETX")
    year, month, day, hour, minute, systolic, diastolic, pulse = map(int, match.groups())
    return OmronRecord(
        measured_at=_datetime(_CENTURY + year, month, day, hour, minute),
        systolic=systolic,
        diastolic=diastolic,
        pulse=pulse,
        mean_arterial=None,
        record_id=None,
        status_digit=None,
    )


def _datetime(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    try:
        # Naive on purpose: the monitor sends its local clock, no zone.
        return datetime(year, month, day, hour, minute)
    except ValueError as exc:
        raise FrameError(f"impossible date or time: {exc}") from None


def check_frame(frame: bytes) -> None:
    """Framing check: a candidate is a frame only if it decodes."""
    parse(frame)


LINE_FRAMING: Final = Delimited(
    start=LINE_START, end=LINE_END, max_length=LINE_LENGTH, check=check_frame
)
STX_FRAMING: Final = Delimited(start=STX, end=ETX, max_length=STX_RECORD_LENGTH, check=check_frame)


def to_event(record: OmronRecord, *, device: str = DEVICE_NAME) -> BloodPressureMeasured:
    """Raises ImplausibleReadingError for numbers that cannot be real: this
    is also what catches a monitor set to a different field order.

    The monitor's clock goes into the provenance, not the reading's time; the
    ID field is left out because it may identify a patient.
    """
    check_blood_pressure(
        record.systolic, record.diastolic, record.pulse, mean_arterial=record.mean_arterial
    )
    return BloodPressureMeasured(
        systolic=record.systolic,
        diastolic=record.diastolic,
        pulse=record.pulse,
        irregular_pulse=False,  # no irregular-heartbeat field is known
        device=device,
        provenance=Provenance(device_time=record.measured_at),
    )
