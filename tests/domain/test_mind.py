"""PHQ-4 and the safeguarding answer against clinical.md §4.1, §4.3, §9 M1-M2."""

from __future__ import annotations

import pytest

from kiosk_app.domain.answers import AboutYou, Ethnicity, Frequency, MindAnswers, Phq4Answers, Sex
from kiosk_app.domain.scoring.mind import Phq4Band, band_for, score_mind, score_phq4

ADULT = AboutYou(age=35, sex=Sex.NOT_STATED, ethnicity=Ethnicity.ASIAN_OTHER)
UNDER_18 = AboutYou(age=15, sex=Sex.NOT_STATED, ethnicity=Ethnicity.ASIAN_OTHER)


def _phq4(nervous: int, worrying: int, interest: int, down: int) -> Phq4Answers:
    return Phq4Answers(
        Frequency(nervous), Frequency(worrying), Frequency(interest), Frequency(down)
    )


# §4.1: GAD-2 = items 1+2, PHQ-2 = items 3+4, positive at >=3 (M1); total
# bands 0-2 none, 3-5 mild, 6-8 moderate, 9-12 severe.
@pytest.mark.parametrize(
    ("items", "gad2", "phq2", "total", "band", "gad_pos", "phq_pos"),
    [
        pytest.param((0, 0, 0, 0), 0, 0, 0, Phq4Band.NONE, False, False, id="0"),
        pytest.param((1, 1, 0, 0), 2, 0, 2, Phq4Band.NONE, False, False, id="gad2-2-none"),
        pytest.param((2, 1, 0, 0), 3, 0, 3, Phq4Band.MILD, True, False, id="gad2-3-positive"),
        pytest.param((0, 0, 1, 1), 0, 2, 2, Phq4Band.NONE, False, False, id="phq2-2-negative"),
        pytest.param((0, 0, 2, 1), 0, 3, 3, Phq4Band.MILD, False, True, id="phq2-3-positive"),
        pytest.param((1, 1, 1, 1), 2, 2, 4, Phq4Band.MILD, False, False, id="mild-no-positive"),
        pytest.param((1, 1, 1, 2), 2, 3, 5, Phq4Band.MILD, False, True, id="5-mild"),
        pytest.param((1, 2, 2, 1), 3, 3, 6, Phq4Band.MODERATE, True, True, id="6-moderate"),
        pytest.param((2, 2, 2, 2), 4, 4, 8, Phq4Band.MODERATE, True, True, id="8-moderate"),
        pytest.param((3, 2, 2, 2), 5, 4, 9, Phq4Band.SEVERE, True, True, id="9-severe"),
        pytest.param((3, 3, 3, 3), 6, 6, 12, Phq4Band.SEVERE, True, True, id="12-severe"),
    ],
)
def test_phq4_scoring(
    items: tuple[int, int, int, int],
    gad2: int,
    phq2: int,
    total: int,
    band: Phq4Band,
    gad_pos: bool,
    phq_pos: bool,
) -> None:
    score = score_phq4(_phq4(*items))
    assert (score.gad2, score.phq2, score.total) == (gad2, phq2, total)
    assert score.band is band
    assert (score.gad2_positive, score.phq2_positive) == (gad_pos, phq_pos)
    assert score.any_positive is (gad_pos or phq_pos)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (2, Phq4Band.NONE),
        (3, Phq4Band.MILD),
        (5, Phq4Band.MILD),
        (6, Phq4Band.MODERATE),
        (8, Phq4Band.MODERATE),
        (9, Phq4Band.SEVERE),
    ],
    ids=["2", "3", "5", "6", "8", "9"],
)
def test_band_edges(total: int, band: Phq4Band) -> None:
    assert band_for(total) is band


# §9 M2: only a disclosure raises the crisis signpost; a high score does not.
@pytest.mark.parametrize(
    ("items", "self_harm", "signpost"),
    [
        pytest.param((3, 3, 3, 3), False, False, id="score-12-no-disclosure"),
        pytest.param((3, 3, 3, 3), None, False, id="score-12-declined-question"),
        pytest.param((0, 0, 0, 0), True, True, id="score-0-disclosure"),
        pytest.param(None, True, True, id="phq4-skipped-disclosure"),
        pytest.param(None, False, False, id="phq4-skipped-no-disclosure"),
    ],
)
def test_crisis_signpost_only_on_disclosure(
    items: tuple[int, int, int, int] | None, self_harm: bool | None, signpost: bool
) -> None:
    phq4 = None if items is None else _phq4(*items)
    result = score_mind(MindAnswers(phq4=phq4, self_harm_thoughts=self_harm), ADULT)
    assert result is not None
    assert result.mental_health_crisis_signpost is signpost
    assert (result.phq4 is None) is (items is None)


def test_nothing_answered_is_not_checked() -> None:
    assert score_mind(MindAnswers(), ADULT) is None


def test_under_18_no_bands_but_disclosure_still_signposted() -> None:
    # §9 E1: no adult bands; §4.3: crisis support is for all ages.
    result = score_mind(MindAnswers(phq4=_phq4(3, 3, 3, 3), self_harm_thoughts=True), UNDER_18)
    assert result is not None
    assert result.adult_thresholds_apply is False
    assert result.phq4 is not None
    assert result.phq4.total == 12
    assert result.phq4.band is None
    assert result.phq4.any_positive is False
    assert result.mental_health_crisis_signpost is True


@pytest.mark.parametrize("bad", [4, -1], ids=["4", "negative"])
def test_item_out_of_range_raises(bad: int) -> None:
    answers = Phq4Answers(Frequency(0), Frequency(0), Frequency(0), bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="0-3"):
        score_phq4(answers)
