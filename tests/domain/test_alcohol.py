"""AUDIT-C scoring against clinical.md §3.2-§3.3 and §9 A1, E1."""

from __future__ import annotations

import pytest

from kiosk_app.domain.answers import AboutYou, AuditCAnswers, Ethnicity, Sex
from kiosk_app.domain.scoring.alcohol import AuditCBand, audit_c_total, band_for, score_alcohol

ADULT = AboutYou(age=30, sex=Sex.MALE, ethnicity=Ethnicity.WHITE_OTHER)
UNDER_18 = AboutYou(age=16, sex=Sex.MALE, ethnicity=Ethnicity.WHITE_OTHER)

LOWER = AuditCBand.LOWER_RISK
INCREASING = AuditCBand.INCREASING_RISK
HIGHER = AuditCBand.HIGHER_RISK
DEPENDENCE = AuditCBand.POSSIBLE_DEPENDENCE


# §3.3: bands 0-4 / 5-7 / 8-10 / 11-12; full AUDIT from 5; specialist from 11.
@pytest.mark.parametrize(
    ("q1", "q2", "q3", "total", "band", "full_audit", "specialist"),
    [
        pytest.param(0, None, None, 0, LOWER, False, False, id="Q1-never-0"),
        pytest.param(1, 0, 0, 1, LOWER, False, False, id="1"),
        pytest.param(2, 1, 1, 4, LOWER, False, False, id="4-lower"),
        pytest.param(2, 2, 1, 5, INCREASING, True, False, id="5-increasing-full-audit"),
        pytest.param(3, 2, 2, 7, INCREASING, True, False, id="7-increasing"),
        pytest.param(4, 2, 2, 8, HIGHER, True, False, id="8-higher"),
        pytest.param(4, 3, 3, 10, HIGHER, True, False, id="10-higher"),
        pytest.param(4, 4, 3, 11, DEPENDENCE, True, True, id="11-dependence-specialist"),
        pytest.param(4, 4, 4, 12, DEPENDENCE, True, True, id="12-dependence"),
    ],
)
def test_audit_c_bands(
    q1: int,
    q2: int | None,
    q3: int | None,
    total: int,
    band: AuditCBand,
    full_audit: bool,
    specialist: bool,
) -> None:
    result = score_alcohol(AuditCAnswers(q1=q1, q2=q2, q3=q3), ADULT)
    assert result.total == total
    assert result.band is band
    assert result.full_audit_needed is full_audit
    assert result.specialist_assessment is specialist
    assert result.adult_thresholds_apply is True


def test_q1_never_skips_q2_and_q3() -> None:
    # §9 A1: "Never" scores 0 and Q2/Q3 are skipped, even if answers leak in.
    assert audit_c_total(AuditCAnswers(q1=0, q2=4, q3=4)) == 0


@pytest.mark.parametrize(
    ("total", "band"),
    [(4, LOWER), (5, INCREASING), (7, INCREASING), (8, HIGHER), (10, HIGHER), (11, DEPENDENCE)],
    ids=["4", "5", "7", "8", "10", "11"],
)
def test_band_edges(total: int, band: AuditCBand) -> None:
    assert band_for(total) is band


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param(AuditCAnswers(q1=5), "q1 must be 0-4", id="q1-5"),
        pytest.param(AuditCAnswers(q1=-1), "q1 must be 0-4", id="q1-negative"),
        pytest.param(AuditCAnswers(q1=2, q2=None, q3=1), "q2 is required", id="q2-missing"),
        pytest.param(AuditCAnswers(q1=2, q2=1, q3=None), "q3 is required", id="q3-missing"),
        pytest.param(AuditCAnswers(q1=2, q2=1, q3=5), "q3 must be 0-4", id="q3-5"),
        pytest.param(AuditCAnswers(q1=True), "q1 must be 0-4", id="q1-bool"),
    ],
)
def test_invalid_answers_raise(answers: AuditCAnswers, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        score_alcohol(answers, ADULT)


def test_band_for_rejects_negative_total() -> None:
    with pytest.raises(ValueError, match="0-12"):
        band_for(-1)


def test_under_18_has_total_but_no_adult_band() -> None:
    # §9 E1: no adult bands at all under 18.
    result = score_alcohol(AuditCAnswers(q1=4, q2=4, q3=4), UNDER_18)
    assert result.total == 12
    assert result.band is None
    assert result.full_audit_needed is False
    assert result.specialist_assessment is False
    assert result.adult_thresholds_apply is False
