"""score_check: domains combined, RAG product rule, urgent flags (§1.5, §4.3, M2, E1)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_app.domain.answers import (
    AboutYou,
    AuditCAnswers,
    BloodPressureReading,
    BodyMeasurements,
    CheckAnswers,
    Ethnicity,
    Frequency,
    MindAnswers,
    Phq4Answers,
    Sex,
    SmokingAnswers,
    SmokingStatus,
    VapingStatus,
)
from kiosk_app.domain.codec import result_to_json
from kiosk_app.domain.scoring import (
    AuditCBand,
    BmiCategory,
    BpCategory,
    BpStep,
    Phq4Band,
    QriskSmoking,
    Rag,
    WhtrCategory,
    next_bp_step,
    rag_alcohol,
    rag_blood_pressure,
    rag_mind,
    rag_smoking,
    rag_weight,
    score_alcohol,
    score_blood_pressure,
    score_mind,
    score_smoking,
    score_weight,
)
from kiosk_app.domain.vital5 import UrgentFlag, score_check

ADULT = AboutYou(age=50, sex=Sex.FEMALE, ethnicity=Ethnicity.WHITE_BRITISH)
CHILD = AboutYou(age=16, sex=Sex.FEMALE, ethnicity=Ethnicity.WHITE_BRITISH)
PREGNANT = AboutYou(age=29, sex=Sex.FEMALE, ethnicity=Ethnicity.WHITE_BRITISH, pregnant=True)
BP_FLAG = UrgentFlag.BP_SEVERE_SAME_DAY_ASSESSMENT
MIND_FLAG = UrgentFlag.MENTAL_HEALTH_CRISIS_SIGNPOST


def _bp(*pairs: tuple[int, int]) -> tuple[BloodPressureReading, ...]:
    return tuple(BloodPressureReading(systolic=s, diastolic=d) for s, d in pairs)


def _phq4(a: int, b: int, c: int, d: int) -> Phq4Answers:
    return Phq4Answers(Frequency(a), Frequency(b), Frequency(c), Frequency(d))


# ---- RAG: a product rule (rag.py), checked row by row ---------------------


@pytest.mark.parametrize(
    ("about", "pairs", "rag"),
    [
        pytest.param(ADULT, [(118, 78)], Rag.GREEN, id="normal-green"),
        pytest.param(ADULT, [(125, 82)], Rag.AMBER, id="high-normal-amber"),
        pytest.param(ADULT, [(85, 55)], Rag.AMBER, id="low-amber"),
        pytest.param(ADULT, [(150, 95), (148, 94)], Rag.AMBER, id="stage1-amber"),
        pytest.param(ADULT, [(165, 101), (163, 100)], Rag.RED, id="stage2-red"),
        pytest.param(ADULT, [(185, 121)], Rag.RED, id="severe-red"),
        pytest.param(CHILD, [(185, 121)], Rag.GREY, id="under-18-grey"),
        pytest.param(ADULT, [], Rag.GREY, id="not-checked-grey"),
    ],
)
def test_rag_blood_pressure(about: AboutYou, pairs: list[tuple[int, int]], rag: Rag) -> None:
    assert rag_blood_pressure(score_blood_pressure(_bp(*pairs), about)) is rag


@pytest.mark.parametrize(
    ("about", "body", "rag"),
    [
        pytest.param(ADULT, BodyMeasurements(100, 18), Rag.AMBER, id="underweight-amber"),
        pytest.param(ADULT, BodyMeasurements(100, 22), Rag.GREEN, id="healthy-green"),
        pytest.param(ADULT, BodyMeasurements(100, 27), Rag.AMBER, id="overweight-amber"),
        pytest.param(ADULT, BodyMeasurements(100, 31), Rag.RED, id="obesity1-red"),
        pytest.param(ADULT, BodyMeasurements(100, 36), Rag.RED, id="obesity2-red"),
        pytest.param(ADULT, BodyMeasurements(100, 41), Rag.RED, id="obesity3-red"),
        pytest.param(PREGNANT, BodyMeasurements(100, 31), Rag.GREY, id="pregnant-grey"),
        pytest.param(CHILD, BodyMeasurements(100, 31), Rag.GREY, id="under-18-grey"),
        pytest.param(ADULT, BodyMeasurements(100, waist_cm=70), Rag.GREY, id="waist-only-grey"),
        pytest.param(ADULT, BodyMeasurements(), Rag.GREY, id="not-checked-grey"),
    ],
)
def test_rag_weight(about: AboutYou, body: BodyMeasurements, rag: Rag) -> None:
    assert rag_weight(score_weight(body, about)) is rag


@pytest.mark.parametrize(
    ("about", "answers", "rag"),
    [
        pytest.param(ADULT, AuditCAnswers(0), Rag.GREEN, id="0-green"),
        pytest.param(ADULT, AuditCAnswers(2, 1, 1), Rag.GREEN, id="4-green"),
        pytest.param(ADULT, AuditCAnswers(2, 2, 1), Rag.AMBER, id="5-amber"),
        pytest.param(ADULT, AuditCAnswers(4, 2, 2), Rag.RED, id="8-red"),
        pytest.param(ADULT, AuditCAnswers(4, 4, 3), Rag.RED, id="11-red"),
        pytest.param(CHILD, AuditCAnswers(4, 4, 3), Rag.GREY, id="under-18-grey"),
    ],
)
def test_rag_alcohol(about: AboutYou, answers: AuditCAnswers, rag: Rag) -> None:
    assert rag_alcohol(score_alcohol(answers, about)) is rag


@pytest.mark.parametrize(
    ("about", "answers", "rag"),
    [
        pytest.param(ADULT, MindAnswers(_phq4(0, 0, 0, 0)), Rag.GREEN, id="0-green"),
        pytest.param(ADULT, MindAnswers(_phq4(1, 1, 0, 0)), Rag.GREEN, id="2-green"),
        pytest.param(ADULT, MindAnswers(_phq4(1, 1, 1, 1)), Rag.AMBER, id="mild-amber"),
        pytest.param(ADULT, MindAnswers(_phq4(2, 1, 0, 0)), Rag.AMBER, id="gad2-positive-amber"),
        pytest.param(ADULT, MindAnswers(_phq4(2, 2, 2, 2)), Rag.AMBER, id="moderate-amber"),
        pytest.param(ADULT, MindAnswers(_phq4(3, 2, 2, 2)), Rag.RED, id="severe-red"),
        pytest.param(
            ADULT, MindAnswers(_phq4(0, 0, 0, 0), self_harm_thoughts=True), Rag.RED, id="disclosed"
        ),
        pytest.param(ADULT, MindAnswers(self_harm_thoughts=False), Rag.GREY, id="no-phq4-grey"),
        pytest.param(CHILD, MindAnswers(_phq4(3, 3, 3, 3)), Rag.GREY, id="under-18-grey"),
    ],
)
def test_rag_mind(about: AboutYou, answers: MindAnswers, rag: Rag) -> None:
    assert rag_mind(score_mind(answers, about)) is rag


@pytest.mark.parametrize(
    ("answers", "rag"),
    [
        pytest.param(SmokingAnswers(SmokingStatus.CURRENT, 5), Rag.RED, id="current-red"),
        pytest.param(
            SmokingAnswers(SmokingStatus.CURRENT, 5, vaping=VapingStatus.CURRENT),
            Rag.RED,
            id="dual-red",
        ),
        pytest.param(
            SmokingAnswers(SmokingStatus.NEVER, vaping=VapingStatus.CURRENT),
            Rag.GREEN,
            id="vape-only-green",
        ),
        pytest.param(SmokingAnswers(SmokingStatus.EX), Rag.GREEN, id="ex-green"),
        pytest.param(SmokingAnswers(SmokingStatus.NEVER), Rag.GREEN, id="never-green"),
    ],
)
def test_rag_smoking(answers: SmokingAnswers, rag: Rag) -> None:
    assert rag_smoking(score_smoking(answers)) is rag


def test_rag_grey_when_sections_skipped() -> None:
    assert rag_alcohol(None) is Rag.GREY
    assert rag_mind(None) is Rag.GREY
    assert rag_smoking(None) is Rag.GREY


# ---- score_check -----------------------------------------------------------


def test_nothing_but_about_is_all_not_checked() -> None:
    result = score_check(CheckAnswers(about=ADULT))
    assert result.adult_thresholds_apply is True
    assert (result.blood_pressure, result.weight, result.alcohol, result.mind, result.smoking) == (
        None,
        None,
        None,
        None,
        None,
    )
    rag = result.rag
    assert {rag.blood_pressure, rag.weight, rag.alcohol, rag.mind, rag.smoking} == {Rag.GREY}
    assert result.urgent_flags == frozenset()
    assert result.needs_urgent_page is False


@pytest.mark.parametrize(
    ("about", "pairs", "mind", "flags"),
    [
        pytest.param(ADULT, [(185, 100)], None, {BP_FLAG}, id="provisional-severe"),
        pytest.param(ADULT, [(182, 100), (181, 95)], None, {BP_FLAG}, id="severe-complete"),
        pytest.param(ADULT, [(179, 119), (175, 110)], None, set(), id="stage2-not-urgent"),
        pytest.param(PREGNANT, [(180, 90), (182, 95)], None, {BP_FLAG}, id="pregnant-severe"),
        pytest.param(
            ADULT, [], MindAnswers(self_harm_thoughts=True), {MIND_FLAG}, id="self-harm-disclosed"
        ),
        pytest.param(
            ADULT,
            [],
            MindAnswers(_phq4(3, 3, 3, 3), self_harm_thoughts=False),
            set(),
            id="M2-phq4-12-not-urgent",
        ),
        pytest.param(
            ADULT,
            [(200, 130)],
            MindAnswers(self_harm_thoughts=True),
            {BP_FLAG, MIND_FLAG},
            id="both",
        ),
        pytest.param(
            CHILD,
            [(200, 130)],
            MindAnswers(self_harm_thoughts=True),
            {MIND_FLAG},
            id="E1-under-18-only-disclosure",
        ),
    ],
)
def test_urgent_flags(
    about: AboutYou, pairs: list[tuple[int, int]], mind: MindAnswers | None, flags: set[UrgentFlag]
) -> None:
    result = score_check(CheckAnswers(about=about, bp_readings=_bp(*pairs), mind=mind))
    assert result.urgent_flags == flags
    assert result.needs_urgent_page is bool(flags)


def test_full_check_hand_derived() -> None:
    answers = CheckAnswers(
        about=AboutYou(age=52, sex=Sex.FEMALE, ethnicity=Ethnicity.BLACK_CARIBBEAN),
        bp_readings=_bp((152, 94), (146, 92)),
        body=BodyMeasurements(height_cm=162.0, weight_kg=74.5, waist_cm=86.0),
        smoking=SmokingAnswers(SmokingStatus.CURRENT, 12, vaping=VapingStatus.CURRENT),
        alcohol=AuditCAnswers(2, 1, 1),
        mind=MindAnswers(_phq4(1, 2, 0, 1), self_harm_thoughts=False),
    )
    result = score_check(answers)
    bp = result.blood_pressure
    # B2: |146-152| = 6 <= 10, so the lower of 1 and 2 is recorded: 146/92.
    assert bp is not None
    assert (bp.recorded.systolic, bp.recorded.diastolic, bp.recorded_reading_number) == (146, 92, 2)
    assert (bp.category, bp.offer_abpm) == (BpCategory.STAGE_1, True)
    # 74.5 / 1.62² = 28.387 -> 28.4, obesity class 1 on the lower thresholds;
    # WHtR 86 / 162 = 0.531 -> increased.
    weight = result.weight
    assert weight is not None
    assert (weight.bmi, weight.bmi_category) == (Decimal("28.4"), BmiCategory.OBESITY_CLASS_1)
    assert (weight.whtr, weight.whtr_category) == (Decimal("0.53"), WhtrCategory.INCREASED)
    assert result.alcohol is not None
    assert (result.alcohol.total, result.alcohol.band) == (4, AuditCBand.LOWER_RISK)
    mind = result.mind
    assert mind is not None
    assert mind.phq4 is not None
    assert (mind.phq4.gad2, mind.phq4.phq2, mind.phq4.band) == (3, 1, Phq4Band.MILD)
    assert result.smoking is not None
    assert result.smoking.dual_user is True
    assert result.smoking.qrisk_smoking_category is QriskSmoking.MODERATE
    rag = result.rag
    assert (rag.blood_pressure, rag.weight, rag.alcohol, rag.mind, rag.smoking) == (
        Rag.AMBER,
        Rag.RED,
        Rag.GREEN,
        Rag.AMBER,
        Rag.RED,
    )
    assert result.needs_urgent_page is False


def test_under_18_flag() -> None:
    assert score_check(CheckAnswers(about=CHILD)).adult_thresholds_apply is False


# ---- properties -------------------------------------------------------------

_readings = st.builds(
    BloodPressureReading,
    systolic=st.integers(1, 300),
    diastolic=st.integers(1, 200),
    pulse=st.none() | st.integers(1, 250),
    irregular_pulse=st.booleans(),
)
_measure = st.none() | st.floats(0.5, 400, allow_nan=False) | st.integers(1, 400)
_checks = st.builds(
    CheckAnswers,
    about=st.builds(
        AboutYou,
        age=st.integers(0, 120),
        sex=st.sampled_from(Sex),
        ethnicity=st.sampled_from(Ethnicity),
        pregnant=st.none() | st.booleans(),
    ),
    bp_readings=st.lists(_readings, max_size=5).map(tuple),
    body=st.builds(BodyMeasurements, height_cm=_measure, weight_kg=_measure, waist_cm=_measure),
    smoking=st.none()
    | st.builds(
        SmokingAnswers,
        status=st.sampled_from(SmokingStatus),
        cigarettes_per_day=st.none() | st.integers(0, 80),
        other_tobacco=st.booleans(),
        vaping=st.none() | st.sampled_from(VapingStatus),
    ),
    alcohol=st.none()
    | st.just(AuditCAnswers(q1=0))
    | st.builds(AuditCAnswers, st.integers(1, 4), st.integers(0, 4), st.integers(0, 4)),
    mind=st.none()
    | st.builds(
        MindAnswers,
        phq4=st.none() | st.builds(Phq4Answers, *[st.sampled_from(Frequency)] * 4),
        self_harm_thoughts=st.none() | st.booleans(),
    ),
)


@given(_checks)
def test_score_check_never_raises_and_flags_follow_the_rules(answers: CheckAnswers) -> None:
    result = score_check(answers)
    json.dumps(result_to_json(result))
    bp = result.blood_pressure
    severe = (
        bp is not None
        and answers.about.age >= 18
        and (bp.recorded.systolic >= 180 or bp.recorded.diastolic >= 120)
    )
    disclosed = answers.mind is not None and answers.mind.self_harm_thoughts is True
    expected = {BP_FLAG} if severe else set()
    expected |= {MIND_FLAG} if disclosed else set()
    assert result.urgent_flags == expected
    assert result.needs_urgent_page is bool(expected)


@given(st.lists(_readings, max_size=6).map(tuple))
def test_recorded_bp_is_always_one_of_the_first_three(
    readings: tuple[BloodPressureReading, ...],
) -> None:
    result = score_blood_pressure(readings, ADULT)
    step = next_bp_step(readings)
    if result is None:
        assert readings == ()
        assert step is BpStep.TAKE_READING_1
        return
    assert result.recorded is readings[result.recorded_reading_number - 1]
    assert 1 <= result.recorded_reading_number <= min(3, len(readings))
    assert result.next_step is step
    assert result.repeat_reading_required is (step is not BpStep.COMPLETE)
    if not result.repeat_reading_required:
        assert result.offer_abpm is (result.category in (BpCategory.STAGE_1, BpCategory.STAGE_2))
