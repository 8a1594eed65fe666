"""Pure scoring of the Vital 5 domains (clinical.md §1-§5, §9).

Every function here is a pure function over the answer types in
`kiosk_app.domain.answers`; results are frozen dataclasses holding codes
(StrEnum) and numbers, which the web layer turns into translated text.
"""

from kiosk_app.domain.scoring.alcohol import (
    AlcoholResult,
    AuditCBand,
    audit_c_total,
    score_alcohol,
)
from kiosk_app.domain.scoring.blood_pressure import (
    ADULT_AGE,
    BloodPressureResult,
    BpCategory,
    BpStep,
    classify_bp,
    next_bp_step,
    score_blood_pressure,
)
from kiosk_app.domain.scoring.mind import (
    MindResult,
    Phq4Band,
    Phq4Score,
    score_mind,
    score_phq4,
)
from kiosk_app.domain.scoring.rag import (
    Rag,
    RagSummary,
    rag_alcohol,
    rag_blood_pressure,
    rag_mind,
    rag_smoking,
    rag_weight,
    summarise_rag,
)
from kiosk_app.domain.scoring.smoking import (
    QriskSmoking,
    SmokingResult,
    qrisk_smoking_category,
    score_smoking,
)
from kiosk_app.domain.scoring.weight import (
    LOWER_THRESHOLD_ETHNICITIES,
    BmiCategory,
    BmiThresholds,
    WeightCaution,
    WeightResult,
    WhtrCategory,
    WhtrNotAssessed,
    bmi_value,
    classify_bmi,
    classify_whtr,
    score_weight,
    thresholds_for,
)

__all__ = [
    "ADULT_AGE",
    "LOWER_THRESHOLD_ETHNICITIES",
    "AlcoholResult",
    "AuditCBand",
    "BloodPressureResult",
    "BmiCategory",
    "BmiThresholds",
    "BpCategory",
    "BpStep",
    "MindResult",
    "Phq4Band",
    "Phq4Score",
    "QriskSmoking",
    "Rag",
    "RagSummary",
    "SmokingResult",
    "WeightCaution",
    "WeightResult",
    "WhtrCategory",
    "WhtrNotAssessed",
    "audit_c_total",
    "bmi_value",
    "classify_bmi",
    "classify_bp",
    "classify_whtr",
    "next_bp_step",
    "qrisk_smoking_category",
    "rag_alcohol",
    "rag_blood_pressure",
    "rag_mind",
    "rag_smoking",
    "rag_weight",
    "score_alcohol",
    "score_blood_pressure",
    "score_mind",
    "score_phq4",
    "score_smoking",
    "score_weight",
    "summarise_rag",
    "thresholds_for",
]
