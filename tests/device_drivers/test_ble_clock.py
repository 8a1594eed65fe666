"""Clocks and time stamps: clock.py's bytes, the cuff's clock, which readings count.

The time-stamp rules are reading_filter.py's (§6 "Wrong device clock"): they
drop readings from before the check and de-duplicate a replayed memory.
Session tests drive the fake cuff of ble_sim/fake_cuff.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bleak.exc import BleakError
from hypothesis import given
from hypothesis import strategies as st

from device_drivers.ble.clock import (
    CURRENT_TIME_LENGTH,
    DATE_TIME_LENGTH,
    AdjustReason,
    current_time_bytes,
    date_time_bytes,
)
from device_drivers.ble.gatt_client import CURRENT_TIME, DATE_TIME
from device_drivers.ble.reading_filter import Stamp, stamp_reading
from device_drivers.ble.session import BleCuffConfig
from device_drivers.events import FailureReason
from tests.device_drivers.ble_sim.fake_cuff import (
    BPS_CHARACTERISTICS,
    CHECK_START,
    KIOSK_NOW,
    FakeClient,
    FakeCuff,
    Kiosk,
    failed,
    frame,
    kept_events,
    reading,
    sends,
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


# -- setting the cuff's clock ------------------------------------------------------


async def test_a_read_only_current_time_falls_back_to_writing_date_time() -> None:
    # CTS write support is optional (§1.8); the clock is then set through 0x2A08.
    cuff = FakeCuff(
        characteristics={
            **BPS_CHARACTERISTICS,
            CURRENT_TIME: ["read", "notify"],
            DATE_TIME: ["write"],
        },
        clock=KIOSK_NOW + timedelta(minutes=20),
        on_subscribed=sends(frame(126, 80, 66, KIOSK_NOW)),
    )
    kiosk = Kiosk(cuff)

    assert await kiosk.measure() == [reading(126, 80, 66)]
    assert cuff.ops("read") == [("read", CURRENT_TIME)]
    assert cuff.ops("write") == [("write", DATE_TIME, date_time_bytes(KIOSK_NOW))]
    assert kiosk.session.last_clock_offset == timedelta(minutes=20)


async def test_setting_the_clock_can_be_turned_off() -> None:
    cuff = FakeCuff(on_subscribed=sends(frame(126, 80, 66, KIOSK_NOW)))
    kiosk = Kiosk(cuff, BleCuffConfig(set_clock=False))

    assert await kiosk.measure() == [reading(126, 80, 66)]
    assert cuff.ops("write") == []


async def test_a_refused_clock_write_is_not_fatal() -> None:
    class StubbornClient(FakeClient):
        async def write_gatt_char(
            self, char_specifier: str, data: bytes, response: bool, /
        ) -> None:
            raise BleakError("ATT error 0x03: write not permitted")

    cuff = FakeCuff(on_subscribed=sends(frame(126, 80, 66, KIOSK_NOW)))
    kiosk = Kiosk(cuff, client_class=StubbornClient)

    assert await kiosk.measure() == [reading(126, 80, 66)]


# -- clocks and the start of the check -------------------------------------------------


async def test_a_wrong_device_clock_falls_back_to_receive_time() -> None:
    # Battery changed: the cuff's clock restarted at 2000-01-01 (§1.5, §6).
    device_now = datetime(2000, 1, 1, 0, 12, 0)
    taken = device_now - timedelta(seconds=40)  # just before it connected
    cuff = FakeCuff(
        clock=device_now,
        on_subscribed=sends(
            frame(150, 95, 80, device_now - timedelta(hours=3)),  # an old one: dropped
            frame(138, 89, 74, taken),
        ),
    )
    kiosk = Kiosk(cuff)

    assert await kiosk.measure(since=None) == [reading(138, 89, 74)]

    (kept,) = kiosk.session.last_readings
    assert kept.stamp == Stamp(
        recorded_at=KIOSK_NOW,  # the kiosk's receive time…
        device_time=taken,  # …with the device's time kept as metadata
        device_clock_trusted=False,
        estimated_at=KIOSK_NOW - timedelta(seconds=40),
    )
    assert kept.provenance.device_timestamp is not None
    assert kiosk.session.last_clock_offset == device_now - KIOSK_NOW
    # …and the clock was put right for next time.
    assert cuff.ops("write") == [("write", CURRENT_TIME, current_time_bytes(KIOSK_NOW))]


async def test_an_unreadable_wrong_clock_still_gives_a_reading_stamped_on_arrival() -> None:
    taken = datetime(2044, 6, 1, 8, 0, 0)  # a Visomat-style unset clock (§1.5)
    cuff = FakeCuff(
        characteristics={**BPS_CHARACTERISTICS, CURRENT_TIME: ["write"]},
        on_subscribed=sends(frame(119, 78, 61, taken)),
    )
    kiosk = Kiosk(cuff)

    assert await kiosk.measure() == [reading(119, 78, 61)]
    (kept,) = kiosk.session.last_readings
    assert (kept.stamp.recorded_at, kept.stamp.device_time) == (KIOSK_NOW, taken)
    assert not kept.stamp.device_clock_trusted
    assert cuff.ops("read") == []


async def test_readings_from_before_the_check_are_discarded() -> None:
    cuff = FakeCuff(
        on_subscribed=sends(
            frame(160, 100, 88, KIOSK_NOW - timedelta(days=1)),  # yesterday's resident
            frame(145, 93, 79, CHECK_START - timedelta(minutes=1)),  # just before this check
        )
    )
    kiosk = Kiosk(cuff)

    # Only old readings: the session keeps waiting for the resident's own, then gives up.
    assert await kiosk.measure() == [failed(FailureReason.TIMEOUT)]
    assert kiosk.session.last_readings == ()

    cuff.on_subscribed = sends(
        frame(160, 100, 88, KIOSK_NOW - timedelta(days=1)),
        frame(126, 81, 67, KIOSK_NOW - timedelta(seconds=30)),
    )
    assert await kiosk.measure() == [reading(126, 81, 67)]
    assert kept_events(kiosk) == [reading(126, 81, 67)]


async def test_by_default_the_check_starts_when_measure_is_called() -> None:
    before = frame(150, 90, 70, KIOSK_NOW - timedelta(minutes=2))
    kiosk = Kiosk(FakeCuff(on_subscribed=sends(before)))

    assert await kiosk.measure(since=None) == [failed(FailureReason.TIMEOUT)]


async def test_a_reading_without_a_time_stamp_counts_as_received_now() -> None:
    kiosk = Kiosk(FakeCuff(on_subscribed=sends(frame(117, 76, 58, None))))

    assert await kiosk.measure() == [reading(117, 76, 58)]
    (kept,) = kiosk.session.last_readings
    assert kept.stamp.recorded_at == KIOSK_NOW
    assert kept.stamp.device_time is None


# -- the stored-readings burst: one reading per time stamp and values -----------------


async def test_a_replayed_burst_is_de_duplicated_and_the_newest_reported() -> None:
    earlier = frame(140, 92, 77, KIOSK_NOW - timedelta(minutes=4))
    latest = frame(133, 86, 72, KIOSK_NOW - timedelta(seconds=20))
    # Interrupted and resent, as A&D's "send all data" may do (§3.2 inference).
    cuff = FakeCuff(on_subscribed=sends(earlier, latest, earlier, latest, latest))
    kiosk = Kiosk(cuff)

    assert await kiosk.measure() == [reading(133, 86, 72)]
    assert kept_events(kiosk) == [reading(140, 92, 77), reading(133, 86, 72)]

    # The next measurement: the cuff replays its memory again, then a new reading.
    kiosk.now = later = KIOSK_NOW + timedelta(minutes=3)
    cuff.on_subscribed = sends(earlier, latest, frame(129, 84, 70, later))

    assert await kiosk.measure() == [reading(129, 84, 70)]
    assert kept_events(kiosk) == [reading(129, 84, 70)]


async def test_identical_values_at_different_times_are_two_readings() -> None:
    first = frame(125, 80, 70, KIOSK_NOW - timedelta(minutes=2))
    second = frame(125, 80, 70, KIOSK_NOW)
    kiosk = Kiosk(FakeCuff(on_subscribed=sends(first, second)))

    await kiosk.measure()

    assert len(kiosk.session.last_readings) == 2


# -- stamping one reading (pure) ------------------------------------------------------


TOLERANCE = timedelta(minutes=5)
SINCE = KIOSK_NOW - timedelta(minutes=1)


@pytest.mark.parametrize(
    ("device_time", "offset", "expected"),
    [
        # No time stamp: counts as received now.
        (None, None, Stamp(KIOSK_NOW, None, False, KIOSK_NOW)),
        # Device clock agrees with ours: its time is used…
        (
            KIOSK_NOW - timedelta(seconds=30),
            timedelta(0),
            Stamp(
                KIOSK_NOW - timedelta(seconds=30),
                KIOSK_NOW - timedelta(seconds=30),
                True,
                KIOSK_NOW - timedelta(seconds=30),
            ),
        ),
        # …and a reading from before the check is dropped.
        (KIOSK_NOW - timedelta(minutes=3), None, None),
        # Clock was right at connect: a far-off reading is simply old.
        (KIOSK_NOW - timedelta(hours=2), timedelta(seconds=2), None),
        # Clock known 10 years slow: corrected, stamped on arrival, device time kept.
        (
            KIOSK_NOW - timedelta(days=3652, seconds=20),
            -timedelta(days=3652),
            Stamp(
                KIOSK_NOW,
                KIOSK_NOW - timedelta(days=3652, seconds=20),
                False,
                KIOSK_NOW - timedelta(seconds=20),
            ),
        ),
        # …and its corrected time can still predate the check.
        (KIOSK_NOW - timedelta(days=3652, hours=1), -timedelta(days=3652), None),
        # Clock unreadable and far off: kept, stamped on arrival (§6).
        (
            datetime(2000, 1, 1),
            None,
            Stamp(KIOSK_NOW, datetime(2000, 1, 1), False, datetime(2000, 1, 1)),
        ),
    ],
)
def test_stamp_reading(
    device_time: datetime | None, offset: timedelta | None, expected: Stamp | None
) -> None:
    stamp = stamp_reading(
        device_time, KIOSK_NOW, since=SINCE, clock_offset=offset, tolerance=TOLERANCE
    )
    assert stamp == expected
