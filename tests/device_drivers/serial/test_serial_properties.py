"""Properties over arbitrary bytes: nothing a serial line sends can crash us.

* The packetizer never raises, keeps its buffer bounded, and gives the same
  frames and counts however the same bytes are split into reads.
* Every frame it gives back decodes.
* ``parse`` of any bytes returns a record or raises FrameError, nothing else;
  turning a record into an event raises at most ImplausibleReadingError.
* Real frames come through intact with garbage before, between and after.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from device_drivers.errors import FrameError, ImplausibleReadingError
from device_drivers.serial import omron_protocol, suntech_protocol, tanita_protocol
from device_drivers.serial.framing import FrameSpec, Packetizer
from tests.device_drivers.serial import vectors as v

Parse = Callable[[bytes], object]

# (framing, the module's parse, real frames for that framing)
CASES: dict[str, tuple[FrameSpec, Parse, list[bytes]]] = {
    "suntech": (
        suntech_protocol.FRAMING,
        suntech_protocol.parse,
        [
            v.SUNTECH_ACK_EXECUTED,
            v.SUNTECH_CUFF_PRESSURE_258,
            v.SUNTECH_BP_DATA_115_74,
            v.SYNTHETIC_SUNTECH_RETURN_STRING,
        ],
    ),
    "omron-line": (
        omron_protocol.LINE_FRAMING,
        omron_protocol.parse,
        [v.OMRON_MDI_LINE, v.SYNTHETIC_OMRON_LINE_SWAPPED],
    ),
    "omron-stx": (omron_protocol.STX_FRAMING, omron_protocol.parse, [v.OMRON_XIMPLIB_STX_RECORD]),
    "tanita-sc": (
        tanita_protocol.SC_FRAMING,
        tanita_protocol.parse,
        [v.TANITA_SC240_MANUAL_SAMPLE, v.SYNTHETIC_TANITA_WB3000],
    ),
    "tanita-bc418": (
        tanita_protocol.BC418_FRAMING,
        tanita_protocol.parse,
        [v.TANITA_BC418_XIMPLIB_LINE, v.TANITA_BC418_XIMPLIB_SIMULATED],
    ),
}
CASE_IDS = list(CASES)


def noisy_streams(spec: FrameSpec, frames: list[bytes]) -> st.SearchStrategy[bytes]:
    """Streams made of the pieces that trip framers up: random bytes, bare
    start and end markers, whole real frames, and cut-off pieces of them."""
    pieces = [spec.start, b"\r\n", b"\x03", b"\x00", b",CS,", *frames]
    fragments = st.sampled_from(frames).flatmap(
        lambda frame: st.tuples(st.integers(0, len(frame)), st.integers(0, len(frame))).map(
            lambda cut: frame[min(cut) : max(cut)]
        )
    )
    piece = st.one_of(st.binary(max_size=12), st.sampled_from(pieces), fragments)
    return st.lists(piece, max_size=24).map(b"".join)


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({cut % (len(data) + 1) for cut in cuts})
    return [data[a:b] for a, b in pairwise([0, *points, len(data)])]


@pytest.mark.parametrize("name", CASE_IDS)
@settings(deadline=None)
@given(data=st.data())
def test_any_chunking_gives_the_same_frames(name: str, data: st.DataObject) -> None:
    spec, parse, frames = CASES[name]
    stream = data.draw(noisy_streams(spec, frames), label="stream")
    cuts = data.draw(st.lists(st.integers(min_value=0)), label="cuts")

    whole = Packetizer(spec)
    expected = whole.feed(stream)
    chunked = Packetizer(spec)
    got: list[bytes] = []
    for chunk in split(stream, cuts):
        got += chunked.feed(chunk)
        assert chunked.buffered < spec.max_length

    assert got == expected
    state = (chunked.discarded_bytes, chunked.rejected_frames, chunked.buffered)
    assert state == (whole.discarded_bytes, whole.rejected_frames, whole.buffered)
    assert chunked.discarded_bytes + chunked.buffered + sum(map(len, got)) == len(stream)
    for frame in got:
        parse(frame)


@pytest.mark.parametrize("name", CASE_IDS)
@given(garbage=st.binary(max_size=300))
def test_pure_garbage_never_raises(name: str, garbage: bytes) -> None:
    spec, parse, _ = CASES[name]
    packetizer = Packetizer(spec)
    for frame in packetizer.feed(garbage):
        parse(frame)
    assert packetizer.buffered < spec.max_length


@pytest.mark.parametrize("name", CASE_IDS)
@given(data=st.data())
def test_real_frames_survive_garbage_around_them(name: str, data: st.DataObject) -> None:
    spec, _, frames = CASES[name]
    # Garbage without the marker's first byte can start no candidate frame.
    garbage = st.binary(max_size=40).filter(lambda chunk: spec.start[0] not in chunk)
    sent = data.draw(st.lists(st.sampled_from(frames), min_size=1, max_size=5), label="frames")
    fills = data.draw(st.lists(garbage, min_size=len(sent) + 1, max_size=len(sent) + 1))
    stream = fills[0] + b"".join(frame + fill for frame, fill in zip(sent, fills[1:], strict=True))
    packetizer = Packetizer(spec)
    assert packetizer.feed(stream) == sent
    assert packetizer.discarded_bytes == sum(map(len, fills))


@pytest.mark.parametrize("name", CASE_IDS)
@given(data=st.data())
def test_parse_raises_only_frame_error(name: str, data: st.DataObject) -> None:
    spec, parse, _frames = CASES[name]
    # Arbitrary bytes, and arbitrary bytes behind the start marker, so that
    # the decoder gets past its first check.
    raw = data.draw(st.binary(max_size=300) | st.binary(max_size=300).map(spec.start.__add__))
    with contextlib.suppress(FrameError):
        parse(raw)


@given(
    payload=st.binary(min_size=1, max_size=64),
    expecting=st.sampled_from(suntech_protocol.Command) | st.none(),
)
def test_suntech_any_well_formed_reply_decodes(
    payload: bytes, expecting: suntech_protocol.Command | None
) -> None:
    frame = bytes([0x3E, len(payload) + 3]) + payload
    frame += bytes([suntech_protocol.checksum(frame)])
    assert Packetizer(suntech_protocol.FRAMING).feed(frame) == [frame]
    reply = suntech_protocol.parse(frame, expecting=expecting)
    with contextlib.suppress(ImplausibleReadingError):
        suntech_protocol.to_event(reply)


@given(
    measured_at=st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)),
    record_id=st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters=","),
        min_size=20,
        max_size=20,
    ),
    numbers=st.lists(st.integers(0, 999), min_size=4, max_size=4),
    digit=st.integers(0, 9),
)
def test_omron_line_round_trip(
    measured_at: datetime, record_id: str, numbers: list[int], digit: int
) -> None:
    systolic, mean, diastolic, pulse = numbers
    line = (
        f"bp,{record_id},{measured_at:%Y/%m/%d,%H:%M},"
        f"{systolic:03},{mean:03},{diastolic:03},{pulse:03},{digit}\r\n"
    ).encode("ascii")
    record = omron_protocol.parse(line)
    assert record == omron_protocol.OmronRecord(
        measured_at=measured_at.replace(second=0, microsecond=0),
        systolic=systolic,
        diastolic=diastolic,
        pulse=pulse,
        mean_arterial=mean,
        record_id=record_id,
        status_digit=digit,
    )
    with contextlib.suppress(ImplausibleReadingError):
        omron_protocol.to_event(record)


@given(
    weight=st.decimals(min_value=0, max_value=999, places=1),
    height=st.decimals(min_value=0, max_value=999, places=1) | st.none(),
)
def test_tanita_sc_round_trip(weight: Decimal, height: Decimal | None) -> None:
    items = ["{0,16", '~0,1,MO,"HD-351BT"']
    if height is not None:
        items.append(f"Hm,{height}")
    items.append(f"Wk,{weight}")
    covered = (",".join(items) + ",").encode("ascii")
    line = covered + b"CS,%02X\r\n" % (sum(covered) & 0xFF)
    reading = tanita_protocol.parse(line)
    assert reading == tanita_protocol.ScaleReading(
        model="HD-351BT",
        weight_kg=weight,
        height_cm=height,
        bmi=None,
        body_fat_percent=None,
        tare_kg=None,
    )
    with contextlib.suppress(ImplausibleReadingError):
        tanita_protocol.check_plausible(reading)
