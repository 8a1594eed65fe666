"""Omron HBP-9020 / HBP-9030 records (bp-devices.md §4.2)."""

from __future__ import annotations

from datetime import datetime

import pytest

from device_drivers.errors import FrameError, ImplausibleReadingError
from device_drivers.events import BloodPressureMeasured, Provenance
from device_drivers.serial.framing import Packetizer
from device_drivers.serial.omron_protocol import (
    LINE_FRAMING,
    STX_FRAMING,
    OmronRecord,
    parse,
    to_event,
)
from tests.device_drivers.serial import vectors as v

MDI_RECORD = OmronRecord(
    measured_at=datetime(2023, 4, 27, 15, 6),
    systolic=140,
    diastolic=77,
    pulse=68,
    mean_arterial=98,
    record_id="99999999999999999999",
    status_digit=3,
)


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        pytest.param(v.OMRON_MDI_LINE, MDI_RECORD, id="mdi-line"),
        pytest.param(
            v.OMRON_XIMPLIB_SIMULATED_LINE,
            OmronRecord(
                measured_at=datetime(2016, 1, 25, 1, 5),
                systolic=100,
                diastolic=50,
                pulse=65,
                mean_arterial=75,
                record_id="12345678901234567890",
                status_digit=0,
            ),
            id="ximplib-line-cr-only",
        ),
        pytest.param(
            v.OMRON_XIMPLIB_STX_RECORD,
            OmronRecord(
                measured_at=datetime(2015, 5, 2, 9, 43),
                systolic=125,
                diastolic=75,
                pulse=99,
                mean_arterial=None,
                record_id=None,
                status_digit=None,
            ),
            id="ximplib-stx",
        ),
    ],
)
def test_omron_parse(frame: bytes, expected: OmronRecord) -> None:
    assert parse(frame) == expected


def test_omron_line_without_terminator() -> None:
    assert parse(v.OMRON_MDI_LINE.removesuffix(b"\r\n")) == MDI_RECORD


def test_omron_to_event() -> None:
    assert to_event(MDI_RECORD, device="omron-desk-2") == BloodPressureMeasured(
        systolic=140,
        diastolic=77,
        pulse=68,
        irregular_pulse=False,
        device="omron-desk-2",
        provenance=Provenance(device_time=datetime(2023, 4, 27, 15, 6)),
    )
    stx_event = to_event(parse(v.OMRON_XIMPLIB_STX_RECORD))
    assert (stx_event.systolic, stx_event.diastolic, stx_event.device) == (125, 75, "omron_hbp9020")


def _line(**fields: str) -> bytes:
    values = {
        "id": "99999999999999999999",
        "date": "2023/04/27",
        "time": "15:06",
        "sys": "140",
        "mean": "098",
        "dia": "077",
        "pulse": "068",
        "digit": "3",
    }
    values.update(fields)
    return ("bp," + ",".join(values.values()) + "\r\n").encode("latin-1")


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        pytest.param(v.SYNTHETIC_OMRON_LINE_BAD_DATE, "impossible date", id="30-february"),
        pytest.param(_line(time="24:00"), "impossible date", id="24-00"),
        pytest.param(_line(id="9" * 19), "does not match", id="short-id"),
        pytest.param(_line(id="9" * 19 + ","), "does not match", id="comma-in-id"),
        pytest.param(_line(id="9" * 19 + "\xe9"), "does not match", id="non-ascii-id"),
        pytest.param(_line(sys="14"), "does not match", id="two-digit-sys"),
        pytest.param(_line(pulse="+68"), "does not match", id="signed"),
        pytest.param(_line(digit="10"), "does not match", id="two-digit-status"),
        pytest.param(_line(date="2023-04-27"), "does not match", id="dashes"),
        pytest.param(v.OMRON_MDI_LINE.replace(b",3\r\n", b",3,\r\n"), "does not match", id="extra"),
        pytest.param(v.OMRON_XIMPLIB_STX_RECORD[:-1], "does not match STX", id="stx-no-etx"),
        pytest.param(v.OMRON_XIMPLIB_STX_RECORD.replace(b" ", b"?"), "STX", id="stx-question"),
        pytest.param(b"BP,", "not an Omron record", id="upper-case"),
        pytest.param(b"", "not an Omron record", id="empty"),
    ],
)
def test_omron_parse_refuses(frame: bytes, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        parse(frame)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        pytest.param(v.SYNTHETIC_OMRON_LINE_ZEROS, "systolic 0", id="zeros"),
        pytest.param(v.SYNTHETIC_OMRON_LINE_SWAPPED, "mean 77", id="field-order"),
        pytest.param(_line(pulse="000"), "pulse 0", id="no-pulse"),
    ],
)
def test_omron_implausible(frame: bytes, message: str) -> None:
    record = parse(frame)
    with pytest.raises(ImplausibleReadingError, match=message):
        to_event(record)


def test_omron_line_framing_skips_noise_lines() -> None:
    stream = b"\r\nOMRON HBP-9020\r\n" + v.OMRON_MDI_LINE + b"bp,garbled\r\n" + v.OMRON_MDI_LINE
    packetizer = Packetizer(LINE_FRAMING)
    assert packetizer.feed(stream) == [v.OMRON_MDI_LINE] * 2
    assert packetizer.rejected_frames == 1


def test_omron_bad_date_is_not_a_frame() -> None:
    packetizer = Packetizer(LINE_FRAMING)
    assert packetizer.feed(v.SYNTHETIC_OMRON_LINE_BAD_DATE + v.OMRON_MDI_LINE) == [v.OMRON_MDI_LINE]


def test_omron_stx_framing() -> None:
    packetizer = Packetizer(STX_FRAMING)
    stream = v.OMRON_XIMPLIB_STX_HEADER + v.OMRON_XIMPLIB_STX_RECORD
    assert [parse(frame) for frame in packetizer.feed(stream)] == [
        parse(v.OMRON_XIMPLIB_STX_RECORD)
    ]
