"""The vendor quirk table (bp-devices.md §2.3) and how frames select it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from device_drivers.ble import QUIRKS, MeasurementStatus, read_sfloat, select_quirk
from device_drivers.ble.quirks import BEURER_SWAPPED, quirk_for_name, quirk_for_shape
from tests.device_drivers.vectors import bps

BEURER_FRAMES = [
    bps.REAL_BEURER_BM85_USER0,
    bps.REAL_BEURER_BM85_USER1,
    bps.REAL_BEURER_BM85_USER1_STATUS_BIT6,
    bps.REAL_BEURER_BM85_IRREGULAR,
]


def test_beurer_entry_is_the_documented_one() -> None:
    assert BEURER_SWAPPED.models == ("BM48", "BM59", "BM85", "ELITE900")
    assert BEURER_SWAPPED.big_endian_pulse
    assert BEURER_SWAPPED.big_endian_status
    assert BEURER_SWAPPED.unflagged_user_id
    assert BEURER_SWAPPED.marker_flag == 0x40
    assert "§2.3" in BEURER_SWAPPED.source


def test_quirk_keys_are_unique_and_sourced() -> None:
    assert len({q.key for q in QUIRKS}) == len(QUIRKS)
    assert all(q.models and q.source for q in QUIRKS)


@pytest.mark.parametrize(
    "name",
    [
        "BM85",
        "bm85",
        "Beurer BM85",
        "BM 85",
        "BM-85",
        "BM_59",
        "BM48/1",  # derdilla issue #566's name for the BM48
        "ELITE900",
        "Elite 900",
    ],
)
def test_listed_names_select_the_quirk(name: str) -> None:
    assert quirk_for_name(name) is BEURER_SWAPPED


@pytest.mark.parametrize(
    "name", [None, "", "BM850", "BM8", "BM64", "1BM85", "ELITE9000", "A&D_UA-651BLE_D57B3F"]
)
def test_other_names_do_not(name: str | None) -> None:
    assert quirk_for_name(name) is None


@pytest.mark.parametrize(
    ("flags", "spare", "expected"),
    [
        (0x56, 1, BEURER_SWAPPED),  # the BM85 shape
        (0x40, 1, BEURER_SWAPPED),  # the marker bit is what counts, not 0x16
        (0x56, 0, None),  # no unflagged user byte
        (0x56, 2, None),
        (0x5E, 1, None),  # user ID already flagged: the byte is unexplained
        (0x16, 1, None),  # no marker bit
        (0xFE, 1, None),  # flutter_blue #687: marker and user flag both set
    ],
)
def test_shape_selects_the_quirk(flags: int, spare: int, expected: object) -> None:
    assert quirk_for_shape(flags, spare) is expected


def test_name_wins_over_shape() -> None:
    assert select_quirk(0x16, 0, "BM59") is BEURER_SWAPPED
    assert select_quirk(0x56, 1, "some other cuff") is BEURER_SWAPPED
    assert select_quirk(0x16, 0, "some other cuff") is None


@pytest.mark.parametrize("frame", BEURER_FRAMES)
def test_real_beurer_frames_have_the_shape(frame: bytes) -> None:
    assert (frame[0], len(frame)) == (0x56, 19)
    assert select_quirk(frame[0], 1, None) is BEURER_SWAPPED


def test_why_the_quirk_exists() -> None:
    # §2.3: decoded by the spec (pulse little-endian at 14, status at 16
    # because the user-ID flag is clear), BM85 frames give an absurd pulse
    # and, for the second user, a false "body movement".
    frame = bps.REAL_BEURER_BM85_USER1
    assert read_sfloat(bps.REAL_BEURER_BM85_USER0, 14) == Decimal(-256000)
    spec_status = MeasurementStatus.from_raw(int.from_bytes(frame[16:18], "little"))
    assert spec_status.body_movement
