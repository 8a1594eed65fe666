"""The packetizer against real streams: any chunking, garbage anywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest

from device_drivers.errors import FrameError
from device_drivers.serial import omron_protocol, suntech_protocol, tanita_protocol
from device_drivers.serial.framing import Delimited, FrameSpec, LengthPrefixed, Packetizer
from tests.device_drivers.serial import vectors as v

SUNTECH = suntech_protocol.FRAMING
OMRON_LINE = omron_protocol.LINE_FRAMING
OMRON_STX = omron_protocol.STX_FRAMING
TANITA_SC = tanita_protocol.SC_FRAMING
TANITA_BC418 = tanita_protocol.BC418_FRAMING

# One stream per framing: (spec, frames in the order a device sends them).
STREAMS: dict[str, tuple[FrameSpec, list[bytes]]] = {
    "suntech": (
        SUNTECH,
        [
            v.SYNTHETIC_SUNTECH_ACK_RECEIVED,
            v.SUNTECH_CUFF_PRESSURE_258,
            v.SUNTECH_ACK_EXECUTED,
            v.SUNTECH_BP_DATA_115_74,
            v.SYNTHETIC_SUNTECH_RETURN_STRING,
        ],
    ),
    "omron-line": (OMRON_LINE, [v.OMRON_MDI_LINE, v.SYNTHETIC_OMRON_LINE_ZEROS]),
    "omron-stx": (OMRON_STX, [v.OMRON_XIMPLIB_STX_RECORD, v.OMRON_XIMPLIB_STX_RECORD]),
    "tanita-sc": (TANITA_SC, [v.TANITA_SC240_MANUAL_SAMPLE, v.SYNTHETIC_TANITA_WB3000]),
    "tanita-bc418": (
        TANITA_BC418,
        [v.TANITA_BC418_XIMPLIB_LINE, v.TANITA_BC418_XIMPLIB_SIMULATED],
    ),
}
STREAM_IDS = list(STREAMS)

# Bytes that contain no start marker of any framing above.
GARBAGE = b"\x00\xff\r\n\x7fnoise at 9600 baud\r\n\x01"


def feed(spec: FrameSpec, chunks: Sequence[bytes]) -> tuple[list[bytes], Packetizer]:
    packetizer = Packetizer(spec)
    frames = [frame for chunk in chunks for frame in packetizer.feed(chunk)]
    return frames, packetizer


def chunkings(stream: bytes) -> Iterator[list[bytes]]:
    """Whole, one byte at a time, and split in two at every offset."""
    yield [stream]
    yield [stream[i : i + 1] for i in range(len(stream))]
    for cut in range(1, len(stream)):
        yield [stream[:cut], stream[cut:]]


@pytest.mark.parametrize("name", STREAM_IDS)
def test_every_chunking_yields_the_frames(name: str) -> None:
    spec, frames = STREAMS[name]
    stream = b"".join(frames)
    for chunks in chunkings(stream):
        got, packetizer = feed(spec, chunks)
        assert got == frames
        assert (packetizer.discarded_bytes, packetizer.buffered) == (0, 0)


@pytest.mark.parametrize("name", STREAM_IDS)
def test_garbage_before_and_between_frames_is_counted_and_dropped(name: str) -> None:
    spec, frames = STREAMS[name]
    stream = GARBAGE + GARBAGE.join(frames) + GARBAGE
    for chunks in chunkings(stream):
        got, packetizer = feed(spec, chunks)
        assert got == frames
        assert packetizer.discarded_bytes == len(GARBAGE) * (len(frames) + 1)


@pytest.mark.parametrize("name", STREAM_IDS)
def test_garbage_inside_a_frame_loses_only_that_frame(name: str) -> None:
    spec, frames = STREAMS[name]
    first, *rest = frames
    middle = len(first) // 2
    broken = first[:middle] + b"\x00\x00\x00" + first[middle:]
    for chunks in chunkings(broken + b"".join(rest)):
        got, packetizer = feed(spec, chunks)
        assert got == rest
        assert packetizer.rejected_frames >= 1


@pytest.mark.parametrize("name", STREAM_IDS)
def test_a_truncated_frame_then_a_whole_one(name: str) -> None:
    # A device reset mid-frame: the start of a frame, then the frame again.
    spec, frames = STREAMS[name]
    first = frames[0]
    got, packetizer = feed(spec, [first[: len(first) // 2] + first])
    assert got == [first]
    assert packetizer.discarded_bytes == len(first) // 2


def test_suntech_bad_checksum_is_skipped() -> None:
    stream = v.SUNTECH_CUFF_PRESSURE_BAD_CHECKSUM + v.SUNTECH_CUFF_PRESSURE_258
    for chunks in chunkings(stream):
        got, packetizer = feed(SUNTECH, chunks)
        assert got == [v.SUNTECH_CUFF_PRESSURE_258]
        assert packetizer.rejected_frames == 1
        assert packetizer.discarded_bytes == len(v.SUNTECH_CUFF_PRESSURE_BAD_CHECKSUM)


def test_suntech_impossible_length_is_skipped() -> None:
    got, packetizer = feed(SUNTECH, [v.SUNTECH_BAD_LENGTH + v.SUNTECH_ACK_EXECUTED])
    assert got == [v.SUNTECH_ACK_EXECUTED]
    assert packetizer.rejected_frames == 1


def test_suntech_stray_start_byte_delays_but_does_not_lose_frames() -> None:
    # A stray ">" whose "length" 0x40 reaches past the real replies: they
    # come out once 64 bytes have arrived and the candidate fails its checksum.
    replies = [v.SUNTECH_ACK_EXECUTED, v.SUNTECH_CUFF_PRESSURE_258, v.SUNTECH_BP_DATA_115_74]
    packetizer = Packetizer(SUNTECH)
    assert packetizer.feed(b">\x40" + b"".join(replies)) == []
    later = [v.SUNTECH_CUFF_PRESSURE_258] * 6
    assert packetizer.feed(b"".join(later)) == replies + later
    assert packetizer.discarded_bytes == 2


def test_tanita_sc_bad_checksum_is_skipped() -> None:
    bad = v.TANITA_SC240_MANUAL_SAMPLE.replace(b"CS,FD", b"CS,FE")
    got, packetizer = feed(TANITA_SC, [bad + v.SYNTHETIC_TANITA_WB3000])
    assert got == [v.SYNTHETIC_TANITA_WB3000]
    assert packetizer.rejected_frames == 1


def test_omron_stx_header_and_trailing_byte_are_garbage() -> None:
    # XiMPLib: a 6-byte header before STX and one unknown byte after ETX.
    record = v.OMRON_XIMPLIB_STX_HEADER + v.OMRON_XIMPLIB_STX_RECORD + b"\x00"
    got, packetizer = feed(OMRON_STX, [record * 2])
    assert got == [v.OMRON_XIMPLIB_STX_RECORD] * 2
    assert packetizer.discarded_bytes == 2 * 7


def test_bc418_command_echoes_are_not_records() -> None:
    # The BC-418 echoes host commands (obiba/onyx); they are not frames.
    stream = b"U0\r\nD1\r\n" + v.TANITA_BC418_XIMPLIB_LINE + b"G1\r\n"
    got, _ = feed(TANITA_BC418, [stream])
    assert got == [v.TANITA_BC418_XIMPLIB_LINE]


@pytest.mark.parametrize(
    ("spec", "flood"),
    [
        pytest.param(SUNTECH, b">\x43" * 5000, id="suntech-max-length-claims"),
        pytest.param(OMRON_LINE, b"bp," + b"9" * 10_000, id="omron-no-terminator"),
        pytest.param(TANITA_SC, b"{0," + b"1," * 10_000, id="tanita-no-terminator"),
        pytest.param(TANITA_BC418, b'"' * 10_000, id="bc418-quotes"),
        pytest.param(OMRON_STX, b"\x02" * 10_000, id="stx-only"),
    ],
)
def test_a_garbage_flood_cannot_grow_the_buffer(spec: FrameSpec, flood: bytes) -> None:
    packetizer = Packetizer(spec)
    for start in range(0, len(flood), 97):
        assert packetizer.feed(flood[start : start + 97]) == []
        assert packetizer.buffered < spec.max_length
    assert packetizer.discarded_bytes + packetizer.buffered == len(flood)


def test_a_split_start_marker_is_kept() -> None:
    packetizer = Packetizer(OMRON_LINE)
    assert packetizer.feed(b"noise b") == []
    assert packetizer.buffered == 1
    assert packetizer.feed(v.OMRON_MDI_LINE[1:]) == [v.OMRON_MDI_LINE]
    assert packetizer.discarded_bytes == len(b"noise ")


def test_length_prefixed_frame_length() -> None:
    spec = LengthPrefixed(start=b">", length_offset=1, min_length=4, max_length=8)
    assert spec.frame_length(b">") is None
    assert spec.frame_length(b">\x05\x00") is None
    assert spec.frame_length(b">\x05\x00\x00\x00\xff") == 5
    with pytest.raises(FrameError, match=r"outside 4\.\.8"):
        spec.frame_length(b">\x09")


def test_delimited_frame_length() -> None:
    spec = Delimited(start=b"<", end=b">", max_length=5)
    assert spec.frame_length(b"<ab") is None
    assert spec.frame_length(b"<abc>tail") == 5
    with pytest.raises(FrameError, match="within 5 bytes"):
        spec.frame_length(b"<abcd>")


@pytest.mark.parametrize(
    "make",
    [
        lambda: LengthPrefixed(start=b"", length_offset=1, min_length=4, max_length=8),
        lambda: LengthPrefixed(start=b">", length_offset=4, min_length=4, max_length=8),
        lambda: LengthPrefixed(start=b">", length_offset=1, min_length=9, max_length=8),
        lambda: Delimited(start=b"", end=b"\n", max_length=8),
        lambda: Delimited(start=b"<", end=b"", max_length=8),
        lambda: Delimited(start=b"<<", end=b">>", max_length=3),
    ],
)
def test_nonsense_specs_are_refused(make: Callable[[], FrameSpec]) -> None:
    with pytest.raises(ValueError, match=r"required|must|cannot"):
        make()
