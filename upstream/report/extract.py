"""What one opened record contributes to the equity report. Pure: bytes in, a small value out.

The risks are read from the result the kiosk computed (docs/score-json.md),
never re-scored here, so the report counts exactly what the resident was
told. Every risk uses adult thresholds: under 18 (``adult_thresholds_apply``
false) nothing is assessed.

- **blood pressure**: ``blood_pressure.category`` is ``stage_1``,
  ``stage_2`` or ``severe``; assessed when a category was given.
  Provisional categories (a repeat reading missing) count: the kiosk
  recorded and showed them.
- **weight**: ``weight.bmi_category`` is ``overweight`` or
  ``obesity_class_1`` to ``_3``, on the thresholds the kiosk applied
  (``bmi_thresholds``: standard or the lower ones for some family
  backgrounds); assessed when a BMI category was given (measured, not
  pregnant).
- **alcohol**: AUDIT-C ``alcohol.total`` of 5 or more (clinical.md §3.3);
  assessed when the section was answered.
- **mind**: PHQ-4 ``gad2_positive`` or ``phq2_positive`` (a subscale of 3 or
  more); assessed when the PHQ-4 was answered.
- **smoking**: ``smoking.smoking_flag`` (current tobacco, vaping or not);
  assessed when the section was answered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, ValidationError

from upstream.envelope import RejectedError
from upstream.plaintext import parse_plaintext
from upstream.report.aggregate import RISKS, Risk, age_band, ethnic_group
from upstream.report.geography import normalise_postcode

BP_AT_RISK = frozenset({"stage_1", "stage_2", "severe"})
BMI_AT_RISK = frozenset({"overweight", "obesity_class_1", "obesity_class_2", "obesity_class_3"})
AUDIT_C_AT_RISK = 5  # clinical.md §3.3: increasing risk from 5


class UnreadableRecordError(ValueError):
    """The opened record is not what docs/sync-protocol.md describes."""


class _View(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class _Bp(_View):
    category: str | None = None


class _Weight(_View):
    bmi_category: str | None = None


class _Alcohol(_View):
    total: int


class _Phq4(_View):
    gad2_positive: bool
    phq2_positive: bool


class _Mind(_View):
    phq4: _Phq4 | None = None


class _Smoking(_View):
    smoking_flag: bool


class _Result(_View):
    adult_thresholds_apply: bool
    blood_pressure: _Bp | None = None
    weight: _Weight | None = None
    alcohol: _Alcohol | None = None
    mind: _Mind | None = None
    smoking: _Smoking | None = None


@dataclass(frozen=True, slots=True)
class Partial:
    """A record's facts before its area is looked up. Hashable: equal ones are counted once.

    ``postcode`` is normalised and lives in memory only, for the lookup.
    """

    site_id: str
    postcode: str | None
    age_band: str
    sex: str
    ethnic_group: str
    risks: tuple[bool | None, ...]  # in aggregate.RISKS order


def extract(plaintext: bytes, *, record_id: str, site_id: str) -> Partial:
    """``site_id`` is the device's enrolled site stored with the record (not the record's own)."""
    try:
        record = parse_plaintext(plaintext, record_id)
        result = _Result.model_validate(json.loads(plaintext)["result"])
    except (RejectedError, ValidationError) as error:
        raise UnreadableRecordError(type(error).__name__) from None
    about = record.answers.about
    risks = tuple(_risk(risk, result) for risk in RISKS) if result.adult_thresholds_apply else None
    return Partial(
        site_id=site_id,
        postcode=normalise_postcode(about.postcode) if about.postcode else None,
        age_band=age_band(about.age),
        sex=about.sex.value,
        ethnic_group=ethnic_group(about.ethnicity.value),
        risks=risks or (None,) * len(RISKS),
    )


def _risk(risk: Risk, result: _Result) -> bool | None:
    if risk is Risk.BLOOD_PRESSURE:
        bp = result.blood_pressure
        return None if bp is None or bp.category is None else bp.category in BP_AT_RISK
    if risk is Risk.WEIGHT:
        weight = result.weight
        return (
            None
            if weight is None or weight.bmi_category is None
            else (weight.bmi_category in BMI_AT_RISK)
        )
    if risk is Risk.ALCOHOL:
        return None if result.alcohol is None else result.alcohol.total >= AUDIT_C_AT_RISK
    if risk is Risk.MIND:
        phq4 = result.mind.phq4 if result.mind is not None else None
        return None if phq4 is None else phq4.gad2_positive or phq4.phq2_positive
    smoking = result.smoking
    return None if smoking is None else smoking.smoking_flag
