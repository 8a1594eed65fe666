"""Alcohol: the UK AUDIT-C total and its bands (clinical.md §3).

AUDIT-C is the first three AUDIT questions, each scored 0-4 (§3.2). A total
of 5 or more is "AUDIT-C positive" and calls for the full 10-item AUDIT
(§3.3, verified on the PHE form). The four-band split is from an NHS trust
leaflet only (§3.3 [S], open question §8.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from kiosk_app.domain.answers import AboutYou, AuditCAnswers
from kiosk_app.domain.scoring.blood_pressure import ADULT_AGE

# clinical.md §3.2: every AUDIT-C answer scores 0 to 4.
MAX_POINTS: Final = 4
# clinical.md §3.3: AUDIT-C positive at 5 or more -> complete the full AUDIT.
_FULL_AUDIT_FROM: Final = 5
# clinical.md §3.3: 11-12 possible dependence -> specialist alcohol
# assessment, not brief advice alone (OHID chapter 3).
_SPECIALIST_FROM: Final = 11


class AuditCBand(StrEnum):
    LOWER_RISK = "lower_risk"
    INCREASING_RISK = "increasing_risk"
    HIGHER_RISK = "higher_risk"
    POSSIBLE_DEPENDENCE = "possible_dependence"


# clinical.md §3.3 table: (lowest total of the band, band), highest first.
_BANDS: Final = (
    (_SPECIALIST_FROM, AuditCBand.POSSIBLE_DEPENDENCE),  # 11-12
    (8, AuditCBand.HIGHER_RISK),  # 8-10
    (_FULL_AUDIT_FROM, AuditCBand.INCREASING_RISK),  # 5-7
    (0, AuditCBand.LOWER_RISK),  # 0-4
)


@dataclass(frozen=True, slots=True)
class AlcoholResult:
    total: int
    # None under 18: no adult bands (clinical.md §9 E1).
    band: AuditCBand | None
    adult_thresholds_apply: bool
    full_audit_needed: bool
    specialist_assessment: bool


def _points(name: str, value: int | None) -> int:
    if value is None:
        raise ValueError(f"AUDIT-C {name} is required when q1 is not 'Never'")
    if isinstance(value, bool) or not 0 <= value <= MAX_POINTS:
        raise ValueError(f"AUDIT-C {name} must be 0-{MAX_POINTS}, got {value!r}")
    return value


def audit_c_total(answers: AuditCAnswers) -> int:
    """AUDIT-C total, 0-12 (clinical.md §3.2)."""
    q1 = _points("q1", answers.q1)
    if q1 == 0:
        # clinical.md §9 A1: "Never" skips Q2 and Q3 and scores them 0; the
        # UK Q2 has no "0 units" option, so a stray Q2/Q3 answer is ignored.
        return 0
    return q1 + _points("q2", answers.q2) + _points("q3", answers.q3)


def band_for(total: int) -> AuditCBand:
    """clinical.md §3.3 band of an AUDIT-C total."""
    for lowest, band in _BANDS:
        if total >= lowest:
            return band
    raise ValueError(f"AUDIT-C total must be 0-12, got {total}")


def score_alcohol(answers: AuditCAnswers, about: AboutYou) -> AlcoholResult:
    total = audit_c_total(answers)
    adult = about.age >= ADULT_AGE  # §9 E1
    return AlcoholResult(
        total=total,
        band=band_for(total) if adult else None,
        adult_thresholds_apply=adult,
        full_audit_needed=adult and total >= _FULL_AUDIT_FROM,  # §3.3
        specialist_assessment=adult and total >= _SPECIALIST_FROM,  # §3.3
    )
