"""SunTech Advantage OEM NIBP: commands, replies and events (bp-devices.md §4.1)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from device_drivers.errors import FrameError, ImplausibleReadingError
from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    FailureReason,
    MeasurementFailed,
)
from device_drivers.serial.suntech_protocol import (
    ERROR_CODES,
    Ack,
    AckCode,
    BPData,
    Command,
    Model,
    ModuleStatus,
    Reply,
    ReturnString,
    UnknownReply,
    build_command,
    checksum,
    failure_reason,
    parse,
    to_event,
)
from tests.device_drivers.serial import vectors as v

DESKTOPFX_BP_DATA = BPData(
    systolic=115,
    diastolic=74,
    mean_arterial=88,
    heart_rate=85,
    beat_count=30,
    bp_status=1,
    test_codes=bytes.fromhex("00 00 00 00 00 00 31 07"),
    error_code=0,
)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        pytest.param(Command.START_BP, v.SUNTECH_START_BP, id="start"),
        pytest.param(Command.ABORT, v.SUNTECH_ABORT, id="abort"),
        pytest.param(Command.GET_CUFF_PRESSURE, v.SUNTECH_GET_CUFF_PRESSURE, id="cuff"),
        pytest.param(Command.GET_BP_DATA, v.SUNTECH_GET_BP_DATA, id="bp-data"),
        pytest.param(Command.GET_MODULE_DATA, v.SYNTHETIC_SUNTECH_GET_MODULE_DATA, id="module"),
        pytest.param(Command.GET_RETURN_STRING, v.SYNTHETIC_SUNTECH_GET_RETURN_STRING, id="string"),
        pytest.param(Command.STATUS, v.SYNTHETIC_SUNTECH_STATUS, id="status"),
        pytest.param(Command.STATUS_A_PLUS, v.SYNTHETIC_SUNTECH_STATUS_A_PLUS, id="status-a+"),
    ],
)
def test_suntech_build_command(command: Command, expected: bytes) -> None:
    assert build_command(command) == expected


def test_suntech_checksum_of_a_longer_command() -> None:
    frame = v.SUNTECH_CONTROL_PNEUMATICS_ALL_CLOSED
    assert checksum(frame[:-1]) == frame[-1]


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        pytest.param(v.SUNTECH_ACK_EXECUTED, Ack(AckCode.EXECUTED), id="ack-k"),
        pytest.param(v.SYNTHETIC_SUNTECH_ACK_RECEIVED, Ack(AckCode.RECEIVED), id="ack-o"),
        pytest.param(v.SYNTHETIC_SUNTECH_ACK_BUSY, Ack(AckCode.BUSY), id="ack-b"),
        pytest.param(v.SUNTECH_CUFF_PRESSURE_258, CuffPressure(258), id="cuff-258"),
        pytest.param(v.SUNTECH_BP_DATA_115_74, DESKTOPFX_BP_DATA, id="bp-data"),
        pytest.param(
            v.SYNTHETIC_SUNTECH_RETURN_STRING,
            ReturnString(("LX-1.23", "2019.05")),
            id="return-string",
        ),
        pytest.param(
            v.SYNTHETIC_SUNTECH_CALIBRATION_REPLY,
            UnknownReply(bytes.fromhex("04 00 00")),
            id="calibration",
        ),
    ],
)
def test_suntech_parse(frame: bytes, expected: object) -> None:
    assert parse(frame) == expected


def test_suntech_unknown_ack_letter_is_an_unknown_reply() -> None:
    frame = b">\x04Z" + bytes([checksum(b">\x04Z")])
    assert parse(frame) == UnknownReply(b"Z")


def test_suntech_five_bytes_after_status_is_the_status_word() -> None:
    assert parse(v.SYNTHETIC_SUNTECH_WORD_0) == CuffPressure(0)
    for command in (Command.STATUS, Command.STATUS_A_PLUS):
        status = parse(v.SYNTHETIC_SUNTECH_WORD_0, expecting=command)
        assert status == ModuleStatus(0)
        assert isinstance(status, ModuleStatus)
        assert status.ok
    assert not ModuleStatus(3).ok


@pytest.mark.parametrize(
    ("texts", "model"),
    [
        pytest.param(("LX-1.23",), Model.ADVANTAGE, id="advantage"),
        pytest.param(("SB0100",), Model.ADVANTAGE_A_PLUS, id="a-plus"),
        pytest.param(("XY",), None, id="other"),
        pytest.param((), None, id="empty"),
    ],
)
def test_suntech_model_from_version_text(texts: tuple[str, ...], model: Model | None) -> None:
    assert ReturnString(texts).model is model


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        pytest.param(v.SUNTECH_CUFF_PRESSURE_BAD_CHECKSUM, "bad checksum 0xB1", id="checksum"),
        pytest.param(v.SUNTECH_BAD_LENGTH, "length byte", id="length-0"),
        pytest.param(v.SUNTECH_ACK_EXECUTED[:-1], "length byte", id="truncated"),
        pytest.param(v.SUNTECH_START_BP, "must start with", id="host-frame"),
        pytest.param(b"", "must start with", id="empty"),
        pytest.param(b">", "length byte", id="start-only"),
        pytest.param(b">\x03\xbf", "outside 4", id="too-short"),
    ],
)
def test_suntech_parse_refuses(frame: bytes, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        parse(frame)


def test_suntech_bp_data_to_event() -> None:
    assert to_event(parse(v.SUNTECH_BP_DATA_115_74)) == BloodPressureMeasured(
        systolic=115, diastolic=74, pulse=85, irregular_pulse=False, device="suntech_advantage"
    )


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        pytest.param(v.SYNTHETIC_SUNTECH_BP_DATA_MOVEMENT, FailureReason.MOVEMENT, id="2"),
        pytest.param(v.SYNTHETIC_SUNTECH_BP_DATA_LOOSE_CUFF, FailureReason.LOOSE_CUFF, id="87"),
        pytest.param(
            v.SYNTHETIC_SUNTECH_BP_DATA_UNKNOWN_ERROR, FailureReason.DEVICE_ERROR, id="200"
        ),
    ],
)
def test_suntech_error_code_to_failure(frame: bytes, reason: FailureReason) -> None:
    reply = parse(frame)
    assert to_event(reply, device="cuff-1") == MeasurementFailed(reason, "cuff-1")


# §4.1's list, decimal, written out by hand; the reason is the module's own
# description where it names a cause the resident can act on.
@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (1, FailureReason.DEVICE_ERROR),
        (2, FailureReason.MOVEMENT),
        (3, FailureReason.DEVICE_ERROR),
        (4, FailureReason.TIMEOUT),
        (85, FailureReason.DEVICE_ERROR),
        (86, FailureReason.DEVICE_ERROR),
        (87, FailureReason.LOOSE_CUFF),
        (88, FailureReason.TIMEOUT),
        (89, FailureReason.DEVICE_ERROR),
        (90, FailureReason.DEVICE_ERROR),
        (91, FailureReason.DEVICE_ERROR),
        (97, FailureReason.DEVICE_ERROR),
        (99, FailureReason.DEVICE_ERROR),
    ],
)
def test_suntech_error_code_table(code: int, reason: FailureReason) -> None:
    assert failure_reason(code) is reason
    assert ERROR_CODES[code][0] is reason


def test_suntech_error_code_table_has_only_the_listed_codes() -> None:
    assert sorted(ERROR_CODES) == [1, 2, 3, 4, 85, 86, 87, 88, 89, 90, 91, 97, 99]
    # The hex reading (0x85 = 133 ...) of one Appciton revision is not used.
    assert failure_reason(0x87) is FailureReason.DEVICE_ERROR


def test_suntech_cuff_pressure_events() -> None:
    assert to_event(parse(v.SUNTECH_CUFF_PRESSURE_258)) == CuffPressure(258)
    with pytest.raises(ImplausibleReadingError, match="not available"):
        to_event(parse(v.SYNTHETIC_SUNTECH_CUFF_PRESSURE_FFFF))


@pytest.mark.parametrize(
    "reply",
    [
        Ack(AckCode.EXECUTED),
        ModuleStatus(0),
        ReturnString(("LX",)),
        UnknownReply(b"\x04\x00\x00"),
    ],
    ids=repr,
)
def test_suntech_replies_without_an_event(reply: Reply) -> None:
    assert to_event(reply) is None


def test_suntech_2047_is_implausible() -> None:
    reply = parse(v.SYNTHETIC_SUNTECH_BP_DATA_2047)
    assert isinstance(reply, BPData)
    assert reply.systolic == 2047
    with pytest.raises(ImplausibleReadingError, match="systolic 2047"):
        to_event(reply)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"systolic": 39}, "systolic 39", id="sys-low"),
        pytest.param({"systolic": 301}, "systolic 301", id="sys-high"),
        pytest.param({"diastolic": 19}, "diastolic 19", id="dia-low"),
        pytest.param({"diastolic": 115}, "not above", id="sys-equals-dia"),
        pytest.param({"heart_rate": 0}, "pulse 0", id="pulse-0"),
        pytest.param({"heart_rate": 251}, "pulse 251", id="pulse-high"),
        pytest.param({"mean_arterial": 120}, "mean 120", id="map-above-sys"),
        pytest.param({"mean_arterial": 70}, "mean 70", id="map-below-dia"),
    ],
)
def test_suntech_implausible_readings(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ImplausibleReadingError, match=message):
        to_event(replace(DESKTOPFX_BP_DATA, **changes))


@pytest.mark.parametrize(
    ("systolic", "diastolic", "pulse"),
    [(40, 20, 20), (300, 200, 250), (300, 20, 85)],
    ids=["lowest", "highest", "widest"],
)
def test_suntech_plausibility_limits_are_inclusive(
    systolic: int, diastolic: int, pulse: int
) -> None:
    reply = BPData(systolic, diastolic, diastolic, pulse, 30, 1, bytes(8), 0)
    assert to_event(reply) == BloodPressureMeasured(
        systolic, diastolic, pulse, irregular_pulse=False, device="suntech_advantage"
    )
