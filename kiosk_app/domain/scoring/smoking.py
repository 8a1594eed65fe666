"""Smoking: the smoking flag and the QRISK3 smoking category (clinical.md §5).

Vaping is recorded separately from tobacco (§5.2); a person who vapes but
does not smoke tobacco is not a current smoker, a dual user is (§9 S1).
The QRISK3 category is only an input code (§5.2 table); the app does not
compute a QRISK3 score (§7).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from kiosk_app.domain.answers import SmokingAnswers, SmokingStatus, VapingStatus

# clinical.md §5.2 QRISK3 table: light <10 a day, moderate 10-19, heavy 20+.
_MODERATE_FROM: Final = 10
_HEAVY_FROM: Final = 20


class QriskSmoking(IntEnum):
    """QRISK3 smoking category codes (clinical.md §5.2)."""

    NON_SMOKER = 0
    EX_SMOKER = 1
    LIGHT = 2
    MODERATE = 3
    HEAVY = 4


@dataclass(frozen=True, slots=True)
class SmokingResult:
    status: SmokingStatus
    # clinical.md §9 S1: current tobacco smoker, vaping or not.
    smoking_flag: bool
    # None for a current smoker whose cigarettes per day were not given.
    qrisk_smoking_category: QriskSmoking | None
    cigarettes_per_day: int | None
    other_tobacco: bool
    vaping: VapingStatus | None
    current_vaper: bool

    @property
    def dual_user(self) -> bool:
        return self.smoking_flag and self.current_vaper


def qrisk_smoking_category(answers: SmokingAnswers) -> QriskSmoking | None:
    """clinical.md §9 S2: QRISK3 smoking category from status and cigarettes a day."""
    if answers.status is SmokingStatus.NEVER:
        return QriskSmoking.NON_SMOKER
    if answers.status is SmokingStatus.EX:
        return QriskSmoking.EX_SMOKER
    per_day = answers.cigarettes_per_day
    if per_day is None:
        return None
    if per_day < 0:
        raise ValueError(f"cigarettes_per_day must not be negative, got {per_day}")
    if per_day >= _HEAVY_FROM:
        return QriskSmoking.HEAVY
    if per_day >= _MODERATE_FROM:
        return QriskSmoking.MODERATE
    return QriskSmoking.LIGHT


def score_smoking(answers: SmokingAnswers) -> SmokingResult:
    current = answers.status is SmokingStatus.CURRENT
    return SmokingResult(
        status=answers.status,
        smoking_flag=current,  # §9 S1: tobacco status only; vaping never sets it
        qrisk_smoking_category=qrisk_smoking_category(answers),
        # §5.2: cigarettes per day are recorded for current smokers only.
        cigarettes_per_day=answers.cigarettes_per_day if current else None,
        other_tobacco=answers.other_tobacco,
        vaping=answers.vaping,
        current_vaper=answers.vaping is VapingStatus.CURRENT,  # §5.2, separate field
    )
