"""`vital5 score` as a function: text in, (exit code, text) out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kiosk_app.cli_score import score_command

DOC = Path(__file__).resolve().parents[2] / "docs" / "score-json.md"

VALID = json.dumps(
    {
        "about": {"age": 61, "sex": "male", "ethnicity": "white_irish"},
        "bp_readings": [{"systolic": 186, "diastolic": 98}],
    }
)


def _doc_example(heading: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## {heading}\n.*?```json\n(.*?)```", text, re.DOTALL | re.MULTILINE)
    assert match is not None, f"no JSON block under '## {heading}'"
    return match.group(1)


def test_valid_input_scores() -> None:
    code, out = score_command(VALID)
    assert code == 0
    result = json.loads(out)
    # One reading of 186/98 is provisional severe: urgent now (§9 B4).
    assert result["blood_pressure"]["category"] == "severe"
    assert result["blood_pressure"]["repeat_reading_required"] is True
    assert result["urgent_flags"] == ["bp_severe_same_day_assessment"]
    assert result["needs_urgent_page"] is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "error: input is not valid JSON: Expecting value", id="empty"),
        pytest.param("{", "error: input is not valid JSON:", id="truncated"),
        pytest.param("[1, 2]", "error: input must be a JSON object", id="array"),
        pytest.param('"about"', "error: input must be a JSON object", id="string"),
        pytest.param('{"about": NaN}', "error: input is not valid JSON: NaN", id="nan"),
        pytest.param("{}", "error: about: required field is missing", id="no-about"),
        pytest.param(
            VALID.replace('"bp_readings"', '"alcohol": {"q1": 2, "q2": 7, "q3": 0}, "bp_readings"'),
            "error: alcohol.q2: must be 0 to 4, got 7",
            id="q2-out-of-range",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(text: str, message: str) -> None:
    code, out = score_command(text)
    assert code == 2
    assert out.startswith(message)
    assert "\n" not in out


def test_documented_example_output_is_what_the_code_produces() -> None:
    code, out = score_command(_doc_example("Example input"))
    assert code == 0
    assert json.loads(out) == json.loads(_doc_example("Example output"))
