"""Traffic-light (RAG) rating of each Vital 5 domain, for presentation only.

PRODUCT RULE, NOT A CLINICAL ONE. No published RAG scheme for the Vital 5
Check was found (clinical.md §6 "Not found", §8.4), so the colours below
are a product decision layered over the clinical codes. They decide no
advice and no urgency (urgent flags live in the domain results). This table
needs review by the clinical safety officer (DCB0129 hazard log) before
go-live. Grey means "not checked" or "adult bands do not apply".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from kiosk_app.domain.scoring.alcohol import AlcoholResult, AuditCBand
from kiosk_app.domain.scoring.blood_pressure import BloodPressureResult, BpCategory
from kiosk_app.domain.scoring.mind import MindResult, Phq4Band
from kiosk_app.domain.scoring.smoking import SmokingResult
from kiosk_app.domain.scoring.weight import BmiCategory, WeightResult


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"


# The whole product rule, one row per clinical code. Smoking is a flag, not
# a category: current tobacco smoker red, otherwise green.
_BP: Final[Mapping[BpCategory, Rag]] = MappingProxyType(
    {
        BpCategory.NORMAL: Rag.GREEN,
        BpCategory.HIGH_NORMAL: Rag.AMBER,
        BpCategory.LOW: Rag.AMBER,
        BpCategory.STAGE_1: Rag.AMBER,
        BpCategory.STAGE_2: Rag.RED,
        BpCategory.SEVERE: Rag.RED,
    }
)
_BMI: Final[Mapping[BmiCategory, Rag]] = MappingProxyType(
    {
        BmiCategory.UNDERWEIGHT: Rag.AMBER,
        BmiCategory.HEALTHY: Rag.GREEN,
        BmiCategory.OVERWEIGHT: Rag.AMBER,
        BmiCategory.OBESITY_CLASS_1: Rag.RED,
        BmiCategory.OBESITY_CLASS_2: Rag.RED,
        BmiCategory.OBESITY_CLASS_3: Rag.RED,
    }
)
_AUDIT_C: Final[Mapping[AuditCBand, Rag]] = MappingProxyType(
    {
        AuditCBand.LOWER_RISK: Rag.GREEN,
        AuditCBand.INCREASING_RISK: Rag.AMBER,
        AuditCBand.HIGHER_RISK: Rag.RED,
        AuditCBand.POSSIBLE_DEPENDENCE: Rag.RED,
    }
)
_PHQ4: Final[Mapping[Phq4Band, Rag]] = MappingProxyType(
    {
        Phq4Band.NONE: Rag.GREEN,
        Phq4Band.MILD: Rag.AMBER,
        Phq4Band.MODERATE: Rag.AMBER,
        Phq4Band.SEVERE: Rag.RED,
    }
)


@dataclass(frozen=True, slots=True)
class RagSummary:
    blood_pressure: Rag
    weight: Rag
    alcohol: Rag
    mind: Rag
    smoking: Rag


def rag_blood_pressure(result: BloodPressureResult | None) -> Rag:
    if result is None or result.category is None:
        return Rag.GREY
    return _BP[result.category]


def rag_weight(result: WeightResult | None) -> Rag:
    # Rated on the BMI category only; no category (not measured, pregnancy,
    # under 18) is grey even when a WHtR was given.
    if result is None or result.bmi_category is None:
        return Rag.GREY
    return _BMI[result.bmi_category]


def rag_alcohol(result: AlcoholResult | None) -> Rag:
    if result is None or result.band is None:
        return Rag.GREY
    return _AUDIT_C[result.band]


def rag_mind(result: MindResult | None) -> Rag:
    if result is None:
        return Rag.GREY
    # A self-harm disclosure shows red whatever the PHQ-4 said; the crisis
    # page itself is driven by the urgent flag, not by this colour.
    if result.mental_health_crisis_signpost:
        return Rag.RED
    score = result.phq4
    if score is None or score.band is None:
        return Rag.GREY
    # "Any positive subscale is at least amber" needs no extra rule: a
    # positive subscale (>=3, §9 M1) puts the total at 3+, out of band none.
    return _PHQ4[score.band]


def rag_smoking(result: SmokingResult | None) -> Rag:
    if result is None:
        return Rag.GREY
    return Rag.RED if result.smoking_flag else Rag.GREEN


def summarise_rag(
    *,
    blood_pressure: BloodPressureResult | None,
    weight: WeightResult | None,
    alcohol: AlcoholResult | None,
    mind: MindResult | None,
    smoking: SmokingResult | None,
) -> RagSummary:
    return RagSummary(
        blood_pressure=rag_blood_pressure(blood_pressure),
        weight=rag_weight(weight),
        alcohol=rag_alcohol(alcohol),
        mind=rag_mind(mind),
        smoking=rag_smoking(smoking),
    )
