"""IEEE 11073 SFLOAT/FLOAT decoding against bp-devices.md §1.4 and §1.10."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from device_drivers.ble import (
    SpecialValue,
    decode_float,
    decode_sfloat,
    encode_sfloat,
    read_sfloat,
)
from device_drivers.errors import FrameError

D = Decimal


@pytest.mark.parametrize(
    ("word", "value"),
    [
        pytest.param(0x007C, D("124"), id="124-mmhg"),
        pytest.param(0xF0BD, D("18.9"), id="18.9-kpa"),
        pytest.param(0xF0B0, D("17.6"), id="17.6-kpa-and-doc"),  # not 176e15
        pytest.param(0x0080, D("128"), id="128-mmhg-and-doc"),
        pytest.param(0x0000, D("0"), id="zero"),
        pytest.param(0x0FFF, D("-1"), id="minus-one"),
        pytest.param(0x1001, D("10"), id="exponent-plus-1"),
        pytest.param(0x7001, D("1E7"), id="exponent-max"),
        pytest.param(0x8078, D("120E-8"), id="0x80-high-byte-is-tiny"),  # sigpy trap
        pytest.param(0x87FF, D("2047E-8"), id="exponent-8-mantissa-2047-is-a-number"),
        pytest.param(0xF800, D("-204.8"), id="mantissa-min-exponent-minus-1"),
        pytest.param(0x07FD, D("2045"), id="largest-plain-number-below-specials"),
        pytest.param(0x0803, D("-2045"), id="smallest-plain-number-above-specials"),
        pytest.param(0x17FF, D("20470"), id="2047-at-exponent-1-is-a-number"),
    ],
)
def test_decode_sfloat_numbers(word: int, value: Decimal) -> None:
    decoded = decode_sfloat(word)
    assert isinstance(decoded, Decimal)
    assert decoded == value


@pytest.mark.parametrize(
    ("word", "special"),
    [
        (0x07FF, SpecialValue.NAN),
        (0x0800, SpecialValue.NRES),  # not -2048, not +INF
        (0x07FE, SpecialValue.POSITIVE_INFINITY),
        (0x0802, SpecialValue.NEGATIVE_INFINITY),
        (0x0801, SpecialValue.RESERVED),
    ],
)
def test_decode_sfloat_specials(word: int, special: SpecialValue) -> None:
    assert decode_sfloat(word) is special
    assert encode_sfloat(special) == word


def _reference_sfloat(word: int) -> Fraction:
    # An independent oracle: shifts and arithmetic written differently from
    # the module (no shared helper), in exact fractions.
    exponent = word >> 12
    if exponent >= 8:
        exponent -= 16
    mantissa = word & 0x0FFF
    if mantissa >= 0x0800:
        mantissa -= 0x1000
    return Fraction(mantissa) * Fraction(10) ** exponent


def test_every_sfloat_word() -> None:
    specials = {0x07FF, 0x0800, 0x07FE, 0x0802, 0x0801}
    for word in range(0x10000):
        decoded = decode_sfloat(word)
        if word in specials:
            assert isinstance(decoded, SpecialValue), hex(word)
            continue
        assert isinstance(decoded, Decimal), hex(word)
        assert Fraction(decoded) == _reference_sfloat(word), hex(word)
        # Re-encoding at the word's own exponent gives the word back.
        exponent = (word >> 12) - 16 if word >= 0x8000 else word >> 12
        assert encode_sfloat(decoded, exponent=exponent) == word, hex(word)


@pytest.mark.parametrize("word", [-1, 0x10000])
def test_decode_sfloat_rejects_non_words(word: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        decode_sfloat(word)


def test_read_sfloat_is_little_endian() -> None:
    assert read_sfloat(bytes.fromhex("ff bd f0 ff"), 1) == D("18.9")


@pytest.mark.parametrize("offset", [-1, 3, 4])
def test_read_sfloat_needs_two_bytes(offset: int) -> None:
    with pytest.raises(FrameError):
        read_sfloat(bytes(4), offset)


@pytest.mark.parametrize(
    ("value", "exponent", "word"),
    [
        (D("120"), None, 0x0078),  # exponent closest to zero
        (D("18.9"), None, 0xF0BD),
        (D("18.90"), None, 0xF0BD),  # trailing zeros do not matter
        (D("30000"), None, 0x212C),  # 300 × 10^2
        (D("0.0000001"), None, 0x9001),  # 1 × 10^-7
        (D("0E+50"), None, 0x0000),
        (D("-0"), None, 0x0000),
        (D("120"), -1, 0xF4B0),  # 1200 × 10^-1, as a kPa-style cuff would
        (D("17.6"), -1, 0xF0B0),
        (D("2045"), 0, 0x07FD),
    ],
)
def test_encode_sfloat(value: Decimal, exponent: int | None, word: int) -> None:
    assert encode_sfloat(value, exponent) == word


@pytest.mark.parametrize(
    ("value", "exponent"),
    [
        (D("2047"), None),  # exponent 0 is NaN's word; 204.7 × 10 is not whole
        (D("2046"), 0),  # +INF's word
        (D("-2048"), 0),  # NRes's word
        (D("12345"), None),
        (D("1E-9"), None),
        (D("1E+12"), None),
        (D("18.9"), 0),
        (D("1.00000000000000000000000000001"), None),  # more digits than any context
        (D("NaN"), None),
        (D("Infinity"), None),
        (D("1"), 8),  # exponent out of range
        (D("1"), -9),
    ],
)
def test_encode_sfloat_refuses_what_it_cannot_hold(value: Decimal, exponent: int | None) -> None:
    with pytest.raises(ValueError, match=r"SFLOAT|finite"):
        encode_sfloat(value, exponent)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        (0x007FFFFF, SpecialValue.NAN),
        (0x00800000, SpecialValue.NRES),
        (0x007FFFFE, SpecialValue.POSITIVE_INFINITY),
        (0x00800002, SpecialValue.NEGATIVE_INFINITY),
        (0x00800001, SpecialValue.RESERVED),
        (0xFE0001F4, D("5.00")),  # 500 × 10^-2
        (0x00FFFFFF, D("-1")),
        (0x01000001, D("10")),
        (0x80000001, D("1E-128")),  # exponent -128, sign-extended
        (0x017FFFFF, D("83886070")),  # NaN's mantissa at exponent 1 is a number
    ],
)
def test_decode_float(word: int, expected: Decimal | SpecialValue) -> None:
    assert decode_float(word) == expected


@pytest.mark.parametrize("word", [-1, 0x1_0000_0000])
def test_decode_float_rejects_non_words(word: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        decode_float(word)
