"""Observations for one check: the recorded BP, body measures, smoking and scores.

Rules from peers.md §6: BP is one panel Observation with systolic and
diastolic components (not two Observations); every code is sent in LOINC
and SNOMED CT where both are known; the cuff is a ``device`` reference.
Answers-derived Observations point back at the QuestionnaireResponse.
"""

from __future__ import annotations

from collections.abc import Callable

from upstream.fhir import codes
from upstream.fhir.codes import Concept
from upstream.plaintext import RecordPlaintext

Resource = dict[str, object]
# The Device reference for a reading, by its 0-based position, if it came from one.
DeviceOf = Callable[[int], str | None]


class _Builder:
    def __init__(self, record: RecordPlaintext, questionnaire_response: str) -> None:
        self.effective = record.completed_at.isoformat()
        self.derived_from = [{"reference": questionnaire_response}]
        self.made: list[tuple[str, Resource]] = []

    def add(
        self,
        name: str,
        concept: Concept,
        category: list[dict[str, object]],
        fields: dict[str, object],
        *,
        from_answers: bool = False,
    ) -> None:
        """One Observation; ``fields`` holds its value[x], components, device."""
        resource: Resource = {
            "resourceType": "Observation",
            "status": "final",
            "category": category,
            "code": concept.codeable(),
            "effectiveDateTime": self.effective,
            **fields,
        }
        if from_answers:
            resource["derivedFrom"] = self.derived_from
        self.made.append((name, resource))


def observations(
    record: RecordPlaintext, *, questionnaire_response: str, device_of: DeviceOf
) -> list[tuple[str, Resource]]:
    """``(name, Observation)`` pairs; the name makes each resource's stable id."""
    build = _Builder(record, questionnaire_response)
    _blood_pressure(build, record, device_of)
    _body(build, record)
    _smoking(build, record)
    _scores(build, record)
    return build.made


def _blood_pressure(build: _Builder, record: RecordPlaintext, device_of: DeviceOf) -> None:
    bp = record.result.blood_pressure
    if bp is None:
        return
    # The clinic BP the kiosk recorded (NG136 decides which reading counts).
    device = device_of(bp.recorded_reading_number - 1)
    provenance: dict[str, object] = {"device": {"reference": device}} if device else {}
    components = [
        {"code": concept.codeable(), "valueQuantity": codes.quantity(value, "mmHg", "mm[Hg]")}
        for concept, value in (
            (codes.SYSTOLIC, bp.recorded.systolic),
            (codes.DIASTOLIC, bp.recorded.diastolic),
        )
    ]
    build.add(
        "blood-pressure",
        codes.BP_PANEL,
        codes.VITAL_SIGNS,
        {"component": components, **provenance},
    )
    if bp.recorded.pulse is not None:
        pulse = codes.quantity(bp.recorded.pulse, "beats/minute", "/min")
        build.add(
            "heart-rate",
            codes.HEART_RATE,
            codes.VITAL_SIGNS,
            {"valueQuantity": pulse, **provenance},
        )


def _body(build: _Builder, record: RecordPlaintext) -> None:
    body = record.answers.body
    measured = (
        ("body-weight", codes.WEIGHT, body.weight_kg, "kg"),
        ("body-height", codes.HEIGHT, body.height_cm, "cm"),
        ("waist-circumference", codes.WAIST, body.waist_cm, "cm"),
    )
    for name, concept, value, unit in measured:
        if value is not None:
            quantity = codes.quantity(value, unit, unit)
            build.add(name, concept, codes.VITAL_SIGNS, {"valueQuantity": quantity})
    weight = record.result.weight
    if weight is not None and weight.bmi is not None:
        bmi = codes.quantity(weight.bmi, "kg/m2", "kg/m2")
        build.add("bmi", codes.BMI, codes.VITAL_SIGNS, {"valueQuantity": bmi})


def _smoking(build: _Builder, record: RecordPlaintext) -> None:
    smoking = record.answers.smoking
    if smoking is None:
        return
    code, display = codes.SMOKING_ANSWERS[smoking.status.value]
    answer = {
        "coding": [{"system": codes.SNOMED, "code": code, "display": display}],
        "text": display,
    }
    build.add(
        "smoking-status",
        codes.SMOKING_STATUS,
        codes.SOCIAL_HISTORY,
        {"valueCodeableConcept": answer},
        from_answers=True,
    )


def _scores(build: _Builder, record: RecordPlaintext) -> None:
    result = record.result
    scores: list[tuple[str, Concept, int]] = []
    if result.alcohol is not None:
        scores.append(("audit-c", codes.AUDIT_C, result.alcohol.total))
    phq4 = result.mind.phq4 if result.mind is not None else None
    if phq4 is not None:
        scores.append(("phq-4", codes.PHQ4, phq4.total))
        scores.append(("phq-2", codes.PHQ2, phq4.phq2))
        scores.append(("gad-2", codes.GAD2, phq4.gad2))
    for name, concept, value in scores:
        quantity = codes.score(value)
        build.add(name, concept, codes.SURVEY, {"valueQuantity": quantity}, from_answers=True)
