"""Known vendor deviations from the 0x2A35 layout, as data.

A quirk is chosen per frame, never globally: by the advertised device name
when the model is on a list, or by a frame shape that only the quirky
devices produce. The parser then decodes the frame with the quirk's rules
and records which quirk it used, so a stored reading can always be traced
back to how it was decoded.

Only one quirk is known so far (bp-devices.md §2.3). Adding one means adding
a ``FrameQuirk`` to ``QUIRKS`` plus a captured vector with its provenance in
tests/device_drivers/vectors/bps.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from device_drivers.ble.gatt_values import BpsFlags

# Flags bit 6 is reserved for future use (bp-devices.md §1.3); Beurer sets it.
FLAG_RESERVED_BIT_6 = 0x40


@dataclass(frozen=True, slots=True)
class FrameQuirk:
    """How one family of devices bends the 0x2A35/0x2A36 layout."""

    key: str  # stable id, stored with readings decoded under this quirk
    vendor: str
    models: tuple[str, ...]  # model names as advertised, e.g. "BM85"
    big_endian_pulse: bool  # pulse-rate SFLOAT sent high byte first
    big_endian_status: bool  # measurement-status uint16 sent high byte first
    # A user-ID byte follows the pulse although flags bit 3 says "absent".
    # Honoured only when the frame really has that one extra byte, so a
    # listed model that sends spec-conformant frames still decodes.
    unflagged_user_id: bool
    # A flags bit the spec reserves, which these devices set; together with
    # the extra byte it identifies the layout when the name is unknown.
    marker_flag: int
    source: str


# bp-devices.md §2.3 (derdilla/blood-pressure-monitor-fl PR #735 and #737,
# tested on a BM85 only). Beurer's own app applies the byte swap to BM48,
# BM59, BM85 and ELITE900 by name; a second public write-up of that app
# (the "medical_ble_toolkit" device matrix) lists the same four models with
# a pulse byte-swap flag. Only the BM85 is confirmed. BM85 frames are 19
# bytes with flags 0x56 (bit 6 set, user-ID bit clear), MAP 0x0000, then a
# big-endian pulse, a user-ID byte and a big-endian status. Undone by
# reading pulse and status big-endian and taking the extra byte as the user
# ID. Decoded by the spec instead, pulse 00 3F becomes -256000 and the user
# byte 01 becomes "body movement".
BEURER_SWAPPED = FrameQuirk(
    key="beurer-swapped-pulse-status",
    vendor="Beurer",
    models=("BM48", "BM59", "BM85", "ELITE900"),
    big_endian_pulse=True,
    big_endian_status=True,
    unflagged_user_id=True,
    marker_flag=FLAG_RESERVED_BIT_6,
    source="bp-devices.md §2.3; derdilla/blood-pressure-monitor-fl PR #735, #737",
)

QUIRKS: tuple[FrameQuirk, ...] = (BEURER_SWAPPED,)


def _model_pattern(model: str) -> re.Pattern[str]:
    # Advertised names vary in case and spacing ("BM85", "Beurer BM 85",
    # "BM48/1"), so allow one separator between the letters and the digits,
    # but never a further digit either side: BM85 must not match BM850.
    parts = re.fullmatch(r"([A-Z]+)([0-9]+)", model)
    if parts is None:
        raise ValueError(f"model names are letters then digits, not {model!r}")
    letters, digits = parts.groups()
    return re.compile(rf"(?<![0-9]){letters}[ _-]?{digits}(?![0-9])", re.IGNORECASE)


_PATTERNS: tuple[tuple[FrameQuirk, tuple[re.Pattern[str], ...]], ...] = tuple(
    (quirk, tuple(_model_pattern(m) for m in quirk.models)) for quirk in QUIRKS
)


def quirk_for_name(device_name: str | None) -> FrameQuirk | None:
    """The quirk whose model list matches ``device_name``, if any."""
    if not device_name:
        return None
    for quirk, patterns in _PATTERNS:
        if any(p.search(device_name) for p in patterns):
            return quirk
    return None


def quirk_for_shape(flags: int, spare_bytes: int) -> FrameQuirk | None:
    """The quirk whose frame shape this is, for devices not on a name list.

    The shape is specific: the quirk's reserved marker bit set, the user-ID
    bit clear, and exactly one byte more than the flags promise
    (``spare_bytes == 1``: the unflagged user ID). Any other surplus stays a
    FrameError in the parser.
    """
    for quirk in QUIRKS:
        if (
            quirk.unflagged_user_id
            and flags & quirk.marker_flag
            and not flags & BpsFlags.USER_ID
            and spare_bytes == 1
        ):
            return quirk
    return None


def select_quirk(flags: int, spare_bytes: int, device_name: str | None) -> FrameQuirk | None:
    """Name first (a deliberate list), then shape (a strong heuristic).

    ``spare_bytes`` is the frame length minus what the flags promise.
    """
    return quirk_for_name(device_name) or quirk_for_shape(flags, spare_bytes)
