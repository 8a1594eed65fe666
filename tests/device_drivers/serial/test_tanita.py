"""Tanita SC-family and BC-418 records (bp-devices.md §4.10)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from device_drivers.errors import FrameError, ImplausibleReadingError
from device_drivers.serial.tanita_protocol import ScaleReading, check_plausible, parse
from tests.device_drivers.serial import vectors as v

SC240 = v.TANITA_SC240_MANUAL_SAMPLE


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        pytest.param(
            v.TANITA_SC240_MANUAL_SAMPLE,
            ScaleReading(
                model="SC-240",
                weight_kg=Decimal("82.7"),
                height_cm=Decimal("170"),
                bmi=Decimal("28.6"),
                body_fat_percent=Decimal("18.6"),
                tare_kg=Decimal("0.0"),
            ),
            id="sc240-manual",
        ),
        pytest.param(
            v.SYNTHETIC_TANITA_WB3000,
            ScaleReading(
                model="WB-3000",
                weight_kg=Decimal("70.4"),
                height_cm=Decimal("172.5"),
                bmi=Decimal("23.7"),
                body_fat_percent=None,
                tare_kg=None,
            ),
            id="wb3000",
        ),
        pytest.param(
            v.TANITA_BC418_XIMPLIB_LINE,
            ScaleReading(
                model="BC-418",
                weight_kg=Decimal("78.3"),
                height_cm=Decimal("170"),
                bmi=Decimal("27.1"),
                body_fat_percent=Decimal("25.9"),
                tare_kg=None,
            ),
            id="bc418-comment",
        ),
        pytest.param(
            v.TANITA_BC418_XIMPLIB_SIMULATED,
            ScaleReading(
                model="BC-418",
                weight_kg=Decimal("68.9"),
                height_cm=Decimal("168"),
                bmi=Decimal("24.4"),
                body_fat_percent=Decimal("19.8"),
                tare_kg=None,
            ),
            id="bc418-simulated",
        ),
    ],
)
def test_tanita_parse(frame: bytes, expected: ScaleReading) -> None:
    reading = parse(frame)
    assert reading == expected
    assert check_plausible(reading) is reading


def test_tanita_checksum_hex_in_either_case() -> None:
    assert parse(SC240.replace(b"CS,FD", b"CS,fd")) == parse(SC240)


def test_tanita_decimals_keep_the_scale_digits() -> None:
    # Decimal, not float: 0.1 kg steps stay exact for BMI arithmetic.
    reading = parse(v.TANITA_BC418_XIMPLIB_LINE)
    assert str(reading.weight_kg) == "78.3"


def _resum(line: bytes) -> bytes:
    """Recompute CS so that only the change under test is wrong."""
    covered = line[: line.rindex(b"CS,")]
    return covered + b"CS,%02X\r\n" % (sum(covered) & 0xFF)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        pytest.param(SC240.replace(b"CS,FD", b"CS,FE"), "bad checksum", id="checksum"),
        pytest.param(SC240.replace(b",CS,FD", b""), "no CS", id="no-checksum"),
        pytest.param(SC240.replace(b"Wk,82.7", b"Wk,82\x00.7"), "control", id="nul"),
        pytest.param(v.SYNTHETIC_TANITA_WB3000_LB, "kg/cm mode", id="pounds"),
        pytest.param(_resum(SC240.replace(b"Hm,170", b"Hf,5'07")), "kg/cm", id="feet"),
        pytest.param(_resum(SC240.replace(b"Wk,82.7", b"Wk,NaN")), "not a decimal", id="nan"),
        pytest.param(_resum(SC240.replace(b"Wk,82.7", b"Wk,-1")), "not a decimal", id="neg"),
        pytest.param(_resum(SC240.replace(b"FW,18.6", b"FW,1e2")), "not a decimal", id="exp"),
        pytest.param(_resum(SC240.replace(b"Bt,0,", b"Bt,0,Bt,0,")), "twice", id="dup"),
        pytest.param(_resum(SC240.replace(b"Bt,0,", b"Bt,")), "odd number", id="odd"),
        pytest.param(_resum(SC240.replace(b'MO,"SC-240",', b"")), "model", id="no-model"),
        pytest.param(_resum(SC240.replace(b'"SC-240"', b"SC-240")), "model", id="unquoted"),
        pytest.param(b"\r\n", "not a Tanita record", id="empty-line"),
    ],
)
def test_tanita_sc_parse_refuses(frame: bytes, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        parse(frame)


BC418 = v.TANITA_BC418_XIMPLIB_LINE


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        pytest.param(BC418.replace(b",12\r\n", b"\r\n"), "38 fields", id="short"),
        pytest.param(BC418.replace(b",12\r\n", b",12,0\r\n"), "40 fields", id="long"),
        pytest.param(BC418.replace(b'"04/05/15"', b'"4/5/2015"'), "must open", id="date"),
        pytest.param(BC418.replace(b'"15:52"', b'"1552"'), "must open", id="time"),
        pytest.param(BC418.replace(b'",0,1,', b'",1,1,'), "body type", id="body-type-1"),
        pytest.param(BC418.replace(b'",0,1,', b'",0,3,'), "gender", id="gender-3"),
        pytest.param(BC418.replace(b"078.3", b"078,3"), "40 fields", id="comma-decimal"),
        pytest.param(BC418.replace(b"078.3", b"07 .3"), "not a decimal", id="space"),
        pytest.param(BC418.replace(b"078.3", b"078\xb73"), "non-ASCII", id="middle-dot"),
    ],
)
def test_tanita_bc418_parse_refuses(frame: bytes, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        parse(frame)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"weight_kg": Decimal("0.0")}, "weight 0.0", id="empty-plate"),
        pytest.param({"weight_kg": Decimal("19.9")}, "weight 19.9", id="too-light"),
        pytest.param({"weight_kg": Decimal("300.1")}, "weight 300.1", id="too-heavy"),
        pytest.param({"height_cm": Decimal("89.9")}, "height 89.9", id="too-short"),
        pytest.param({"height_cm": Decimal("250")}, "height 250", id="too-tall"),
    ],
)
def test_tanita_implausible(changes: dict[str, Any], message: str) -> None:
    reading = replace(parse(v.TANITA_SC240_MANUAL_SAMPLE), **changes)
    with pytest.raises(ImplausibleReadingError, match=message):
        check_plausible(reading)


def test_tanita_empty_plate_record() -> None:
    reading = parse(v.SYNTHETIC_TANITA_SC240_EMPTY_PLATE)
    assert reading.weight_kg == 0
    with pytest.raises(ImplausibleReadingError):
        check_plausible(reading)


def test_tanita_no_height_is_plausible() -> None:
    reading = parse(_resum(SC240.replace(b"Hm,170,", b"")))
    assert reading.height_cm is None
    assert check_plausible(reading) is reading
