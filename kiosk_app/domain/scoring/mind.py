"""Healthy mind: PHQ-4 (GAD-2 + PHQ-2) and the self-harm safeguarding answer.

clinical.md §4.1 gives the scoring (Kroenke et al. 2009) and §9 M1 the app's
cut-offs. A high score is never an urgent flag (§4.3, M2): only a disclosure
of self-harm thoughts raises the crisis signpost.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from kiosk_app.domain.answers import AboutYou, MindAnswers, Phq4Answers
from kiosk_app.domain.scoring.blood_pressure import ADULT_AGE

# clinical.md §4.1: each item scores 0 (not at all) to 3 (nearly every day).
MAX_ITEM_POINTS: Final = 3
# clinical.md §4.1 / §9 M1: each 2-item subscale is positive at 3 or more.
_SUBSCALE_POSITIVE_FROM: Final = 3


class Phq4Band(StrEnum):
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


# clinical.md §4.1 / §9 M1 bands 0-2 / 3-5 / 6-8 / 9-12, highest first.
_BANDS: Final = (
    (9, Phq4Band.SEVERE),
    (6, Phq4Band.MODERATE),
    (3, Phq4Band.MILD),
    (0, Phq4Band.NONE),
)


@dataclass(frozen=True, slots=True)
class Phq4Score:
    gad2: int
    phq2: int
    total: int
    # None, and both subscales negative, under 18 (clinical.md §9 E1).
    band: Phq4Band | None
    gad2_positive: bool
    phq2_positive: bool

    @property
    def any_positive(self) -> bool:
        # §4.1: a positive subscale leads to a fuller assessment (PHQ-9 /
        # GAD-7), the GP, or NHS Talking Therapies self-referral.
        return self.gad2_positive or self.phq2_positive


@dataclass(frozen=True, slots=True)
class MindResult:
    # None when the PHQ-4 was skipped.
    phq4: Phq4Score | None
    adult_thresholds_apply: bool
    # clinical.md §4.3, §9 M2: disclosure of self-harm thoughts.
    mental_health_crisis_signpost: bool


def _item(value: int) -> int:
    if isinstance(value, bool) or not 0 <= value <= MAX_ITEM_POINTS:
        raise ValueError(f"PHQ-4 items must be 0-{MAX_ITEM_POINTS}, got {value!r}")
    return int(value)


def band_for(total: int) -> Phq4Band:
    """clinical.md §9 M1 band of a PHQ-4 total."""
    for lowest, band in _BANDS:
        if total >= lowest:
            return band
    raise ValueError(f"PHQ-4 total must be 0-12, got {total}")


def score_phq4(answers: Phq4Answers, *, adult: bool = True) -> Phq4Score:
    # clinical.md §4.1: GAD-2 is items 1+2, PHQ-2 items 3+4.
    gad2 = _item(answers.nervous) + _item(answers.worrying)
    phq2 = _item(answers.little_interest) + _item(answers.feeling_down)
    total = gad2 + phq2
    return Phq4Score(
        gad2=gad2,
        phq2=phq2,
        total=total,
        band=band_for(total) if adult else None,  # §9 E1
        gad2_positive=adult and gad2 >= _SUBSCALE_POSITIVE_FROM,  # §9 M1
        phq2_positive=adult and phq2 >= _SUBSCALE_POSITIVE_FROM,  # §9 M1
    )


def score_mind(answers: MindAnswers, about: AboutYou) -> MindResult | None:
    """Score the mind section; None when nothing in it was answered."""
    if answers.phq4 is None and answers.self_harm_thoughts is None:
        return None
    adult = about.age >= ADULT_AGE  # §9 E1
    return MindResult(
        phq4=None if answers.phq4 is None else score_phq4(answers.phq4, adult=adult),
        adult_thresholds_apply=adult,
        # §9 M2: only a disclosure raises it, at any age (§4.3: NHS 111
        # option 2 is for all ages). A declined answer (None) is not one.
        mental_health_crisis_signpost=answers.self_harm_thoughts is True,
    )
