"""Physiological plausibility: the one set of limits every driver applies.

A reading outside these limits cannot be a real person's: the device stored
an error as numbers (derdilla #80 shows cuffs storing 2047 mmHg), or the
frame was misread. Such a reading is refused with ``ImplausibleReadingError``
and never stored. These limits judge decoding, not anyone's health: the
clinical bands live in kiosk_app/domain.
"""

from __future__ import annotations

from typing import Final

from device_drivers.errors import ImplausibleReadingError

# bp-devices.md §2.2: "reject a record unless sys and dia are finite and
# plausible (e.g. 40-300 / 20-200 mmHg, sys > dia)". Inclusive, whole mmHg.
SYSTOLIC_MIN_MMHG: Final = 40
SYSTOLIC_MAX_MMHG: Final = 300
DIASTOLIC_MIN_MMHG: Final = 20
DIASTOLIC_MAX_MMHG: Final = 200
# No source gives a pulse limit. These engineering bounds only catch
# misread fields (the -256000 bpm of bp-devices.md §2.3); no resting adult is
# outside them. To be confirmed clinically.
PULSE_MIN_BPM: Final = 20
PULSE_MAX_BPM: Final = 250


def check_blood_pressure(
    systolic: int, diastolic: int, pulse: int | None = None, *, mean_arterial: int | None = None
) -> None:
    """Raise ImplausibleReadingError for a reading no person can have.

    A mean arterial pressure, where sent, must lie between diastolic and
    systolic: it is a weighted average of the two, so a mean outside them
    means the fields were read in the wrong order or are corrupt.
    """
    if not SYSTOLIC_MIN_MMHG <= systolic <= SYSTOLIC_MAX_MMHG:
        raise ImplausibleReadingError(
            f"systolic {systolic} mmHg outside {SYSTOLIC_MIN_MMHG}-{SYSTOLIC_MAX_MMHG}"
        )
    if not DIASTOLIC_MIN_MMHG <= diastolic <= DIASTOLIC_MAX_MMHG:
        raise ImplausibleReadingError(
            f"diastolic {diastolic} mmHg outside {DIASTOLIC_MIN_MMHG}-{DIASTOLIC_MAX_MMHG}"
        )
    if systolic <= diastolic:
        raise ImplausibleReadingError(f"systolic {systolic} not above diastolic {diastolic}")
    if pulse is not None and not PULSE_MIN_BPM <= pulse <= PULSE_MAX_BPM:
        raise ImplausibleReadingError(f"pulse {pulse}/min outside {PULSE_MIN_BPM}-{PULSE_MAX_BPM}")
    if mean_arterial is not None and not diastolic <= mean_arterial <= systolic:
        raise ImplausibleReadingError(f"mean {mean_arterial} not within {diastolic}-{systolic}")
