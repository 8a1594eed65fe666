"""`vital5 score`: score one check read as JSON, print the result as JSON.

The Typer command in kiosk_app/cli.py reads stdin and calls `score_command`;
keeping the work here, as a function of text to (exit code, text), lets it be
tested without a process or a terminal. Formats: docs/score-json.md.
"""

from __future__ import annotations

import json
from typing import Final

from kiosk_app.domain.codec import AnswersFormatError, answers_from_json, result_to_json
from kiosk_app.domain.vital5 import score_check

EXIT_OK: Final = 0
# Bad input, as for a usage error (the Click/Typer convention).
EXIT_BAD_INPUT: Final = 2


def _reject_constant(name: str) -> object:
    # json.loads accepts NaN and Infinity by default; they are not JSON.
    raise ValueError(f"{name} is not allowed in JSON")


def score_command(stdin_text: str) -> tuple[int, str]:
    """Score the answers JSON in `stdin_text`.

    Returns (0, scored JSON) on success, or (2, one-line error message).
    """
    try:
        data = json.loads(stdin_text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return EXIT_BAD_INPUT, (
            f"error: input is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        )
    except ValueError as exc:
        return EXIT_BAD_INPUT, f"error: input is not valid JSON: {exc}"
    if not isinstance(data, dict):
        return EXIT_BAD_INPUT, "error: input must be a JSON object"
    try:
        answers = answers_from_json(data)
    except AnswersFormatError as exc:
        return EXIT_BAD_INPUT, f"error: {exc}"
    result = score_check(answers)
    return EXIT_OK, json.dumps(result_to_json(result), indent=2, ensure_ascii=False)
