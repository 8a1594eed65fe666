"""Blood pressure: the NG136 repeat-reading rule and the clinic BP categories.

Theory of operation. The shell takes cuff readings one at a time. After each
one it calls `next_bp_step` to learn whether NG136 wants another reading
(clinical.md §1.3, §9 B1-B2). When it stops, `score_blood_pressure` picks the
recorded clinic BP from the readings (B1-B3), classifies it (§1.4, B5) and
sets the flags the result pages act on (§1.2, §1.5, §1.6, B4, B6, B7).

Nothing here is a diagnosis: NG136 confirms hypertension only by ABPM/HBPM
(§1.4), so the categories are "in the ... range" codes for the web layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from kiosk_app.domain.answers import AboutYou, BloodPressureReading

# clinical.md §9 E1: adult bands apply from the 18th birthday.
ADULT_AGE: Final = 18

# clinical.md §1.4 and §9 B5 thresholds, mmHg. "≥" thresholds put a value
# that is exactly on the line into the higher band (B5).
_SEVERE: Final = (180, 120)  # NG136 stage 3 / severe
_STAGE_2: Final = (160, 100)  # NG136 stage 2
_STAGE_1: Final = (140, 90)  # NG136 stage 1; also the B1 repeat trigger
_LOW: Final = (90, 60)  # NHS website / BHF: below 90/60 is low
_IDEAL_TOP: Final = (120, 80)  # NHS website "ideal" is up to 120/80 inclusive

# clinical.md §9 B2: readings are "substantially different" when systolic
# differs by more than 10 mmHg (CPD module definition, §1.3 [S]).
_SUBSTANTIAL_SYSTOLIC_DIFF: Final = 10

# clinical.md §9 B2: only readings 1-3 are ever used.
_MAX_READINGS: Final = 3


class BpCategory(StrEnum):
    """Clinic BP category for one recorded reading (clinical.md §1.4)."""

    LOW = "low"
    NORMAL = "normal"
    HIGH_NORMAL = "high_normal"
    STAGE_1 = "stage_1"
    STAGE_2 = "stage_2"
    SEVERE = "severe"


class BpStep(StrEnum):
    """What the shell should do next in the reading sequence (§9 B1-B2)."""

    TAKE_READING_1 = "take_reading_1"
    TAKE_READING_2 = "take_reading_2"
    TAKE_READING_3 = "take_reading_3"
    COMPLETE = "complete"


@dataclass(frozen=True, slots=True)
class BloodPressureResult:
    # The whole reading recorded as the clinic BP; components never mixed (B3).
    recorded: BloodPressureReading
    # 1, 2 or 3: which reading in the sequence was recorded.
    recorded_reading_number: int
    # None when adult bands do not apply (under 18, clinical.md §9 E1).
    category: BpCategory | None
    adult_thresholds_apply: bool
    next_step: BpStep
    # A reading NG136 asks for is missing, so the category is provisional (B4).
    repeat_reading_required: bool
    offer_abpm: bool
    bp_severe_same_day_assessment: bool
    irregular_pulse_caution: bool
    # Pregnant: hypertension is managed under NG133, not NG136 (§1.6).
    pregnancy_pathway: bool
    # Pregnant and recorded BP at or above 140/90: signpost to the midwife or
    # maternity triage (§1.6).
    signpost_midwife: bool

    @property
    def provisional(self) -> bool:
        return self.repeat_reading_required


def classify_bp(systolic: int, diastolic: int) -> BpCategory:
    """Category of one clinic reading. A band applies if either number reaches it."""
    # clinical.md §9 B5 gives the precedence: severe > stage 2 > stage 1 > low
    # > high-normal > normal. So 150/55 is stage 1, not low.
    if systolic >= _SEVERE[0] or diastolic >= _SEVERE[1]:
        return BpCategory.SEVERE
    if systolic >= _STAGE_2[0] or diastolic >= _STAGE_2[1]:
        return BpCategory.STAGE_2
    if _at_or_above_stage_1(systolic, diastolic):
        return BpCategory.STAGE_1
    if systolic < _LOW[0] or diastolic < _LOW[1]:  # §1.4, B5: low is below 90/60
        return BpCategory.LOW
    if systolic > _IDEAL_TOP[0] or diastolic > _IDEAL_TOP[1]:  # B5: 120/80 is normal
        return BpCategory.HIGH_NORMAL
    return BpCategory.NORMAL


def _at_or_above_stage_1(systolic: int, diastolic: int) -> bool:
    # clinical.md §1.3 / §9 B1: "below 140/90" means systolic <140 AND
    # diastolic <90, so either number reaching its threshold counts.
    return systolic >= _STAGE_1[0] or diastolic >= _STAGE_1[1]


@dataclass(frozen=True, slots=True)
class _Selection:
    recorded: BloodPressureReading
    number: int
    next_step: BpStep


def _lower(
    a: tuple[int, BloodPressureReading], b: tuple[int, BloodPressureReading]
) -> tuple[int, BloodPressureReading]:
    # clinical.md §9 B3: "lower" is the whole reading with the lower systolic;
    # on a systolic tie, the one with the lower diastolic. On a full tie the
    # earlier reading is kept, which changes nothing that is scored.
    key_a = (a[1].systolic, a[1].diastolic)
    key_b = (b[1].systolic, b[1].diastolic)
    return b if key_b < key_a else a


def _select(readings: Sequence[BloodPressureReading]) -> _Selection | None:
    used = list(enumerate(readings[:_MAX_READINGS], start=1))  # §9 B2
    if not used:
        return None
    first = used[0]
    # clinical.md §9 B1: a first reading below 140/90 is the clinic BP.
    if not _at_or_above_stage_1(first[1].systolic, first[1].diastolic):
        return _Selection(first[1], 1, BpStep.COMPLETE)
    if len(used) == 1:
        # §9 B4: reading 2 is missing; reading 1 stands provisionally.
        return _Selection(first[1], 1, BpStep.TAKE_READING_2)
    second = used[1]
    if abs(second[1].systolic - first[1].systolic) <= _SUBSTANTIAL_SYSTOLIC_DIFF:
        # §9 B2: not substantially different; lower of 1 and 2, and a third
        # reading, if one was taken, is ignored.
        number, recorded = _lower(first, second)
        return _Selection(recorded, number, BpStep.COMPLETE)
    if len(used) == 2:
        # §9 B4 does not say which value is provisional while reading 3 is
        # missing. The final value will be the lower of readings 2 and 3,
        # which is never above reading 2, so reading 2 is the worst case;
        # B4 leans to safety, so a severe reading 2 raises the urgent flag
        # now. Needs clinical-safety review (DCB0129 hazard log).
        return _Selection(second[1], 2, BpStep.TAKE_READING_3)
    # §9 B2: substantially different, so the lower of readings 2 and 3.
    number, recorded = _lower(second, used[2])
    return _Selection(recorded, number, BpStep.COMPLETE)


def next_bp_step(readings: Sequence[BloodPressureReading]) -> BpStep:
    """The next step of the NG136 reading sequence given the readings so far."""
    selection = _select(readings)
    return BpStep.TAKE_READING_1 if selection is None else selection.next_step


def score_blood_pressure(
    readings: Sequence[BloodPressureReading], about: AboutYou
) -> BloodPressureResult | None:
    """Score a reading sequence; None when no reading was taken (not checked)."""
    selection = _select(readings)
    if selection is None:
        return None
    recorded = selection.recorded
    complete = selection.next_step is BpStep.COMPLETE
    adult = about.age >= ADULT_AGE  # §9 E1: no adult bands under 18
    category = classify_bp(recorded.systolic, recorded.diastolic) if adult else None
    pregnant = about.pregnant is True
    return BloodPressureResult(
        recorded=recorded,
        recorded_reading_number=selection.number,
        category=category,
        adult_thresholds_apply=adult,
        next_step=selection.next_step,
        repeat_reading_required=not complete,  # §9 B4
        # §9 B7 and B4: ABPM only for stage 1/2 once the sequence is
        # complete. §1.6: in pregnancy the pathway is NG133, not NG136 ABPM.
        offer_abpm=(
            complete and not pregnant and category in (BpCategory.STAGE_1, BpCategory.STAGE_2)
        ),
        # §1.5 urgent flag, on the recorded BP (B6), even when provisional (B4).
        bp_severe_same_day_assessment=category is BpCategory.SEVERE,
        # §1.2: the cuff may be inaccurate with an irregular pulse, which casts
        # doubt on every automated reading, so any flagged reading counts.
        irregular_pulse_caution=any(r.irregular_pulse for r in readings),
        pregnancy_pathway=pregnant,
        # §1.6: pregnant and 140/90 or higher -> midwife or maternity triage.
        signpost_midwife=(
            pregnant and adult and _at_or_above_stage_1(recorded.systolic, recorded.diastolic)
        ),
    )
