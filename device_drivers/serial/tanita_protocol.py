"""Tanita scales and body-composition analysers: serial output, no port.

The scale sends one CR LF-terminated line after each weighing, whether or not
anyone listens (SC-330 manual, "Transmit data"). Two line shapes are public
(bp-devices.md §4.10; byte tables in docs/wire-format-serial.md §3):

* SC family (SC-240, SC-330, WB-3000, and the same scheme on BD-815U and
  HD-351BT): comma-separated ``key,value`` pairs opening ``{0,16`` and
  closing ``CS,<hex>``. CS is the low byte of the ASCII sum of everything from
  ``{`` up to and including the comma before ``CS`` [verified: it gives FD
  for the SC-240 manual's sample, p. 24]. Keys and formats: SC-240 manual
  p. 24 "Output data items".
* BC-418: one 39-field CSV line read by position, no checksum. Positions
  agree in obiba/onyx ``Bc418InstrumentRunner.java`` and XiMPLib
  ``xFatAnalyser/Tanita/BC418.cs``. [two sources]

Only what the kiosk uses is decoded: weight, height, the scale's BMI, body
fat % and the clothes allowance. Gender, age and body type are the operator's
inputs echoed back, not measurements, and are dropped.

Unknown: the SC family's port settings (profiles.py); whether a record is
ever sent for a failed weighing; the BC-418's echo of host commands (``U0``,
``D0``...) is not a record and is discarded by ``BC418_FRAMING``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from device_drivers.errors import FrameError, ImplausibleReadingError
from device_drivers.serial.framing import Delimited

SC_START: Final = b"{0,"
BC418_START: Final = b'"'
LINE_END: Final = b"\r\n"
# The SC-240 sample is 219 bytes; SC-330 and MC-980 lines add ID, date and
# time fields. 512 leaves room without letting garbage pile up.
SC_MAX_LENGTH: Final = 512
# The BC-418 samples are 212 bytes; every field has a fixed width (XiMPLib).
BC418_MAX_LENGTH: Final = 256
BC418_MODEL: Final = "BC-418"
_BC418_FIELDS: Final = 39

# Plausibility (style-anchors.md §3.9): readings outside these are dropped.
# Weight: judgement, to be confirmed clinically. Below 20 kg is an empty or
# barely loaded plate (the WB-3000 manual warns of a stray signal after each
# record), not an adult; above 300 kg exceeds what a clinic floor scale
# weighs.
MIN_PLAUSIBLE_WEIGHT_KG: Final = Decimal(20)
MAX_PLAUSIBLE_WEIGHT_KG: Final = Decimal(300)
# Height: the range Tanita's MC-980 accepts for a height input ("90-249",
# MC-980 PC-mode spec, item 13). [single source, sister model]
MIN_PLAUSIBLE_HEIGHT_CM: Final = Decimal(90)
MAX_PLAUSIBLE_HEIGHT_CM: Final = Decimal(249)

_PRINTABLE: Final = re.compile(rb"[\x20-\x7e]*")
_NUMBER: Final = re.compile(r"[0-9]+(\.[0-9]+)?")
_QUOTED: Final = re.compile(r'"([\x20\x21\x23-\x7e]*)"')
_SC_CHECKSUM: Final = re.compile(rb"(.*,)CS,([0-9A-Fa-f]{2})", re.DOTALL)
_BC418_DATE: Final = re.compile(r'"[0-9]{2}/[0-9]{2}/[0-9]{2}"')
_BC418_TIME: Final = re.compile(r'"[0-9]{2}:[0-9]{2}"')
# BC-418 positions (0-based) of the fields checked or decoded (onyx,
# XiMPLib). Every field from the height on is a number.
_BC418_BODY_TYPE: Final = 2
_BC418_GENDER: Final = 3
_BC418_HEIGHT: Final = 4
_BC418_WEIGHT: Final = 5
_BC418_FAT: Final = 6
_BC418_BMI: Final = 11


@dataclass(frozen=True, slots=True)
class ScaleReading:
    # As the scale names itself ("SC-240", "WB-3000"); "BC-418" for that line.
    model: str
    # Net of the clothes allowance, in 0.1 kg steps (SC-240 manual: Wk "XXX.X").
    weight_kg: Decimal
    height_cm: Decimal | None
    bmi: Decimal | None
    body_fat_percent: Decimal | None
    tare_kg: Decimal | None


def parse(frame: bytes) -> ScaleReading:
    """Decode one SC-family or BC-418 line; raises FrameError only."""
    line = frame.removesuffix(LINE_END)
    if line.startswith(SC_START):
        return _parse_sc(line)
    if line.startswith(BC418_START):
        return _parse_bc418(line)
    raise FrameError(f"not a Tanita record: starts {frame[:3]!r}")


def _parse_sc(line: bytes) -> ScaleReading:
    match = _SC_CHECKSUM.fullmatch(line)
    if match is None:
        raise FrameError("no CS,<hex> checksum at the end of the line")
    covered, sent = match.groups()
    if sum(covered) & 0xFF != int(sent, 16):
        raise FrameError(f"bad checksum {sent!r}, expected {sum(covered) & 0xFF:02X}")
    tokens = _ascii(covered[:-1]).split(",")
    if len(tokens) % 2:
        raise FrameError("odd number of items: not key,value pairs")
    items = dict(zip(tokens[::2], tokens[1::2], strict=True))
    if len(items) * 2 != len(tokens):
        raise FrameError("a key appears twice")
    if "Wk" not in items or "Hf" in items:
        # Wp / Hf: the scale is in lb or ft-in mode (WB-3000 manual).
        raise FrameError("no weight in kg: set the scale to kg/cm mode")
    model = _QUOTED.fullmatch(items.get("MO", ""))
    if model is None:
        raise FrameError("no quoted model name (MO)")
    return ScaleReading(
        model=model.group(1),
        weight_kg=_number(items["Wk"]),
        height_cm=_optional_number(items.get("Hm")),
        bmi=_optional_number(items.get("MI")),
        body_fat_percent=_optional_number(items.get("FW")),
        tare_kg=_optional_number(items.get("Pt")),
    )


def _parse_bc418(line: bytes) -> ScaleReading:
    fields = _ascii(line).split(",")
    if len(fields) != _BC418_FIELDS:
        raise FrameError(f"BC-418 line has {len(fields)} fields, expected {_BC418_FIELDS}")
    if not (_BC418_DATE.fullmatch(fields[0]) and _BC418_TIME.fullmatch(fields[1])):
        raise FrameError('BC-418 line must open "dd/mm/yy","hh:mm"')
    # Body type 0 standard / 2 athletic, gender 1 male / 2 female: the
    # values the D2 and D1 commands set (onyx).
    if fields[_BC418_BODY_TYPE] not in ("0", "2") or fields[_BC418_GENDER] not in ("1", "2"):
        raise FrameError("BC-418 body type or gender out of range")
    numbers = [_number(field) for field in fields[_BC418_HEIGHT:]]
    return ScaleReading(
        model=BC418_MODEL,
        weight_kg=numbers[_BC418_WEIGHT - _BC418_HEIGHT],
        height_cm=numbers[0],
        bmi=numbers[_BC418_BMI - _BC418_HEIGHT],
        body_fat_percent=numbers[_BC418_FAT - _BC418_HEIGHT],
        tare_kg=None,
    )


def _ascii(data: bytes) -> str:
    # Printable ASCII only. NUL bytes in particular must be refused here: the
    # SC checksum is a plain sum, blind to them, and a break condition on the
    # line reads as 0x00.
    if _PRINTABLE.fullmatch(data) is None:
        raise FrameError("control or non-ASCII byte in a text record")
    return data.decode("ascii")


def _number(text: str) -> Decimal:
    # The pattern first: Decimal() would also take "NaN", "1e3" or "-5".
    if _NUMBER.fullmatch(text) is None:
        raise FrameError(f"not a decimal number: {text!r}")
    return Decimal(text)


def _optional_number(text: str | None) -> Decimal | None:
    return None if text is None else _number(text)


def check_frame(frame: bytes) -> None:
    """Framing check: a candidate is a frame only if it decodes."""
    parse(frame)


SC_FRAMING: Final = Delimited(
    start=SC_START, end=LINE_END, max_length=SC_MAX_LENGTH, check=check_frame
)
BC418_FRAMING: Final = Delimited(
    start=BC418_START, end=LINE_END, max_length=BC418_MAX_LENGTH, check=check_frame
)


def check_plausible(reading: ScaleReading) -> ScaleReading:
    """Return ``reading`` unchanged, or raise ImplausibleReadingError."""
    if not MIN_PLAUSIBLE_WEIGHT_KG <= reading.weight_kg <= MAX_PLAUSIBLE_WEIGHT_KG:
        raise ImplausibleReadingError(f"weight {reading.weight_kg} kg")
    height = reading.height_cm
    if height is not None and not MIN_PLAUSIBLE_HEIGHT_CM <= height <= MAX_PLAUSIBLE_HEIGHT_CM:
        raise ImplausibleReadingError(f"height {height} cm")
    return reading
