"""JSON codec for `vital5 score` and stored checks: answers and results.

The input format is documented in docs/score-json.md. Decoding is strict so
that a typo in a hand-written file fails loudly instead of silently
dropping a section: unknown keys, wrong JSON types and out-of-range points
raise `AnswersFormatError`, whose message starts with the dotted path of the
offending field (for example ``alcohol.q2``).

Booleans are never accepted as numbers (JSON ``true`` is not 1 here), and
BP readings, ages and counts must be JSON integers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import Enum
from typing import Final, TypeVar

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
    ReadingProvenance,
    Sex,
    SmokingAnswers,
    SmokingStatus,
    VapingStatus,
)
from kiosk_app.domain.scoring.alcohol import MAX_POINTS as AUDIT_C_MAX_POINTS
from kiosk_app.domain.scoring.mind import MAX_ITEM_POINTS as PHQ4_MAX_POINTS
from kiosk_app.domain.vital5 import Vital5Result
from kiosk_app.jsonable import to_json_object

SCHEMA: Final = "vital5.score.v1"
# Input sanity only, not a clinical limit.
_MAX_AGE: Final = 150

_E = TypeVar("_E", bound=Enum)


class AnswersFormatError(ValueError):
    """The answers JSON does not match the documented format."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class _Object:
    """One JSON object being decoded, with the dotted path used in errors."""

    def __init__(
        self, value: object, path: str, keys: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> None:
        if not isinstance(value, Mapping):
            raise AnswersFormatError(path or "input", "expected a JSON object")
        self.path = path
        for key in value:
            if key not in keys:
                raise AnswersFormatError(self._at(str(key)), "unknown field")
        for key in required:
            if key not in value:
                raise AnswersFormatError(self._at(key), "required field is missing")
        self._data: dict[str, object] = {str(key): item for key, item in value.items()}

    def _at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self._data.get(key) is not None

    def raw(self, key: str) -> object:
        return self._data.get(key)

    def fail(self, key: str, problem: str) -> AnswersFormatError:
        return AnswersFormatError(self._at(key), problem)

    def integer(self, key: str, low: int, high: int | None = None) -> int:
        value = self._data.get(key)
        if value is None:
            raise self.fail(key, "required, expected an integer")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "expected an integer")
        if value < low or (high is not None and value > high):
            limits = f"{low} to {high}" if high is not None else f"at least {low}"
            raise self.fail(key, f"must be {limits}, got {value}")
        return value

    def opt_integer(self, key: str, low: int, high: int | None = None) -> int | None:
        return self.integer(key, low, high) if self.has(key) else None

    def positive_number(self, key: str) -> float | None:
        if not self.has(key):
            return None
        value = self._data[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "expected a number")
        if not (math.isfinite(value) and value > 0):
            raise self.fail(key, f"must be a positive number, got {value}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        if key not in self._data:
            return default
        value = self._data[key]
        if not isinstance(value, bool):
            raise self.fail(key, "expected true or false")
        return value

    def opt_boolean(self, key: str) -> bool | None:
        return self.boolean(key, False) if self.has(key) else None

    def opt_string(self, key: str) -> str | None:
        value = self._data.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, "expected a string")
        return value

    def choice(self, key: str, kind: type[_E]) -> _E:
        value = self._data.get(key)
        for member in kind:
            if isinstance(value, str) and member.value == value:
                return member
        allowed = ", ".join(str(member.value) for member in kind)
        raise self.fail(key, f"expected one of: {allowed}")

    def opt_choice(self, key: str, kind: type[_E]) -> _E | None:
        return self.choice(key, kind) if self.has(key) else None


def _about(value: object) -> AboutYou:
    obj = _Object(
        value,
        "about",
        ("age", "sex", "ethnicity", "pregnant", "postcode"),
        required=("age", "sex", "ethnicity"),
    )
    return AboutYou(
        age=obj.integer("age", 0, _MAX_AGE),
        sex=obj.choice("sex", Sex),
        ethnicity=obj.choice("ethnicity", Ethnicity),
        pregnant=obj.opt_boolean("pregnant"),
        postcode=obj.opt_string("postcode"),
    )


def _reading(value: object, path: str) -> BloodPressureReading:
    obj = _Object(
        value,
        path,
        ("systolic", "diastolic", "pulse", "irregular_pulse", "source", "provenance"),
        required=("systolic", "diastolic"),
    )
    return BloodPressureReading(
        systolic=obj.integer("systolic", 1),
        diastolic=obj.integer("diastolic", 1),
        pulse=obj.opt_integer("pulse", 1),
        irregular_pulse=obj.boolean("irregular_pulse", False),
        source=obj.opt_string("source") or "manual",
        provenance=_provenance(obj.raw("provenance"), f"{path}.provenance"),
    )


_PROVENANCE_TEXT = ("device_model", "device_id", "firmware", "device_time", "raw_frame_hex")


def _provenance(value: object, path: str) -> ReadingProvenance | None:
    if value is None:
        return None
    obj = _Object(value, path, (*_PROVENANCE_TEXT, "status_bits"))
    return ReadingProvenance(
        **{key: obj.opt_string(key) for key in _PROVENANCE_TEXT},
        status_bits=obj.opt_integer("status_bits", 0, 0xFFFF),
    )


def _readings(value: object) -> tuple[BloodPressureReading, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise AnswersFormatError("bp_readings", "expected a JSON array")
    return tuple(_reading(item, f"bp_readings[{i}]") for i, item in enumerate(value))


def _body(value: object) -> BodyMeasurements:
    if value is None:
        return BodyMeasurements()
    obj = _Object(value, "body", ("height_cm", "weight_kg", "waist_cm"))
    return BodyMeasurements(
        height_cm=obj.positive_number("height_cm"),
        weight_kg=obj.positive_number("weight_kg"),
        waist_cm=obj.positive_number("waist_cm"),
    )


def _smoking(value: object) -> SmokingAnswers | None:
    if value is None:
        return None
    keys = ("status", "cigarettes_per_day", "other_tobacco", "vaping")
    obj = _Object(value, "smoking", keys, required=("status",))
    status = obj.choice("status", SmokingStatus)
    if status is not SmokingStatus.CURRENT and obj.has("cigarettes_per_day"):
        raise obj.fail("cigarettes_per_day", "only allowed when status is 'current'")
    return SmokingAnswers(
        status=status,
        cigarettes_per_day=obj.opt_integer("cigarettes_per_day", 0),
        other_tobacco=obj.boolean("other_tobacco", False),
        vaping=obj.opt_choice("vaping", VapingStatus),
    )


def _alcohol(value: object) -> AuditCAnswers | None:
    if value is None:
        return None
    obj = _Object(value, "alcohol", ("q1", "q2", "q3"), required=("q1",))
    q1 = obj.integer("q1", 0, AUDIT_C_MAX_POINTS)
    if q1 == 0:
        # Rule A1 (clinical.md §9): after "Never" Q2 and Q3 are not asked.
        for key in ("q2", "q3"):
            if obj.has(key):
                raise obj.fail(key, "must be null or absent when q1 is 0 ('Never')")
        return AuditCAnswers(q1=0)
    return AuditCAnswers(
        q1=q1,
        q2=obj.integer("q2", 0, AUDIT_C_MAX_POINTS),
        q3=obj.integer("q3", 0, AUDIT_C_MAX_POINTS),
    )


def _mind(value: object) -> MindAnswers | None:
    if value is None:
        return None
    obj = _Object(value, "mind", ("phq4", "self_harm_thoughts"))
    phq4 = None
    if obj.has("phq4"):
        items = ("nervous", "worrying", "little_interest", "feeling_down")
        inner = _Object(obj.raw("phq4"), "mind.phq4", items, required=items)
        points = [Frequency(inner.integer(item, 0, PHQ4_MAX_POINTS)) for item in items]
        phq4 = Phq4Answers(*points)
    return MindAnswers(phq4=phq4, self_harm_thoughts=obj.opt_boolean("self_harm_thoughts"))


def answers_from_json(obj: Mapping[str, object]) -> CheckAnswers:
    """Decode parsed JSON into `CheckAnswers`; raises `AnswersFormatError`."""
    keys = ("about", "bp_readings", "body", "smoking", "alcohol", "mind")
    top = _Object(obj, "", keys, required=("about",))
    return CheckAnswers(
        about=_about(top.raw("about")),
        bp_readings=_readings(top.raw("bp_readings")),
        body=_body(top.raw("body")),
        smoking=_smoking(top.raw("smoking")),
        alcohol=_alcohol(top.raw("alcohol")),
        mind=_mind(top.raw("mind")),
    )


def answers_to_json(answers: CheckAnswers) -> dict[str, object]:
    """Encode answers in the input format; `answers_from_json` reads it back."""
    return to_json_object(answers)


def result_to_json(result: Vital5Result) -> dict[str, object]:
    """Encode a scored check as plain JSON values (docs/score-json.md)."""
    body = to_json_object(result)
    return {"schema": SCHEMA, "needs_urgent_page": result.needs_urgent_page, **body}
