"""Smoking against clinical.md §5.2 and §9 S1-S2."""

from __future__ import annotations

import pytest

from kiosk_app.domain.answers import SmokingAnswers, SmokingStatus, VapingStatus
from kiosk_app.domain.scoring.smoking import QriskSmoking, qrisk_smoking_category, score_smoking

NEVER, EX, CURRENT = SmokingStatus.NEVER, SmokingStatus.EX, SmokingStatus.CURRENT


# §9 S1: the flag is current tobacco only; dual users count, vaping alone
# does not. Vaping is recorded separately.
@pytest.mark.parametrize(
    ("status", "vaping", "flag", "vaper", "dual"),
    [
        pytest.param(NEVER, None, False, False, False, id="never"),
        pytest.param(NEVER, VapingStatus.CURRENT, False, True, False, id="vape-only-not-smoker"),
        pytest.param(EX, VapingStatus.CURRENT, False, True, False, id="ex-smoker-now-vapes"),
        pytest.param(CURRENT, None, True, False, False, id="current"),
        pytest.param(CURRENT, VapingStatus.NEVER, True, False, False, id="current-never-vaped"),
        pytest.param(CURRENT, VapingStatus.EX, True, False, False, id="current-ex-vaper"),
        pytest.param(CURRENT, VapingStatus.CURRENT, True, True, True, id="dual-user"),
    ],
)
def test_smoking_flag_and_vaping(
    status: SmokingStatus, vaping: VapingStatus | None, flag: bool, vaper: bool, dual: bool
) -> None:
    per_day = 5 if status is CURRENT else None
    result = score_smoking(SmokingAnswers(status=status, cigarettes_per_day=per_day, vaping=vaping))
    assert result.smoking_flag is flag
    assert result.current_vaper is vaper
    assert result.dual_user is dual
    assert result.vaping is vaping
    assert result.status is status


# §5.2 QRISK3 table: 0 non, 1 ex, 2 light <10, 3 moderate 10-19, 4 heavy 20+.
@pytest.mark.parametrize(
    ("status", "per_day", "expected"),
    [
        pytest.param(NEVER, None, QriskSmoking.NON_SMOKER, id="never-0"),
        pytest.param(EX, None, QriskSmoking.EX_SMOKER, id="ex-1"),
        pytest.param(CURRENT, 0, QriskSmoking.LIGHT, id="0-a-day-light"),
        pytest.param(CURRENT, 9, QriskSmoking.LIGHT, id="9-light"),
        pytest.param(CURRENT, 10, QriskSmoking.MODERATE, id="10-moderate"),
        pytest.param(CURRENT, 19, QriskSmoking.MODERATE, id="19-moderate"),
        pytest.param(CURRENT, 20, QriskSmoking.HEAVY, id="20-heavy"),
        pytest.param(CURRENT, 40, QriskSmoking.HEAVY, id="40-heavy"),
        pytest.param(CURRENT, None, None, id="current-count-unknown"),
    ],
)
def test_qrisk_category(status: SmokingStatus, per_day: int | None, expected: int | None) -> None:
    answers = SmokingAnswers(status=status, cigarettes_per_day=per_day)
    assert qrisk_smoking_category(answers) == expected
    assert score_smoking(answers).qrisk_smoking_category == expected


def test_qrisk_codes_are_the_published_numbers() -> None:
    assert [int(code) for code in QriskSmoking] == [0, 1, 2, 3, 4]


def test_vaping_never_changes_the_qrisk_category() -> None:
    plain = SmokingAnswers(status=CURRENT, cigarettes_per_day=12)
    dual = SmokingAnswers(status=CURRENT, cigarettes_per_day=12, vaping=VapingStatus.CURRENT)
    assert qrisk_smoking_category(plain) == qrisk_smoking_category(dual) == QriskSmoking.MODERATE


def test_cigarettes_per_day_kept_only_for_current_smokers() -> None:
    assert (
        score_smoking(SmokingAnswers(status=EX, cigarettes_per_day=20)).cigarettes_per_day is None
    )
    result = score_smoking(SmokingAnswers(status=CURRENT, cigarettes_per_day=20))
    assert result.cigarettes_per_day == 20


def test_other_tobacco_is_recorded() -> None:
    result = score_smoking(SmokingAnswers(status=CURRENT, other_tobacco=True))
    assert result.other_tobacco is True
    assert result.smoking_flag is True
    assert result.qrisk_smoking_category is None


def test_negative_count_raises() -> None:
    with pytest.raises(ValueError, match="negative"):
        qrisk_smoking_category(SmokingAnswers(status=CURRENT, cigarettes_per_day=-1))
