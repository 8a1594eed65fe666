"""Which advertisements are a cuff, and the connect backoff (ble/reading_filter.py)."""

from __future__ import annotations

import pytest
from bleak.backends.device import BLEDevice

from device_drivers.ble.gatt_client import BLOOD_PRESSURE_SERVICE
from device_drivers.ble.reading_filter import backoff_for, is_bp_cuff
from tests.device_drivers.ble_sim.fake_cuff import ADDRESS, advertisement


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [backoff_for(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert backoff_for(3, base_s=0.1, cap_s=0.25) == 0.25
    with pytest.raises(ValueError, match="from 1"):
        backoff_for(0)


@pytest.mark.parametrize(
    ("name", "uuids", "address", "expected"),
    [
        (None, [BLOOD_PRESSURE_SERVICE], None, True),
        ("BLESmart_00000480ABCDEF", [], None, True),
        ("A&D_UA-651BLE_1A2B3C", [], None, True),
        ("BM85", [], None, True),
        ("Somebody's Earbuds", ["0000180f-0000-1000-8000-00805f9b34fb"], None, False),
        (None, [BLOOD_PRESSURE_SERVICE], "aa:bb:cc:00:11:22", True),
        (None, [BLOOD_PRESSURE_SERVICE], "11:22:33:44:55:66", False),
    ],
)
def test_which_advertisements_are_a_cuff(
    name: str | None, uuids: list[str], address: str | None, expected: bool
) -> None:
    device = BLEDevice(ADDRESS, name, details=None)
    assert is_bp_cuff(device, advertisement(name, uuids), address=address) is expected


@pytest.mark.parametrize(
    ("advertised", "expected"),
    [
        ("BLESmart_0000048012AB", True),
        ("BLESmart_0000048099FF", False),  # the same model, another cuff
        (None, False),
    ],
)
def test_a_cuff_pinned_by_name_is_that_one_only(advertised: str | None, expected: bool) -> None:
    device = BLEDevice(ADDRESS, advertised, details=None)
    matched = is_bp_cuff(
        device, advertisement(advertised, [BLOOD_PRESSURE_SERVICE]), name="BLESmart_0000048012AB"
    )
    assert matched is expected
