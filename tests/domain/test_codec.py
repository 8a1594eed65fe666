"""The strict answers codec and the result encoder (docs/score-json.md)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    Sex,
    SmokingAnswers,
    SmokingStatus,
    VapingStatus,
)
from kiosk_app.domain.codec import (
    AnswersFormatError,
    answers_from_json,
    answers_to_json,
    result_to_json,
)
from kiosk_app.domain.vital5 import score_check

FULL: dict[str, Any] = {
    "about": {
        "age": 44,
        "sex": "female",
        "ethnicity": "black_african",
        "pregnant": False,
        "postcode": "SE11 5QY",
    },
    "bp_readings": [
        {"systolic": 182, "diastolic": 104, "pulse": 80, "irregular_pulse": True, "source": "cuff"},
        {"systolic": 185, "diastolic": 110},
    ],
    "body": {"height_cm": 158, "weight_kg": 66.4, "waist_cm": 81.5},
    "smoking": {"status": "current", "cigarettes_per_day": 20, "other_tobacco": True},
    "alcohol": {"q1": 1, "q2": 0, "q3": 0},
    "mind": {
        "phq4": {"nervous": 0, "worrying": 1, "little_interest": 2, "feeling_down": 3},
        "self_harm_thoughts": True,
    },
}

FULL_ANSWERS = CheckAnswers(
    about=AboutYou(44, Sex.FEMALE, Ethnicity.BLACK_AFRICAN, pregnant=False, postcode="SE11 5QY"),
    bp_readings=(
        BloodPressureReading(182, 104, pulse=80, irregular_pulse=True, source="cuff"),
        BloodPressureReading(185, 110),
    ),
    body=BodyMeasurements(height_cm=158, weight_kg=66.4, waist_cm=81.5),
    smoking=SmokingAnswers(SmokingStatus.CURRENT, cigarettes_per_day=20, other_tobacco=True),
    alcohol=AuditCAnswers(1, 0, 0),
    mind=MindAnswers(
        Phq4Answers(
            Frequency.NOT_AT_ALL,
            Frequency.SEVERAL_DAYS,
            Frequency.MORE_THAN_HALF_THE_DAYS,
            Frequency.NEARLY_EVERY_DAY,
        ),
        self_harm_thoughts=True,
    ),
)

MINIMAL = {"about": {"age": 30, "sex": "not_stated", "ethnicity": "not_stated"}}


def test_full_answers_decode() -> None:
    assert answers_from_json(FULL) == FULL_ANSWERS


def test_minimal_answers_use_defaults() -> None:
    answers = answers_from_json(MINIMAL)
    assert answers == CheckAnswers(about=AboutYou(30, Sex.NOT_STATED, Ethnicity.NOT_STATED))


def test_nulls_mean_skipped() -> None:
    data = {**MINIMAL, "bp_readings": None, "body": None, "smoking": None, "mind": None}
    assert answers_from_json(data) == answers_from_json(MINIMAL)


def test_q1_never_without_q2_q3() -> None:
    data = {**MINIMAL, "alcohol": {"q1": 0, "q2": None}}
    assert answers_from_json(data).alcohol == AuditCAnswers(q1=0)


def _set(path: str, value: object) -> dict[str, Any]:
    """FULL with one value replaced; `value` of ... deletes the key."""
    data = copy.deepcopy(FULL)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: int | str = int(last) if isinstance(node, list) else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return data


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        pytest.param({**FULL, "extra": 1}, "extra", "unknown field", id="unknown-top"),
        pytest.param(_set("about.nickname", "x"), "about.nickname", "unknown", id="unknown-about"),
        pytest.param(_set("about", ...), "about", "missing", id="about-missing"),
        pytest.param(_set("about.age", ...), "about.age", "missing", id="age-missing"),
        pytest.param(_set("about.age", "44"), "about.age", "integer", id="age-string"),
        pytest.param(_set("about.age", True), "about.age", "integer", id="age-bool"),
        pytest.param(_set("about.age", 44.0), "about.age", "integer", id="age-float"),
        pytest.param(_set("about.age", -1), "about.age", "0 to 150", id="age-negative"),
        pytest.param(_set("about.sex", "f"), "about.sex", "female", id="sex-unknown-code"),
        pytest.param(_set("about.ethnicity", 3), "about.ethnicity", "one of", id="eth-number"),
        pytest.param(_set("about.pregnant", "no"), "about.pregnant", "true or false", id="preg"),
        pytest.param(_set("about.postcode", 123), "about.postcode", "string", id="postcode"),
        pytest.param(_set("bp_readings", {}), "bp_readings", "array", id="readings-object"),
        pytest.param(_set("bp_readings.1", 120), "bp_readings[1]", "object", id="reading-int"),
        pytest.param(
            _set("bp_readings.0.systolic", 120.5), "bp_readings[0].systolic", "integer", id="sys"
        ),
        pytest.param(
            _set("bp_readings.1.diastolic", 0), "bp_readings[1].diastolic", "at least 1", id="dia"
        ),
        pytest.param(
            _set("bp_readings.0.irregular_pulse", 1),
            "bp_readings[0].irregular_pulse",
            "true or false",
            id="irregular-int",
        ),
        pytest.param(_set("bp_readings.0.sys", 1), "bp_readings[0].sys", "unknown", id="typo"),
        pytest.param(_set("body.height_cm", 0), "body.height_cm", "positive", id="height-0"),
        pytest.param(_set("body.weight_kg", "66"), "body.weight_kg", "number", id="weight-str"),
        pytest.param(_set("body.waist_cm", True), "body.waist_cm", "number", id="waist-bool"),
        pytest.param(
            _set("body.height_cm", float("nan")), "body.height_cm", "positive", id="height-nan"
        ),
        pytest.param(_set("smoking.status", "yes"), "smoking.status", "current", id="status"),
        pytest.param(_set("smoking.status", "ex"), "smoking.cigarettes_per_day", "only", id="cigs"),
        pytest.param(
            _set("smoking.cigarettes_per_day", -1),
            "smoking.cigarettes_per_day",
            "at least 0",
            id="neg",
        ),
        pytest.param(_set("smoking.vaping", "sometimes"), "smoking.vaping", "one of", id="vaping"),
        pytest.param(_set("alcohol.q1", 5), "alcohol.q1", "0 to 4", id="q1-5"),
        pytest.param(_set("alcohol.q3", -1), "alcohol.q3", "0 to 4", id="q3-negative"),
        pytest.param(_set("alcohol.q2", ...), "alcohol.q2", "required", id="q2-missing"),
        pytest.param(
            {**MINIMAL, "alcohol": {"q1": 0, "q2": 1}}, "alcohol.q2", "'Never'", id="A1-q2-given"
        ),
        pytest.param(_set("alcohol", [1, 0, 0]), "alcohol", "object", id="alcohol-array"),
        pytest.param(_set("mind.phq4.nervous", 4), "mind.phq4.nervous", "0 to 3", id="item-4"),
        pytest.param(
            _set("mind.phq4.feeling_down", ...), "mind.phq4.feeling_down", "missing", id="item-gone"
        ),
        pytest.param(
            _set("mind.self_harm_thoughts", "yes"), "mind.self_harm_thoughts", "true", id="harm"
        ),
    ],
)
def test_bad_input_names_the_field(data: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(AnswersFormatError, match=message) as caught:
        answers_from_json(data)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)


def test_not_an_object() -> None:
    with pytest.raises(AnswersFormatError, match=r"^input: expected a JSON object$"):
        answers_from_json([])  # type: ignore[arg-type]


def test_result_json_full_example() -> None:
    out = result_to_json(score_check(FULL_ANSWERS))
    json.dumps(out)
    assert out["schema"] == "vital5.score.v1"
    assert out["needs_urgent_page"] is True
    # Severe BP (recorded 182/104 after a 3 mmHg difference) and disclosure.
    assert out["urgent_flags"] == ["bp_severe_same_day_assessment", "mental_health_crisis_signpost"]
    bp = out["blood_pressure"]
    assert isinstance(bp, dict)
    assert bp["recorded"] == {
        "systolic": 182,
        "diastolic": 104,
        "pulse": 80,
        "irregular_pulse": True,
        "source": "cuff",
        "provenance": None,
    }
    assert (bp["category"], bp["irregular_pulse_caution"]) == ("severe", True)
    # 66.4 / 1.58² = 26.598 -> 26.6, overweight on the lower thresholds;
    # WHtR 81.5 / 158 = 0.5158 -> 0.52.
    weight = out["weight"]
    assert isinstance(weight, dict)
    assert (weight["bmi"], weight["bmi_category"], weight["whtr"]) == (26.6, "overweight", 0.52)
    assert out["smoking"] == {
        "status": "current",
        "smoking_flag": True,
        "qrisk_smoking_category": 4,
        "cigarettes_per_day": 20,
        "other_tobacco": True,
        "vaping": None,
        "current_vaper": False,
    }
    assert out["rag"] == {
        "blood_pressure": "red",
        "weight": "amber",
        "alcohol": "green",
        "mind": "red",
        "smoking": "red",
    }


def test_result_json_nothing_checked() -> None:
    out = result_to_json(score_check(answers_from_json(MINIMAL)))
    for domain in ("blood_pressure", "weight", "alcohol", "mind", "smoking"):
        assert out[domain] is None
    assert out["urgent_flags"] == []
    assert out["needs_urgent_page"] is False


def test_answers_to_json_round_trips_the_full_example() -> None:
    encoded = answers_to_json(FULL_ANSWERS)
    assert answers_from_json(json.loads(json.dumps(encoded))) == FULL_ANSWERS


_codec_valid = st.builds(
    CheckAnswers,
    about=st.builds(
        AboutYou,
        age=st.integers(0, 150),
        sex=st.sampled_from(Sex),
        ethnicity=st.sampled_from(Ethnicity),
        pregnant=st.none() | st.booleans(),
        postcode=st.none() | st.text(max_size=8),
    ),
    bp_readings=st.lists(
        st.builds(
            BloodPressureReading,
            systolic=st.integers(1, 300),
            diastolic=st.integers(1, 200),
            pulse=st.none() | st.integers(1, 250),
            irregular_pulse=st.booleans(),
            source=st.sampled_from(["manual", "cuff-7"]),
        ),
        max_size=4,
    ).map(tuple),
    body=st.builds(
        BodyMeasurements,
        height_cm=st.none() | st.floats(1, 250),
        weight_kg=st.none() | st.floats(1, 300),
        waist_cm=st.none() | st.integers(1, 200),
    ),
    smoking=st.none()
    | st.builds(SmokingAnswers, st.sampled_from([SmokingStatus.NEVER, SmokingStatus.EX]))
    | st.builds(
        SmokingAnswers,
        st.just(SmokingStatus.CURRENT),
        cigarettes_per_day=st.none() | st.integers(0, 60),
        other_tobacco=st.booleans(),
        vaping=st.none() | st.sampled_from(VapingStatus),
    ),
    alcohol=st.none()
    | st.just(AuditCAnswers(0))
    | st.builds(AuditCAnswers, st.integers(1, 4), st.integers(0, 4), st.integers(0, 4)),
    mind=st.none()
    | st.builds(
        MindAnswers,
        phq4=st.none() | st.builds(Phq4Answers, *[st.sampled_from(Frequency)] * 4),
        self_harm_thoughts=st.none() | st.booleans(),
    ),
)


@given(_codec_valid)
def test_answers_round_trip_through_json_text(answers: CheckAnswers) -> None:
    text = json.dumps(answers_to_json(answers))
    assert answers_from_json(json.loads(text)) == answers
