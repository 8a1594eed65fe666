"""Healthy weight: BMI with NG246 threshold sets, and waist-to-height ratio.

BMI is classified on its value rounded half-up to 1 dp (clinical.md §9 W1);
WHtR on the unrounded ratio, shown to 2 dp (§9 W2). Arithmetic is in Decimal
built from the decimal text of each measurement, so that a value such as
24.95 rounds to 25.0 as a person would round it, not down through a binary
float just under 24.95.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from enum import StrEnum
from typing import Final

from kiosk_app.domain.answers import AboutYou, BodyMeasurements, Ethnicity
from kiosk_app.domain.scoring.blood_pressure import ADULT_AGE

# A fixed context so that the result never depends on the caller's decimal
# context (the core must not read ambient state).
_DECIMAL: Final = Context(prec=28, rounding=ROUND_HALF_EVEN)
_ONE_DP: Final = Decimal("0.1")
_TWO_DP: Final = Decimal("0.01")
_CM_PER_M: Final = Decimal(100)

# clinical.md §2.2 note 1: the 18.5 underweight cut-off is the same for all.
_UNDERWEIGHT_BELOW: Final = Decimal("18.5")
# clinical.md §2.3 / §9 W2: WHtR is used alongside BMI only below 35. The
# cut is on the BMI value itself (the W1-rounded one), whatever threshold set
# applies: "unadjusted" means 35 is not lowered by 2.5 for any background.
_WHTR_MAX_BMI: Final = Decimal(35)
# clinical.md §2.2: BMI cautions from age 65 (NG246).
_CAUTION_AGE: Final = 65


class BmiCategory(StrEnum):
    UNDERWEIGHT = "underweight"
    HEALTHY = "healthy"
    OVERWEIGHT = "overweight"
    OBESITY_CLASS_1 = "obesity_class_1"
    OBESITY_CLASS_2 = "obesity_class_2"
    OBESITY_CLASS_3 = "obesity_class_3"


class BmiThresholds(StrEnum):
    """Which column of the clinical.md §2.2 table was applied."""

    STANDARD = "standard"
    LOWER = "lower"


class WhtrCategory(StrEnum):
    """clinical.md §2.3 WHtR bands."""

    BELOW_0_4_NOT_CLASSIFIED = "below_0_4_not_classified"
    HEALTHY = "healthy"
    INCREASED = "increased"
    HIGH = "high"


class WhtrNotAssessed(StrEnum):
    """Why no WHtR category was given."""

    NOT_MEASURED = "not_measured"
    UNDER_18 = "under_18"
    PREGNANCY = "pregnancy"
    BMI_35_OR_MORE = "bmi_35_or_more"


class WeightCaution(StrEnum):
    """clinical.md §2.2 "Cautions (NG246)"."""

    AGE_65_OR_OVER = "age_65_or_over"
    UNDER_18 = "under_18"
    PREGNANCY = "pregnancy"


# clinical.md §2.2 table: (lowest BMI of the category, category), highest
# first. Lower thresholds: NG246 section 1.9 (classes 2 and 3 are the
# standard ones minus 2.5, note 2).
_BMI_TABLE: Final[dict[BmiThresholds, tuple[tuple[Decimal, BmiCategory], ...]]] = {
    BmiThresholds.STANDARD: (
        (Decimal("40.0"), BmiCategory.OBESITY_CLASS_3),
        (Decimal("35.0"), BmiCategory.OBESITY_CLASS_2),
        (Decimal("30.0"), BmiCategory.OBESITY_CLASS_1),
        (Decimal("25.0"), BmiCategory.OVERWEIGHT),
        (_UNDERWEIGHT_BELOW, BmiCategory.HEALTHY),
    ),
    BmiThresholds.LOWER: (
        (Decimal("37.5"), BmiCategory.OBESITY_CLASS_3),
        (Decimal("32.5"), BmiCategory.OBESITY_CLASS_2),
        (Decimal("27.5"), BmiCategory.OBESITY_CLASS_1),
        (Decimal("23.0"), BmiCategory.OVERWEIGHT),
        (_UNDERWEIGHT_BELOW, BmiCategory.HEALTHY),
    ),
}

# clinical.md §2.2 "Ethnicity mapping" / §9 W3 (an app rule, not NICE's):
# family backgrounds for which the lower thresholds apply. Every other code,
# including not_stated, uses the standard thresholds.
LOWER_THRESHOLD_ETHNICITIES: Final = frozenset(
    {
        Ethnicity.ASIAN_INDIAN,
        Ethnicity.ASIAN_PAKISTANI,
        Ethnicity.ASIAN_BANGLADESHI,
        Ethnicity.ASIAN_CHINESE,
        Ethnicity.ASIAN_OTHER,
        Ethnicity.BLACK_AFRICAN,
        Ethnicity.BLACK_CARIBBEAN,
        Ethnicity.BLACK_OTHER,
        Ethnicity.ARAB_OR_MIDDLE_EASTERN,
        Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN,
        Ethnicity.MIXED_WHITE_BLACK_AFRICAN,
        Ethnicity.MIXED_WHITE_ASIAN,
    }
)

# clinical.md §2.3 WHtR bands, lowest value of each, highest first.
_WHTR_TABLE: Final = (
    (Decimal("0.60"), WhtrCategory.HIGH),
    (Decimal("0.50"), WhtrCategory.INCREASED),
    (Decimal("0.40"), WhtrCategory.HEALTHY),
)


@dataclass(frozen=True, slots=True)
class WeightResult:
    # BMI rounded half-up to 1 dp (W1); None if height or weight is missing.
    bmi: Decimal | None
    # None when not measured or not applicable (under 18 E1, pregnancy E2).
    bmi_category: BmiCategory | None
    bmi_thresholds: BmiThresholds
    # Ethnicity not stated: prompt that lower thresholds apply to some
    # family backgrounds (§2.2).
    ethnicity_prompt: bool
    # WHtR rounded half-up to 2 dp for display (W2); None when not assessed.
    whtr: Decimal | None
    whtr_category: WhtrCategory | None
    # Exactly one of whtr_category and whtr_not_assessed is None.
    whtr_not_assessed: WhtrNotAssessed | None
    adult_thresholds_apply: bool
    cautions: tuple[WeightCaution, ...]


def _decimal(value: float) -> Decimal:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"body measurements must be positive, got {value!r}")
    return Decimal(repr(value))


def bmi_value(height_cm: float, weight_kg: float) -> Decimal:
    """BMI = kg / m², rounded half-up to 1 dp (clinical.md §2.2, §9 W1)."""
    height_m = _DECIMAL.divide(_decimal(height_cm), _CM_PER_M)
    raw = _DECIMAL.divide(_decimal(weight_kg), _DECIMAL.multiply(height_m, height_m))
    return raw.quantize(_ONE_DP, rounding=ROUND_HALF_UP)


def thresholds_for(ethnicity: Ethnicity) -> BmiThresholds:
    """Threshold set for a family background (clinical.md §2.2, §9 W3)."""
    if ethnicity in LOWER_THRESHOLD_ETHNICITIES:
        return BmiThresholds.LOWER
    return BmiThresholds.STANDARD


def classify_bmi(bmi: Decimal, thresholds: BmiThresholds) -> BmiCategory:
    """Category of a BMI already rounded to 1 dp (clinical.md §2.2)."""
    for lowest, category in _BMI_TABLE[thresholds]:
        if bmi >= lowest:
            return category
    return BmiCategory.UNDERWEIGHT


def classify_whtr(ratio: Decimal) -> WhtrCategory:
    """Category of an unrounded WHtR (clinical.md §2.3, §9 W2)."""
    for lowest, category in _WHTR_TABLE:
        if ratio >= lowest:
            return category
    # §2.3: NICE does not classify below 0.40.
    return WhtrCategory.BELOW_0_4_NOT_CLASSIFIED


def score_weight(body: BodyMeasurements, about: AboutYou) -> WeightResult | None:
    """Score body measurements; None when neither BMI nor WHtR can be computed."""
    height, weight, waist = body.height_cm, body.weight_kg, body.waist_cm
    if height is None or (weight is None and waist is None):
        return None
    adult = about.age >= ADULT_AGE  # §9 E1
    pregnant = about.pregnant is True  # §9 E2
    thresholds = thresholds_for(about.ethnicity)

    bmi = None if weight is None else bmi_value(height, weight)
    category = None
    if bmi is not None and adult and not pregnant:
        category = classify_bmi(bmi, thresholds)

    ratio = None if waist is None else _DECIMAL.divide(_decimal(waist), _decimal(height))
    reason = _whtr_not_assessed(ratio, bmi, adult=adult, pregnant=pregnant)
    assessed = ratio if reason is None else None

    cautions: list[WeightCaution] = []
    if about.age >= _CAUTION_AGE:  # §2.2: interpret BMI with caution at 65+
        cautions.append(WeightCaution.AGE_65_OR_OVER)
    if not adult:  # §2.2: under 18 needs BMI centiles, not adult cut-offs
        cautions.append(WeightCaution.UNDER_18)
    if pregnant:  # §2.2 and E2: BMI categories do not apply in pregnancy
        cautions.append(WeightCaution.PREGNANCY)

    return WeightResult(
        bmi=bmi,
        bmi_category=category,
        bmi_thresholds=thresholds,
        # §2.2: NICE does not address unknown ethnicity; prompt instead.
        ethnicity_prompt=category is not None and about.ethnicity is Ethnicity.NOT_STATED,
        whtr=None if assessed is None else assessed.quantize(_TWO_DP, rounding=ROUND_HALF_UP),
        whtr_category=None if assessed is None else classify_whtr(assessed),
        whtr_not_assessed=reason,
        adult_thresholds_apply=adult,
        cautions=tuple(cautions),
    )


def _whtr_not_assessed(
    ratio: Decimal | None, bmi: Decimal | None, *, adult: bool, pregnant: bool
) -> WhtrNotAssessed | None:
    if pregnant:  # §2.3 "Not for pregnancy", §9 W2
        return WhtrNotAssessed.PREGNANCY
    if not adult:  # §2.3 is for adults; §9 E1
        return WhtrNotAssessed.UNDER_18
    if ratio is None:
        return WhtrNotAssessed.NOT_MEASURED
    if bmi is not None and bmi >= _WHTR_MAX_BMI:  # §2.3, §9 W2
        return WhtrNotAssessed.BMI_35_OR_MORE
    return None
