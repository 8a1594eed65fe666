"""Frozen dataclasses to plain JSON values, for every JSON the kiosk writes.

Codes become their string values and IntEnums stay numbers; Decimals (BMI
to 1 dp, WHtR to 2 dp) become JSON numbers; sets become sorted lists; times
become ISO 8601 text; bytes become hex (a device's raw frame).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum, IntEnum


def to_jsonable(value: object) -> object:
    if isinstance(value, IntEnum):
        return int(value)
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, frozenset | set):
        return sorted((to_jsonable(item) for item in value), key=str)
    if isinstance(value, tuple | list):
        return [to_jsonable(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def to_json_object(value: object) -> dict[str, object]:
    """A dataclass as a JSON object (raises TypeError for anything else)."""
    body = to_jsonable(value)
    if not isinstance(body, dict):
        raise TypeError(f"{type(value).__name__} is not encoded as a JSON object")
    return body
