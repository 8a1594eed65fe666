"""IEEE 11073-20601 number formats used by Bluetooth health profiles.

Medical GATT characteristics (blood pressure, thermometer, glucose) carry
numbers as base-10 floats: a signed mantissa times a power of ten, so a cuff
can send 18.9 kPa exactly. Two widths exist:

* SFLOAT (16 bit): 4-bit signed exponent, 12-bit signed mantissa.
* FLOAT (32 bit): 8-bit signed exponent, 24-bit signed mantissa.

A handful of exponent-0 words are reserved as special values (NaN, NRes,
±INF). Cuffs use NaN to say "no measurement" (bp-devices.md §2.2), so the
decoders return those as a distinct ``SpecialValue`` rather than a number.

Values are ``Decimal`` because the format is decimal: 0xF0BD is exactly
18.9, which a binary float cannot hold, and unit conversion stays exact.
Pure: no I/O, no clock.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from device_drivers.errors import FrameError


class SpecialValue(StrEnum):
    """An IEEE 11073 reserved value: the device sent "no number"."""

    NAN = "NaN"  # not a number: e.g. a cuff that failed to measure
    NRES = "NRes"  # not at this resolution: the value cannot be represented
    POSITIVE_INFINITY = "+INF"
    NEGATIVE_INFINITY = "-INF"
    RESERVED = "reserved"  # reserved for future use; treat like NaN


# bp-devices.md §1.4. These are whole 16-bit words with exponent 0. They
# must be matched BEFORE the mantissa is sign-extended: read as numbers,
# 0x07FF is 2047 and 0x0800 is -2048, which is how "2047 mmHg" error
# readings ended up stored by public apps (derdilla #80, LibreArm #6/#8).
SFLOAT_SPECIALS: dict[int, SpecialValue] = {
    0x07FF: SpecialValue.NAN,
    0x0800: SpecialValue.NRES,
    0x07FE: SpecialValue.POSITIVE_INFINITY,
    0x0802: SpecialValue.NEGATIVE_INFINITY,
    0x0801: SpecialValue.RESERVED,
}
SFLOAT_WORDS: dict[SpecialValue, int] = {v: k for k, v in SFLOAT_SPECIALS.items()}

# The same five meanings for the 32-bit FLOAT (exponent 0, mantissa ±2^23 edge).
FLOAT_SPECIALS: dict[int, SpecialValue] = {
    0x007FFFFF: SpecialValue.NAN,
    0x00800000: SpecialValue.NRES,
    0x007FFFFE: SpecialValue.POSITIVE_INFINITY,
    0x00800002: SpecialValue.NEGATIVE_INFINITY,
    0x00800001: SpecialValue.RESERVED,
}

# What the parsers accept: bleak hands notification values over as bytearray.
BytesLike = bytes | bytearray | memoryview

SFLOAT_MANTISSA_MIN, SFLOAT_MANTISSA_MAX = -2048, 2047
SFLOAT_EXPONENT_MIN, SFLOAT_EXPONENT_MAX = -8, 7


def _signed(value: int, bits: int) -> int:
    """Two's complement of the low ``bits`` bits of ``value``."""
    sign_bit = 1 << (bits - 1)
    return (value & (sign_bit - 1)) - (value & sign_bit)


def _number(mantissa: int, exponent: int) -> Decimal:
    # Built from text, so the result is exact and independent of whatever
    # decimal context the caller has set (precision, traps).
    return Decimal(f"{mantissa}E{exponent}")


def decode_sfloat(word: int) -> Decimal | SpecialValue:
    """Decode a 16-bit SFLOAT given as an unsigned integer (0..0xFFFF)."""
    if not 0 <= word <= 0xFFFF:
        raise ValueError(f"SFLOAT word out of range: {word!r}")
    special = SFLOAT_SPECIALS.get(word)
    if special is not None:
        return special
    # The exponent nibble is signed too: 0xF means 10^-1, not 10^15. Reading
    # it unsigned turns 17.6 kPa into 176 × 10^15 (obniz UA651BLE, §1.10),
    # and an exponent of 8 is -8, not a NaN marker.
    return _number(_signed(word, 12), _signed(word >> 12, 4))


def read_sfloat(data: BytesLike, offset: int) -> Decimal | SpecialValue:
    """Decode the little-endian SFLOAT at ``data[offset:offset + 2]``."""
    if not 0 <= offset <= len(data) - 2:
        raise FrameError(f"no SFLOAT at offset {offset} of a {len(data)}-byte value")
    return decode_sfloat(int.from_bytes(data[offset : offset + 2], "little"))


def decode_float(word: int) -> Decimal | SpecialValue:
    """Decode a 32-bit FLOAT given as an unsigned integer (0..0xFFFFFFFF)."""
    if not 0 <= word <= 0xFFFFFFFF:
        raise ValueError(f"FLOAT word out of range: {word!r}")
    special = FLOAT_SPECIALS.get(word)
    if special is not None:
        return special
    return _number(_signed(word, 24), _signed(word >> 24, 8))


def encode_sfloat(value: Decimal | SpecialValue, exponent: int | None = None) -> int:
    """Encode ``value`` as an SFLOAT word; the inverse of ``decode_sfloat``.

    With ``exponent`` given, use exactly that exponent (cuffs use 0 for mmHg
    and -1 for kPa, §1.4). Otherwise pick the exponent closest to zero that
    holds the value exactly. Raises ValueError if it cannot be held exactly:
    an encoder that silently rounds would hide test mistakes.
    """
    if isinstance(value, SpecialValue):
        return SFLOAT_WORDS[value]
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    # Integer arithmetic on the digits keeps this exact for any input,
    # whatever the caller's decimal context precision.
    sign, digits, value_exp = value.as_tuple()
    assert isinstance(value_exp, int)  # finite, checked above
    coefficient = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    if exponent is None:
        candidates = sorted(range(SFLOAT_EXPONENT_MIN, SFLOAT_EXPONENT_MAX + 1), key=abs)
    elif SFLOAT_EXPONENT_MIN <= exponent <= SFLOAT_EXPONENT_MAX:
        candidates = [exponent]
    else:
        raise ValueError(f"SFLOAT exponent out of range: {exponent}")
    for exp in candidates:
        shift = value_exp - exp
        mantissa: int | None
        if shift >= 0:
            # Capped: any non-zero coefficient is far out of range by then.
            mantissa = coefficient * 10 ** min(shift, 12)
        elif coefficient == 0:
            mantissa = 0
        elif -shift > len(digits):
            mantissa = None  # dividing would leave a fraction
        else:
            quotient, remainder = divmod(coefficient, 10**-shift)
            mantissa = None if remainder else quotient
        if mantissa is None or not SFLOAT_MANTISSA_MIN <= mantissa <= SFLOAT_MANTISSA_MAX:
            continue
        word = ((exp & 0xF) << 12) | (mantissa & 0xFFF)
        # 2046, 2047 and -2046..-2048 at exponent 0 are the special words.
        if word not in SFLOAT_SPECIALS:
            return word
    raise ValueError(f"{value} is not exactly representable as SFLOAT")
