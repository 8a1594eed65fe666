"""The whole Vital 5 Check: every domain scored from one `CheckAnswers`.

Functional core. `score_check` is pure: the shell passes in what it
collected and renders what comes back. A skipped section is a domain result
of None, rated grey ("not checked"), never an error.

Only two things are urgent (they open the urgent page before any other
result): a severe-range recorded clinic BP (clinical.md §1.5, §9 B4/B6) and a
disclosure of self-harm thoughts (§4.3, §9 M2). A high PHQ-4 score on its
own is not urgent (M2), and neither is anything else here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk_app.domain.answers import CheckAnswers
from kiosk_app.domain.scoring.alcohol import AlcoholResult, score_alcohol
from kiosk_app.domain.scoring.blood_pressure import (
    ADULT_AGE,
    BloodPressureResult,
    score_blood_pressure,
)
from kiosk_app.domain.scoring.mind import MindResult, score_mind
from kiosk_app.domain.scoring.rag import RagSummary, summarise_rag
from kiosk_app.domain.scoring.smoking import SmokingResult, score_smoking
from kiosk_app.domain.scoring.weight import WeightResult, score_weight


class UrgentFlag(StrEnum):
    # clinical.md §1.5 "App mapping": same-day GP / urgent care; 999 or A&E
    # with acute symptoms.
    BP_SEVERE_SAME_DAY_ASSESSMENT = "bp_severe_same_day_assessment"
    # clinical.md §4.3 / §9 M2: show crisis contacts immediately.
    MENTAL_HEALTH_CRISIS_SIGNPOST = "mental_health_crisis_signpost"


@dataclass(frozen=True, slots=True)
class Vital5Result:
    # clinical.md §9 E1: False under 18, when no adult bands are given.
    adult_thresholds_apply: bool
    blood_pressure: BloodPressureResult | None
    weight: WeightResult | None
    alcohol: AlcoholResult | None
    mind: MindResult | None
    smoking: SmokingResult | None
    rag: RagSummary
    urgent_flags: frozenset[UrgentFlag]

    @property
    def needs_urgent_page(self) -> bool:
        return bool(self.urgent_flags)


def _urgent_flags(
    blood_pressure: BloodPressureResult | None, mind: MindResult | None
) -> frozenset[UrgentFlag]:
    flags: set[UrgentFlag] = set()
    # §9 B6: on the recorded BP; §9 B4: raised even while provisional.
    if blood_pressure is not None and blood_pressure.bp_severe_same_day_assessment:
        flags.add(UrgentFlag.BP_SEVERE_SAME_DAY_ASSESSMENT)
    # §9 M2: only a self-harm disclosure, never the PHQ-4 score.
    if mind is not None and mind.mental_health_crisis_signpost:
        flags.add(UrgentFlag.MENTAL_HEALTH_CRISIS_SIGNPOST)
    return frozenset(flags)


def score_check(answers: CheckAnswers) -> Vital5Result:
    """Score every domain of one check."""
    about = answers.about
    blood_pressure = score_blood_pressure(answers.bp_readings, about)
    weight = score_weight(answers.body, about)
    alcohol = None if answers.alcohol is None else score_alcohol(answers.alcohol, about)
    mind = None if answers.mind is None else score_mind(answers.mind, about)
    smoking = None if answers.smoking is None else score_smoking(answers.smoking)
    return Vital5Result(
        adult_thresholds_apply=about.age >= ADULT_AGE,  # §9 E1
        blood_pressure=blood_pressure,
        weight=weight,
        alcohol=alcohol,
        mind=mind,
        smoking=smoking,
        rag=summarise_rag(
            blood_pressure=blood_pressure,
            weight=weight,
            alcohol=alcohol,
            mind=mind,
            smoking=smoking,
        ),
        urgent_flags=_urgent_flags(blood_pressure, mind),
    )
