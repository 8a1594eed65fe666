"""Turn the questionnaire's flat answers into the scoring core's typed input.

Pure: the session's answers (field id → value) and the BP readings in, one
``CheckAnswers`` out. A section the resident skipped or never reached
becomes None, and the core reports that domain as not checked.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from kiosk_app.questionnaire.engine import Answers, Value

_PHQ4_FIELDS = ("phq4_nervous", "phq4_worrying", "phq4_little_interest", "phq4_feeling_down")


def _int(value: Value) -> int | None:
    return value if isinstance(value, int) else None


def _float(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _yes_no(value: Value) -> bool | None:
    return {"yes": True, "no": False}.get(str(value)) if value is not None else None


def _about(answers: Answers) -> AboutYou:
    # Ethnicity "not stated" when the group was declined or not yet chosen.
    ethnicity = answers.get("ethnicity") if answers.get("ethnic_group") != "not_stated" else None
    postcode = answers.get("postcode")
    return AboutYou(
        age=_int(answers.get("age")) or 0,
        sex=Sex(str(answers.get("sex", Sex.NOT_STATED))),
        ethnicity=Ethnicity(str(ethnicity)) if ethnicity else Ethnicity.NOT_STATED,
        pregnant=_yes_no(answers.get("pregnant")),
        postcode=postcode if isinstance(postcode, str) else None,
    )


def _smoking(answers: Answers) -> SmokingAnswers | None:
    status = answers.get("smoking_status")
    if status is None:
        return None
    vaping = answers.get("vaping")
    current = status == SmokingStatus.CURRENT
    return SmokingAnswers(
        status=SmokingStatus(str(status)),
        cigarettes_per_day=_int(answers.get("cigarettes_per_day")) if current else None,
        vaping=VapingStatus(str(vaping)) if vaping is not None else None,
    )


def _alcohol(answers: Answers) -> AuditCAnswers | None:
    q1 = _int(answers.get("audit_q1"))
    if q1 is None:
        return None
    if q1 == 0:  # clinical.md §9 A1: Q2 and Q3 are not asked
        return AuditCAnswers(q1=0)
    return AuditCAnswers(q1=q1, q2=_int(answers.get("audit_q2")), q3=_int(answers.get("audit_q3")))


def _mind(answers: Answers) -> MindAnswers | None:
    items = [_int(answers.get(f)) for f in _PHQ4_FIELDS]
    points = [i for i in items if i is not None]
    phq4 = Phq4Answers(*(Frequency(i) for i in points)) if len(points) == len(items) else None
    self_harm = _yes_no(answers.get("self_harm_thoughts"))
    if phq4 is None and self_harm is None:
        return None
    return MindAnswers(phq4=phq4, self_harm_thoughts=self_harm)


def build_check_answers(
    answers: Answers, bp_readings: Sequence[BloodPressureReading]
) -> CheckAnswers:
    return CheckAnswers(
        about=_about(answers),
        bp_readings=tuple(bp_readings),
        body=BodyMeasurements(
            height_cm=_float(answers.get("height_cm")),
            weight_kg=_float(answers.get("weight_kg")),
            waist_cm=_float(answers.get("waist_cm")),
        ),
        smoking=_smoking(answers),
        alcohol=_alcohol(answers),
        mind=_mind(answers),
    )
