"""The fakes speak the published bytes: their builders reproduce the vectors,
and what they build decodes with the pure protocol modules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from device_drivers.events import CuffPressure
from device_drivers.serial import omron_protocol, tanita_protocol
from device_drivers.serial.framing import Packetizer
from device_drivers.serial.suntech_protocol import (
    FRAMING,
    Ack,
    AckCode,
    BPData,
    Command,
    ReturnString,
    build_command,
    parse,
)
from tests.device_drivers.serial import vectors as v
from tests.device_drivers.serial.fake_devices import (
    LINE_NOISE,
    HostCommandFraming,
    omron_line,
    omron_stx,
    suntech_ack,
    suntech_bp_data,
    suntech_pressure,
    suntech_return_string,
    tanita_sc_record,
)


def test_suntech_builders_reproduce_the_desktopfx_vectors() -> None:
    assert suntech_pressure(258) == v.SUNTECH_CUFF_PRESSURE_258
    assert suntech_ack(AckCode.EXECUTED) == v.SUNTECH_ACK_EXECUTED
    assert suntech_ack(AckCode.RECEIVED) == v.SYNTHETIC_SUNTECH_ACK_RECEIVED
    desktopfx = suntech_bp_data(
        115, 74, 88, 85, test_codes=bytes.fromhex("00 00 00 00 00 00 31 07")
    )
    assert desktopfx == v.SUNTECH_BP_DATA_115_74
    assert suntech_return_string(["LX-1.23", "2019.05"]) == v.SYNTHETIC_SUNTECH_RETURN_STRING


def test_suntech_builders_decode() -> None:
    assert parse(suntech_pressure(140)) == CuffPressure(140)
    assert parse(suntech_ack(AckCode.BUSY)) == Ack(AckCode.BUSY)
    data = parse(suntech_bp_data(128, 82, 97, 70, error_code=87))
    assert isinstance(data, BPData)
    assert (data.systolic, data.diastolic, data.mean_arterial, data.heart_rate) == (128, 82, 97, 70)
    assert data.error_code == 87
    assert parse(suntech_return_string(["SB-2.0"])) == ReturnString(("SB-2.0",))


def test_host_command_framing_cuts_every_command_out_of_noise() -> None:
    commands = [build_command(command) for command in Command]
    stream = b"".join(b"\x00\xff:\x55" + command for command in commands)
    packetizer = Packetizer(HostCommandFraming())
    frames = [frame for byte in stream for frame in packetizer.feed(bytes([byte]))]
    assert frames == commands
    assert packetizer.discarded_bytes == 4 * len(commands)


def test_line_noise_holds_no_valid_reply() -> None:
    packetizer = Packetizer(FRAMING)
    assert packetizer.feed(LINE_NOISE) == []
    assert packetizer.feed(v.SUNTECH_ACK_EXECUTED) == [v.SUNTECH_ACK_EXECUTED]


def test_omron_builders_match_the_published_records() -> None:
    mdi = omron_line(
        140,
        98,
        77,
        68,
        when=datetime(2023, 4, 27, 15, 6),
        record_id="9" * 20,
        status_digit=3,
    )
    assert mdi == v.OMRON_MDI_LINE
    stx = omron_stx(125, 75, 99, when=datetime(2015, 5, 2, 9, 43))
    assert stx == v.OMRON_XIMPLIB_STX_RECORD
    assert omron_protocol.parse(omron_line(120, 93, 80, 64)).systolic == 120


def test_tanita_builder_matches_the_wb3000_record() -> None:
    assert tanita_sc_record() == v.SYNTHETIC_TANITA_WB3000
    reading = tanita_protocol.parse(tanita_sc_record(weight_kg="81.2", height_cm=None, bmi=None))
    assert reading.weight_kg == Decimal("81.2")
    assert reading.height_cm is None
