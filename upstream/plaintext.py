"""What is inside a sealed record, checked after it opens. Pure: no I/O.

The plaintext (docs/sync-protocol.md) carries the answers and the result in
the formats of docs/score-json.md. The answers are decoded with the kiosk's
own strict codec, so the upstream and the kiosk cannot disagree about them.
Of the result only what the FHIR export reads is checked; the rest is kept
untouched in the sealed box (unknown keys there are allowed, so a newer
kiosk's result does not bounce off an older upstream).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk_app.domain.answers import CheckAnswers
from kiosk_app.domain.codec import AnswersFormatError, answers_from_json
from upstream.envelope import RejectCode, RejectedError

_REQUIRED = ("id", "completed_at", "site_id", "mode", "form_id", "form_version")


class _Part(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class RecordedBp(_Part):
    systolic: int
    diastolic: int
    pulse: int | None = None
    source: str | None = None


class BloodPressureView(_Part):
    recorded: RecordedBp
    recorded_reading_number: int = Field(ge=1)
    category: str | None = None


class WeightView(_Part):
    bmi: float | None = None


class AlcoholView(_Part):
    total: int = Field(ge=0, le=12)


class Phq4View(_Part):
    gad2: int = Field(ge=0, le=6)
    phq2: int = Field(ge=0, le=6)
    total: int = Field(ge=0, le=12)


class MindView(_Part):
    phq4: Phq4View | None = None


class ResultView(_Part):
    """The parts of a ``vital5.score.v1`` result that the FHIR export uses."""

    schema_: Literal["vital5.score.v1"] = Field(alias="schema")
    blood_pressure: BloodPressureView | None = None
    weight: WeightView | None = None
    alcohol: AlcoholView | None = None
    mind: MindView | None = None


@dataclass(frozen=True, slots=True)
class RecordPlaintext:
    id: str
    completed_at: datetime
    site_id: str
    mode: str
    form_id: str
    form_version: int
    answers: CheckAnswers
    result: ResultView


def canonical_json(plaintext: bytes) -> bytes:
    """One spelling of the same JSON: how two plaintexts are compared for "same content"."""
    return json.dumps(
        json.loads(plaintext), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def parse_plaintext(plaintext: bytes, envelope_id: str) -> RecordPlaintext:
    """Check an opened record; raises `RejectedError` (``id_mismatch`` or ``malformed``)."""
    try:
        value = json.loads(plaintext, parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _malformed("the plaintext is not JSON") from error
    if not isinstance(value, dict):
        raise _malformed("the plaintext is not a JSON object")
    # Before anything else: a valid ciphertext re-wrapped under another id.
    if value.get("id") != envelope_id:
        raise RejectedError(RejectCode.ID_MISMATCH, "the id inside differs from the envelope's id")
    missing = [key for key in (*_REQUIRED, "answers", "result") if key not in value]
    if missing:
        raise _malformed(f"plaintext: missing {missing}")
    completed_at = _timestamp(value["completed_at"])
    texts = {key: _text(value, key) for key in ("site_id", "mode", "form_id")}
    form_version = value["form_version"]
    if type(form_version) is not int:
        raise _malformed("plaintext.form_version: expected an integer")
    answers_value = value["answers"]
    if not isinstance(answers_value, dict):
        raise _malformed("plaintext.answers: expected a JSON object")
    try:
        answers = answers_from_json(answers_value)
        result = ResultView.model_validate(value["result"])
    # Reasons name the field only, never its value: a reason travels back to
    # the kiosk and is stored there, so it must not echo a resident's answer.
    except AnswersFormatError as error:
        raise _malformed(f"plaintext.answers.{error.field}: invalid") from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _malformed(f"plaintext.result.{where}: invalid") from error
    return RecordPlaintext(
        id=envelope_id,
        completed_at=completed_at,
        site_id=texts["site_id"],
        mode=texts["mode"],
        form_id=texts["form_id"],
        form_version=form_version,
        answers=answers,
        result=result,
    )


def _malformed(reason: str) -> RejectedError:
    return RejectedError(RejectCode.MALFORMED, reason)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _text(value: dict[str, object], key: str) -> str:
    found = value[key]
    if not isinstance(found, str) or not found or len(found) > 64:
        raise _malformed(f"plaintext.{key}: expected a string of 1 to 64 characters")
    return found


def _timestamp(found: object) -> datetime:
    if isinstance(found, str):
        try:
            parsed = datetime.fromisoformat(found)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    raise _malformed("plaintext.completed_at: expected an ISO 8601 time with a time zone")
