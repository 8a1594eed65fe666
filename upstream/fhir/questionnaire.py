"""The answers as a QuestionnaireResponse: every answered item, as it was given.

Link ids follow the answers JSON (docs/score-json.md): ``about.age``,
``bp_readings[].systolic`` and so on, so a reader can map them back without
the Questionnaire. Choices are Codings in the service's own code systems;
unanswered items are left out, as FHIR expects.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from kiosk_app.domain.answers import (
    AuditCAnswers,
    BloodPressureReading,
    CheckAnswers,
    MindAnswers,
    SmokingAnswers,
)
from upstream.plaintext import RecordPlaintext

Item = dict[str, object]
_PHQ4_ITEMS = ("nervous", "worrying", "little_interest", "feeling_down")


def questionnaire_response(record: RecordPlaintext, *, fhir_base: str) -> dict[str, object]:
    base = fhir_base.rstrip("/")
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": f"{base}/record-id", "value": record.id},
        "questionnaire": f"{base}/Questionnaire/{record.form_id}|{record.form_version}",
        "status": "completed",
        "authored": record.completed_at.isoformat(),
        "item": _items(record.answers, base),
    }


def _items(answers: CheckAnswers, base: str) -> list[Item]:
    about, body = answers.about, answers.body
    groups: list[Item | None] = [
        _group(
            "about",
            [
                _answer("about.age", "Age", about.age, base),
                _answer("about.sex", "Sex", about.sex, base),
                _answer("about.ethnicity", "Ethnic group", about.ethnicity, base),
                _answer("about.pregnant", "Pregnant", about.pregnant, base),
                _answer("about.postcode", "Postcode", about.postcode, base),
            ],
        ),
        *(_reading(number, reading, base) for number, reading in enumerate(answers.bp_readings, 1)),
        _group(
            "body",
            [
                _answer("body.height_cm", "Height (cm)", body.height_cm, base),
                _answer("body.weight_kg", "Weight (kg)", body.weight_kg, base),
                _answer("body.waist_cm", "Waist (cm)", body.waist_cm, base),
            ],
        ),
        _smoking(answers.smoking, base),
        _alcohol(answers.alcohol, base),
        _mind(answers.mind, base),
    ]
    return [group for group in groups if group is not None]


def _smoking(smoking: SmokingAnswers | None, base: str) -> Item | None:
    if smoking is None:
        return None
    per_day = smoking.cigarettes_per_day
    return _group(
        "smoking",
        [
            _answer("smoking.status", "Tobacco smoking", smoking.status, base),
            _answer("smoking.cigarettes_per_day", "Cigarettes a day", per_day, base),
            _answer("smoking.other_tobacco", "Other tobacco", smoking.other_tobacco, base),
            _answer("smoking.vaping", "Vaping", smoking.vaping, base),
        ],
    )


def _alcohol(alcohol: AuditCAnswers | None, base: str) -> Item | None:
    if alcohol is None:
        return None
    return _group(
        "alcohol",
        [
            _answer(f"alcohol.{name}", f"AUDIT-C question {name[1]} (points)", points, base)
            for name, points in (("q1", alcohol.q1), ("q2", alcohol.q2), ("q3", alcohol.q3))
        ],
    )


def _mind(mind: MindAnswers | None, base: str) -> Item | None:
    if mind is None:
        return None
    items: list[Item | None] = []
    if mind.phq4 is not None:
        for name in _PHQ4_ITEMS:
            points = int(getattr(mind.phq4, name))
            items.append(_answer(f"mind.phq4.{name}", f"PHQ-4: {name}", points, base))
    harm = mind.self_harm_thoughts
    items.append(_answer("mind.self_harm_thoughts", "Thoughts of self-harm", harm, base))
    return _group("mind", items)


def _reading(number: int, reading: BloodPressureReading, base: str) -> Item | None:
    prefix = "bp_readings[].{}"
    return _group(
        "bp_readings[]",
        [
            _answer(prefix.format("systolic"), "Systolic (mmHg)", reading.systolic, base),
            _answer(prefix.format("diastolic"), "Diastolic (mmHg)", reading.diastolic, base),
            _answer(prefix.format("pulse"), "Pulse (per minute)", reading.pulse, base),
            _answer(
                prefix.format("irregular_pulse"), "Irregular pulse", reading.irregular_pulse, base
            ),
            _answer(prefix.format("source"), "Source", reading.source, base),
        ],
        text=f"Blood pressure reading {number}",
    )


def _group(link_id: str, items: Iterable[Item | None], text: str | None = None) -> Item | None:
    answered = [item for item in items if item is not None]
    if not answered:
        return None
    group: Item = {"linkId": link_id, "text": text or link_id, "item": answered}
    return group


def _answer(link_id: str, text: str, value: object, base: str) -> Item | None:
    if value is None:
        return None
    return {"linkId": link_id, "text": text, "answer": [_value(link_id, value, base)]}


def _value(link_id: str, value: object, base: str) -> dict[str, object]:
    if isinstance(value, Enum):
        system = f"{base}/CodeSystem/{link_id.rsplit('.', 1)[-1].replace('_', '-')}"
        return {"valueCoding": {"system": system, "code": str(value.value)}}
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueString": str(value)}
