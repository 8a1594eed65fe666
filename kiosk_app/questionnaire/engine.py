"""The questionnaire's decisions, as pure functions over plain values.

Given the form (data) and the answers so far (a plain mapping), this module
decides which steps show, what a typed value means, whether it is acceptable,
and where the resident goes next. It does no I/O and knows nothing of HTTP:
the web layer gathers the raw strings, calls these functions and renders.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from kiosk_app.questionnaire.limits import LIMITS
from kiosk_app.questionnaire.schema import (
    AllCondition,
    ChoiceValue,
    Condition,
    FieldSpec,
    FieldType,
    Form,
    InCondition,
    Step,
)

Value = ChoiceValue | float | None
Answers = Mapping[str, Value]

# Royal Mail postcode shape: outward code (area + district) then inward code
# (sector digit + unit letters). Lookups against real postcodes come later.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


class ProblemCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    TOO_LOW = "too_low"
    TOO_HIGH = "too_high"
    # Plausible but unusual: asks the person to confirm, refuses nothing.
    UNUSUAL = "unusual"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class Problem:
    field_id: str
    code: ProblemCode
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StepOutcome:
    values: dict[str, Value]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def condition_holds(condition: Condition | None, answers: Answers) -> bool:
    if condition is None:
        return True
    if isinstance(condition, AllCondition):
        return all(condition_holds(c, answers) for c in condition.all)
    value = answers.get(condition.field)
    if isinstance(condition, InCondition):
        # A question not yet answered counts as None, so `in: [null]` can show
        # a step when an earlier question was skipped or not asked.
        return value in condition.in_
    if isinstance(value, int | float) and not isinstance(value, bool):
        return condition.min <= value <= condition.max
    return False


def visible_steps(form: Form, answers: Answers) -> list[Step]:
    """The steps that show, in order.

    A step's condition sees only answers given on earlier steps that still
    show, so an answer left behind on a now-hidden step (pregnancy, after sex
    was changed to male) cannot steer the rest of the check.
    """
    seen: dict[str, Value] = {}
    shown: list[Step] = []
    for step in form.steps:
        if condition_holds(step.when, seen):
            shown.append(step)
            seen.update({f.id: answers[f.id] for f in step.fields if f.id in answers})
    return shown


def normalise_digits(text: str) -> str:
    """Map any Unicode decimal digit (Eastern Arabic, Persian, Bengali …) to 0-9."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _parse_number(spec: FieldSpec, raw: str) -> Decimal | Problem:
    text = normalise_digits(raw).strip().replace(" ", "")
    # A lone comma is a decimal comma in most of the kiosk's languages.
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return Problem(spec.id, ProblemCode.INVALID)
    if not number.is_finite() or (
        spec.type is FieldType.INTEGER and number != number.to_integral_value()
    ):
        return Problem(spec.id, ProblemCode.INVALID)
    return number


def parse_field(spec: FieldSpec, raw: str | None, *, confirmed: bool = False) -> Value | Problem:
    """Turn one raw form value into a typed answer, or say what is wrong."""
    raw = (raw or "").strip()
    if not raw:
        return None if spec.optional else Problem(spec.id, ProblemCode.REQUIRED)
    if spec.type is FieldType.CHOICE:
        for option in spec.options:
            if str(option.value) == raw:
                return option.value
        return Problem(spec.id, ProblemCode.REQUIRED)
    if spec.type is FieldType.POSTCODE:
        compact = raw.upper().replace(" ", "")
        match = _POSTCODE.match(compact)
        if not match:
            return Problem(spec.id, ProblemCode.INVALID)
        return f"{match.group(1)} {match.group(2)}"
    number = _parse_number(spec, raw)
    if isinstance(number, Problem):
        return number
    limits = LIMITS[spec.limits or ""]
    bounds = {"min": _plain(limits.hard.low), "max": _plain(limits.hard.high)}
    if number < limits.hard.low:
        return Problem(spec.id, ProblemCode.TOO_LOW, bounds)
    if number > limits.hard.high:
        return Problem(spec.id, ProblemCode.TOO_HIGH, bounds)
    if number not in limits.usual and not confirmed:
        return Problem(spec.id, ProblemCode.UNUSUAL, {"value": _plain(number)})
    if spec.type is FieldType.INTEGER:
        return int(number)
    return float(round(number, 1))


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def validate_step(
    step: Step, raw: Mapping[str, str], confirmed: Set[str] = frozenset()
) -> StepOutcome:
    """Check every field of one step; keep the good values even if others fail."""
    values: dict[str, Value] = {}
    problems: list[Problem] = []
    for spec in step.fields:
        result = parse_field(spec, raw.get(spec.id), confirmed=spec.id in confirmed)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            values[spec.id] = result
    return StepOutcome(values, tuple(problems))


def step_complete(step: Step, answers: Answers, done: Set[str] = frozenset()) -> bool:
    """A step is complete when each of its fields holds an answer valid *for it*.

    Checking against the step's own options matters when an earlier answer
    changes: an ethnicity chosen under "Asian" is not an answer to the
    "Black" follow-up, so that step asks again.
    """
    if step.kind != "questions":
        return step.id in done
    for spec in step.fields:
        if spec.id not in answers:
            return False
        value = answers[spec.id]
        if value is None:
            if not spec.optional:
                return False
        elif spec.type is FieldType.CHOICE and value not in {o.value for o in spec.options}:
            return False
    return True


def first_incomplete(form: Form, answers: Answers, done: Set[str] = frozenset()) -> Step | None:
    """Where the resident should be now: the first visible step not yet answered."""
    return next(
        (s for s in visible_steps(form, answers) if not step_complete(s, answers, done)), None
    )


def previous_step(form: Form, answers: Answers, step_id: str) -> Step | None:
    steps = visible_steps(form, answers)
    ids = [s.id for s in steps]
    if step_id not in ids:
        return None
    index = ids.index(step_id)
    return steps[index - 1] if index > 0 else None


def relevant_answers(form: Form, answers: Answers) -> dict[str, Value]:
    """Only the answers of steps that still show: a changed answer can hide a step."""
    keep = {spec.id for step in visible_steps(form, answers) for spec in step.fields}
    return {k: v for k, v in answers.items() if k in keep}


def check_blood_pressure_pair(values: Mapping[str, Value]) -> tuple[Problem, ...]:
    """A reading whose diastolic is not below its systolic is impossible.

    bp-devices.md §2.2: reject a record unless systolic > diastolic.
    """
    systolic, diastolic = values.get("systolic"), values.get("diastolic")
    if isinstance(systolic, int) and isinstance(diastolic, int) and diastolic >= systolic:
        return (Problem("diastolic", ProblemCode.CONFLICT),)
    return ()
