"""SunTech Advantage OEM NIBP module: the serial protocol, without the port.

Sources (bp-devices.md §4.1, [verified]): ak-git/DesktopFX ``Communication/
src/{main,test}/java/com/ak/appliance/suntech/**`` (request bytes, framing,
tests whose field comments follow the OEM manual) and 519984307/Appciton
``Providers/SuntechProvider/SuntechProvider.cpp`` (a whole driver). Byte
tables: docs/wire-format-serial.md §1.

    host -> module   ':' command... checksum
    module -> host   '>' length payload... checksum

``length`` counts every byte of the reply, ``>`` and checksum included; the
checksum makes the whole frame sum to 0 mod 256. Replies carry no command id:
their length says what they are (Appciton dispatches on it), see ``parse``.

A measurement (§4.1 "typical flow"): START_BP -> Ack O -> GET_CUFF_PRESSURE
every 200 ms for the gauge -> Ack K (cycle over) -> GET_BP_DATA -> ``to_event``.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Final

from device_drivers.errors import FrameError, ImplausibleReadingError
from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    DeviceEvent,
    FailureReason,
    MeasurementFailed,
)
from device_drivers.plausibility import check_blood_pressure
from device_drivers.serial.framing import LengthPrefixed

DEVICE_NAME: Final = "suntech_advantage"
HOST_START: Final = b":"
MODULE_START: Final = b">"
# The shortest reply is an ACK (4 bytes), the longest the 67-byte return
# string (DesktopFX NIBPProtocolByte.MAX_CAPACITY = 0x43; Appciton: "the max
# number of the every data pack is 67").
MIN_REPLY_LENGTH: Final = 4
MAX_REPLY_LENGTH: Final = 0x43

_ACK_LENGTH: Final = 4
_WORD_LENGTH: Final = 5
_BP_DATA_LENGTH: Final = 0x18
# Payload of GET_BP_DATA (§4.1): SYS u16, DIA u16, beat count, BP status,
# 8 test codes, HR u8, spare, MAP u16, error code, 2 spare; little-endian.
# Appciton reads HR as u16 over HR + spare; with the spare 0 both agree.
_BP_DATA: Final = struct.Struct("<HHBB8sBxHBxx")

# Appciton passes a cuff pressure on only if it is not -1 as int16, which
# suggests the module sends 0xFFFF when it has no pressure. [single source]
CUFF_PRESSURE_UNAVAILABLE: Final = 0xFFFF


class Command(Enum):
    """Host commands the kiosk uses: the bytes between ':' and the checksum."""

    # Adult cycle. Paediatric (0x87) and neonate (0x28) starts are left out
    # on purpose: they inflate for smaller limbs, and the kiosk serves adults.
    START_BP = b"\x20"
    ABORT = b"\x79\x01\x00"
    GET_CUFF_PRESSURE = b"\x79\x05\x00"
    GET_BP_DATA = b"\x79\x03\x00"
    # Version: GET_MODULE_DATA is answered with Ack K, then GET_RETURN_STRING
    # returns the text (Appciton sendVersion / getReturnString).
    GET_MODULE_DATA = b"\x00"
    GET_RETURN_STRING = b"\x79\x02\x40"
    # Self-test status; the A+ (version "SB") uses 79 11 00 (Appciton sendSelfTest).
    STATUS = b"\x79\x10\x03"
    STATUS_A_PLUS = b"\x79\x11\x00"


class AckCode(StrEnum):
    """The letter in a 4-byte reply (§4.1; names from Appciton's defines)."""

    RECEIVED = "O"  # command taken; after START_BP the cycle has begun
    EXECUTED = "K"  # command done; after START_BP the cycle has finished
    ABORTED = "A"
    BUSY = "B"  # not now; send again
    ERROR = "E"
    UNDEFINED = "N"
    UNRECOGNISABLE = "D"
    SLEEPING = "S"
    TIMEOUT = "T"


class Model(StrEnum):
    """Version-string prefixes (Appciton SUNTECH_VERSION / SUNTECH_A_PLUS_VERSION)."""

    ADVANTAGE = "LX"
    ADVANTAGE_A_PLUS = "SB"


_ACK_LETTERS: Final = frozenset(code.value for code in AckCode)
_MODEL_PREFIXES: Final = frozenset(model.value for model in Model)

# Error codes in GET_BP_DATA, decimal as in SunTech's list (§4.1: one Appciton
# revision compares them as hex 0x85..., another as 0x55... = 85...; the
# decimal reading is the consistent one). A reason is only as specific as the
# module's own description; anything it does not name is DEVICE_ERROR.
ERROR_CODES: Final[Mapping[int, tuple[FailureReason, str]]] = MappingProxyType(
    {
        1: (FailureReason.DEVICE_ERROR, "weak or no signal"),
        2: (FailureReason.MOVEMENT, "erratic signal or motion artefact"),
        3: (FailureReason.DEVICE_ERROR, "blood pressure outside the module's range"),
        4: (FailureReason.TIMEOUT, "measurement timeout"),
        85: (FailureReason.DEVICE_ERROR, "pneumatic blockage"),
        86: (FailureReason.DEVICE_ERROR, "aborted by the host"),
        87: (FailureReason.LOOSE_CUFF, "loose cuff, inflate timeout or air leak"),
        88: (FailureReason.TIMEOUT, "safety timeout"),
        89: (FailureReason.DEVICE_ERROR, "cuff over-pressure"),
        90: (FailureReason.DEVICE_ERROR, "power out of range or other hardware problem"),
        91: (FailureReason.DEVICE_ERROR, "safety override or auto-zero out of range"),
        97: (FailureReason.DEVICE_ERROR, "transducer out of range"),
        99: (FailureReason.DEVICE_ERROR, "EEPROM calibration data failure"),
    }
)


@dataclass(frozen=True, slots=True)
class Ack:
    code: AckCode


@dataclass(frozen=True, slots=True)
class BPData:
    """The GET_BP_DATA reply as sent. The numbers mean nothing unless
    ``error_code`` is 0: turn it into an event with ``to_event``."""

    systolic: int
    diastolic: int
    mean_arterial: int
    heart_rate: int
    beat_count: int
    # Neither byte is explained in our sources; kept for diagnostics.
    bp_status: int
    test_codes: bytes
    error_code: int


@dataclass(frozen=True, slots=True)
class ModuleStatus:
    """Reply to STATUS. Inferred from Appciton, which reads the first 5-byte
    reply after a self-test as a word and reports "module abnormal" if it is
    not 0. [single source, inferred]"""

    code: int

    @property
    def ok(self) -> bool:
        return self.code == 0


@dataclass(frozen=True, slots=True)
class ReturnString:
    """Reply to GET_RETURN_STRING: NUL-separated ASCII texts (Appciton shows
    the texts at payload offsets 0 and 8 as "<first>-<second>")."""

    texts: tuple[str, ...]

    @property
    def model(self) -> Model | None:
        prefix = self.texts[0][:2] if self.texts else ""
        return Model(prefix) if prefix in _MODEL_PREFIXES else None


@dataclass(frozen=True, slots=True)
class UnknownReply:
    """A well-formed reply of a length we do not decode (e.g. 6 = calibration)."""

    payload: bytes


Reply = Ack | CuffPressure | BPData | ModuleStatus | ReturnString | UnknownReply


def checksum(data: bytes) -> int:
    """The byte that makes ``data`` plus itself sum to 0 mod 256."""
    return -sum(data) & 0xFF


def build_command(command: Command) -> bytes:
    frame = HOST_START + command.value
    return frame + bytes([checksum(frame)])


def check_frame(frame: bytes) -> None:
    """Raise FrameError unless ``frame`` is one whole, intact module reply."""
    if frame[:1] != MODULE_START:
        raise FrameError(f"reply must start with {MODULE_START!r}, got {frame[:1]!r}")
    if len(frame) < 2 or frame[1] != len(frame):
        raise FrameError(f"length byte does not match the {len(frame)} bytes given")
    if not MIN_REPLY_LENGTH <= len(frame) <= MAX_REPLY_LENGTH:
        raise FrameError(f"reply length {len(frame)} outside 4..{MAX_REPLY_LENGTH}")
    if sum(frame) & 0xFF:
        raise FrameError(f"bad checksum 0x{frame[-1]:02X}, expected 0x{checksum(frame[:-1]):02X}")


FRAMING: Final = LengthPrefixed(
    start=MODULE_START,
    length_offset=1,
    min_length=MIN_REPLY_LENGTH,
    max_length=MAX_REPLY_LENGTH,
    check=check_frame,
)


def parse(frame: bytes, *, expecting: Command | None = None) -> Reply:
    """Decode one reply; raises FrameError only.

    A 5-byte reply is a cuff pressure unless ``expecting`` says the host has
    just sent STATUS or STATUS_A_PLUS: the two look the same on the wire.
    """
    check_frame(frame)
    payload = frame[2:-1]
    if len(frame) == _ACK_LENGTH:
        letter = chr(payload[0])
        return Ack(AckCode(letter)) if letter in _ACK_LETTERS else UnknownReply(payload)
    if len(frame) == _WORD_LENGTH:
        (word,) = struct.unpack("<H", payload)
        is_status = expecting in (Command.STATUS, Command.STATUS_A_PLUS)
        return ModuleStatus(word) if is_status else CuffPressure(word)
    if len(frame) == _BP_DATA_LENGTH:
        systolic, diastolic, beats, status, codes, rate, mean, error = _BP_DATA.unpack(payload)
        return BPData(systolic, diastolic, mean, rate, beats, status, codes, error)
    if len(frame) == MAX_REPLY_LENGTH:
        texts = payload.decode("ascii", errors="replace").split("\0")
        return ReturnString(tuple(text for text in texts if text))
    return UnknownReply(payload)


def failure_reason(error_code: int) -> FailureReason:
    return ERROR_CODES.get(error_code, (FailureReason.DEVICE_ERROR, ""))[0]


def to_event(reply: Reply, *, device: str = DEVICE_NAME) -> DeviceEvent | None:
    """The kiosk event a reply carries, if any; acks and versions carry none.

    Raises ImplausibleReadingError for numbers that cannot be real.
    """
    if isinstance(reply, CuffPressure):
        if reply.mmhg == CUFF_PRESSURE_UNAVAILABLE:
            raise ImplausibleReadingError("cuff pressure not available (0xFFFF)")
        return reply
    if not isinstance(reply, BPData):
        return None
    if reply.error_code:
        return MeasurementFailed(failure_reason(reply.error_code), device)
    check_blood_pressure(
        reply.systolic, reply.diastolic, reply.heart_rate, mean_arterial=reply.mean_arterial
    )
    # Our sources name no irregular-heartbeat flag in BP data (bp_status and
    # the test codes are unexplained), so none is reported.
    return BloodPressureMeasured(
        systolic=reply.systolic,
        diastolic=reply.diastolic,
        pulse=reply.heart_rate,
        irregular_pulse=False,
        device=device,
    )
