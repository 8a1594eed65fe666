"""Who a service is for, as data in services.yaml, and the pure check of it.

A service's ``eligibility`` block says which residents it takes, in terms the
check already knows: BMI (clinical.md §2.2, rounded as §9 W1), family
background (ONS 2021 codes), sex, and adult or not (§9 E1). Some services
lower their BMI range for some backgrounds (Lambeth Healthy Weight Hub: 30-40,
or 27.5-40 for Black African, Black Caribbean, Latinx and South Asian
residents; local-services.md §6). Where the ONS codes cannot tell whether a
resident is in a listed group (Latinx has no ONS code), the entry lists those
codes as ``possible_ethnicities`` and the verdict is MAYBE: the resident is
shown the service and told to check with it.

A criterion the check does not ask about (a diagnosis of diabetes) can never
be confirmed here, so such a service is never chosen by the kiosk: a GP or
pharmacist refers to it.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from kiosk_app.domain.answers import Ethnicity, Sex
from kiosk_app.signposting.problems import Code, StrictModel, coded


class Verdict(StrEnum):
    YES = "yes"
    MAYBE = "maybe"  # shown, with "check with them that you can join"
    NO = "no"


def _invalid(message: str) -> Exception:
    return coded(Code.ELIGIBILITY, message)


class BmiRange(StrictModel):
    # Inclusive at both ends, compared with the BMI rounded to 1 dp (§9 W1).
    min: Decimal
    max: Decimal | None = None

    @model_validator(mode="after")
    def _ordered(self) -> BmiRange:
        if self.max is not None and self.max < self.min:
            raise _invalid(f"BMI range min {self.min} is above max {self.max}")
        return self

    def contains(self, bmi: Decimal) -> bool:
        return self.min <= bmi and (self.max is None or bmi <= self.max)


class LowerBmiRange(BmiRange):
    # Backgrounds the lower range is for, as ONS codes.
    ethnicities: Annotated[tuple[Ethnicity, ...], Field(min_length=1)]
    # Codes that may include a listed group the ONS codes cannot separate.
    possible_ethnicities: tuple[Ethnicity, ...] = ()

    @model_validator(mode="after")
    def _disjoint(self) -> LowerBmiRange:
        both = set(self.ethnicities) & set(self.possible_ethnicities)
        if both:
            raise _invalid(f"{sorted(both)[0]!r} is in both ethnicities and possible_ethnicities")
        return self


class Eligibility(StrictModel):
    bmi: BmiRange | None = None
    lower_bmi: LowerBmiRange | None = None
    sexes: tuple[Sex, ...] = ()
    ethnicities: tuple[Ethnicity, ...] = ()
    adults_only: bool = False
    # Conditions the check does not ask about; see the module docstring.
    needs_diagnosis: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Eligibility:
        if self.lower_bmi is not None:
            if self.bmi is None:
                raise _invalid("lower_bmi needs the standard bmi range beside it")
            if self.lower_bmi.min > self.bmi.min:
                raise _invalid("lower_bmi.min must not be above bmi.min")
        return self


def evaluate(
    rule: Eligibility,
    *,
    bmi: Decimal | None,
    ethnicity: Ethnicity,
    sex: Sex,
    adult: bool,
) -> Verdict:
    """Whether a resident meets a service's eligibility (pure)."""
    if rule.needs_diagnosis:
        return Verdict.NO
    if rule.adults_only and not adult:
        return Verdict.NO
    if rule.sexes and sex not in rule.sexes:
        return Verdict.NO
    if rule.ethnicities and ethnicity not in rule.ethnicities:
        return Verdict.NO
    if rule.bmi is None:
        return Verdict.YES
    if bmi is None:
        return Verdict.NO
    if rule.bmi.contains(bmi):
        return Verdict.YES
    lower = rule.lower_bmi
    if lower is None or not lower.contains(bmi):
        return Verdict.NO
    if ethnicity in lower.ethnicities:
        return Verdict.YES
    if ethnicity in lower.possible_ethnicities:
        return Verdict.MAYBE
    return Verdict.NO
