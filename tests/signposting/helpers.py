"""Build small directories and scored checks for the signposting tests."""

from __future__ import annotations

from typing import Any

import yaml

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
)
from kiosk_app.domain.vital5 import Vital5Result, score_check
from kiosk_app.signposting import Directory, parse_directory

# 1.70 m tall: weight = BMI x 2.89.
HEIGHT_CM = 170.0


def service(service_id: str = "a-service", **fields: Any) -> dict[str, Any]:
    """One valid directory entry; ``fields`` override or add keys."""
    entry: dict[str, Any] = {
        "id": service_id,
        "name": "A service",
        "description": "It helps.",
        "boroughs": ["all"],
        "needs": ["smoking"],
        "kinds": ["stop_smoking"],
        "contact": {"phone": "0300 123 1044"},
        "self_referral": True,
        "languages": [],
        "hours": "",
        "source": "example.org/page",
        "source_date": "2024",
        "verified": True,
        "notes": "",
    }
    entry.update(fields)
    return entry


def directory(*entries: dict[str, Any]) -> Directory:
    return parse_directory(yaml.safe_dump(list(entries)))


def check(
    *,
    age: int = 47,
    sex: Sex = Sex.FEMALE,
    ethnicity: Ethnicity = Ethnicity.WHITE_BRITISH,
    pregnant: bool | None = None,
    bp: tuple[tuple[int, int], ...] = (),
    bmi: float | None = None,
    smoker: bool = False,
    audit_c: tuple[int, int, int] | None = None,
    phq4: tuple[int, int, int, int] | None = None,
    self_harm: bool | None = None,
) -> tuple[Vital5Result, AboutYou]:
    """A scored check built from the few facts a test cares about."""
    about = AboutYou(age=age, sex=sex, ethnicity=ethnicity, pregnant=pregnant)
    body = BodyMeasurements()
    if bmi is not None:
        body = BodyMeasurements(height_cm=HEIGHT_CM, weight_kg=round(bmi * 2.89, 3))
    mind = None
    if phq4 is not None or self_harm is not None:
        items = None if phq4 is None else Phq4Answers(*(Frequency(i) for i in phq4))
        mind = MindAnswers(phq4=items, self_harm_thoughts=self_harm)
    answers = CheckAnswers(
        about=about,
        bp_readings=tuple(BloodPressureReading(s, d) for s, d in bp),
        body=body,
        smoking=SmokingAnswers(SmokingStatus.CURRENT if smoker else SmokingStatus.NEVER),
        alcohol=None if audit_c is None else AuditCAnswers(*audit_c),
        mind=mind,
    )
    return score_check(answers), about
