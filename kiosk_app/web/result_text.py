"""The words shown for each result code, in plain English (translated at render).

The scoring core returns codes; this table is the one place that says what a
code means to a resident and what to do next. Every sentence traces to
clinical.md (section beside it). ``N_`` only marks a string for extraction:
the template translates it into the resident's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from kiosk_app.domain.scoring.alcohol import AuditCBand
from kiosk_app.domain.scoring.blood_pressure import BpCategory
from kiosk_app.domain.scoring.mind import Phq4Band
from kiosk_app.domain.scoring.rag import Rag
from kiosk_app.domain.scoring.weight import BmiCategory, WhtrCategory


def N_(message: str) -> str:  # noqa: N802  (gettext's conventional name)
    return message


@dataclass(frozen=True, slots=True)
class Explanation:
    meaning: str
    next_step: str


RAG_WORDS: Final = MappingProxyType(
    {
        # Colour is never the only signal: each colour has its own word.
        Rag.GREEN: N_("Healthy"),
        Rag.AMBER: N_("Take care"),
        Rag.RED: N_("Act now"),
        Rag.GREY: N_("Not checked"),
    }
)

DOMAIN_TITLES: Final = MappingProxyType(
    {
        "blood_pressure": N_("Blood pressure"),
        "weight": N_("Healthy weight"),
        "smoking": N_("Smoking"),
        "alcohol": N_("Alcohol"),
        "mind": N_("Healthy mind"),
    }
)

BLOOD_PRESSURE: Final = MappingProxyType(
    {
        # clinical.md §1.4 bands; §1.5 actions. A clinic reading is never a
        # diagnosis (§1.4), so the wording is "in the … range".
        BpCategory.LOW: Explanation(
            N_("Your blood pressure is low (below 90/60)."),
            N_("This is often fine. If you feel dizzy or faint, talk to your GP."),
        ),
        BpCategory.NORMAL: Explanation(
            N_("Your blood pressure is in the healthy range."),
            N_("Keep up your healthy habits."),
        ),
        BpCategory.HIGH_NORMAL: Explanation(
            N_(
                "Your blood pressure is a little higher than ideal (above 120/80 but below 140/90)."
            ),
            N_("Healthy habits can help bring it down."),
        ),
        BpCategory.STAGE_1: Explanation(
            N_(
                "Your reading is in the stage 1 range for high blood pressure (140/90 to 159/99). "
                "One check cannot tell if you have high blood pressure."
            ),
            N_(
                "Ask a pharmacy or your GP to check your blood pressure over a day or a week at "
                "home. This is called ambulatory or home monitoring."
            ),
        ),
        BpCategory.STAGE_2: Explanation(
            N_(
                "Your reading is in the stage 2 range for high blood pressure (160/100 or higher). "
                "One check cannot tell if you have high blood pressure."
            ),
            N_(
                "Ask a pharmacy or your GP to check your blood pressure over a day or a week at "
                "home. This is called ambulatory or home monitoring."
            ),
        ),
        BpCategory.SEVERE: Explanation(
            N_("Your reading is very high (180/120 or higher)."),
            N_("Get a same-day appointment with your GP or an urgent care service today."),
        ),
    }
)

BMI: Final = MappingProxyType(
    {
        # clinical.md §2.2 categories.
        BmiCategory.UNDERWEIGHT: Explanation(
            N_("Your BMI is in the underweight range."),
            N_("Talk to your GP about your weight."),
        ),
        BmiCategory.HEALTHY: Explanation(
            N_("Your BMI is in the healthy range."),
            N_("Keep up your healthy habits."),
        ),
        BmiCategory.OVERWEIGHT: Explanation(
            N_("Your BMI is in the overweight range."),
            N_(
                "Your GP or a pharmacy can tell you about free local support to reach a "
                "healthier weight."
            ),
        ),
        BmiCategory.OBESITY_CLASS_1: Explanation(
            N_("Your BMI is in the obesity range."),
            N_(
                "Your GP or a pharmacy can tell you about free local support to reach a "
                "healthier weight."
            ),
        ),
        BmiCategory.OBESITY_CLASS_2: Explanation(
            N_("Your BMI is in the obesity range."),
            N_(
                "Your GP or a pharmacy can tell you about free local support to reach a "
                "healthier weight."
            ),
        ),
        BmiCategory.OBESITY_CLASS_3: Explanation(
            N_("Your BMI is in the severe obesity range."),
            N_("Talk to your GP about support to reach a healthier weight."),
        ),
    }
)

WAIST: Final = MappingProxyType(
    {
        # clinical.md §2.3: "keep your waist to less than half your height".
        WhtrCategory.BELOW_0_4_NOT_CLASSIFIED: N_(
            "Your waist is less than 4 tenths of your height."
        ),
        WhtrCategory.HEALTHY: N_("Your waist is less than half your height. This is healthy."),
        WhtrCategory.INCREASED: N_(
            "Your waist is more than half your height. This increases your health risk."
        ),
        WhtrCategory.HIGH: N_(
            "Your waist is much more than half your height. This further "
            "increases your health risk."
        ),
    }
)

ALCOHOL: Final = MappingProxyType(
    {
        # clinical.md §3.3 bands and actions; §3.4 the CMO weekly guideline.
        AuditCBand.LOWER_RISK: Explanation(
            N_("Your drinking is lower risk."),
            N_(
                "To keep health risks low, drink no more than 14 units a week, spread over 3 "
                "or more days."
            ),
        ),
        AuditCBand.INCREASING_RISK: Explanation(
            N_("Your drinking could start to harm your health (increasing risk)."),
            N_(
                "Cutting down helps. A pharmacist or your GP can give you advice and ask a "
                "few more questions."
            ),
        ),
        AuditCBand.HIGHER_RISK: Explanation(
            N_("Your drinking is likely to be harming your health (higher risk)."),
            N_(
                "Cutting down helps. A pharmacist or your GP can give you advice and ask a "
                "few more questions."
            ),
        ),
        AuditCBand.POSSIBLE_DEPENDENCE: Explanation(
            N_("Your answers suggest you may be dependent on alcohol."),
            N_(
                "Talk to your GP about a specialist alcohol assessment. If you get shaking, "
                "sweating or anxiety before your first drink, speak to your GP before you stop "
                "drinking."
            ),
        ),
    }
)

MIND: Final = MappingProxyType(
    {
        # clinical.md §4.1 PHQ-4 bands; a positive subscale leads to NHS
        # Talking Therapies self-referral or the GP.
        Phq4Band.NONE: N_("Your answers do not suggest anxiety or low mood."),
        Phq4Band.MILD: N_("Your answers suggest some signs of anxiety or low mood."),
        Phq4Band.MODERATE: N_("Your answers suggest signs of anxiety or low mood."),
        Phq4Band.SEVERE: N_("Your answers suggest strong signs of anxiety or low mood."),
    }
)

MIND_HELP = N_("You can refer yourself to NHS Talking Therapies for free, or talk to your GP.")
