"""How a stored answer is shown back to the resident (forms and review)."""

from __future__ import annotations

from kiosk_app.questionnaire.engine import Value


def shown_value(value: Value) -> str:
    """``165`` not ``165.0``: show a number the way the resident typed it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
