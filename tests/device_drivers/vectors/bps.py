"""Blood Pressure Service test vectors: real captures, then synthetic ones.

Bytes are written field by field (``bytes.fromhex`` ignores the spaces), in
the order of docs/wire-format-bps.md: flags | sys | dia | MAP | timestamp |
pulse | user | status. SFLOATs are little-endian, so 124 mmHg is ``7c00``.

REAL_*  copied byte for byte from a public capture; the comment above each
        names the project, the file or thread, the device and what it
        decodes to. Facts only: no code came with them.
SYN_*   written here from the spec rules in bp-devices.md §1 to cover what
        no public capture shows (§2.6: no kPa, no 0x2A36, no unknown dates).
TRAP_*  synthetic frames aimed at a decoder bug from bp-devices.md §1.10.
"""

from __future__ import annotations

import base64

# ---------------------------------------------------------------------------
# Real 0x2A35 captures (bp-devices.md §2)
# ---------------------------------------------------------------------------

# §2.1. derdilla/blood-pressure-monitor-fl,
# app/test/features/bluetooth/logic/characteristics/ble_measurement_data_test.dart
# ("decodes sample data"), added in commit 7ad99de4 one day after its own
# timestamp, while issue #80 was active; the device is not named.
# Flags 0x16 = timestamp + pulse + status. Decodes to 124/86 mmHg, MAP 97,
# 2024-06-15 17:17:27, pulse 51, status 0x0000.
REAL_DERDILLA_NORMAL = bytes.fromhex("16 7c00 5600 6100 e807 06 0f 11 11 1b 3300 0000")

# §2.2. derdilla/blood-pressure-monitor-fl issue #80, comment by andreassch,
# 2024-06-23: the cuff showed "Err" after the wearer moved. Flags 0x16.
# sys/dia/MAP/pulse all NaN (0x07FF), 2024-06-23 14:35:10, status 0x0000:
# the movement is NOT in the status bits. The app of the time stored it as
# 2047/2047 (trap for §1.10 "special values decoded as 2047").
REAL_DERDILLA_ERR_MOVEMENT = bytes.fromhex("16 ff07 ff07 ff07 e807 06 17 0e 23 0a ff07 0000")

# §2.2. Same issue and comment: the cuff showed "Err CUF" (cuff too loose).
# Identical shape: all NaN, 2024-06-23 14:47:59, status 0x0000.
REAL_DERDILLA_ERR_CUFF = bytes.fromhex("16 ff07 ff07 ff07 e807 06 17 0e 2f 3b ff07 0000")

# §2.2. dotintent/react-native-ble-plx issue #694 (sniperyan, 2020-06-07),
# posted as base64 "HpwA/wf/B+MHCAkNGDX/BwAQAA=="; device not named.
# Flags 0x1E = timestamp + pulse + user + status. Systolic 156 but
# diastolic, MAP and pulse NaN; 2019-08-09 13:24:53; user 0; status 0x0010
# = pulse rate below the lower limit. A failed measurement, not a reading.
REAL_RNBLEPLX_SYSTOLIC_ONLY = base64.b64decode("HpwA/wf/B+MHCAkNGDX/BwAQAA==")

# §2.3. derdilla/blood-pressure-monitor-fl PR #735 (cmair, 2026-08-19),
# ble_measurement_data_test.dart ("decodes beurer sample data"), recorded
# from a Beurer BM85. 19 bytes, flags 0x56: reserved bit 6 set, user-ID bit
# clear, yet a user-ID byte follows the pulse; pulse and status big-endian,
# MAP 0x0000. With the quirk: 106/71 mmHg, no MAP, 2026-08-11 18:31:00,
# pulse 63 (00 3f), user 0, status 0x0000. By the spec the pulse would be
# 0x3F00 = -256000.
REAL_BEURER_BM85_USER0 = bytes.fromhex("56 6a00 4700 0000 ea07 08 0b 12 1f 00 003f 00 0000")

# §2.3. Same test file and device ("second user"): 113/73, 2026-08-11
# 20:56:00, pulse 65, user 1, status 0x0000. By the spec, the user byte 01
# would be read as status bit 0: a false "body movement".
REAL_BEURER_BM85_USER1 = bytes.fromhex("56 7100 4900 0000 ea07 08 0b 14 38 00 0041 01 0000")

# §2.3. Same test file and device ("second user with a high pulse"):
# 119/70, 2026-08-11 20:57:00, pulse 87, user 1, status 00 40 big-endian =
# 0x0040: reserved bit 6, no defined flag. Meaning unknown; kept in raw.
REAL_BEURER_BM85_USER1_STATUS_BIT6 = bytes.fromhex(
    "56 7700 4600 0000 ea07 08 0b 14 39 00 0057 01 0040"
)

# §2.3. derdilla/blood-pressure-monitor-fl PR #737 (cmair, 2026-08-19),
# "decodes the beurer status byte", recorded from a Beurer BM85: 118/80,
# 2026-08-11 20:27:00, pulse 60, user 0, status 00 04 big-endian = 0x0004,
# irregular pulse. Trap for §1.10 "status read as one byte": reading only
# the first status byte here misses the irregular pulse.
REAL_BEURER_BM85_IRREGULAR = bytes.fromhex("56 7600 5000 0000 ea07 08 0b 14 1b 00 003c 00 0004")

# §2.5. pauldemarco/flutter_blue issue #687 (prkay, 2020-09-24): 20 bytes
# said to come from 0x2A35 of an unnamed monitor. Flags 0xFE (reserved bits
# 5-7 set, user ID flagged) and one byte more than the flags promise, which
# fits no known layout. The reporter's own reading (117/85, MAP 95,
# 2020-09-24 16:09:58, pulse 105) starts 3 bytes in. Unknown framing:
# must be FrameError, never a reading.
REAL_FLUTTER_BLUE_UNKNOWN_FRAMING = bytes.fromhex(
    "fe 20 27 00 75 00 55 00 5f 00 e4 07 09 18 10 09 3a 69 00 01"
)

# §2.4 (QardioArm) and §2.6: no public byte capture exists; see the
# synthetic SYN_QARDIO_STYLE_INFLATING below.

REAL_CAPTURES: dict[str, bytes] = {
    "derdilla-normal": REAL_DERDILLA_NORMAL,
    "derdilla-err-movement": REAL_DERDILLA_ERR_MOVEMENT,
    "derdilla-err-cuff": REAL_DERDILLA_ERR_CUFF,
    "rnbleplx-systolic-only": REAL_RNBLEPLX_SYSTOLIC_ONLY,
    "beurer-bm85-user0": REAL_BEURER_BM85_USER0,
    "beurer-bm85-user1": REAL_BEURER_BM85_USER1,
    "beurer-bm85-user1-status-bit6": REAL_BEURER_BM85_USER1_STATUS_BIT6,
    "beurer-bm85-irregular": REAL_BEURER_BM85_IRREGULAR,
    "flutter-blue-unknown-framing": REAL_FLUTTER_BLUE_UNKNOWN_FRAMING,
}

# ---------------------------------------------------------------------------
# Synthetic 0x2A35: spec conformance (SYNTHETIC, not from any device)
# ---------------------------------------------------------------------------

# Flags 0x00, the 7-byte minimum: 120/80 mmHg, MAP 93.
SYN_MINIMAL_MMHG = bytes.fromhex("00 7800 5000 5d00")

# Flags 0x02. Systolic 128 as "80 00" and the Date Time "dd 07 08 1a 09 0a 14"
# = 2013-08-26 09:10:20 are the examples in A&D's UA-651BLE documentation
# (quoted in obniz/obniz src/parts/Ble/UA651BLE, §1.4/§1.5); dia 82, MAP 97
# are ours.
SYN_MMHG_TIMESTAMP = bytes.fromhex("02 8000 5200 6100 dd07 08 1a 09 0a 14")

# Flags 0x01 (kPa). 17.6 kPa as "b0 f0" is A&D's documented example; 11.2
# and 13.3 kPa are ours. 17.6 × 7.50062 = 132.01 -> 132; 84.01 -> 84;
# 99.76 -> 100. Also TRAP for §1.10: an inverted unit flag reads 17.6 mmHg,
# an unsigned exponent nibble reads 176 × 10^15.
SYN_KPA_AND_DOC = bytes.fromhex("01 b0f0 70f0 85f0")

# Flags 0x1F: kPa + every optional field. 16.0/10.7 kPa, MAP 12.5 kPa
# -> 120/80, MAP 94 (93.76); 2025-01-31 23:59:59; pulse 72 (always bpm,
# never kPa); user 2; status 0x0004 irregular pulse. 19 bytes, the maximum.
SYN_KPA_ALL_FIELDS = bytes.fromhex("1f a0f0 6bf0 7df0 e907 01 1f 17 3b 3b 4800 02 0400")

# Flags 0x02, year 0 = unknown with a valid month/day (the Nordic vectors'
# shape, §1.5): ????-06-15 17:17:27 -> year None, no datetime.
SYN_TIMESTAMP_UNKNOWN_YEAR = bytes.fromhex("02 7800 5000 5d00 0000 06 0f 11 11 1b")
# Every Date Time field zero: year, month and day unknown, 00:00:00.
SYN_TIMESTAMP_ALL_UNKNOWN = bytes.fromhex("02 7800 5000 5d00 0000 00 00 00 00 00")
# 2023-02-30: each field in range, the date impossible -> kept, no datetime.
SYN_TIMESTAMP_IMPOSSIBLE_DAY = bytes.fromhex("02 7800 5000 5d00 e707 02 1e 08 00 00")

# Flags 0x08, user 0xFF = "unknown user" (§1.2).
SYN_USER_UNKNOWN = bytes.fromhex("08 7800 5000 5d00 ff")

# Flags 0x10: one status bit at a time (§1.6). TRAP for derdilla PR #730
# (bits read one position too high; pulse-range mask broken by precedence).
SYN_STATUS_BODY_MOVEMENT = bytes.fromhex("10 7800 5000 5d00 0100")
SYN_STATUS_CUFF_LOOSE = bytes.fromhex("10 7800 5000 5d00 0200")
SYN_STATUS_IRREGULAR = bytes.fromhex("10 7800 5000 5d00 0400")
SYN_STATUS_PULSE_ABOVE = bytes.fromhex("10 7800 5000 5d00 0800")
SYN_STATUS_PULSE_BELOW = bytes.fromhex("10 7800 5000 5d00 1000")
SYN_STATUS_PULSE_RESERVED = bytes.fromhex("10 7800 5000 5d00 1800")
SYN_STATUS_POSITION = bytes.fromhex("10 7800 5000 5d00 2000")
SYN_STATUS_ALL_DEFINED = bytes.fromhex("10 7800 5000 5d00 3f00")
# Only the high status byte set (reserved bit 8): raw must be 0x0100.
# TRAP for §1.10 "status read as one byte", which would report 0x00.
SYN_STATUS_HIGH_BYTE_ONLY = bytes.fromhex("10 7800 5000 5d00 0001")

# Special values in single fields (§1.4): any special in sys or dia is a
# device failure; in MAP or pulse it only means "not given".
SYN_SYSTOLIC_NRES = bytes.fromhex("00 0008 5000 5d00")  # TRAP: NRes, not +INF
SYN_SYSTOLIC_NEGATIVE_INFINITY = bytes.fromhex("00 0208 5000 5d00")
SYN_SYSTOLIC_RESERVED = bytes.fromhex("00 0108 5000 5d00")
SYN_DIASTOLIC_POSITIVE_INFINITY = bytes.fromhex("00 7800 fe07 5d00")
SYN_MAP_AND_PULSE_NAN = bytes.fromhex("04 7800 5000 ff07 ff07")
# All NaN as in §2.2, but this cuff also sets status bit 0 (body movement).
SYN_NAN_WITH_MOVEMENT = bytes.fromhex("10 ff07 ff07 ff07 0100")

# Reserved flag bits 5-7 set, nothing else: ignored, frame still 7 bytes.
SYN_RESERVED_FLAGS = bytes.fromhex("e0 7800 5000 5d00")

# Length errors -> FrameError.
SYN_EMPTY = b""
SYN_TOO_SHORT = bytes.fromhex("00 7800 5000 5d")  # 6 bytes
SYN_MISSING_TIMESTAMP = bytes.fromhex("02 7800 5000 5d00")  # flags promise 14
SYN_MISSING_STATUS_BYTE = bytes.fromhex("10 7800 5000 5d00 00")
SYN_TRAILING_BYTE = bytes.fromhex("00 7800 5000 5d00 00")  # 8 bytes, no quirk
SYN_MARKER_TWO_SPARE = bytes.fromhex("40 7800 5000 5d00 0000")  # quirk shape needs 1
SYN_TIMESTAMP_BAD_MONTH = bytes.fromhex("02 7800 5000 5d00 e707 0d 01 00 00 00")
SYN_TIMESTAMP_BAD_YEAR = bytes.fromhex("02 7800 5000 5d00 2d06 01 01 00 00 00")  # 1581
SYN_TIMESTAMP_BAD_HOUR = bytes.fromhex("02 7800 5000 5d00 e707 01 01 18 00 00")  # 24

# Plausibility (bp-devices.md §2.2: 40-300 / 20-200 mmHg, sys > dia).
SYN_BOUNDS_LOW = bytes.fromhex("00 2800 1400 1b00")  # 40/20: accepted
SYN_BOUNDS_HIGH = bytes.fromhex("00 2c01 c800 e600")  # 300/200: accepted
SYN_SYSTOLIC_TOO_LOW = bytes.fromhex("00 2700 1400 1b00")  # 39/20
SYN_SYSTOLIC_TOO_HIGH = bytes.fromhex("00 2d01 5000 5d00")  # 301/80
SYN_DIASTOLIC_TOO_LOW = bytes.fromhex("00 6400 1300 5d00")  # 100/19
SYN_DIASTOLIC_TOO_HIGH = bytes.fromhex("00 fa00 c900 5d00")  # 250/201
SYN_SYSTOLIC_NOT_ABOVE = bytes.fromhex("00 5000 5000 5000")  # 80/80
SYN_PULSE_TOO_HIGH = bytes.fromhex("04 7800 5000 5d00 fb00")  # pulse 251 (limit 250)
# MAP 130 above systolic 120: a mean outside sys..dia means misread fields.
SYN_MAP_OUTSIDE = bytes.fromhex("00 7800 5000 8200")
# kPa bounds after rounding: 5.3 kPa = 39.75 -> 40, 2.7 kPa = 20.25 -> 20
# (accepted); 40.0 kPa = 300.02 -> 300 (accepted); 40.1 kPa = 300.78 -> 301.
SYN_KPA_BOUNDS_LOW = bytes.fromhex("01 35f0 1bf0 ff07")
SYN_KPA_BOUNDS_HIGH = bytes.fromhex("01 90f1 85f0 ff07")
SYN_KPA_SYSTOLIC_TOO_HIGH = bytes.fromhex("01 91f1 85f0 ff07")

# Modelled on §2.4's description (QardioArm streams partial frames with
# diastolic 0 while inflating); not a capture. Must not become a reading.
SYN_QARDIO_STYLE_INFLATING = bytes.fromhex("00 5000 0000 0000")

# Beurer quirk by name (quirks.py). Spec length (18 bytes, no marker bit)
# but pulse and status big-endian: 120/80, pulse 72 (00 48), irregular
# (00 04). Only decodes with a listed name; by the spec the pulse is
# 0x4800 = -2048 × 10^4 and the reading is rejected as implausible.
SYN_BEURER_NAMED_SPEC_LENGTH = bytes.fromhex("16 7800 5000 0000 ea07 08 0b 12 1f 00 0048 0004")
# The BM85 shape with the marker bit cleared (flags 0x16, 19 bytes): the
# spare user byte is accepted only when the name is on the list.
SYN_BEURER_NAMED_NO_MARKER = bytes.fromhex("16 7800 5000 0000 ea07 08 0b 12 1f 00 0048 01 0000")

# ---------------------------------------------------------------------------
# Traps for decoder bugs (bp-devices.md §1.10), SYNTHETIC
# ---------------------------------------------------------------------------

# RonanB96/bluetooth-sig-python's stored tests encode mmHg SFLOATs with a
# 0x80 high byte. 0x8078 is 120 × 10^-8 mmHg, not 120 -> implausible.
TRAP_SIGPY_0X80_HIGH_BYTE = bytes.fromhex("00 7880 5080 5d80")
# Exponent nibble 8 is -8, not a NaN marker: pulse 0x8048 = 72 × 10^-8,
# which rounds to 0 bpm -> implausible, not "pulse not given".
TRAP_EXPONENT_8_IS_NOT_NAN = bytes.fromhex("04 7800 5000 5d00 4880")

# ---------------------------------------------------------------------------
# Synthetic 0x2A36 Intermediate Cuff Pressure (no public capture, §2.6)
# ---------------------------------------------------------------------------

SYN_ICP_SPEC = bytes.fromhex("00 9600 ff07 ff07")  # 150 mmHg, dia/MAP NaN per spec
SYN_ICP_ZERO_FILLED = bytes.fromhex("00 6400 0000 0000")  # 100; 0x0000 as Nordic's vectors
SYN_ICP_KPA = bytes.fromhex("01 c8f0 ff07 ff07")  # 20.0 kPa -> 150 (150.01)
SYN_ICP_NAN = bytes.fromhex("00 ff07 ff07 ff07")  # no number -> None
SYN_ICP_WITH_STATUS = bytes.fromhex("10 0000 ff07 ff07 0000")  # 0 mmHg + status
SYN_ICP_TOO_HIGH = bytes.fromhex("00 5f01 ff07 ff07")  # 351 mmHg
SYN_ICP_NEGATIVE = bytes.fromhex("00 ff0f ff07 ff07")  # -1 mmHg
SYN_ICP_TOO_SHORT = bytes.fromhex("00 9600")

# ---------------------------------------------------------------------------
# Synthetic 0x2A49 Blood Pressure Feature
# ---------------------------------------------------------------------------

# 0x003F, all six §1.6 features: the value the bless peripheral served in
# the BlueZoo experiment (bp-devices.md §5.2), itself a test fixture.
SYN_FEATURE_ALL_SIX = bytes.fromhex("3f00")
SYN_FEATURE_NONE = bytes.fromhex("0000")
SYN_FEATURE_RESERVED_BITS = bytes.fromhex("c0ff")  # bits 6-15 only
SYN_FEATURE_TOO_SHORT = bytes.fromhex("3f")
SYN_FEATURE_TOO_LONG = bytes.fromhex("3f0000")
