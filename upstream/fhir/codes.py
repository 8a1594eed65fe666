"""Codes for the export: LOINC and SNOMED CT side by side (peers.md §6).

UK GP systems read SNOMED CT; LOINC is the international code. Both are
sent wherever peers.md §6 has both. Where it has no SNOMED CT concept for
the question, the LOINC code stands alone (noted per code below). peers.md
asks for these to be checked against the NHS SNOMED CT browser and
loinc.org before release.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

LOINC: Final = "http://loinc.org"
SNOMED: Final = "http://snomed.info/sct"
UCUM: Final = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"


@dataclass(frozen=True, slots=True)
class Concept:
    text: str
    loinc: tuple[str, str] | None  # (code, display)
    snomed: tuple[str, str] | None

    def codeable(self) -> dict[str, object]:
        coding: list[dict[str, str]] = []
        for system, pair in ((LOINC, self.loinc), (SNOMED, self.snomed)):
            if pair is not None:
                coding.append({"system": system, "code": pair[0], "display": pair[1]})
        return {"coding": coding, "text": self.text}


BP_PANEL = Concept(
    "Blood pressure",
    ("85354-9", "Blood pressure panel with all children optional"),
    ("75367002", "Blood pressure"),
)
SYSTOLIC = Concept(
    "Systolic blood pressure",
    ("8480-6", "Systolic blood pressure"),
    ("72313002", "Systolic arterial pressure"),
)
DIASTOLIC = Concept(
    "Diastolic blood pressure",
    ("8462-4", "Diastolic blood pressure"),
    ("1091811000000102", "Diastolic arterial pressure"),
)
HEART_RATE = Concept("Pulse rate", ("8867-4", "Heart rate"), ("444981005", "Resting heart rate"))
WEIGHT = Concept("Body weight", ("29463-7", "Body weight"), ("27113001", "Body weight"))
HEIGHT = Concept("Body height", ("8302-2", "Body height"), ("50373000", "Body height measure"))
BMI = Concept("Body mass index", ("39156-5", "Body mass index (BMI) [Ratio]"), ("60621009", "BMI"))
WAIST = Concept(
    "Waist circumference",
    ("8280-0", "Waist Circumference at umbilicus by Tape measure"),
    ("276361009", "Waist circumference"),
)
# peers.md §6 gives SNOMED CT for the answers, not for the question.
SMOKING_STATUS = Concept("Tobacco smoking status", ("72166-2", "Tobacco smoking status"), None)
SMOKING_ANSWERS: Final = {
    "current": ("77176002", "Smoker"),
    "ex": ("8517006", "Ex-smoker"),
    "never": ("266919005", "Never smoked tobacco"),
}
AUDIT_C = Concept(
    "AUDIT-C total score",
    ("75626-2", "Total score [AUDIT-C]"),
    ("763256006", "Alcohol Use Disorders Identification Test - Consumption score"),
)
PHQ2 = Concept(
    "PHQ-2 total score",
    ("55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]"),
    ("836541000000100", "Patient Health Questionnaire 2 item score"),
)
# No SNOMED CT concept found (peers.md §6); LOINC 70273-5 is itself unverified.
GAD2 = Concept(
    "GAD-2 total score",
    ("70273-5", "Generalized anxiety disorder 2 item (GAD-2) total score [Reported.PHQ]"),
    None,
)
# No SNOMED CT concept found (peers.md §6).
PHQ4 = Concept(
    "PHQ-4 total score", ("70272-0", "Patient Health Questionnaire-4 total score [Reported]"), None
)


def category(code: str, display: str) -> list[dict[str, object]]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code, "display": display}]}]


VITAL_SIGNS: Final = category("vital-signs", "Vital Signs")
SOCIAL_HISTORY: Final = category("social-history", "Social History")
SURVEY: Final = category("survey", "Survey")


def quantity(value: float, unit: str, code: str) -> dict[str, object]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def score(value: int) -> dict[str, object]:
    return quantity(value, "score", "{score}")
