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

# Exactly these types (not subclasses: an IntEnum is an int, a StrEnum a str)
# are already JSON values. Most of a check's leaves are, so they go first.
_AS_IS = frozenset({str, int, float, bool, type(None)})


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names (looked up once per type); None for any other type."""
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        names = (
            tuple(f.name for f in dataclasses.fields(cls))
            if dataclasses.is_dataclass(cls)
            else None
        )
        _FIELD_NAMES[cls] = names
        return names


def to_jsonable(value: object) -> object:
    cls = type(value)
    if cls in _AS_IS:
        return value
    names = _field_names(cls)
    if names is not None:
        return {name: to_jsonable(getattr(value, name)) for name in names}
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
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def to_json_object(value: object) -> dict[str, object]:
    """A dataclass as a JSON object (raises TypeError for anything else)."""
    body = to_jsonable(value)
    if not isinstance(body, dict):
        raise TypeError(f"{type(value).__name__} is not encoded as a JSON object")
    return body
