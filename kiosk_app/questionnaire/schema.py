"""The shape of a questionnaire file, checked when it is loaded.

A form file that does not match fails at start-up with a message naming the
step and field, never halfway through a resident's check.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from kiosk_app.questionnaire.limits import LIMITS

ChoiceValue = int | str


class FieldType(StrEnum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    CHOICE = "choice"
    POSTCODE = "postcode"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    value: ChoiceValue
    label: str
    hint: str | None = None


class Messages(_Strict):
    required: str | None = None
    invalid: str | None = None
    too_low: str | None = None
    too_high: str | None = None
    unusual: str | None = None
    # Two answers that cannot both be true (a diastolic above the systolic).
    conflict: str | None = None


class FieldSpec(_Strict):
    id: str
    type: FieldType
    label: str
    caption: str | None = None
    hint: str | None = None
    suffix: str | None = None
    optional: bool = False
    options: tuple[Option, ...] = ()
    limits: str | None = None
    messages: Messages = Messages()

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        numeric = self.type in (FieldType.INTEGER, FieldType.DECIMAL)
        if self.type is FieldType.CHOICE and not self.options:
            raise ValueError(f"choice field {self.id!r} has no options")
        if numeric and self.limits not in LIMITS:
            raise ValueError(f"number field {self.id!r} needs limits, one of {sorted(LIMITS)}")
        if not self.optional and self.messages.required is None:
            raise ValueError(f"required field {self.id!r} needs messages.required")
        if numeric and None in (
            self.messages.invalid,
            self.messages.too_low,
            self.messages.too_high,
            self.messages.unusual,
        ):
            raise ValueError(f"number field {self.id!r} needs every range message")
        return self


class InCondition(_Strict):
    field: str
    in_: tuple[ChoiceValue | None, ...] = Field(alias="in")


class RangeCondition(_Strict):
    field: str
    min: int
    max: int


class AllCondition(_Strict):
    all: tuple[Condition, ...]


Condition = InCondition | RangeCondition | AllCondition


class Step(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    section: str
    title: str
    kind: Literal["questions", "blood_pressure"] = "questions"
    when: Condition | None = None
    fields: tuple[FieldSpec, ...] = ()

    @model_validator(mode="after")
    def _has_fields(self) -> Step:
        if self.kind == "questions" and not self.fields:
            raise ValueError(f"step {self.id!r} asks nothing")
        return self


class Form(_Strict):
    form_id: str
    version: int
    steps: tuple[Step, ...]

    @model_validator(mode="after")
    def _unique_steps(self) -> Form:
        ids = [s.id for s in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError("step ids must be unique")
        return self

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


def load_form(path: Path) -> Form:
    """Read and check one questionnaire file."""
    with path.open(encoding="utf-8") as fh:
        return Form.model_validate(yaml.safe_load(fh))
