"""The pure clock byte builders (device_drivers/ble/clock.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from device_drivers.ble.clock import (
    CURRENT_TIME_LENGTH,
    DATE_TIME_LENGTH,
    AdjustReason,
    current_time_bytes,
    date_time_bytes,
)


def test_date_time_matches_the_a_and_d_documentation_example() -> None:
    # bp-devices.md §1.5: 2013-08-26 09:10:20 → DD 07 08 1A 09 0A 14.
    assert date_time_bytes(datetime(2013, 8, 26, 9, 10, 20)) == bytes.fromhex("DD07081A090A14")


def test_current_time_appends_weekday_fractions_and_adjust_reason() -> None:
    # 2026-03-01 is a Sunday (7); half a second is 128/256.
    value = current_time_bytes(datetime(2026, 3, 1, 23, 59, 58, 500_000))
    assert value == bytes.fromhex("EA07 03 01 17 3B 3A 07 80 01")


def test_current_time_monday_is_one_and_adjust_reason_is_kept() -> None:
    value = current_time_bytes(
        datetime(2025, 11, 24, 0, 0, 0),
        AdjustReason.EXTERNAL_REFERENCE_TIME_UPDATE | AdjustReason.TIME_ZONE_CHANGE,
    )
    assert value[7] == 1
    assert value[8] == 0
    assert value[9] == 0x06


def test_wall_clock_fields_of_an_aware_time_are_written_as_given() -> None:
    aware = datetime(2025, 6, 1, 12, 30, 0, tzinfo=UTC)
    assert date_time_bytes(aware) == date_time_bytes(aware.replace(tzinfo=None))


@pytest.mark.parametrize("year", [1, 1581])
def test_years_outside_the_field_range_are_refused(year: int) -> None:
    with pytest.raises(ValueError, match="year"):
        date_time_bytes(datetime(year, 1, 1))


@given(st.datetimes(min_value=datetime(1582, 1, 1), max_value=datetime(9999, 12, 31)))
def test_every_field_round_trips(now: datetime) -> None:
    value = current_time_bytes(now)
    assert len(value) == CURRENT_TIME_LENGTH
    assert value[:DATE_TIME_LENGTH] == date_time_bytes(now)
    assert int.from_bytes(value[0:2], "little") == now.year
    assert tuple(value[2:7]) == (now.month, now.day, now.hour, now.minute, now.second)
    assert value[7] == now.isoweekday()
    # Fractions256 never overflows a byte and is monotonic in microseconds.
    assert value[8] == now.microsecond * 256 // 1_000_000 <= 255
