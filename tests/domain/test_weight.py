"""Weight scoring against clinical.md §2.2-§2.3 and §9 W1-W3, E1, E2."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiosk_app.domain.answers import AboutYou, BodyMeasurements, Ethnicity, Sex
from kiosk_app.domain.scoring.weight import (
    BmiCategory,
    BmiThresholds,
    WeightCaution,
    WhtrCategory,
    WhtrNotAssessed,
    bmi_value,
    classify_bmi,
    classify_whtr,
    score_weight,
    thresholds_for,
)

STANDARD, LOWER = BmiThresholds.STANDARD, BmiThresholds.LOWER


def _about(
    age: int = 40, ethnicity: Ethnicity = Ethnicity.WHITE_BRITISH, pregnant: bool | None = None
) -> AboutYou:
    return AboutYou(age=age, sex=Sex.FEMALE, ethnicity=ethnicity, pregnant=pregnant)


# §2.2 "Ethnicity mapping", written out by hand from the list.
_LOWER_CODES = {
    "asian_indian",
    "asian_pakistani",
    "asian_bangladeshi",
    "asian_chinese",
    "asian_other",
    "black_african",
    "black_caribbean",
    "black_other",
    "arab_or_middle_eastern",
    "mixed_white_black_caribbean",
    "mixed_white_black_african",
    "mixed_white_asian",
}


@pytest.mark.parametrize("ethnicity", list(Ethnicity), ids=str)
def test_threshold_set_for_every_ethnicity(ethnicity: Ethnicity) -> None:
    expected = LOWER if ethnicity.value in _LOWER_CODES else STANDARD
    assert thresholds_for(ethnicity) is expected


# §2.2 table: every boundary of both columns.
@pytest.mark.parametrize(
    ("bmi", "thresholds", "expected"),
    [
        pytest.param("18.4", STANDARD, BmiCategory.UNDERWEIGHT, id="std-18.4"),
        pytest.param("18.5", STANDARD, BmiCategory.HEALTHY, id="std-18.5"),
        pytest.param("23.0", STANDARD, BmiCategory.HEALTHY, id="std-23.0"),
        pytest.param("24.9", STANDARD, BmiCategory.HEALTHY, id="std-24.9"),
        pytest.param("25.0", STANDARD, BmiCategory.OVERWEIGHT, id="std-25.0"),
        pytest.param("27.5", STANDARD, BmiCategory.OVERWEIGHT, id="std-27.5"),
        pytest.param("29.9", STANDARD, BmiCategory.OVERWEIGHT, id="std-29.9"),
        pytest.param("30.0", STANDARD, BmiCategory.OBESITY_CLASS_1, id="std-30.0"),
        pytest.param("32.5", STANDARD, BmiCategory.OBESITY_CLASS_1, id="std-32.5"),
        pytest.param("34.9", STANDARD, BmiCategory.OBESITY_CLASS_1, id="std-34.9"),
        pytest.param("35.0", STANDARD, BmiCategory.OBESITY_CLASS_2, id="std-35.0"),
        pytest.param("37.5", STANDARD, BmiCategory.OBESITY_CLASS_2, id="std-37.5"),
        pytest.param("39.9", STANDARD, BmiCategory.OBESITY_CLASS_2, id="std-39.9"),
        pytest.param("40.0", STANDARD, BmiCategory.OBESITY_CLASS_3, id="std-40.0"),
        pytest.param("18.4", LOWER, BmiCategory.UNDERWEIGHT, id="low-18.4"),
        pytest.param("18.5", LOWER, BmiCategory.HEALTHY, id="low-18.5"),
        pytest.param("22.9", LOWER, BmiCategory.HEALTHY, id="low-22.9"),
        pytest.param("23.0", LOWER, BmiCategory.OVERWEIGHT, id="low-23.0"),
        pytest.param("25.0", LOWER, BmiCategory.OVERWEIGHT, id="low-25.0"),
        pytest.param("27.4", LOWER, BmiCategory.OVERWEIGHT, id="low-27.4"),
        pytest.param("27.5", LOWER, BmiCategory.OBESITY_CLASS_1, id="low-27.5"),
        pytest.param("30.0", LOWER, BmiCategory.OBESITY_CLASS_1, id="low-30.0"),
        pytest.param("32.4", LOWER, BmiCategory.OBESITY_CLASS_1, id="low-32.4"),
        pytest.param("32.5", LOWER, BmiCategory.OBESITY_CLASS_2, id="low-32.5"),
        pytest.param("35.0", LOWER, BmiCategory.OBESITY_CLASS_2, id="low-35.0"),
        pytest.param("37.4", LOWER, BmiCategory.OBESITY_CLASS_2, id="low-37.4"),
        pytest.param("37.5", LOWER, BmiCategory.OBESITY_CLASS_3, id="low-37.5"),
        pytest.param("40.0", LOWER, BmiCategory.OBESITY_CLASS_3, id="low-40.0"),
    ],
)
def test_classify_bmi(bmi: str, thresholds: BmiThresholds, expected: BmiCategory) -> None:
    assert classify_bmi(Decimal(bmi), thresholds) is expected


# §9 W1: BMI is kg / m² rounded half-up to 1 dp. At 100 cm the BMI equals the
# weight, and at 200 cm it is a quarter of it, which makes the sums exact.
@pytest.mark.parametrize(
    ("height_cm", "weight_kg", "expected"),
    [
        pytest.param(200, 99.8, "25.0", id="24.95-rounds-up-to-25.0"),
        pytest.param(200, 99.78, "24.9", id="24.945-rounds-down"),
        pytest.param(100, 18.45, "18.5", id="18.45-half-up-not-half-even"),
        pytest.param(100, 24.85, "24.9", id="24.85-half-up-not-half-even"),
        pytest.param(170, 72.25, "25.0", id="170cm-72.25kg"),
        pytest.param(165, 68, "25.0", id="165cm-68kg-24.977"),
        pytest.param(180.0, 64.8, "20.0", id="float-height"),
    ],
)
def test_bmi_value_rounds_half_up(height_cm: float, weight_kg: float, expected: str) -> None:
    assert bmi_value(height_cm, weight_kg) == Decimal(expected)
    assert str(bmi_value(height_cm, weight_kg)) == expected


def test_rounding_decides_the_category() -> None:
    # 24.95 is overweight only because it is rounded first (W1).
    over = score_weight(BodyMeasurements(height_cm=200, weight_kg=99.8), _about())
    healthy = score_weight(BodyMeasurements(height_cm=200, weight_kg=99.78), _about())
    assert over is not None
    assert over.bmi_category is BmiCategory.OVERWEIGHT
    assert healthy is not None
    assert healthy.bmi_category is BmiCategory.HEALTHY


@pytest.mark.parametrize(
    ("weight_kg", "ethnicity", "expected"),
    [
        pytest.param(24, Ethnicity.WHITE_IRISH, BmiCategory.HEALTHY, id="24-white-healthy"),
        pytest.param(24, Ethnicity.ASIAN_INDIAN, BmiCategory.OVERWEIGHT, id="24-indian-over"),
        pytest.param(28, Ethnicity.MIXED_OTHER, BmiCategory.OVERWEIGHT, id="28-mixed-other-over"),
        pytest.param(
            28, Ethnicity.MIXED_WHITE_ASIAN, BmiCategory.OBESITY_CLASS_1, id="28-mixed-asian-ob1"
        ),
        pytest.param(38, Ethnicity.NOT_STATED, BmiCategory.OBESITY_CLASS_2, id="38-unknown-ob2"),
        pytest.param(
            38, Ethnicity.BLACK_CARIBBEAN, BmiCategory.OBESITY_CLASS_3, id="38-caribbean-ob3"
        ),
    ],
)
def test_score_weight_applies_the_ethnicity_mapping(
    weight_kg: float, ethnicity: Ethnicity, expected: BmiCategory
) -> None:
    result = score_weight(
        BodyMeasurements(height_cm=100, weight_kg=weight_kg), _about(40, ethnicity)
    )
    assert result is not None
    assert result.bmi == Decimal(weight_kg)
    assert result.bmi_category is expected
    assert result.bmi_thresholds is thresholds_for(ethnicity)


@pytest.mark.parametrize(
    ("ethnicity", "pregnant", "prompt"),
    [
        pytest.param(Ethnicity.NOT_STATED, None, True, id="not-stated-prompts"),
        pytest.param(Ethnicity.OTHER, None, False, id="other-no-prompt"),
        pytest.param(Ethnicity.WHITE_BRITISH, None, False, id="white-no-prompt"),
        pytest.param(Ethnicity.NOT_STATED, True, False, id="pregnant-no-category-no-prompt"),
    ],
)
def test_unknown_ethnicity_prompt(
    ethnicity: Ethnicity, pregnant: bool | None, prompt: bool
) -> None:
    body = BodyMeasurements(height_cm=160, weight_kg=60)
    result = score_weight(body, _about(40, ethnicity, pregnant))
    assert result is not None
    assert result.ethnicity_prompt is prompt


# §2.3 and §9 W2: classified on the unrounded ratio, shown to 2 dp.
@pytest.mark.parametrize(
    ("waist_cm", "category", "shown"),
    [
        pytest.param(39, WhtrCategory.BELOW_0_4_NOT_CLASSIFIED, "0.39", id="0.39"),
        pytest.param(40, WhtrCategory.HEALTHY, "0.40", id="0.40"),
        pytest.param(49.99, WhtrCategory.HEALTHY, "0.50", id="0.4999-healthy-shown-0.50"),
        pytest.param(50, WhtrCategory.INCREASED, "0.50", id="0.50"),
        pytest.param(59.99, WhtrCategory.INCREASED, "0.60", id="0.5999-increased-shown-0.60"),
        pytest.param(60, WhtrCategory.HIGH, "0.60", id="0.60"),
        pytest.param(75, WhtrCategory.HIGH, "0.75", id="0.75"),
    ],
)
def test_whtr(waist_cm: float, category: WhtrCategory, shown: str) -> None:
    body = BodyMeasurements(height_cm=100, weight_kg=20, waist_cm=waist_cm)
    result = score_weight(body, _about())
    assert result is not None
    assert result.whtr_category is category
    assert result.whtr_not_assessed is None
    assert str(result.whtr) == shown


def test_classify_whtr_boundaries_directly() -> None:
    assert classify_whtr(Decimal("0.3999")) is WhtrCategory.BELOW_0_4_NOT_CLASSIFIED
    assert classify_whtr(Decimal("0.4999")) is WhtrCategory.HEALTHY
    assert classify_whtr(Decimal("0.5999")) is WhtrCategory.INCREASED


def test_whtr_boundary_is_exact_for_decimal_inputs() -> None:
    # 84.6 / 141 is exactly 0.6; float division would land just below it.
    result = score_weight(BodyMeasurements(height_cm=141, waist_cm=84.6), _about())
    assert result is not None
    assert result.whtr_category is WhtrCategory.HIGH


# §2.3 / W2: WHtR not assessed at BMI 35 or more (unadjusted) or in pregnancy.
@pytest.mark.parametrize(
    ("weight_kg", "ethnicity", "reason"),
    [
        pytest.param(34.9, Ethnicity.WHITE_BRITISH, None, id="bmi-34.9-assessed"),
        pytest.param(34.94, Ethnicity.WHITE_BRITISH, None, id="bmi-34.94-rounds-to-34.9"),
        pytest.param(
            34.95, Ethnicity.WHITE_BRITISH, WhtrNotAssessed.BMI_35_OR_MORE, id="bmi-34.95-to-35"
        ),
        pytest.param(35, Ethnicity.WHITE_BRITISH, WhtrNotAssessed.BMI_35_OR_MORE, id="bmi-35"),
        pytest.param(33, Ethnicity.ASIAN_CHINESE, None, id="lower-set-ob2-still-assessed"),
        pytest.param(35, Ethnicity.ASIAN_CHINESE, WhtrNotAssessed.BMI_35_OR_MORE, id="lower-35"),
    ],
)
def test_whtr_not_assessed_at_bmi_35(
    weight_kg: float, ethnicity: Ethnicity, reason: WhtrNotAssessed | None
) -> None:
    body = BodyMeasurements(height_cm=100, weight_kg=weight_kg, waist_cm=55)
    result = score_weight(body, _about(40, ethnicity))
    assert result is not None
    assert result.whtr_not_assessed is reason
    if reason is None:
        assert result.whtr_category is WhtrCategory.INCREASED
    else:
        assert (result.whtr, result.whtr_category) == (None, None)


def test_pregnancy_suppresses_categories_but_reports_bmi() -> None:
    # §2.2: BMI categories do not apply in pregnancy; §2.3 WHtR is not for
    # pregnancy (E2). The BMI value itself may be reported.
    body = BodyMeasurements(height_cm=100, weight_kg=30, waist_cm=60)
    result = score_weight(body, _about(30, pregnant=True))
    assert result is not None
    assert result.bmi == Decimal("30.0")
    assert result.bmi_category is None
    assert result.whtr is None
    assert result.whtr_category is None
    assert result.whtr_not_assessed is WhtrNotAssessed.PREGNANCY
    assert result.cautions == (WeightCaution.PREGNANCY,)


def test_pregnant_false_or_unanswered_is_classified() -> None:
    body = BodyMeasurements(height_cm=100, weight_kg=30)
    for pregnant in (False, None):
        result = score_weight(body, _about(30, pregnant=pregnant))
        assert result is not None
        assert result.bmi_category is BmiCategory.OBESITY_CLASS_1


@pytest.mark.parametrize(
    ("age", "adult", "cautions"),
    [
        pytest.param(17, False, (WeightCaution.UNDER_18,), id="17-under-18"),
        pytest.param(18, True, (), id="18-adult"),
        pytest.param(64, True, (), id="64-no-caution"),
        pytest.param(65, True, (WeightCaution.AGE_65_OR_OVER,), id="65-caution"),
    ],
)
def test_age_cautions_and_adult_bands(
    age: int, adult: bool, cautions: tuple[WeightCaution, ...]
) -> None:
    body = BodyMeasurements(height_cm=100, weight_kg=22, waist_cm=45)
    result = score_weight(body, _about(age))
    assert result is not None
    assert result.cautions == cautions
    assert result.adult_thresholds_apply is adult
    assert result.bmi == Decimal("22.0")
    # §9 E1: no adult BMI or WHtR bands under 18.
    assert result.bmi_category is (BmiCategory.HEALTHY if adult else None)
    assert result.whtr_category is (WhtrCategory.HEALTHY if adult else None)
    assert result.whtr_not_assessed is (None if adult else WhtrNotAssessed.UNDER_18)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(BodyMeasurements(), id="nothing"),
        pytest.param(BodyMeasurements(weight_kg=70, waist_cm=80), id="no-height"),
        pytest.param(BodyMeasurements(height_cm=170), id="height-only"),
    ],
)
def test_not_checked_when_nothing_can_be_computed(body: BodyMeasurements) -> None:
    assert score_weight(body, _about()) is None


def test_waist_without_weight_gives_whtr_only() -> None:
    result = score_weight(BodyMeasurements(height_cm=160, waist_cm=72), _about())
    assert result is not None
    assert (result.bmi, result.bmi_category) == (None, None)
    assert result.whtr == Decimal("0.45")
    assert result.whtr_category is WhtrCategory.HEALTHY


def test_weight_without_waist_is_not_measured() -> None:
    result = score_weight(BodyMeasurements(height_cm=160, weight_kg=64), _about())
    assert result is not None
    assert result.bmi == Decimal("25.0")
    assert result.whtr_not_assessed is WhtrNotAssessed.NOT_MEASURED


@pytest.mark.parametrize("height", [0, -170, float("nan"), float("inf")])
def test_non_positive_or_non_finite_measurements_are_rejected(height: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        score_weight(BodyMeasurements(height_cm=height, weight_kg=70), _about())
