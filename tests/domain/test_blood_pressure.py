"""Blood pressure scoring against clinical.md §1.3-§1.6 and §9 B1-B7, E1."""

from __future__ import annotations

import pytest

from kiosk_app.domain.answers import AboutYou, BloodPressureReading, Ethnicity, Sex
from kiosk_app.domain.scoring.blood_pressure import (
    BpCategory,
    BpStep,
    classify_bp,
    next_bp_step,
    score_blood_pressure,
)

ADULT = AboutYou(age=45, sex=Sex.MALE, ethnicity=Ethnicity.WHITE_BRITISH)
PREGNANT = AboutYou(age=30, sex=Sex.FEMALE, ethnicity=Ethnicity.BLACK_AFRICAN, pregnant=True)
UNDER_18 = AboutYou(age=17, sex=Sex.FEMALE, ethnicity=Ethnicity.WHITE_BRITISH)


def _readings(*pairs: tuple[int, int]) -> tuple[BloodPressureReading, ...]:
    return tuple(BloodPressureReading(systolic=s, diastolic=d) for s, d in pairs)


# clinical.md §1.4 table with the §9 B5 precedence and boundaries.
@pytest.mark.parametrize(
    ("systolic", "diastolic", "expected"),
    [
        pytest.param(90, 60, BpCategory.NORMAL, id="90/60-normal-bottom"),
        pytest.param(120, 80, BpCategory.NORMAL, id="120/80-normal-top"),
        pytest.param(121, 80, BpCategory.HIGH_NORMAL, id="121/80-high-normal"),
        pytest.param(120, 81, BpCategory.HIGH_NORMAL, id="120/81-high-normal"),
        pytest.param(139, 89, BpCategory.HIGH_NORMAL, id="139/89-high-normal"),
        pytest.param(89, 70, BpCategory.LOW, id="89/70-low-systolic"),
        pytest.param(100, 59, BpCategory.LOW, id="100/59-low-diastolic"),
        pytest.param(125, 55, BpCategory.LOW, id="125/55-low-beats-high-normal"),
        pytest.param(140, 89, BpCategory.STAGE_1, id="140/89-stage1-systolic"),
        pytest.param(139, 90, BpCategory.STAGE_1, id="139/90-stage1-diastolic"),
        pytest.param(140, 90, BpCategory.STAGE_1, id="140/90-stage1"),
        pytest.param(150, 55, BpCategory.STAGE_1, id="150/55-stage1-beats-low"),
        pytest.param(85, 95, BpCategory.STAGE_1, id="85/95-stage1-beats-low"),
        pytest.param(159, 99, BpCategory.STAGE_1, id="159/99-stage1-top"),
        pytest.param(160, 99, BpCategory.STAGE_2, id="160/99-stage2-systolic"),
        pytest.param(159, 100, BpCategory.STAGE_2, id="159/100-stage2-diastolic"),
        pytest.param(160, 100, BpCategory.STAGE_2, id="160/100-stage2"),
        pytest.param(179, 119, BpCategory.STAGE_2, id="179/119-stage2-top"),
        pytest.param(180, 119, BpCategory.SEVERE, id="180/119-severe-systolic"),
        pytest.param(179, 120, BpCategory.SEVERE, id="179/120-severe-diastolic"),
        pytest.param(180, 120, BpCategory.SEVERE, id="180/120-severe"),
        pytest.param(230, 130, BpCategory.SEVERE, id="230/130-severe"),
    ],
)
def test_classify_bp(systolic: int, diastolic: int, expected: BpCategory) -> None:
    assert classify_bp(systolic, diastolic) is expected


# §9 B1-B3: which reading is recorded, and what the shell should do next.
@pytest.mark.parametrize(
    ("pairs", "recorded", "number", "step"),
    [
        pytest.param([(139, 89)], (139, 89), 1, BpStep.COMPLETE, id="B1-below-140/90-done"),
        pytest.param(
            [(139, 89), (120, 70)], (139, 89), 1, BpStep.COMPLETE, id="B1-later-readings-unused"
        ),
        pytest.param([(140, 80)], (140, 80), 1, BpStep.TAKE_READING_2, id="B1-140-systolic"),
        pytest.param([(130, 90)], (130, 90), 1, BpStep.TAKE_READING_2, id="B1-90-diastolic"),
        pytest.param(
            [(150, 95), (140, 85)], (140, 85), 2, BpStep.COMPLETE, id="B2-diff-10-down-lower"
        ),
        pytest.param(
            [(150, 95), (160, 85)], (150, 95), 1, BpStep.COMPLETE, id="B2-diff-10-up-lower"
        ),
        pytest.param(
            [(150, 95), (155, 92), (120, 70)],
            (150, 95),
            1,
            BpStep.COMPLETE,
            id="B2-third-ignored-when-not-different",
        ),
        pytest.param(
            [(150, 95), (139, 80)],
            (139, 80),
            2,
            BpStep.TAKE_READING_3,
            id="B2-diff-11-needs-third",
        ),
        pytest.param(
            [(150, 95), (162, 99)],
            (162, 99),
            2,
            BpStep.TAKE_READING_3,
            id="B4-awaiting-third-reading-2-provisional",
        ),
        pytest.param(
            [(150, 95), (161, 99), (155, 90)],
            (155, 90),
            3,
            BpStep.COMPLETE,
            id="B2-diff-11-lower-of-2-and-3",
        ),
        pytest.param(
            [(150, 95), (139, 80), (145, 91)],
            (139, 80),
            2,
            BpStep.COMPLETE,
            id="B2-diff-11-reading-2-lower",
        ),
        pytest.param(
            [(140, 90), (170, 95), (165, 92), (100, 60)],
            (165, 92),
            3,
            BpStep.COMPLETE,
            id="B2-fourth-reading-ignored",
        ),
        pytest.param(
            [(150, 96), (150, 92)], (150, 92), 2, BpStep.COMPLETE, id="B3-systolic-tie-lower-dia"
        ),
        pytest.param(
            [(150, 92), (150, 96)], (150, 92), 1, BpStep.COMPLETE, id="B3-systolic-tie-first-lower"
        ),
        pytest.param(
            [(150, 85), (145, 99)], (145, 99), 2, BpStep.COMPLETE, id="B3-whole-reading-not-mixed"
        ),
    ],
)
def test_recorded_reading_and_next_step(
    pairs: list[tuple[int, int]], recorded: tuple[int, int], number: int, step: BpStep
) -> None:
    readings = _readings(*pairs)
    result = score_blood_pressure(readings, ADULT)
    assert result is not None
    assert (result.recorded.systolic, result.recorded.diastolic) == recorded
    assert result.recorded is readings[number - 1]
    assert result.recorded_reading_number == number
    assert result.next_step is step
    assert next_bp_step(readings) is step
    assert result.repeat_reading_required is (step is not BpStep.COMPLETE)
    assert result.provisional is result.repeat_reading_required


def test_no_readings_means_take_reading_one_and_not_checked() -> None:
    assert next_bp_step(()) is BpStep.TAKE_READING_1
    assert score_blood_pressure((), ADULT) is None


# §9 B4 (provisional, no ABPM yet, urgent still raised), B6 (urgent on the
# recorded BP), B7 (ABPM for stage 1/2 once complete).
@pytest.mark.parametrize(
    ("pairs", "category", "abpm", "urgent"),
    [
        pytest.param([(150, 95)], BpCategory.STAGE_1, False, False, id="B4-provisional-no-abpm"),
        pytest.param([(185, 100)], BpCategory.SEVERE, False, True, id="B4-provisional-severe"),
        pytest.param(
            [(185, 100), (150, 90)],
            BpCategory.STAGE_1,
            False,
            False,
            id="B4-awaiting-third-reading-2-stage1",
        ),
        pytest.param(
            [(150, 90), (185, 100)],
            BpCategory.SEVERE,
            False,
            True,
            id="B4-awaiting-third-reading-2-severe-urgent",
        ),
        pytest.param(
            [(150, 95), (145, 92)], BpCategory.STAGE_1, True, False, id="B7-stage1-complete"
        ),
        pytest.param(
            [(165, 95), (162, 101)], BpCategory.STAGE_2, True, False, id="B7-stage2-complete"
        ),
        pytest.param(
            [(185, 100), (182, 110)], BpCategory.SEVERE, False, True, id="severe-complete-no-abpm"
        ),
        pytest.param(
            [(185, 100), (178, 99)],
            BpCategory.STAGE_2,
            True,
            False,
            id="B6-single-severe-not-recorded",
        ),
        pytest.param(
            [(170, 95), (185, 100), (175, 99)],
            BpCategory.STAGE_2,
            True,
            False,
            id="B6-severe-reading-2-not-recorded",
        ),
        pytest.param([(125, 82)], BpCategory.HIGH_NORMAL, False, False, id="high-normal-no-abpm"),
    ],
)
def test_abpm_and_urgent_flag(
    pairs: list[tuple[int, int]], category: BpCategory, abpm: bool, urgent: bool
) -> None:
    result = score_blood_pressure(_readings(*pairs), ADULT)
    assert result is not None
    assert result.category is category
    assert result.offer_abpm is abpm
    assert result.bp_severe_same_day_assessment is urgent


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        pytest.param((False, False), False, id="none-flagged"),
        pytest.param((True, False), True, id="recorded-reading-flagged"),
        pytest.param((False, True), True, id="unused-reading-flagged"),
    ],
)
def test_irregular_pulse_caution(flags: tuple[bool, bool], expected: bool) -> None:
    # §1.2: an irregular pulse makes automated readings unreliable.
    readings = (
        BloodPressureReading(systolic=130, diastolic=85, irregular_pulse=flags[0]),
        BloodPressureReading(systolic=128, diastolic=84, irregular_pulse=flags[1]),
    )
    result = score_blood_pressure(readings, ADULT)
    assert result is not None
    assert result.irregular_pulse_caution is expected
    assert result.category is BpCategory.HIGH_NORMAL  # still classified


# §1.6: pregnancy follows NG133; signpost to the midwife at 140/90 or more,
# and no NG136 ABPM. E2: BP is still classified and severe is still urgent.
@pytest.mark.parametrize(
    ("pairs", "category", "midwife", "urgent"),
    [
        pytest.param([(139, 89)], BpCategory.HIGH_NORMAL, False, False, id="139/89-no-signpost"),
        pytest.param([(140, 90), (138, 90)], BpCategory.STAGE_1, True, False, id="140/90-signpost"),
        pytest.param([(130, 90)], BpCategory.STAGE_1, True, False, id="provisional-signpost"),
        pytest.param([(182, 121)], BpCategory.SEVERE, True, True, id="severe-still-urgent"),
    ],
)
def test_pregnancy_pathway(
    pairs: list[tuple[int, int]], category: BpCategory, midwife: bool, urgent: bool
) -> None:
    result = score_blood_pressure(_readings(*pairs), PREGNANT)
    assert result is not None
    assert result.pregnancy_pathway is True
    assert result.category is category
    assert result.signpost_midwife is midwife
    assert result.offer_abpm is False
    assert result.bp_severe_same_day_assessment is urgent


def test_not_pregnant_has_no_pregnancy_pathway() -> None:
    result = score_blood_pressure(_readings((150, 95), (148, 94)), ADULT)
    assert result is not None
    assert (result.pregnancy_pathway, result.signpost_midwife) == (False, False)


@pytest.mark.parametrize("pairs", [[(150, 95), (148, 94)], [(190, 125)]], ids=["stage1", "severe"])
def test_under_18_gets_no_adult_bands(pairs: list[tuple[int, int]]) -> None:
    # §9 E1: no adult bands at all, so no category, ABPM or band-based flag.
    result = score_blood_pressure(_readings(*pairs), UNDER_18)
    assert result is not None
    assert result.adult_thresholds_apply is False
    assert result.category is None
    assert result.offer_abpm is False
    assert result.bp_severe_same_day_assessment is False
    assert (result.recorded.systolic, result.recorded.diastolic) in pairs


def test_age_18_is_adult() -> None:
    about = AboutYou(age=18, sex=Sex.MALE, ethnicity=Ethnicity.OTHER)
    result = score_blood_pressure(_readings((182, 100)), about)
    assert result is not None
    assert result.adult_thresholds_apply is True
    assert result.category is BpCategory.SEVERE


def test_under_18_pregnant_gets_no_threshold_signpost() -> None:
    # §9 E1 is applied strictly: the 140/90 line is an adult band, so even the
    # §1.6 midwife signpost is not raised under 18 (an open question for the
    # clinical safety officer); the pregnancy pathway itself is still noted.
    about = AboutYou(age=17, sex=Sex.FEMALE, ethnicity=Ethnicity.OTHER, pregnant=True)
    result = score_blood_pressure(_readings((150, 95), (148, 94)), about)
    assert result is not None
    assert result.pregnancy_pathway is True
    assert result.signpost_midwife is False
